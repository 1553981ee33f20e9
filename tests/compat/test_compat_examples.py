"""Example events: verified against both schemas, and property-based checks of the engine."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evtctl.compat.jsonschema import SchemaVersion, check_versions, diff_schemas

PAIRS = [
    ({"type": "string", "maxLength": 9}, {"type": "string", "maxLength": 3}),
    (
        {"type": "object", "properties": {"a": {"type": "string"}}},
        {"type": "object", "properties": {"a": {"type": "integer"}}},
    ),
    (
        {"type": "object", "properties": {"a": {"type": "string"}}},
        {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
    ),
    ({"type": "array", "items": {"enum": ["x", "y"]}}, {"type": "array", "items": {"enum": ["x"]}}),
    ({"type": "number", "multipleOf": 10}, {"type": "number", "multipleOf": 11}),
    ({"type": "number"}, {"type": "integer"}),
    ({"additionalProperties": True}, {"additionalProperties": {"type": "number"}}),
]


def _check_examples(old: Any, new: Any, mode: str) -> int:
    result = check_versions([SchemaVersion(1, old), SchemaVersion(2, new)], mode, "strict")
    shown = 0
    for change in result.changes:
        if not change.has_example:
            continue
        assert not change.compatible
        writer, reader = (old, new) if change.direction == "backward" else (new, old)
        assert jsonschema.Draft7Validator(writer).is_valid(change.example)
        assert not jsonschema.Draft7Validator(reader).is_valid(change.example)
        shown += 1
    return shown


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_every_breaking_change_here_gets_a_verified_example(old: Any, new: Any) -> None:
    assert _check_examples(old, new, "BACKWARD") >= 1


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_forward_examples_come_from_the_new_side(old: Any, new: Any) -> None:
    _check_examples(new, old, "FORWARD")


leaf = st.sampled_from(
    [
        {"type": "string"},
        {"type": "integer"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "string", "maxLength": 4},
        {"type": "integer", "minimum": 0},
        {"enum": ["a", "b"]},
        {"enum": ["a"]},
        {"type": ["string", "null"]},
        True,
    ]
)
schemas = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.builds(
            lambda props, req, closed: {
                "type": "object",
                "properties": props,
                "required": sorted(set(req) & set(props)),
                **({"additionalProperties": False} if closed else {}),
            },
            st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
            st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
            st.booleans(),
        ),
        st.builds(lambda items: {"type": "array", "items": items}, inner),
        st.builds(lambda subs: {"oneOf": subs}, st.lists(inner, min_size=1, max_size=3)),
    ),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schemas)
def test_a_schema_compared_with_itself_has_no_changes(schema: Any) -> None:
    assert diff_schemas(schema, schema) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schemas, schemas)
def test_every_shown_example_validates_on_one_side_only(old: Any, new: Any) -> None:
    _check_examples(old, new, "FULL")
