"""`evtctl lint`: check manifests, alone and as one organisation."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from evtctl.registry.lint import RegistryLint

# Kept in step with evtctl.report.REPORTERS (not imported here: start-up speed).
FORMATS = ("text", "json", "sarif", "github", "junit")
FAIL_ON = ("error", "warning")


@dataclass(frozen=True)
class LintRequest:
    """What the command line asked for, parsed; ``run`` does the work."""

    paths: tuple[Path, ...]
    format: str = "text"
    config: Path | None = None
    no_cache: bool = False
    today: str | None = None
    fail_on: str = "error"
    baseline: Path | None = None
    write_baseline: Path | None = None
    registry: str | None = None  # earlier versions from this Schema Registry
    registry_config: Path | None = None


def register(app: typer.Typer) -> None:
    @app.command("lint")
    def lint_command(
        paths: list[Path] = typer.Argument(None, help="Files or folders to check (default: .)."),
        format: str = typer.Option(
            "auto", "--format", "-f",
            help="Output format: auto, " + ", ".join(FORMATS) + ". auto is github inside "
                 "GitHub Actions (GITHUB_ACTIONS=true), else text."),
        config: Path | None = typer.Option(None, "--config", "-c",
                                           help="Project config file (default: nearest "
                                                "evtctl.yaml above the paths)."),
        fail_on: str = typer.Option("error", "--fail-on",
                                    help="Exit 1 when a finding has this severity or a "
                                         "higher one: error or warning."),
        baseline: Path | None = typer.Option(None, "--baseline",
                                             help="Report only findings this baseline file "
                                                  "does not record."),
        write_baseline: Path | None = typer.Option(
            None, "--write-baseline",
            help="Record today's findings in this file (then exit 0), for --baseline."),
        no_cache: bool = typer.Option(False, "--no-cache",
                                      help="Do not read or write the compatibility cache."),
        today: str | None = typer.Option(None, "--today", hidden=True,
                                         help="Pretend today is this date (YYYY-MM-DD)."),
        registry: str | None = typer.Option(
            None, "--registry", metavar="URL",
            help="Check new contract versions against the versions this Schema Registry "
                 "holds (what production has), not only git's."),
        registry_config: Path | None = typer.Option(
            None, "--registry-config", metavar="FILE",
            help="With --registry: client properties (basic.auth.user.info, TLS...)."),
    ) -> None:
        """Check manifests: naming, ownership, references and contract compatibility.

        Exit status: 0 no findings at the --fail-on level, 1 findings at that level,
        2 bad usage or unreadable input.
        """
        request = LintRequest(tuple(paths or [Path(".")]), format, config, no_cache, today,
                              fail_on, baseline, write_baseline, registry, registry_config)
        raise typer.Exit(run(request))


def resolve_format(format: str) -> str:
    """``auto`` is ``github`` inside GitHub Actions, else ``text``."""
    if format != "auto":
        return format
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def run(request: LintRequest) -> int:
    from evtctl.cli_errors import fail, note

    format = resolve_format(request.format)
    if format not in FORMATS:
        return fail(f"unknown format {request.format!r}", where="lint --format",
                    hint=f"choose one of auto, {', '.join(FORMATS)}")
    if request.fail_on not in FAIL_ON:
        return fail(f"unknown severity {request.fail_on!r}", where="lint --fail-on",
                    hint="choose error or warning")
    when = request.today or os.environ.get("EVTCTL_TODAY")
    try:
        day = date.fromisoformat(when) if when else None
    except ValueError:
        return fail(f"{when!r} is not a date", where="lint --today", hint="write it as YYYY-MM-DD")
    from evtctl.baseline import BaselineError
    from evtctl.config import ConfigError, load_config
    from evtctl.lint import LintOptions, apply_baseline, exit_code, lint_paths, project_root
    from evtctl.manifest.discovery import PathNotFound
    from evtctl.registry.model import RegistryError

    paths = list(request.paths)
    registry = None
    try:
        config = load_config(request.config, paths)
        if request.registry is not None or request.registry_config is not None:
            registry = _registry_lint(request, config)
        result = lint_paths(paths, config, LintOptions(today=day, use_cache=not request.no_cache,
                                                       registry=registry))
        if not result.files:
            # A wrong path in CI must not pass silently.
            shown = " ".join(str(p) for p in paths)
            return fail("no evtctl manifests found (manifests are YAML files with "
                        "'apiVersion: evtctl/v1')", where=shown,
                        hint="check the path, or run 'evtctl init'")
        if request.write_baseline is not None:
            from evtctl.baseline import write

            count = write(request.write_baseline, result.findings, project_root(result))
            sys.stderr.write(f"evtctl: wrote {count} finding{'s' if count != 1 else ''} to "
                             f"baseline {request.write_baseline}\n")
            return 0
        if request.baseline is not None:
            result = apply_baseline(result, request.baseline)
    except ConfigError as exc:
        from evtctl.findings import display_path

        return fail(exc.message, where=f"{display_path(exc.file)}:{exc.line}:{exc.column}")
    except BaselineError as exc:
        return fail(str(exc))
    except PathNotFound as exc:
        return fail("no such file or directory", where=str(exc.path),
                    hint="give a manifest file or a folder that holds manifests")
    except RegistryError as exc:
        return fail(exc.message, where="lint --registry", hint=exc.hint)
    finally:
        if registry is not None:
            registry.registry.close()
    if registry is not None:
        for disagreement in registry.disagreements:
            note(disagreement.line(registry.registry.url))
    from evtctl.report import render

    notes = result.extra.get("notes")
    for text in notes if isinstance(notes, list) else ():
        note(str(text))
    result = replace(result, extra={**result.extra, "fail_on": request.fail_on})
    render(result, format)
    baselined = result.extra.get("baselined")
    if isinstance(baselined, int) and baselined:
        sys.stderr.write(f"evtctl: {baselined} finding{'s' if baselined != 1 else ''} "
                         f"recorded in baseline {request.baseline} not shown\n")
    return exit_code(result, "warning" if request.fail_on == "warning" else "error")


def _registry_lint(request: LintRequest, config: object) -> RegistryLint:
    """lint --registry: the contract store's earlier versions from the registry."""
    from evtctl.config import ProjectConfig
    from evtctl.registry.history import open_registry
    from evtctl.registry.lint import RegistryLint

    assert isinstance(config, ProjectConfig)
    return RegistryLint(open_registry(request.registry, request.registry_config), config)
