"""The command-line interface: typer parses options, one function per command does the work.

Each command lives in ``evtctl.commands.<name>`` and adds itself with ``register(app)``.
Those modules import only typer at module level, so ``--help`` stays fast; the heavy
imports (jsonschema, rich, confluent_kafka) happen inside the command that needs them.
"""

from __future__ import annotations

import typer

from evtctl import __version__
from evtctl.commands import (
    asyncapi,
    catalog,
    compat,
    diff,
    graph,
    init,
    lint,
    provision,
    registry,
    rules,
    schema,
)

app = typer.Typer(
    name="evtctl",
    help="Topic governance and contract linting for event-driven architectures on Kafka.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"evtctl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """Topic governance and contract linting for event-driven architectures on Kafka."""


for _module in (lint, compat, diff, graph, catalog, asyncapi, provision, registry, rules,
                schema, init):
    _module.register(app)


def run() -> None:
    app()
