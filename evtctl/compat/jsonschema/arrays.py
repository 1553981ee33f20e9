"""Array keywords: ``items`` (one schema for all), positional items against the content
model, ``additionalItems``, ``unevaluatedItems`` and the count limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evtctl.compat.jsonschema.content_model import against_remainder, is_open, remainder_schema
from evtctl.compat.jsonschema.diff import Diff, _bound
from evtctl.compat.jsonschema.model import Node
from evtctl.compat.jsonschema.objects import _unevaluated

if TYPE_CHECKING:
    from evtctl.compat.jsonschema.diff import Comparer


def compare_array(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    c.nested(out, ("items",), o.all_items, u.all_items)
    _positional(c, o, u, out)
    _additional(c, o, u, out)
    _unevaluated(c, o.unevaluated, u.unevaluated, "ITEMS", "unevaluatedItems", out)
    _bound(out, "maxItems", "MAX_ITEMS", o.max_items, u.max_items)
    _bound(out, "minItems", "MIN_ITEMS", o.min_items, u.min_items)
    if o.unique_items != u.unique_items:
        out.append(
            ("UNIQUE_ITEMS_REMOVED" if o.unique_items else "UNIQUE_ITEMS_ADDED", ("uniqueItems",))
        )
    _bound(out, "maxContains", "MAX_CONTAINS", o.max_contains, u.max_contains)
    _bound(out, "minContains", "MIN_CONTAINS", o.min_contains, u.min_contains)


def _positional(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    olds, news = o.item_schemas or [], u.item_schemas or []
    for i in range(max(len(olds), len(news))):
        path = ("items", str(i))
        if i < len(olds) and i < len(news):
            c.nested(out, path, olds[i], news[i])
        elif i < len(olds):
            _removed(c, olds[i], u, path, out)
        else:
            _added(c, o, news[i], path, out)


def _removed(c: Comparer, old: Node, u: Node, path: tuple[str, ...], out: list[Diff]) -> None:
    if is_open(u):
        out.append(("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL", path))
        return
    cover = remainder_schema(u)
    if cover is not None:
        against_remainder(c, old, cover, "ITEM_REMOVED", path, out)
    elif old.kind == "false":
        out.append(("ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", path))
    else:
        out.append(("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", path))


def _added(c: Comparer, o: Node, new: Node, path: tuple[str, ...], out: list[Diff]) -> None:
    if is_open(o):
        empty = new.kind in ("empty", "true")
        out.append(
            (
                "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                if empty
                else "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
                path,
            )
        )
        return
    cover = remainder_schema(o)
    if cover is not None:
        against_remainder(c, cover, new, "ITEM_ADDED", path, out)
    else:
        out.append(("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL", path))


def _additional(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    path = ("additionalItems",)
    if o.permits_additional != u.permits_additional:
        out.append(
            ("ADDITIONAL_ITEMS_REMOVED" if o.permits_additional else "ADDITIONAL_ITEMS_ADDED", path)
        )
    elif o.additional is None and u.additional is not None:
        out.append(("ADDITIONAL_ITEMS_NARROWED", path))
    elif u.additional is None and o.additional is not None:
        out.append(("ADDITIONAL_ITEMS_EXTENDED", path))
    elif o.additional is not None:
        c.nested(out, path, o.additional, u.additional)
