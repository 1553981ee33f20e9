"""Open, closed and partially open content models, shared by objects and arrays.

A content model is *open* when anything it does not name is allowed (no schema for
additional or unevaluated members), *closed* when nothing else is allowed, and
*partially open* when unnamed members must match a schema (``additionalProperties`` /
``additionalItems`` / ``unevaluated*`` given as a schema).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evtctl.compat.jsonschema.model import Node

if TYPE_CHECKING:
    from evtctl.compat.jsonschema.diff import Comparer, Diff


def is_open(node: Node) -> bool:
    """Anything not named is allowed: no schema for additional or unevaluated members."""
    if not node.permits_additional or node.additional is not None:
        return False
    return node.unevaluated is None or node.unevaluated.kind in ("empty", "true")


def remainder_schema(node: Node) -> Node | None:
    """The schema unnamed members must match in a partially open model, if any."""
    if node.additional is not None:
        return node.additional
    un = node.unevaluated
    if node.permits_additional and un is not None and un.kind not in ("false", "empty", "true"):
        return un
    return None


def against_remainder(c: Comparer, writer: Node, reader: Node, change: str,
                      path: tuple[str, ...], out: list[Diff]) -> None:
    """A member added to or removed from a partially open model: compare it with the
    remainder schema on the other side, then say whether that schema covers it
    (``<change>_IS_COVERED_...`` or ``<change>_NOT_COVERED_...``)."""
    nested = [(k, path + p) for k, p in c.compare(writer, reader)]
    out.extend(nested)
    covered = "IS" if c.ok(nested) else "NOT"
    out.append((f"{change}_{covered}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", path))
