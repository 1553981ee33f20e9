"""The command-line interface: typer parses options, one function per command does the work.

Each command lives in ``evtctl.commands.<name>`` and adds itself with ``register(app)``.
Those modules import only typer at module level, so ``--help`` stays fast; the heavy
imports (jsonschema, rich, confluent_kafka) happen inside the command that needs them.

:func:`main` runs the commands in one voice: usage errors of the parser (an unknown option,
a missing argument, a bad value) are reported like every other error, as
``evtctl: error: <where>: <what>`` and a hint line (see ``evtctl.cli_errors``), never as
click's boxed usage text; ``-h`` is ``--help``; option values complete in the shell
(``evtctl.completion``).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from functools import cache
from typing import Any

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
    context_settings={"help_option_names": ["-h", "--help"]},
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


def _click() -> Any:
    """The click that typer runs on (typer 0.28 vendors it as ``typer._click``)."""
    try:
        return importlib.import_module("typer._click")
    except ImportError:  # older typer: the click package itself
        return importlib.import_module("click")


@cache
def command() -> Any:
    """The click command tree, with value completions attached."""
    from evtctl.completion import attach

    built = typer.main.get_command(app)
    attach(built, _click().shell_completion.CompletionItem)
    return built


def main(args: Sequence[str] | None = None) -> int:
    """Run evtctl with ``args`` (default: the process arguments); returns the exit status."""
    from evtctl.cli_errors import fail

    exceptions = _click().exceptions
    try:
        result = command().main(args=list(sys.argv[1:] if args is None else args),
                                prog_name="evtctl", standalone_mode=False)
    except exceptions.NoArgsIsHelpError as exc:
        sys.stdout.write(exc.format_message() + "\n")
        return 2
    except exceptions.UsageError as exc:
        what, where, hint = usage_error(exc)
        return fail(what, where=where, hint=hint)
    except exceptions.ClickException as exc:
        return fail(exc.format_message())
    except typer.Abort:
        return fail("interrupted")
    return result if isinstance(result, int) else 0


def usage_error(exc: Any) -> tuple[str, str, str]:
    """(what, where, hint) for one of click's usage errors."""
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "evtctl"
    hint = f"'{path} --help' shows the usage"
    where = path.removeprefix("evtctl ")  # the command; "evtctl" for the tool's own options
    kind = type(exc).__name__
    param = getattr(exc, "param", None)
    if kind == "NoSuchOption":
        what = f"no such option {exc.option_name}"
        possible = sorted(getattr(exc, "possibilities", None) or ())
        if possible:
            hint = f"did you mean {' or '.join(possible)}?"
        return what, where, hint
    if kind == "MissingParameter" and param is not None:
        kind_name = "argument" if param.param_type_name == "argument" else "option"
        return f"missing {kind_name} {_param_name(param)}", where, hint
    if param is not None:
        return _sentence(exc.message), f"{where} {_param_name(param)}", hint
    option = getattr(exc, "option_name", None)
    if option:
        return _sentence(exc.format_message()), f"{where} {option}".strip(), hint
    return _sentence(exc.format_message()), where, hint


def _param_name(param: Any) -> str:
    if param.param_type_name == "argument":
        return str(param.human_readable_name).upper()
    names = sorted(param.opts, key=len)
    return str(names[-1]) if names else str(param.name)


def _sentence(text: str) -> str:
    text = " ".join(str(text).split()).rstrip(".")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def run() -> None:
    sys.exit(main())
