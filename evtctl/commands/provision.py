"""``evtctl provision``: plan (default) or apply topics and ownership ACLs on a Kafka cluster.

Only typer and the standard library are imported here; rich and confluent_kafka are loaded
inside the command.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from evtctl.provision.model import ProvisionError

_STYLES = {"+": "green", "~": "yellow", "-": "red", "!": "yellow"}
Progress = Callable[[int, int], None]


class _TerminalUi:
    """Plan lines to stdout (coloured on a terminal), remarks and progress to stderr."""

    def __init__(self) -> None:
        self._stdout_tty = sys.stdout.isatty()
        self._stderr_tty = sys.stderr.isatty()

    def show(self, lines: Sequence[str]) -> None:
        if not self._stdout_tty:
            typer.echo("\n".join(lines))
            return
        from rich.console import Console
        from rich.text import Text

        console = Console(highlight=False)
        for line in lines:
            sign = line.strip()[:1]
            style = _STYLES.get(sign) if line.startswith("  ") else None
            if "[refused" in line or "[failed" in line:
                style = "red"
            # soft_wrap: the terminal wraps long lines; rich must not break them, so every
            # line stays one line (for copying, `script` logs and grep), as without a tty.
            console.print(Text(line, style=style or ""), soft_wrap=True)

    def show_json(self, text: str) -> None:
        typer.echo(text)

    def note(self, text: str) -> None:
        typer.echo(text, err=True)

    def confirm(self, question: str) -> bool | None:
        if not sys.stdin.isatty():
            return None
        try:
            answer: str = typer.prompt(f"{question} [y/N]", default="", show_default=False,
                                       err=True)
        except typer.Abort:  # end of input (Ctrl-D) or Ctrl-C at the prompt: a "no"
            typer.echo("", err=True)
            return False
        return answer.strip().lower() in ("y", "yes")

    def progress(self, total: int) -> AbstractContextManager[Progress | None]:
        return self._progress(total)

    @contextmanager
    def _progress(self, total: int) -> Iterator[Progress | None]:
        if not self._stderr_tty or total < 20:
            yield None
            return
        from rich.console import Console
        from rich.progress import Progress as RichProgress

        with RichProgress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("Applying", total=total)

            def update(done: int, _total: int) -> None:
                bar.update(task, completed=done)

            yield update


def provision(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Manifest files or folders (default: the current folder).")] = None,
    bootstrap_server: Annotated[str | None, typer.Option(
        "--bootstrap-server", metavar="HOST:PORT",
        help="Kafka bootstrap servers (or EVTCTL_KAFKA_BOOTSTRAP_SERVERS).")] = None,
    env: Annotated[str | None, typer.Option(
        "--env", metavar="NAME",
        help="Environment in evtctl.yaml: defaults, expected cluster id, ACL principal.")] = None,
    command_config: Annotated[Path | None, typer.Option(
        "--command-config", metavar="FILE",
        help="Client properties file, as for Kafka's tools (SASL, SSL).")] = None,
    apply: Annotated[bool, typer.Option(
        "--apply", help="Carry out the plan (asks first on a terminal).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")] = False,
    check: Annotated[bool, typer.Option(
        "--check", help="Exit 1 when the cluster differs from the manifests.")] = False,
    acls: Annotated[bool, typer.Option(
        "--acls", help="Also plan/apply the ACL bindings derived from ownership.")] = False,
    allow_delete: Annotated[int, typer.Option(
        "--allow-delete", count=True,
        help="Delete undeclared topics under managed prefixes, and unmanaged ACLs (at most "
             "the environment's maxDeletePercent of the topics; give it twice with "
             "--max-deletes N for more).")] = 0,
    max_deletes: Annotated[int | None, typer.Option(
        "--max-deletes", metavar="N",
        help="With --allow-delete given twice: how many topics may be deleted.")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Unmanaged topics and ACL bindings under the managed prefixes fail "
                         "--check (exit 1), each listed.")] = False,
    allow_destructive: Annotated[bool, typer.Option(
        "--allow-destructive",
        help="Allow config changes that can delete records (cleanup.policy, lower "
             "retention).")] = False,
    output_format: Annotated[str, typer.Option(
        "--format", metavar="text|json", help="Output format.")] = "text",
    config: Annotated[Path | None, typer.Option(
        "--config", metavar="FILE", help="Project config (default: evtctl.yaml found "
                                          "above the paths).")] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", metavar="SECONDS", min=0.5,
        help="How long to wait for Kafka: to connect, and for each request.")] = 10.0,
) -> None:
    """Plan (default) or apply the topics, configs and ACLs the manifests describe."""
    from evtctl.provision.model import ProvisionError
    from evtctl.provision.run import ProvisionRequest
    from evtctl.provision.run import provision as run_provision

    request = ProvisionRequest(
        paths=tuple(paths or ()), bootstrap_server=bootstrap_server, environment=env,
        command_config=command_config, config_file=config, apply=apply, yes=yes,
        check=check, acls=acls, allow_delete=allow_delete, max_deletes=max_deletes,
        allow_destructive=allow_destructive, strict=strict, output_format=output_format,
        timeout=timeout,
    )
    try:
        code = run_provision(request, _TerminalUi())
    except ProvisionError as error:
        raise typer.Exit(_fail(error)) from None
    except KeyboardInterrupt:
        raise typer.Exit(_fail(ProvisionError("interrupted", where="provision"))) from None
    raise typer.Exit(code)


def _fail(error: ProvisionError) -> int:
    """``evtctl: error: <where>: <what>``, and the hint on a line of its own."""
    from evtctl.cli_errors import fail

    return fail(error.message, where=error.where or "provision", hint=error.hint)


def register(app: typer.Typer) -> None:
    app.command("provision")(provision)
