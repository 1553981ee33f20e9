"""Locate and read Confluent's conformance vectors (kept outside the repository)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

CASE_FILES = (
    "diff-schema-examples.json",
    "diff-schema-examples-2020-12.json",
    "diff-combined-schema-examples.json",
    "diff-combined-schema-examples-2020-12.json",
)


def vectors_dir() -> Path:
    env = os.environ.get("EVTCTL_CONFORMANCE_DIR")
    if env:
        return Path(env)
    return (
        Path(__file__).resolve().parents[2].parent
        / "shared"
        / "conformance"
        / "confluent-jsonschema"
    )


def require_vectors() -> Path:
    """The vectors directory; fails in CI and skips elsewhere when it is missing."""
    directory = vectors_dir()
    if not all((directory / name).is_file() for name in CASE_FILES):
        message = (
            f"Confluent conformance vectors not found in {directory} (set EVTCTL_CONFORMANCE_DIR)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return directory


def read_cases(path: Path) -> list[dict[str, Any]]:
    # One upstream file has a trailing comma (parsed there by a lenient JSON parser).
    text = re.sub(r",(\s*[}\]])", r"\1", path.read_text("utf-8"))
    cases: list[dict[str, Any]] = json.loads(text)
    return cases
