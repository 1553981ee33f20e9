"""``evtctl compat``: check successive versions of one contract under a compatibility mode.

Only typer is imported at module level; the engine, jsonschema and rich load when the command
runs, so ``evtctl --help`` stays fast.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class SchemaType(StrEnum):
    JSON = "JSON"
    AVRO = "AVRO"
    PROTOBUF = "PROTOBUF"


EXIT_OK, EXIT_INCOMPATIBLE, EXIT_USAGE = 0, 1, 2


def register(app: typer.Typer) -> None:
    """Add the ``compat`` command to ``app``."""
    app.command(
        "compat",
        help=(
            "Check schema versions of one contract, oldest first; the last file is the "
            "candidate. The format comes from the extension (.json/.yaml JSON Schema, .avsc "
            "Avro, .proto Protobuf) or --schema-type. Exit 0 compatible, 1 incompatible, 2 "
            "unreadable input or bad usage."
        ),
    )(compat)


def compat(
    files: Annotated[list[Path], typer.Argument(help="Schema files, oldest first.")],
    mode: Annotated[
        str | None, typer.Option("--mode", "-m", help="BACKWARD (default), FORWARD, FULL, "
                                 "*_TRANSITIVE or NONE; with --registry, the subject's level.")
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option("--policy", help="JSON Schema: lenient (default) or strict (Schema "
                     "Registry's default); Protobuf: confluent (default), wire or "
                     "wire-json; Avro has none."),
    ] = None,
    schema_type: Annotated[
        SchemaType | None,
        typer.Option("--schema-type", help="Read every file as this format (Schema Registry's "
                     "names), whatever its extension."),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
    examples: Annotated[
        bool, typer.Option("--examples/--no-examples", help="Search for an example breaking event.")
    ] = True,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="JSON Schema: accept remote $refs (never "
                           "fetched).")
    ] = False,
    message: Annotated[
        str | None, typer.Option("--message", help="Protobuf: the message to compare (full "
                                 "name; default: the first message of each file).")
    ] = None,
    include: Annotated[
        list[Path] | None, typer.Option("--include", "-I", help="Protobuf: an import root "
                                        "(repeatable); each file's folder is searched first.")
    ] = None,
    reference: Annotated[
        list[Path] | None, typer.Option("--reference", help="Avro: a file defining named "
                                        "types the schemas use (repeatable, in order).")
    ] = None,
    # -- evtctl registry: earlier versions from a Schema Registry (evtctl.registry.compat) --
    registry: Annotated[
        str | None, typer.Option("--registry", metavar="URL", help="Take the earlier versions "
                                 "from this Schema Registry (give one FILE, the candidate).")
    ] = None,
    subject: Annotated[
        str | None, typer.Option("--subject", metavar="SUBJECT", help="With --registry: the "
                                 "subject holding the earlier versions.")
    ] = None,
    registry_config: Annotated[
        Path | None, typer.Option("--registry-config", metavar="FILE",
                                  help="With --registry: client properties (auth, TLS).")
    ] = None,
) -> None:
    options = Options(policy=policy, schema_type=schema_type.value if schema_type else None,
                      examples=examples, allow_remote=allow_remote, message=message,
                      include=tuple(include or ()), references=tuple(reference or ()))
    if registry is not None or subject is not None:
        from evtctl.commands.compat_registry import run_with_registry

        raise typer.Exit(run_with_registry(files, registry, subject, registry_config, mode,
                                           options, output.value))
    raise typer.Exit(run(files, mode or "BACKWARD", output.value, options))


@dataclass(frozen=True)
class Options:
    policy: str | None = None
    schema_type: str | None = None
    examples: bool = True
    allow_remote: bool = False
    message: str | None = None
    include: tuple[Path, ...] = ()
    references: tuple[Path, ...] = ()


def run(files: list[Path], mode: str, output: str, options: Options = Options()) -> int:
    """Do the work of the command; returns the exit status. Errors go to stderr as one line."""
    from dataclasses import replace

    from evtctl.compat import MODES
    from evtctl.compat.formats import (
        TITLES,
        LoadOptions,
        SchemaFileError,
        choose_format,
        get_format,
    )

    if mode.upper() not in MODES:
        return _fail(f"unknown --mode {mode!r}; expected one of {', '.join(MODES)}")
    if len(files) < 2:
        return _fail("give at least two schema files: the earlier version(s) and the candidate")
    types = {path: choose_format(path.name, options.schema_type).schema_type for path in files}
    if len(set(types.values())) != 1:
        shown = ", ".join(f"{path.name} is {TITLES.get(t or '', t)}" for path, t in types.items())
        return _fail(f"the files are in different formats ({shown}); a contract's versions "
                     "share one format (--schema-type reads them all as one)")
    schema_type = types[files[0]]
    assert schema_type is not None
    fmt = get_format(schema_type)
    policy = options.policy if options.policy is not None else (
        fmt.policies[0] if fmt.policies else "")
    if policy and policy not in fmt.policies:
        known = ", ".join(fmt.policies) if fmt.policies else "none (omit --policy)"
        return _fail(f"{fmt.title} has no policy {policy!r}; its policies: {known}")
    load = LoadOptions(allow_remote=options.allow_remote,
                       include_paths=tuple(p.resolve() for p in options.include),
                       message=options.message,
                       references=tuple(p.resolve() for p in options.references))
    try:
        versions = [fmt.load(path, number, load) for number, path in enumerate(files, start=1)]
        result = fmt.check(versions, mode.upper(), policy, chain=False,
                           examples=options.examples)
    except SchemaFileError as exc:
        return _fail(str(exc))
    except RecursionError:
        return _fail("schemas are nested too deeply to compare")
    for version in versions:
        for d in version.diagnostics:
            where = f"{d.path}:{d.line}:{d.column}" if d.line else str(d.path)
            sys.stderr.write(f"evtctl: warning: {where}: {d.message} (compared anyway)\n")
    _write(replace(result, schema_type=schema_type), output)
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
        first, *rest = change_lines(change, result.schema_type, result)
        console.print(f"[{colour}]{escape(first)}[/]")
        for line in rest:
            console.print(escape(line))


def _fail(message: str) -> int:
    from evtctl.cli_errors import fail

    return fail(message, where="compat")
