"""evtctl's own cases (tests/compat/cases/kinds.json) for change kinds the vectors do not
exercise."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from compat_vectors import CASE_FILES, read_cases, require_vectors

from evtctl.compat.jsonschema import diff_schemas
from evtctl.compat.jsonschema.kinds import (
    EMITTED_KINDS,
    LENIENT_ALLOWED,
    STRICT_ALLOWED,
    allowed_changes,
)

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "cases" / "kinds.json").read_text("utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_own_case(case: dict[str, Any]) -> None:
    got = diff_schemas(case["original"], case["update"])
    assert Counter(got) == Counter(tuple(c.split(" ", 1)) for c in case["changes"])
    for policy, expected in (
        ("strict", case["compatible"]),
        ("lenient", case.get("compatible_lenient", case["compatible"])),
    ):
        diffs = diff_schemas(case["original"], case["update"], policy)
        assert all(k in allowed_changes(policy) for k, _ in diffs) is expected, policy


def test_every_emitted_kind_is_exercised_by_vectors_or_own_cases() -> None:
    seen = {c.split(" ", 1)[0] for case in CASES for c in case["changes"]}
    directory = require_vectors()
    for name in CASE_FILES:
        seen |= {
            c.split(" ", 1)[0] for case in read_cases(directory / name) for c in case["changes"]
        }
    assert EMITTED_KINDS - seen == set()


def test_policies_nest_and_use_known_kinds() -> None:
    assert STRICT_ALLOWED < LENIENT_ALLOWED
    assert EMITTED_KINDS | {"PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"} >= LENIENT_ALLOWED


def test_unknown_policy_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown policy"):
        allowed_changes("loose")
