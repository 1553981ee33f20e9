"""Where the shipped JSON Schemas are, installed or in a checkout."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any


def schema_file(name: str) -> Path:
    """Path of ``schemas/<name>.schema.json``."""
    filename = f"{name}.schema.json"
    try:
        from importlib.resources import files

        candidate = Path(str(files("evtctl.schemas") / filename))
        if candidate.is_file():
            return candidate
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "schemas" / filename


@cache
def load_schema(name: str) -> Any:
    return json.loads(schema_file(name).read_text(encoding="utf-8"))
