"""Running ``evtctl provision`` in-process through typer's test runner."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from typer.testing import CliRunner


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(args: Sequence[str], env: Mapping[str, str] | None = None) -> CliResult:
    from evtctl.cli import app

    result = CliRunner().invoke(app, ["provision", *args], env=dict(env or {}),
                                catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)
