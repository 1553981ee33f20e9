"""Loaded Avro schemas written back as JSON, in one self-contained document: each named type
defined where it is first met and referred to by full name after that.

Two uses: the form fastavro parses (examples are proven with it), and a stable content for
fingerprints. fastavro cannot refer to a type without namespace from inside a namespaced
one, so in its form such types get the namespace :data:`NULL_SPACE` (names are matched
without namespace, by Avro and by fastavro, so nothing else changes).
"""

from __future__ import annotations

from typing import Any

from evtctl.compat.avro.model import (
    PRIMITIVES,
    Array,
    Enum,
    Fixed,
    Map,
    Named,
    Node,
    Record,
    Union,
)

NULL_SPACE = "evtctl_no_namespace"


def view_name(node: Named) -> str:
    """The full name a named type has in the fastavro form."""
    return node.full if node.space is not None else f"{NULL_SPACE}.{node.name}"


def to_json(root: Node, *, for_fastavro: bool = True) -> Any:
    """The schema as one JSON document (see the module docstring). Iterative over records
    is not needed: nesting is bounded by the parse (``jsontext.MAX_DEPTH``) and named types
    are written once."""
    seen: set[int] = set()

    def name_of(node: Named) -> str:
        return view_name(node) if for_fastavro else node.full

    def emit(node: Node) -> Any:
        if node.kind in PRIMITIVES:
            if node.logical is not None and not for_fastavro:
                return {"type": node.kind, "logicalType": node.logical}
            return node.kind
        if isinstance(node, Named):
            if id(node) in seen:
                return name_of(node)
            seen.add(id(node))
            out: dict[str, Any] = {"type": node.kind, "name": name_of(node)}
            aliases = sorted(node.java_aliases())
            if aliases:
                out["aliases"] = aliases
            if isinstance(node, Record):
                fields = []
                for f in node.fields:
                    item: dict[str, Any] = {"name": f.name, "type": emit(f.type)}
                    if f.has_default:
                        item["default"] = f.default
                    if f.aliases:
                        item["aliases"] = list(f.aliases)
                    if not for_fastavro and f.order != "ascending":
                        item["order"] = f.order
                    fields.append(item)
                out["fields"] = fields
            elif isinstance(node, Enum):
                out["symbols"] = list(node.symbols)
                if node.default is not None:
                    out["default"] = node.default
            elif isinstance(node, Fixed):
                out["size"] = node.size
            if node.logical is not None and not for_fastavro:
                out["logicalType"] = node.logical
            return out
        if isinstance(node, Array):
            assert node.items is not None
            return {"type": "array", "items": emit(node.items)}
        if isinstance(node, Map):
            assert node.values is not None
            return {"type": "map", "values": emit(node.values)}
        assert isinstance(node, Union)
        return [emit(b) for b in node.branches]

    return emit(root)
