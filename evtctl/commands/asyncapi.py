"""``evtctl asyncapi``: one AsyncAPI 3.0 document per service.

Only typer and the standard library are imported here; the work happens in
:mod:`evtctl.report.org.asyncapi`, imported when the command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("asyncapi")
    def asyncapi_command(
        paths: list[Path] = typer.Argument(None, help="Files or folders with manifests "
                                                      "(default: .)."),
        out: Path = typer.Option(..., "--out", "-o", metavar="DIR",
                                 help="Folder for the documents (<service>.asyncapi.yaml) "
                                      "and the schema files they reference."),
        service: list[str] = typer.Option([], "--service", "-s", metavar="ID",
                                          help="Only this service (company.namespace.name; "
                                               "repeatable). Default: every service."),
        config: Path | None = typer.Option(None, "--config", "-c",
                                           help="Project config file (default: nearest "
                                                "evtctl.yaml above the paths)."),
    ) -> None:
        """Export AsyncAPI 3.0 documents: channels, operations, messages, Kafka bindings.

        Payloads reference copies of the schema files written under DIR/schemas.
        Exit status: 0 written, 2 bad usage or unreadable input.
        """
        raise typer.Exit(run(list(paths or [Path(".")]), out, tuple(service), config))


def run(paths: list[Path], out: Path, services: tuple[str, ...], config: Path | None) -> int:
    from evtctl.cli_errors import fail
    from evtctl.report.org.asyncapi import export
    from evtctl.report.org.source import OrgInputError, read_org
    from evtctl.report.org.view import Filters, ViewError, check_filters

    if out.exists() and not out.is_dir():
        return fail(f"--out {out}: is a file, not a folder")
    try:
        source = read_org(paths, config)
        chosen = check_filters(source.graph, Filters(services=services)).services
        result = export(source.graph, source.config, out, list(chosen) or None)
    except (OrgInputError, ViewError) as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"--out {out}: cannot write: {exc.strerror or exc}")
    for note in [*source.notes, *result.notes]:
        sys.stderr.write(f"evtctl: note: {note}\n")
    n = len(result.documents)
    sys.stdout.write(f"wrote {n} AsyncAPI 3.0 document{'s' if n != 1 else ''} to {out}\n")
    return 0
