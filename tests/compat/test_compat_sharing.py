"""Inert subtrees (no reference, no ``not``) are loaded once and compared with themselves
for free; that shortcut must give exactly what the full comparison gives."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from compat_vectors import CASE_FILES, read_cases, require_vectors

from evtctl.compat.jsonschema import SchemaVersion, diff_schemas, model
from evtctl.compat.jsonschema.diff import Comparer
from evtctl.compat.jsonschema.engine import load_nodes
from evtctl.compat.jsonschema.kinds import allowed_changes
from evtctl.compat.jsonschema.model import Loader, _draft_of, _shared_key


def _subschemas(value: Any) -> Iterator[Any]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _schemas() -> list[Any]:
    directory = require_vectors()
    out: list[Any] = []
    for name in CASE_FILES:
        for case in read_cases(directory / name):
            out += [case["original_schema"], case["update_schema"]]
    return out


def test_an_inert_subtree_compared_with_an_equal_copy_has_no_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(model, "_shared_key", lambda raw, draft: None)  # full comparison
    checked = 0
    for root in _schemas():
        draft = _draft_of(root)
        for sub in _subschemas(root):
            if _shared_key(sub, draft) is None:
                continue
            old, new = Loader(draft=draft).load(sub), Loader(draft=draft).load(sub)
            assert old is not new
            for policy in ("strict", "lenient"):
                assert Comparer(allowed_changes(policy)).compare(old, new) == [], sub
            checked += 1
    assert checked > 500


def test_references_not_and_nan_are_never_inert() -> None:
    assert _shared_key({"type": "string"}, "draft7") is not None
    assert _shared_key({"items": {"$ref": "#/a"}}, "draft7") is None
    assert _shared_key({"properties": {"a": {"not": {}}}}, "draft7") is None
    assert _shared_key({"maximum": float("nan")}, "draft7") is None
    assert _shared_key({"type": "string"}, "draft7") != _shared_key({"type": "string"}, "draft4")
    # True and 1 are different schemas' values even though Python finds them equal
    assert _shared_key({"minimum": True}, "draft7") != _shared_key({"minimum": 1}, "draft7")


def test_versions_share_their_unchanged_properties() -> None:
    v1 = {"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}}
    v2 = {
        "type": "object",
        "properties": {"a": {"type": "string", "maxLength": 3}, "b": {"type": "integer"}},
    }
    n1, n2 = load_nodes(SchemaVersion(1, v1)), load_nodes(SchemaVersion(2, v2))
    assert n1.properties["a"] is n2.properties["a"] and n1.properties["a"].inert
    assert diff_schemas(v1, v2) == [
        ("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/b")
    ]
    assert diff_schemas({"not": {"type": "string"}}, {"not": {"type": "string"}}) == [
        ("NOT_TYPE_NARROWED", "#/not")
    ]
