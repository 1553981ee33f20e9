"""``evtctl graph``: the flow of events between services, as Mermaid, DOT or JSON.

Only typer and the standard library are imported here; the work happens in
:mod:`evtctl.report.org`, imported when the command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

FORMATS = ("mermaid", "dot", "json")


def register(app: typer.Typer) -> None:
    @app.command("graph")
    def graph_command(
        paths: list[Path] = typer.Argument(None, help="Files or folders with manifests "
                                                      "(default: .)."),
        format: str = typer.Option("mermaid", "--format", "-f",
                                   help="Output format: mermaid (renders on GitHub), dot "
                                        "(Graphviz) or json."),
        service: list[str] = typer.Option([], "--service", "-s", metavar="ID",
                                          help="Only this service's neighbourhood "
                                               "(company.namespace.name; repeatable)."),
        namespace: list[str] = typer.Option([], "--namespace", "-n",
                                            help="Only the services of this namespace and "
                                                 "their neighbours (repeatable)."),
        topic: list[str] = typer.Option([], "--topic", "-t",
                                        help="Only this topic and the services on it "
                                             "(repeatable)."),
        depth: int | None = typer.Option(None, "--depth", "-d", metavar="N",
                                         help="How many service hops around the selection "
                                              "(default 1; 0: the selection and its topics)."),
        kind: list[str] = typer.Option([], "--kind", "-k",
                                       help="Only topics of this kind: events, commands, "
                                            "results, private, reply (repeatable)."),
        config: Path | None = typer.Option(None, "--config", "-c",
                                           help="Project config file (default: nearest "
                                                "evtctl.yaml above the paths)."),
    ) -> None:
        """Draw who publishes, consumes, sends and replies to what.

        Services and topics are nodes; arrows follow the data and are labelled with the
        events. Commands and replies are drawn dotted, pins to deprecated versions in red.
        Exit status: 0 drawn, 2 bad usage or unreadable input.
        """
        raise typer.Exit(run(list(paths or [Path(".")]), format, tuple(service),
                             tuple(namespace), tuple(topic), depth, tuple(kind), config))


def run(paths: list[Path], format: str, services: tuple[str, ...],
        namespaces: tuple[str, ...], topics: tuple[str, ...], depth: int | None,
        kinds: tuple[str, ...], config: Path | None) -> int:
    from evtctl.cli_errors import fail

    if format not in FORMATS:
        return fail(f"--format {format!r}: choose one of {', '.join(FORMATS)}")
    from evtctl.report.org.source import OrgInputError, read_org
    from evtctl.report.org.view import Filters, ViewError, check_filters, select

    try:
        source = read_org(paths, config)
        filters = Filters(services, namespaces, topics, kinds, depth)
        filters = check_filters(source.graph, filters)
    except (OrgInputError, ViewError) as exc:
        return fail(str(exc))
    view = select(source.graph, filters)
    if format == "mermaid":
        from evtctl.report.org import mermaid as module
    elif format == "dot":
        from evtctl.report.org import dot as module  # type: ignore[no-redef]
    else:
        from evtctl.report.org import graph_json as module  # type: ignore[no-redef]
    sys.stdout.write(module.render(view))
    for note in source.notes:
        sys.stderr.write(f"evtctl: note: {note}\n")
    return 0
