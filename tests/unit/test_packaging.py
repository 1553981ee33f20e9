"""What `pip install .` ships: every package, and the JSON Schemas inside the package."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_package_is_listed() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "evtctl").rglob(
        "__init__.py")}
    assert found | {"evtctl.schemas"} == listed


def test_wheel_ships_schemas_and_modules(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("evtctl-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"evtctl/schemas/manifest.schema.json", "evtctl/schemas/config.schema.json"} <= names
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "evtctl").rglob("*.py")}
    assert modules <= names, sorted(modules - names)
