"""``evtctl compat``: check successive versions of one contract under a compatibility mode.

Only typer is imported at module level; the engine, jsonschema and rich load when the command
runs, so ``evtctl --help`` stays fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class PolicyName(StrEnum):
    strict = "strict"
    lenient = "lenient"


EXIT_OK, EXIT_INCOMPATIBLE, EXIT_USAGE = 0, 1, 2


def register(app: typer.Typer) -> None:
    """Add the ``compat`` command to ``app``."""
    app.command(
        "compat",
        help=(
            "Check schema versions of one contract, oldest first; the last file is the "
            "candidate. Exit 0 compatible, 1 incompatible, 2 unreadable input or bad usage."
        ),
    )(compat)


def compat(
    files: Annotated[list[Path], typer.Argument(help="Schema files (JSON or YAML), oldest first.")],
    mode: Annotated[
        str, typer.Option("--mode", "-m", help="BACKWARD, FORWARD, FULL, *_TRANSITIVE or NONE.")
    ] = "BACKWARD",
    policy: Annotated[
        PolicyName, typer.Option("--policy", help="strict (Schema Registry default) or lenient.")
    ] = PolicyName.lenient,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    examples: Annotated[
        bool, typer.Option("--examples/--no-examples", help="Search for an example breaking event.")
    ] = True,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Accept remote $refs (not fetched).")
    ] = False,
) -> None:
    raise typer.Exit(
        run(files, mode, policy.value, output.value, examples=examples, allow_remote=allow_remote)
    )


def run(
    files: list[Path],
    mode: str,
    policy: str,
    output: str,
    *,
    examples: bool = True,
    allow_remote: bool = False,
) -> int:
    """Do the work of the command; returns the exit status. Errors go to stderr as one line."""
    from evtctl.compat import MODES
    from evtctl.compat.formats import SchemaFileError
    from evtctl.compat.jsonschema import check_versions
    from evtctl.compat.jsonschema.schemafile import load_schema_file

    if mode.upper() not in MODES:
        return _fail(f"unknown --mode {mode!r}; expected one of {', '.join(MODES)}")
    if len(files) < 2:
        return _fail("give at least two schema files: the earlier version(s) and the candidate")
    try:
        versions = [
            load_schema_file(path, number, allow_remote=allow_remote)
            for number, path in enumerate(files, start=1)
        ]
        result = check_versions(versions, mode.upper(), policy, examples=examples)
    except SchemaFileError as exc:
        return _fail(str(exc))
    except RecursionError:
        return _fail("schemas are nested too deeply to compare")
    _write(result, output)
    return EXIT_OK if result.compatible else EXIT_INCOMPATIBLE


def _write(result: object, output: str) -> None:
    from evtctl.compat import CompatResult
    from evtctl.compat.render import to_json, to_text

    assert isinstance(result, CompatResult)
    if output == "json":
        sys.stdout.write(to_json(result) + "\n")
    elif sys.stdout.isatty():
        _write_rich(result)
    else:
        sys.stdout.write(to_text(result))


def _write_rich(result: object) -> None:
    from rich.console import Console
    from rich.markup import escape

    from evtctl.compat import CompatResult
    from evtctl.compat.render import change_lines, verdict_line

    assert isinstance(result, CompatResult)
    console = Console()
    style = "bold green" if result.compatible else "bold red"
    console.print(f"[{style}]{escape(verdict_line(result))}[/]")
    for change in result.changes:
        colour = "green" if change.compatible else "red"
        first, *rest = change_lines(change)
        console.print(f"[{colour}]{escape(first)}[/]")
        for line in rest:
            console.print(escape(line))


def _fail(message: str) -> int:
    from evtctl.cli_errors import fail

    return fail(message, where="compat")
