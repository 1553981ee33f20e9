"""Example events, data-driven (``examples/cases.json``): for each breaking change the
smallest event that shows it — every other required property with a value its pattern,
format and bounds accept, the change's place holding what the change is about, nothing
more — proven with jsonschema against both versions; and the plain sentence for it.
Changes Confluent rejects that no event can break have no example, and say so.

The expected events are exact: a case fails when the example gets larger or stops being
about the change (``example`` null means none may be shown, ``note`` the reason given).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from evtctl.compat.jsonschema import SchemaVersion, check_versions
from evtctl.compat.jsonschema.stringformats import format_checker

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "examples" / "cases.json").read_text("utf-8"))


def _change(case: dict[str, Any]) -> Any:
    result = check_versions([SchemaVersion(1, case["old"], "file:///s/v1.json"),
                             SchemaVersion(2, case["new"], "file:///s/v2.json")],
                            case["mode"], case["policy"])
    found = [c for c in result.changes
             if c.type == case["kind"] and c.path == case["path"] and not c.compatible]
    assert len(found) == 1, [(c.type, c.path, c.compatible) for c in result.changes]
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_example_is_the_smallest_event_showing_the_change(case: dict[str, Any]) -> None:
    change = _change(case)
    assert change.description == case["description_text"]
    if case["example"] is None:
        assert not change.has_example
        assert change.example_note == case["note"]
        return
    assert change.has_example and change.example == case["example"]
    checker: Any = format_checker()
    writer = jsonschema.Draft7Validator(case["old"], format_checker=checker)
    reader = jsonschema.Draft7Validator(case["new"], format_checker=checker)
    assert writer.is_valid(change.example)
    errors = list(reader.iter_errors(change.example))
    assert errors
    # Rejected because of this change alone: every reason is at the change's place.
    place = case["path"].split("/")[1:]
    steps = [p for i, p in enumerate(place) if i and place[i - 1] == "properties"]
    for error in errors:
        at = [str(p) for p in error.absolute_path if not isinstance(p, int)]
        assert at[:len(steps)] == steps[:len(at)], (error.message, steps)


@pytest.mark.parametrize("case", [c for c in CASES if c["example"] is None],
                         ids=lambda c: c["description"])
def test_no_example_means_no_event_breaks(case: dict[str, Any]) -> None:
    """Where no example may be shown, none exists among many candidates either."""
    reader = jsonschema.Draft7Validator(case["new"])
    writer = jsonschema.Draft7Validator(case["old"])
    base = {"orderId": "ORD-000001", "quantity": 1, "placedAt": "2024-01-01T00:00:00Z"}
    name = case["path"].split("/")[2]
    for value in [*range(-20, 21), *(x / 2 for x in range(-20, 21)), 5.5, 1e9, 2**40]:
        event = {**base, name: value}
        if writer.is_valid(event):
            assert reader.is_valid(event), event


def test_a_tiny_budget_says_so() -> None:
    """When the budget runs out, the change says so instead of waiting."""
    import evtctl.compat.jsonschema.examples as examples

    case = next(c for c in CASES if c["kind"] == "MAXIMUM_DECREASED" and c["example"])
    old = (examples.MIN_SECONDS, examples.MAX_SECONDS)
    examples.MIN_SECONDS = examples.MAX_SECONDS = 0.0
    try:
        change = _change(case)
    finally:
        examples.MIN_SECONDS, examples.MAX_SECONDS = old
    assert not change.has_example
    assert change.example_note.startswith("no example within the budget")
