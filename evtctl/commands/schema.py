"""`evtctl schema manifest|config`: print a shipped JSON Schema (for editors and other tools)."""

from __future__ import annotations

import typer

SCHEMAS = ("manifest", "config")


def register(app: typer.Typer) -> None:
    @app.command("schema")
    def schema_command(
        name: str = typer.Argument(..., help="Which schema: manifest or config."),
    ) -> None:
        """Print the JSON Schema of the manifest format or of the project config.

        Save it where your editor finds it, e.g.
        'evtctl schema manifest > .evtctl/manifest.schema.json', and add
        '# yaml-language-server: $schema=.evtctl/manifest.schema.json' to a manifest.
        """
        raise typer.Exit(run(name))


def run(name: str) -> int:
    import sys

    from evtctl.cli_errors import fail
    from evtctl.schemas_path import schema_file

    if name not in SCHEMAS:
        return fail(f"unknown schema {name!r}", where="schema", hint="choose manifest or config")
    path = schema_file(name)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return fail(f"cannot read the shipped schema: {exc.strerror or exc}", where=str(path),
                    hint="reinstall evtctl")
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
