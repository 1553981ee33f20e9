"""`evtctl compat` (not available yet)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("compat", context_settings={"allow_extra_args": True,
                                          "ignore_unknown_options": True})
    def _placeholder() -> None:
        """Not available yet in this version of evtctl."""
        typer.echo("evtctl: 'compat' is not available yet in this version", err=True)
        raise typer.Exit(2)
