"""`evtctl provision` (not available yet)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("provision", context_settings={"allow_extra_args": True,
                                          "ignore_unknown_options": True})
    def _placeholder() -> None:
        """Not available yet in this version of evtctl."""
        typer.echo("evtctl: 'provision' is not available yet in this version", err=True)
        raise typer.Exit(2)
