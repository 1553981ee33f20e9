"""Agreement with Confluent Schema Registry on its own published JSON Schema cases."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from compat_vectors import CASE_FILES, read_cases, require_vectors, vectors_dir

from evtctl.compat.jsonschema import diff_schemas
from evtctl.compat.jsonschema.kinds import allowed_changes


def _ids() -> list[tuple[str, int]]:
    directory = vectors_dir()
    out: list[tuple[str, int]] = []
    for name in CASE_FILES:
        path = directory / name
        if path.is_file():
            out.extend((name, i) for i in range(len(read_cases(path))))
    return out or [("missing", 0)]


def _case(name: str, index: int) -> dict[str, Any]:
    directory = require_vectors()
    return read_cases(directory / name)[index]


def _verdict(original: Any, update: Any, policy: str) -> bool:
    allowed = allowed_changes(policy)
    return all(kind in allowed for kind, _ in diff_schemas(original, update, policy))


@pytest.mark.parametrize(("name", "index"), _ids(), ids=lambda v: str(v))
def test_changes_and_verdicts_match_confluent(name: str, index: int) -> None:
    case = _case(name, index)
    original, update = case["original_schema"], case["update_schema"]
    expected = Counter(tuple(change.split(" ", 1)) for change in case["changes"])
    assert Counter(diff_schemas(original, update)) == expected, case["description"]
    assert _verdict(original, update, "strict") is case["compatible"]
    lenient = case.get("compatible_lenient", case["compatible"])
    assert _verdict(original, update, "lenient") is lenient


def test_all_263_cases_are_present() -> None:
    directory = require_vectors()
    assert sum(len(read_cases(directory / name)) for name in CASE_FILES) == 263


def test_recursive_schema_compared_with_itself_has_no_changes() -> None:
    directory = require_vectors()
    schema = json.loads((directory / "recursive-schema.json").read_text("utf-8"))
    assert diff_schemas(schema, schema) == []
    copy = json.loads(json.dumps(schema))
    assert diff_schemas(schema, copy) == []
