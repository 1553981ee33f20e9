"""``evtctl catalog``: an offline HTML catalogue of the organisation.

Only typer and the standard library are imported here; the work happens in
:mod:`evtctl.report.org.catalog.site`, imported when the command runs.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("catalog")
    def catalog_command(
        paths: list[Path] = typer.Argument(None, help="Files or folders with manifests "
                                                      "(default: .)."),
        out: Path = typer.Option(..., "--out", "-o", metavar="DIR",
                                 help="Folder to write the site to (new, empty, or an "
                                      "earlier catalogue, which is replaced)."),
        with_lint: bool = typer.Option(False, "--with-lint",
                                       help="Run evtctl lint and show its findings on the "
                                            "pages."),
        no_cache: bool = typer.Option(False, "--no-cache",
                                      help="Do not read or write the catalogue's cache."),
        config: Path | None = typer.Option(None, "--config", "-c",
                                           help="Project config file (default: nearest "
                                                "evtctl.yaml above the paths)."),
        today: str | None = typer.Option(None, "--today", hidden=True,
                                         help="Pretend today is this date (YYYY-MM-DD)."),
    ) -> None:
        """Build a static catalogue site: services, topics, contracts, the event flow.

        Open DIR/index.html in a browser; it works offline from file://. The flow is laid
        out by Graphviz's dot when it is installed. Exit status: 0 built, 2 bad usage or
        unreadable input.
        """
        raise typer.Exit(run(list(paths or [Path(".")]), out, with_lint, config, today,
                             no_cache))


def run(paths: list[Path], out: Path, with_lint: bool, config: Path | None,
        today: str | None, no_cache: bool = False) -> int:
    from evtctl.cli_errors import fail

    when = today or os.environ.get("EVTCTL_TODAY")
    try:
        day = date.fromisoformat(when) if when else None
    except ValueError:
        return fail(f"--today {when!r} is not a date (YYYY-MM-DD)")
    from evtctl.report.org.catalog.site import CatalogOptions, build
    from evtctl.report.org.source import OrgInputError, read_org

    try:
        source = read_org(paths, config)
        result = build(source, out, CatalogOptions(with_lint=with_lint, today=day,
                                                             use_cache=not no_cache))
    except OrgInputError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"--out {out}: cannot write the catalogue: {exc.strerror or exc}")
    for note in result.notes:
        sys.stderr.write(f"evtctl: note: {note}\n")
    sys.stdout.write(f"catalogue written: {result.pages} pages in {out} "
                     f"(open {out / 'index.html'})\n")
    return 0
