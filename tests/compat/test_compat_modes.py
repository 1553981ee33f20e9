"""Modes, policies, transitive checks, drafts and $ref handling."""

from __future__ import annotations

from typing import Any

import pytest

from evtctl.compat.jsonschema import SchemaVersion, check_chain, check_versions, diff_schemas

OPEN_A_STRING = {"type": "object", "properties": {"a": {"type": "string"}}}
OPEN_EMPTY = {"type": "object", "properties": {}}
OPEN_A_INT = {"type": "object", "properties": {"a": {"type": "integer"}}}
NARROW = {"type": "string", "maxLength": 3}
WIDE = {"type": "string", "maxLength": 9}


def versions(*schemas: Any) -> list[SchemaVersion]:
    return [SchemaVersion(i, s) for i, s in enumerate(schemas, start=1)]


def test_backward_compares_old_to_new() -> None:
    assert check_versions(versions(NARROW, WIDE), "BACKWARD", "strict").compatible
    assert not check_versions(versions(WIDE, NARROW), "BACKWARD", "strict").compatible


def test_forward_swaps_the_sides() -> None:
    assert not check_versions(versions(NARROW, WIDE), "FORWARD", "strict").compatible
    result = check_versions(versions(WIDE, NARROW), "FORWARD", "strict")
    assert result.compatible
    assert {c.direction for c in result.changes} == {"forward"}
    assert [(c.from_version, c.to_version) for c in result.changes] == [(1, 2)]


def test_full_needs_both_directions() -> None:
    for pair in ((NARROW, WIDE), (WIDE, NARROW)):
        result = check_versions(versions(*pair), "FULL", "strict")
        assert not result.compatible
        assert {c.direction for c in result.changes} == {"backward", "forward"}
    assert check_versions(versions(NARROW, dict(NARROW, title="t")), "FULL", "strict").compatible


def test_transitive_catches_readding_a_field_with_another_type() -> None:
    chain = versions(OPEN_A_STRING, OPEN_EMPTY, OPEN_A_INT)
    assert check_versions(chain, "FULL", "lenient").compatible
    result = check_versions(chain, "FULL_TRANSITIVE", "lenient")
    assert not result.compatible
    bad = [c for c in result.changes if not c.compatible]
    assert {(c.type, c.path, c.from_version, c.to_version) for c in bad} == {
        ("TYPE_CHANGED", "#/properties/a", 1, 3)
    }


def test_none_accepts_anything() -> None:
    result = check_versions(versions(OPEN_A_STRING, OPEN_A_INT), "NONE", "strict")
    assert result.compatible and result.changes == ()


def test_check_chain_checks_every_consecutive_pair() -> None:
    chain = versions(WIDE, NARROW, WIDE, NARROW)
    result = check_chain(chain, "BACKWARD", "strict", examples=False)
    pairs = {(c.from_version, c.to_version) for c in result.changes if not c.compatible}
    assert pairs == {(1, 2), (3, 4)}
    transitive = check_chain(chain, "BACKWARD_TRANSITIVE", "strict", examples=False)
    assert {(c.from_version, c.to_version) for c in transitive.changes if not c.compatible} == {
        (1, 2),
        (1, 4),
        (3, 4),
    }


def test_lenient_allows_optional_property_on_open_model_but_strict_does_not() -> None:
    chain = versions(OPEN_EMPTY, OPEN_A_STRING)
    assert check_versions(chain, "FULL", "lenient").compatible
    assert not check_versions(chain, "FULL", "strict").compatible


@pytest.mark.parametrize("mode", ["backward", "SIDEWAYS", "NONE_TRANSITIVE"])
def test_bad_mode_is_rejected(mode: str) -> None:
    if mode == "backward":
        assert check_versions(versions(NARROW, WIDE), mode, "strict").mode == "BACKWARD"
        return
    with pytest.raises(ValueError, match="unknown compatibility mode"):
        check_versions(versions(NARROW, WIDE), mode, "strict")


DRAFTS = {
    "draft4": "http://json-schema.org/draft-04/schema#",
    "draft6": "http://json-schema.org/draft-06/schema#",
    "draft7": "http://json-schema.org/draft-07/schema#",
    "2019-09": "https://json-schema.org/draft/2019-09/schema",
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
}


@pytest.mark.parametrize("uri", DRAFTS.values(), ids=list(DRAFTS))
def test_same_verdicts_in_every_draft(uri: str) -> None:
    def s(body: dict[str, Any]) -> dict[str, Any]:
        return {"$schema": uri, **body}

    assert diff_schemas(s(OPEN_A_STRING), s(OPEN_A_INT)) == [("TYPE_CHANGED", "#/properties/a")]
    req = s({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]})
    assert diff_schemas(s(OPEN_A_STRING), req) == [("REQUIRED_ATTRIBUTE_ADDED", "#/required/a")]
    assert diff_schemas(s({"enum": ["x", "y"]}), s({"enum": ["x"]})) == [
        ("ENUM_ARRAY_NARROWED", "#/enum")
    ]
    assert diff_schemas(s(OPEN_A_STRING), s(OPEN_A_STRING)) == []


@pytest.mark.parametrize("where", ["definitions", "$defs"])
def test_ref_to_definitions_is_followed(where: str) -> None:
    def s(t: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"a": {"$ref": f"#/{where}/A"}},
            where: {"A": {"type": t}},
        }

    assert diff_schemas(s("string"), s("number")) == [("TYPE_CHANGED", "#/properties/a")]
    assert diff_schemas(s("string"), s("string")) == []


def test_ref_across_documents() -> None:
    def version(n: int, t: str) -> SchemaVersion:
        root = {"type": "object", "properties": {"a": {"$ref": "common.json#/definitions/A"}}}
        common = {"definitions": {"A": {"type": t}}}
        return SchemaVersion(n, root, "file:///s/root.json", {"file:///s/common.json": common})

    assert diff_schemas(version(1, "integer"), version(2, "number")) == [
        ("TYPE_EXTENDED", "#/properties/a")
    ]
    assert diff_schemas(version(1, "number"), version(2, "integer")) == [
        ("TYPE_NARROWED", "#/properties/a")
    ]


def _tree(leaf: str) -> dict[str, Any]:
    return {
        "$ref": "#/definitions/Node",
        "definitions": {
            "Node": {
                "type": "object",
                "properties": {
                    "value": {"type": leaf},
                    "children": {"type": "array", "items": {"$ref": "#/definitions/Node"}},
                },
            }
        },
    }


def test_recursive_schemas_terminate_and_find_nested_changes() -> None:
    assert diff_schemas(_tree("string"), _tree("string")) == []
    assert diff_schemas(_tree("string"), _tree("number")) == [
        ("TYPE_CHANGED", "#/properties/value")
    ]


def test_self_reference_cycle_terminates() -> None:
    loop = {"$ref": "#"}
    assert diff_schemas(loop, loop) == []
    mutual = {
        "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}},
        "$ref": "#/definitions/a",
    }
    assert diff_schemas(mutual, mutual) == []
