"""Shared by the Protobuf tests: Confluent's vectors (kept outside the repository), the buf
binary, and writing a version's files into a folder of its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from evtctl.compat.formats import LoadedSchema, LoadOptions, get_format

CASE_FILE = "diff-schema-examples.json"
META_FILE = "diff-schema-examples-with-meta.json"


def vectors_dir() -> Path:
    env = os.environ.get("EVTCTL_PROTOBUF_CONFORMANCE_DIR")
    if env:
        return Path(env)
    return (Path(__file__).resolve().parents[2].parent / "shared" / "conformance"
            / "confluent-protobuf")


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI must have it)")
    pytest.skip(what)


def cases(name: str = CASE_FILE) -> list[dict[str, Any]]:
    path = vectors_dir() / name
    if not path.is_file():
        _missing(f"Confluent protobuf vectors not found at {path} "
                 "(set EVTCTL_PROTOBUF_CONFORMANCE_DIR)")
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def buf_binary() -> str:
    found = shutil.which("buf") or str(Path(os.sys.executable).parent / "buf")
    if not Path(found).is_file():
        _missing("the buf CLI is not installed (pip install buf-bin)")
    return found


def write_side(folder: Path, text: str, dependencies: list[dict[str, str]] | None,
               name: str = "schema.proto") -> Path:
    """One side of a vector: its file and the files it imports, in a folder of its own (the
    two sides of a case may import the same name with different contents)."""
    folder.mkdir(parents=True, exist_ok=True)
    for dep in dependencies or []:
        path = folder / dep["name"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dep["dependency"], encoding="utf-8")
    main = folder / name
    main.write_text(text, encoding="utf-8")
    return main


def load(path: Path, version: int = 1, **options: Any) -> LoadedSchema:
    root = options.pop("root", path.parent)
    return get_format("PROTOBUF").load(path, version, LoadOptions(root=root, **options))


def run_buf(current: Path, against: Path, category: str) -> list[dict[str, Any]]:
    """``buf breaking`` of the module in ``current`` against ``against`` (both folders)."""
    for folder in (current, against):
        (folder / "buf.yaml").write_text(f"version: v2\nbreaking:\n  use:\n    - {category}\n",
                                         encoding="utf-8")
    done = subprocess.run([buf_binary(), "breaking", "--against", str(against),
                           "--error-format", "json"], cwd=current, capture_output=True,
                          text=True, timeout=300, check=False)
    if done.returncode not in (0, 100):
        raise AssertionError(f"buf failed ({done.returncode}): {done.stderr}")
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
