"""Helpers shared by the organisation tests: the CLI, tools that must exist under CI, and a
small generator of manifests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample-manifests"
GOLDEN = Path(__file__).resolve().parent / "golden"
CACHE = Path(os.environ.get("EVTCTL_TOOLS_CACHE", Path.home() / ".cache" / "evtctl"))
PARSER_DIR = Path(os.environ.get("EVTCTL_ASYNCAPI_PARSER", CACHE / "asyncapi-parser"))
MERMAID_JS = Path(os.environ.get("EVTCTL_MERMAID_JS", CACHE / "mermaid" / "node_modules" /
                                 "mermaid" / "dist" / "mermaid.min.js"))
CHROMIUM = os.environ.get("EVTCTL_CHROMIUM", "/usr/bin/chromium")


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


def evtctl(args: Sequence[str], env: dict[str, str] | None = None) -> Run:
    from evtctl.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def need(condition: bool, what: str) -> None:
    """Skip on a developer machine without ``what``; fail loudly under CI."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing; .ci/run installs it", pytrace=False)
    pytest.skip(f"{what} is not installed")


def need_program(name: str) -> str:
    found = shutil.which(name)
    need(found is not None, f"the {name!r} program")
    assert found is not None
    return found


def write_service(root: Path, company: str, namespace: str, name: str, body: str) -> Path:
    folder = root / namespace / name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "service.yaml"
    path.write_text(f"apiVersion: evtctl/v1\nkind: Service\nmetadata: {{company: {company}, "
                    f"namespace: {namespace}, name: {name}}}\n{body}", encoding="utf-8")
    return path


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("EVTCTL_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}; run with EVTCTL_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"
