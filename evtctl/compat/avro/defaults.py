"""Field defaults as Apache Avro 1.12's Java parser judges them (``Schema.isValidDefault``).

Since Avro 1.12 (AVRO-3649, in the specification too) a union's default may match *any*
branch, not only the first; older readers (Avro < 1.12, and libraries that follow the old
text) take a union default as its first branch, so evtctl accepts such a default, as the
registry does, and says so in a diagnostic (:func:`union_default_branch`).
"""

from __future__ import annotations

from typing import Any

from evtctl.compat.avro.model import (
    Array,
    Enum,
    Fixed,
    Map,
    Node,
    Record,
    Ref,
    Union,
)

_INT = (-(2**31), 2**31 - 1)
_LONG = (-(2**63), 2**63 - 1)


class FieldsNotSet(Exception):
    """Java's ``getFields()`` throws: a default was checked against a record whose fields are
    not set yet (Avro 1.12 checks defaults again while it resolves forward references, and
    a record that encloses the field is not resolved yet)."""

    def __init__(self, record: Record) -> None:
        super().__init__(record.full)
        self.record = record


def valid_default(node: Node, value: Any, unset: frozenset[int] = frozenset()) -> bool:
    """Java's ``isValidDefault(schema, value)``. An unresolved forward reference is what
    Java holds for it while parsing: an empty record, so any JSON object passes. ``unset``:
    ids of records whose fields Java has not set yet (:class:`FieldsNotSet`)."""
    kind = node.kind
    if kind in ("string", "bytes", "enum", "fixed"):
        return isinstance(value, str)
    if kind == "int":
        return _integral(value) and _INT[0] <= value <= _INT[1]
    if kind == "long":
        return _integral(value) and _LONG[0] <= value <= _LONG[1]
    if kind in ("float", "double"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "null":
        return value is None
    if isinstance(node, Array):
        assert node.items is not None
        return isinstance(value, list) and all(valid_default(node.items, v, unset)
                                               for v in value)
    if isinstance(node, Map):
        assert node.values is not None
        return isinstance(value, dict) and all(valid_default(node.values, v, unset)
                                               for v in value.values())
    if isinstance(node, Union):
        return any(_valid_value(b, value, unset) for b in node.branches)
    if isinstance(node, Ref):
        return isinstance(value, dict)
    if isinstance(node, Record):
        if not isinstance(value, dict):
            return False
        if id(node) in unset:
            raise FieldsNotSet(node)
        for f in node.fields:
            given = value.get(f.name, f.default if f.has_default else _ABSENT)
            if given is _ABSENT or not _valid_value(f.type, given, unset):
                return False
        return True
    return False


_ABSENT = object()


def _valid_value(node: Node, value: Any, unset: frozenset[int] = frozenset()) -> bool:
    if isinstance(node, Union):
        return any(valid_default(b, value, unset) for b in node.branches)
    return valid_default(node, value, unset)


def _integral(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def union_default_branch(node: Union, value: Any) -> int | None:
    """The first branch a (valid) union default matches, or None."""
    for i, branch in enumerate(node.branches):
        if _valid_value(branch, value):
            return i
    return None


def default_notes(node: Node, value: Any) -> str | None:
    """What a default Java accepts would still do wrong when a reader uses it, if anything:
    an enum default that is not a symbol, a fixed default of the wrong length, bytes
    outside 0-255. ``None`` when nothing is wrong (checked on the top level of the value)."""
    if isinstance(node, Enum) and isinstance(value, str) and value not in node.symbols:
        return (f"default {value!r} is not a symbol of enum {node.full}; a reader that needs "
                "it fails")
    if isinstance(node, Fixed) and isinstance(value, str) and len(value) != node.size:
        return (f"default is {len(value)} characters long but fixed {node.full} has size "
                f"{node.size}")
    if node.kind in ("bytes", "fixed") and isinstance(value, str) and any(
            ord(c) > 255 for c in value):
        return "bytes defaults map characters 0-255 to bytes; this one has larger characters"
    return None
