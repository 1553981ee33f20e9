"""``evtctl diff``: what a change does to the contracts between services.

Only typer and the standard library are imported here; the work happens in
:mod:`evtctl.diff.run`, imported when the command runs.
"""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("diff")
    def diff_command(
        old_dir: Path | None = typer.Argument(None, metavar="OLD_DIR",
                                              help="The tree before the change."),
        new_dir: Path | None = typer.Argument(None, metavar="NEW_DIR",
                                              help="The tree after the change."),
        against: str | None = typer.Option(
            None, "--against", metavar="REF",
            help="Compare the working tree (or --head) with this git ref, e.g. origin/main."),
        head: str | None = typer.Option(
            None, "--head", metavar="REF",
            help="With --against: compare this ref instead of the working tree."),
        format: str = typer.Option("text", "--format", "-f",
                                   help="Output format: text, json or markdown."),
        fail_on: str = typer.Option(
            "breaking", "--fail-on",
            help="Exit 1 on: breaking (default) changes, any change, or none."),
        config: Path | None = typer.Option(
            None, "--config", "-c",
            help="Project config file (default: the nearest evtctl.yaml in each tree)."),
        path: list[Path] = typer.Option(
            [], "--path", metavar="SUBDIR",
            help="Only the manifests below this folder of each tree (repeatable)."),
        graph: bool = typer.Option(
            False, "--graph",
            help="With --format markdown: add a Mermaid flow of the affected part, changed "
                 "links highlighted."),
    ) -> None:
        """Show contract changes between two trees or git refs, and who they break.

        Exit status: 0 nothing to fail on, 1 changes to fail on (see --fail-on),
        2 bad usage or unreadable input.
        """
        from evtctl.diff.run import DiffOptions, run

        raise typer.Exit(run(DiffOptions(
            old_dir=old_dir, new_dir=new_dir, against=against, head=head, format=format,
            fail_on=fail_on, config=config, paths=tuple(path), cwd=Path.cwd(),
            graph=graph)))
