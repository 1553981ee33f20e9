"""Object keywords: ``required``, ``properties`` against the content model, dependencies,
``additionalProperties``, ``unevaluatedProperties`` and the property-count limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evtctl.compat.jsonschema import content_model
from evtctl.compat.jsonschema.diff import Diff, _bound, pattern_matches
from evtctl.compat.jsonschema.model import Node

if TYPE_CHECKING:
    from evtctl.compat.jsonschema.diff import Comparer


def compare_object(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    _required(o, u, out)
    _properties(c, o, u, out)
    _dependencies(c, o, u, out)
    _additional(c, o, u, out)
    _unevaluated(c, o.unevaluated, u.unevaluated, "PROPERTIES", "unevaluatedProperties", out)
    _bound(out, "maxProperties", "MAX_PROPERTIES", o.max_properties, u.max_properties)
    _bound(out, "minProperties", "MIN_PROPERTIES", o.min_properties, u.min_properties)


def _required(o: Node, u: Node, out: list[Diff]) -> None:
    for name in o.properties:
        if name not in u.properties:
            continue
        was, now = name in o.required, name in u.required
        if was and not now:
            out.append(("REQUIRED_ATTRIBUTE_REMOVED", ("required", name)))
        elif now and not was:
            kind = (
                "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
                if u.properties[name].has_default
                else "REQUIRED_ATTRIBUTE_ADDED"
            )
            out.append((kind, ("required", name)))


def is_open(node: Node) -> bool:
    """Fully open: anything not named is allowed (no schema for additional/unevaluated ones)."""
    return not node.pattern_properties and content_model.is_open(node)


def partial_schema(c: Comparer, node: Node, name: str) -> Node | None:
    """The schema an unnamed property ``name`` gets from a partially open content model (a
    pattern whose match is not decided in time counts as not matching, noted in ``c``)."""
    for pattern, schema in node.pattern_properties:
        matches = pattern_matches(pattern, name)
        if matches is None:
            c.undecided.setdefault(name, pattern)
        elif matches:
            return schema
    return content_model.remainder_schema(node)


def _properties(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    for name in {**o.properties, **u.properties}:
        path = ("properties", name)
        old, new = o.properties.get(name), u.properties.get(name)
        if new is None and old is not None:
            _removed(c, old, u, name, path, out)
        elif old is None and new is not None:
            _added(c, o, new, u, name, path, out)
        else:
            c.nested(out, path, old, new)


def _removed(
    c: Comparer, old: Node, u: Node, name: str, path: tuple[str, ...], out: list[Diff]
) -> None:
    if is_open(u):
        out.append(("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL", path))
        return
    cover = partial_schema(c, u, name)
    if cover is not None:
        content_model.against_remainder(c, old, cover, "PROPERTY_REMOVED", path, out)
    elif old.kind == "false":
        out.append(("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL", path))
    else:
        out.append(("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", path))


def _added(
    c: Comparer, o: Node, new: Node, u: Node, name: str, path: tuple[str, ...], out: list[Diff]
) -> None:
    if is_open(o):
        if new.kind in ("empty", "true"):
            out.append(("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL", path))
        else:
            out.append((_added_kind(name in u.required, new, "OPEN"), path))
        return
    cover = partial_schema(c, o, name)
    if cover is not None:
        content_model.against_remainder(c, cover, new, "PROPERTY_ADDED", path, out)
    out.append((_added_kind(name in u.required, new, "UNOPEN"), path))


def _added_kind(required: bool, new: Node, model: str) -> str:
    """REQUIRED_PROPERTY[_WITH_DEFAULT]_ADDED_TO_… or OPTIONAL_PROPERTY_ADDED_TO_…"""
    if not required:
        return f"OPTIONAL_PROPERTY_ADDED_TO_{model}_CONTENT_MODEL"
    default = "_WITH_DEFAULT" if new.has_default else ""
    return f"REQUIRED_PROPERTY{default}_ADDED_TO_{model}_CONTENT_MODEL"


def _dependencies(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    for name in {**o.property_dependencies, **u.property_dependencies}:
        path = ("dependencies", name)
        old, new = o.property_dependencies.get(name), u.property_dependencies.get(name)
        if new is None:
            out.append(("DEPENDENCY_ARRAY_REMOVED", path))
        elif old is None:
            out.append(("DEPENDENCY_ARRAY_ADDED", path))
        elif old != new:
            if new >= old:
                out.append(("DEPENDENCY_ARRAY_EXTENDED", path))
            elif old >= new:
                out.append(("DEPENDENCY_ARRAY_NARROWED", path))
            else:
                out.append(("DEPENDENCY_ARRAY_CHANGED", path))
    for name in {**o.schema_dependencies, **u.schema_dependencies}:
        path = ("dependencies", name)
        old_s, new_s = o.schema_dependencies.get(name), u.schema_dependencies.get(name)
        if new_s is None:
            out.append(("DEPENDENCY_SCHEMA_REMOVED", path))
        elif old_s is None:
            out.append(("DEPENDENCY_SCHEMA_ADDED", path))
        else:
            c.nested(out, path, old_s, new_s)


def _additional(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    path = ("additionalProperties",)
    if o.permits_additional != u.permits_additional:
        kind = (
            "ADDITIONAL_PROPERTIES_ADDED"
            if u.permits_additional
            else "ADDITIONAL_PROPERTIES_REMOVED"
        )
        out.append((kind, path))
    elif o.additional is None and u.additional is not None:
        out.append(("ADDITIONAL_PROPERTIES_NARROWED", path))
    elif u.additional is None and o.additional is not None:
        out.append(("ADDITIONAL_PROPERTIES_EXTENDED", path))
    elif o.additional is not None:
        c.nested(out, path, o.additional, u.additional)


def _unevaluated(
    c: Comparer, old: Node | None, new: Node | None, what: str, name: str, out: list[Diff]
) -> None:
    """Shared by objects and arrays: ``unevaluatedProperties`` / ``unevaluatedItems``."""
    if old is None and new is None:
        return
    path = (name,)
    o_false = old is not None and old.kind == "false"
    n_false = new is not None and new.kind == "false"
    o_empty = old is not None and old.kind in ("empty", "true")
    n_empty = new is not None and new.kind in ("empty", "true")
    if old is None:
        out.append((f"UNEVALUATED_{what}_{'REMOVED' if n_false else 'NARROWED'}", path))
    elif new is None:
        out.append((f"UNEVALUATED_{what}_{'ADDED' if o_false else 'EXTENDED'}", path))
    elif o_false and not n_false:
        out.append((f"UNEVALUATED_{what}_ADDED", path))
    elif n_false and not o_false:
        out.append((f"UNEVALUATED_{what}_REMOVED", path))
    elif o_empty and not n_empty:
        out.append((f"UNEVALUATED_{what}_NARROWED", path))
    elif n_empty and not o_empty:
        out.append((f"UNEVALUATED_{what}_EXTENDED", path))
    else:
        c.nested(out, path, old, new)
