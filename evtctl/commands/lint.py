"""`evtctl lint`: check manifests, alone and as one organisation."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import typer

FORMATS = ("text", "json")


def register(app: typer.Typer) -> None:
    @app.command("lint")
    def lint_command(
        paths: list[Path] = typer.Argument(None, help="Files or folders to check (default: .)."),
        format: str = typer.Option("text", "--format", "-f",
                                   help="Output format: " + ", ".join(FORMATS) + "."),
        config: Path | None = typer.Option(None, "--config", "-c",
                                           help="Project config file (default: nearest "
                                                "evtctl.yaml above the paths)."),
        no_cache: bool = typer.Option(False, "--no-cache",
                                      help="Do not read or write the compatibility cache."),
        today: str | None = typer.Option(None, "--today", hidden=True,
                                         help="Pretend today is this date (YYYY-MM-DD)."),
    ) -> None:
        """Check manifests: naming, ownership, references and contract compatibility.

        Exit status: 0 no errors, 1 errors found, 2 bad usage or unreadable input.
        """
        code = run_lint(paths or [Path(".")], format, config, no_cache, today)
        raise typer.Exit(code)


def run_lint(paths: list[Path], format: str, config_path: Path | None, no_cache: bool,
             today: str | None) -> int:
    from evtctl.cli_errors import fail

    if format not in FORMATS:
        return fail(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    when = today or os.environ.get("EVTCTL_TODAY")
    try:
        day = date.fromisoformat(when) if when else None
    except ValueError:
        return fail(f"--today {when!r} is not a date (YYYY-MM-DD)")
    from evtctl.config import ConfigError, load_config
    from evtctl.lint import LintOptions, lint_paths
    from evtctl.manifest.discovery import PathNotFound

    try:
        config = load_config(config_path, paths)
        result = lint_paths(paths, config, LintOptions(today=day, use_cache=not no_cache))
    except ConfigError as exc:
        return fail(str(exc))
    except PathNotFound as exc:
        return fail(f"{exc}; give a manifest file or a folder that holds manifests")
    from evtctl.report import render

    render(result, format)
    return 1 if result.errors else 0
