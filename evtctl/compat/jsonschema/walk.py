"""Follow a change's path through the two loaded schemas, as the comparison went.

The diff reports a path (``#/properties/address/items/anyOf/1/maxLength``) and nothing
else; to word the change with names and values, and to build an example event at that
place, both schemas are walked along it the way :class:`~.diff.Comparer` walked them:
references followed, a schema compared with one alternative of a combined schema where
the comparison did that, alternatives paired as the comparison paired them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evtctl.compat.jsonschema.diff import Comparer, unique_of
from evtctl.compat.jsonschema.model import Node, deref

# Keywords that end a path: the change is about that keyword of the schema reached.
LEAVES = frozenset((
    "maxLength", "minLength", "pattern", "maximum", "minimum", "exclusiveMaximum",
    "exclusiveMinimum", "multipleOf", "enum", "const", "required", "maxItems", "minItems",
    "uniqueItems", "maxProperties", "minProperties", "maxContains", "minContains",
))
COMBINATIONS = ("allOf", "anyOf", "oneOf")


@dataclass(frozen=True)
class Step:
    """One container entered on the way: a property, an item, an alternative..."""

    # property, item, items, additional, additional-items, unevaluated, alternative,
    # dependency or not
    what: str
    key: str | int | None  # the property name, item index, or combination keyword
    index: int | None = None  # the alternative's index (old side) for combinations
    writer: Node | None = None  # the writer's schema holding it (as written, unaligned)
    reader: Node | None = None


@dataclass
class Place:
    """The schemas at the end of a path, on both sides (None where that side has no such
    member: a property added or removed), and the keyword step left, if any."""

    writer: Node | None
    reader: Node | None
    writer_full: Node | None  # the writer's schema there as written (before alignment)
    reader_full: Node | None
    steps: list[Step] = field(default_factory=list)
    leaf: tuple[str, ...] = ()


def align(c: Comparer, o: Node | None, u: Node | None) -> tuple[Node | None, Node | None]:
    """The two schemas the comparison actually compared at this point (see
    ``Comparer._types``): a schema against the alternative of a combination that accepts it,
    references followed. Read from what the comparison recorded, not compared again."""
    if o is None or u is None:
        return (deref(o) if o else None), (deref(u) if u else None)
    o, u = deref(o), deref(u)
    found = c.aligned.get((id(o), id(u)))
    if found is not None:
        return deref(found[0]), deref(found[1])
    return o, u


# Where a walk along a path prefix got to: how much of the path it consumed, and the
# schemas and steps there (see walk's memo).
_State = tuple[int, "Node | None", "Node | None", "Node | None", "Node | None",
               tuple[Step, ...]]


def walk(c: Comparer, writer: Node, reader: Node, path: tuple[str, ...]) -> Place:
    """The place ``path`` (as the diff reports it) names in both schemas.

    Changes come in families that share all but their last steps (every property added
    to a definition reached through many paths): where a walk along a prefix of ``path``
    got to is remembered per comparer, and the walk starts from the longest one known."""
    memo: dict[tuple[int, int, tuple[str, ...]], _State] = c.walks
    key = (id(writer), id(reader))
    start: _State | None = None
    for cut in range(len(path), 0, -1):
        start = memo.get((*key, path[:cut]))
        if start is not None:
            break
    if start is not None:
        i, o_full, u_full, o, u, done = start
        steps = list(done)
    else:
        o_full = deref(writer)
        u_full = deref(reader)
        o, u = align(c, o_full, u_full)
        steps = []
        i = 0
    return _walk(c, path, i, o_full, u_full, o, u, steps, memo, key)


def _walk(c: Comparer, path: tuple[str, ...], i: int, o_full: Node | None,
          u_full: Node | None, o: Node | None, u: Node | None, steps: list[Step],
          memo: dict[tuple[int, int, tuple[str, ...]], _State],
          key: tuple[int, int]) -> Place:
    """Walk on from step ``i``, remembering where each step got to (a longer path may
    resume from there; not after a property dependency, which ends the walk wherever the
    path goes on)."""
    while i < len(path):
        if i and steps:
            memo.setdefault((*key, path[:i]), (i, o_full, u_full, o, u, tuple(steps)))
        step = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
        if step in LEAVES:
            break
        o2: Node | None
        u2: Node | None
        if step == "properties" and nxt is not None:
            o2 = o.properties.get(nxt) if o else None
            u2 = u.properties.get(nxt) if u else None
            steps.append(Step("property", nxt, writer=o_full, reader=u_full))
            i += 2
        elif step == "items" and nxt is not None and nxt.isdigit():
            index = int(nxt)
            o2 = _item(o, index)
            u2 = _item(u, index)
            steps.append(Step("item", index, writer=o_full, reader=u_full))
            i += 2
        elif step == "items":
            o2, u2 = (o.all_items if o else None), (u.all_items if u else None)
            steps.append(Step("items", None, writer=o_full, reader=u_full))
            i += 1
        elif step in ("additionalProperties", "additionalItems"):
            o2, u2 = (o.additional if o else None), (u.additional if u else None)
            what = "additional" if step == "additionalProperties" else "additional-items"
            steps.append(Step(what, None, writer=o_full, reader=u_full))
            i += 1
        elif step in ("unevaluatedProperties", "unevaluatedItems"):
            o2, u2 = (o.unevaluated if o else None), (u.unevaluated if u else None)
            steps.append(Step("unevaluated", step, writer=o_full, reader=u_full))
            i += 1
        elif step == "dependencies" and nxt is not None:
            o2 = o.schema_dependencies.get(nxt) if o else None
            u2 = u.schema_dependencies.get(nxt) if u else None
            steps.append(Step("dependency", nxt, writer=o_full, reader=u_full))
            if o2 is None and u2 is None:
                i += 2
                # A property dependency: the leaf is the dependency itself.
                return Place(o, u, o_full, u_full, steps, tuple(path[i:]))
            i += 2
        elif step == "not":
            o2, u2 = (o.negated if o else None), (u.negated if u else None)
            steps.append(Step("not", None, writer=o_full, reader=u_full))
            i += 1
        elif step in COMBINATIONS and nxt is not None and nxt.isdigit():
            index = int(nxt)
            olds = unique_of(o) if o and o.kind == "combined" else []
            o2 = olds[index] if index < len(olds) else None
            u2 = None
            if o is not None and u is not None and u.kind == "combined":
                partner = c.matchings.get((id(o), id(u)), {}).get(index)
                news = unique_of(u)
                if partner is not None and partner < len(news):
                    u2 = news[partner]
            steps.append(Step("alternative", step, index, writer=o_full, reader=u_full))
            i += 2
        else:
            break
        o_full = deref(o2) if o2 is not None else None
        u_full = deref(u2) if u2 is not None else None
        o, u = align(c, o_full, u_full)
    if i and steps:
        memo.setdefault((*key, path[:i]), (i, o_full, u_full, o, u, tuple(steps)))
    return Place(o, u, o_full, u_full, steps, tuple(path[i:]))


def _item(node: Node | None, index: int) -> Node | None:
    if node is None:
        return None
    if node.item_schemas is not None and index < len(node.item_schemas):
        return node.item_schemas[index]
    return None


def where(path: tuple[str, ...]) -> str:
    """A short name for the place a path leads to, as a reader of events would say it:
    ``address.city``, ``tags[]``, ``lines[0].sku``; "the event" for the root."""
    out = ""
    i = 0
    while i < len(path):
        step = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
        if step == "properties" and nxt is not None:
            out += ("." if out else "") + nxt
            i += 2
        elif step == "items" and nxt is not None and nxt.isdigit():
            out += f"[{nxt}]"
            i += 2
        elif step in ("items", "additionalItems", "unevaluatedItems"):
            out += "[]"
            i += 1
        elif step in ("additionalProperties", "unevaluatedProperties"):
            out += ("." if out else "") + "*"
            i += 1
        elif nxt is not None and (
                (step in COMBINATIONS and nxt.isdigit()) or step in ("dependencies", "required")):
            i += 2
        else:
            i += 1
    return out or "the event"
