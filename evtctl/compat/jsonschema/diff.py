"""Compare two loaded schemas and list Confluent's change kinds with their JSON paths.

``compare(original, update, allowed)`` answers the BACKWARD question: what changed between the
schema that wrote the data (original) and the one that reads it (update). Some decisions depend
on whether a nested comparison is compatible (a union member that still accepts the old data,
a property now covered by ``additionalProperties``), so the allowed-change set is an input.

Paths are relative to the pair being compared and prefixed on the way up, so the result of a
pair can be reused wherever the pair appears again (``$ref``). A pair met again while it is
still being compared is a recursive cycle: it contributes nothing there (the cycle is the same
check again), and results computed under that assumption are not cached.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from evtctl.compat.jsonschema.model import Node, deref

Diff = tuple[str, tuple[str, ...]]


class _Frame:
    """A pair being compared: how deep it sits, the shallowest pair in progress that its
    result assumed (a cycle back to it), and the results computed under such assumptions."""

    __slots__ = ("assumed", "depth", "low", "pending", "tainted")

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.low = depth + 1  # no assumption yet
        self.assumed = False  # a pair below met this one again (assumed it unchanged)
        self.tainted = False  # an assumed pair turned out to have changes
        self.pending: list[tuple[tuple[int, int], list[Diff]]] = []


class Comparer:
    """One comparison run: the allowed set, the cache and the pairs in progress.

    A pair met again while it is being compared (a recursive schema) is assumed to have no
    changes there. Results that rest on such an assumption are kept aside, reused while
    the cycle is still being compared, and cached once the pair that closes the cycle is
    done and every assumption held (each assumed pair really had no changes) — as for a
    strongly connected component. If one did not hold, the cycle is compared again without
    reusing anything, and only what did not depend on an assumption is cached: the
    answers are those of comparing every occurrence afresh, without its cost when (as is
    usual) the recursive parts did not change.
    """

    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed
        self._memo: dict[tuple[int, int], list[Diff]] = {}
        self._depth: dict[tuple[int, int], int] = {}  # pairs in progress
        self._frames: list[_Frame] = []
        # Results resting on assumptions, with the frame they rest on (valid while it is).
        self._pending: dict[tuple[int, int], tuple[list[Diff], int, _Frame]] = {}
        self._optimistic = True
        self._truncations = 0
        self._ok: dict[int, tuple[list[Diff], bool]] = {}  # id -> (the list, its answer)
        # How the alternatives of each compared pair of combined schemas were paired (old
        # index -> new index, among the unique ones): to word and illustrate changes.
        self.matchings: dict[tuple[int, int], dict[int, int]] = {}
        # Pairs compared through one alternative of a combined schema (a schema against an
        # anyOf that accepts it, an allOf member against a schema): the pair compared.
        self.aligned: dict[tuple[int, int], tuple[Node, Node]] = {}
        # Property names whose match against a patternProperties pattern was not decided
        # in time (name -> pattern): read as not matching, and said so in the change.
        self.undecided: dict[str, str] = {}
        # Where walks along change paths got to (walk.walk's memo), by the two roots' ids
        # and the path prefix consumed.
        self.walks: dict[tuple[int, int, tuple[str, ...]], Any] = {}

    def ok(self, diffs: list[Diff]) -> bool:
        if len(diffs) < 8:
            return all(kind in self.allowed for kind, _ in diffs)
        # Long lists are the memo's, asked again for every pairing they take part in.
        known = self._ok.get(id(diffs))
        if known is not None and known[0] is diffs:
            return known[1]
        answer = all(kind in self.allowed for kind, _ in diffs)
        self._ok[id(diffs)] = (diffs, answer)
        return answer

    # -- entry point: SchemaDiff.compare ---------------------------------------------------------
    def compare(self, original: Node | None, update: Node | None) -> list[Diff]:
        if original is None and update is None:
            return []
        if original is None:
            return [("SCHEMA_ADDED", ())]
        if update is None:
            return [("SCHEMA_REMOVED", ())]
        o, u = deref(original), deref(update)
        if o is u and o.inert:
            return []  # an equal subtree without references: nothing can have changed
        key = (id(o), id(u))
        cached = self._memo.get(key)
        if cached is not None:
            return cached
        frames = self._frames
        depth = self._depth.get(key)
        if depth is not None:  # a cycle: assume no change here
            frames[depth].assumed = True
            frames[-1].low = min(frames[-1].low, depth)
            self._truncations += 1
            return []
        if self._optimistic:
            pending = self._pending.get(key)
            if pending is not None:
                result, low, anchor = pending
                if low < len(frames) and frames[low] is anchor:
                    frames[-1].low = min(frames[-1].low, low)
                    return result
        frame = _Frame(len(frames))
        frames.append(frame)
        self._depth[key] = frame.depth
        before = self._truncations
        try:
            result = self._types(o, u)
        finally:
            frames.pop()
            del self._depth[key]
        if frame.assumed and result:
            frame.tainted = True
        if frame.low <= frame.depth - 1:  # rests on a pair still in progress below
            parent = frames[-1]
            frame.pending.append((key, result))
            if self._optimistic:
                self._pending[key] = (result, frame.low, frames[frame.low])
            parent.pending.extend(frame.pending)
            parent.tainted = parent.tainted or frame.tainted
            parent.low = min(parent.low, frame.low)
            return result
        # Nothing below is assumed any more: this pair closes every cycle it is part of.
        for done, _r in frame.pending:
            self._pending.pop(done, None)
        if not self._optimistic:
            if self._truncations == before:
                self._memo[key] = result
            return result
        if frame.tainted:
            # An assumption did not hold: compare this pair again, reusing nothing.
            self._optimistic = False
            try:
                return self.compare(o, u)
            finally:
                self._optimistic = True
        for done, done_result in frame.pending:
            self._memo[done] = done_result
        self._memo[key] = result
        return result

    def _types(self, o: Node, u: Node) -> list[Diff]:
        out: list[Diff] = []
        if o.kind != "combined" and u.kind == "combined":
            subs = unique_of(u)
            if len(u.subschemas) == 1:
                sub = self.compare(o, u.subschemas[0])
                if self.ok(sub):
                    self.aligned[(id(o), id(u))] = (o, u.subschemas[0])
                    return sub
            elif u.criterion in ("anyOf", "oneOf"):
                for s in subs:
                    sub = self.compare(o, s)
                    if self.ok(sub):
                        self.aligned[(id(o), id(u))] = (o, s)
                        return [*sub, ("SUM_TYPE_EXTENDED", ())]
        elif o.kind == "combined" and u.kind != "combined":
            if len(o.subschemas) == 1:
                sub = self.compare(o.subschemas[0], u)
                if self.ok(sub):
                    self.aligned[(id(o), id(u))] = (o.subschemas[0], u)
                    return sub
            elif o.criterion == "allOf":
                for s in unique_of(o):
                    sub = self.compare(s, u)
                    if self.ok(sub):
                        self.aligned[(id(o), id(u))] = (s, u)
                        return [*sub, ("PRODUCT_TYPE_NARROWED", ())]
        if not _same_class(o, u):
            if o.kind == "false" or u.kind in ("empty", "true"):
                return []
            if o.connect_type == "bytes" and u.connect_type == "bytes":
                return []
            return [("TYPE_CHANGED", ())]
        if o.id != u.id:
            out.append(("ID_CHANGED", ()))
        if o.title != u.title:
            out.append(("TITLE_CHANGED", ()))
        if o.description != u.description:
            out.append(("DESCRIPTION_CHANGED", ()))
        if (o.has_default, o.default) != (u.has_default, u.default):
            out.append(("DEFAULT_CHANGED", ()))
        handler = _HANDLERS.get(o.kind)
        if handler is not None:
            handler(self, o, u, out)
        return out

    def nested(
        self, out: list[Diff], prefix: tuple[str, ...], o: Node | None, u: Node | None
    ) -> None:
        out.extend((kind, prefix + path) for kind, path in self.compare(o, u))


def _same_class(o: Node, u: Node) -> bool:
    return o.kind == u.kind


def _unique(nodes: list[Node]) -> list[Node]:
    seen: dict[str, Node] = {}
    for n in nodes:
        seen.setdefault(n.key, n)
    return list(seen.values())


def unique_of(node: Node) -> list[Node]:
    """A combined schema's distinct subschemas (remembered: asked for every pairing)."""
    if node._unique is None:
        node._unique = _unique(node.subschemas)
    return node._unique


# -- per-class comparisons ------------------------------------------------------------------------
def _bound(out: list[Diff], name: str, kind: str, old: float | None, new: float | None) -> None:
    """Report a numeric bound as ADDED, REMOVED, INCREASED or DECREASED."""
    if old == new:
        return
    if old is None:
        out.append((f"{kind}_ADDED", (name,)))
    elif new is None:
        out.append((f"{kind}_REMOVED", (name,)))
    elif old < new:
        out.append((f"{kind}_INCREASED", (name,)))
    else:
        out.append((f"{kind}_DECREASED", (name,)))


def _string(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    _bound(out, "maxLength", "MAX_LENGTH", o.max_length, u.max_length)
    _bound(out, "minLength", "MIN_LENGTH", o.min_length, u.min_length)
    if o.pattern is None and u.pattern is not None:
        out.append(("PATTERN_ADDED", ("pattern",)))
    elif o.pattern is not None and u.pattern is None:
        out.append(("PATTERN_REMOVED", ("pattern",)))
    elif o.pattern != u.pattern:
        out.append(("PATTERN_CHANGED", ("pattern",)))


def _number(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    _bound(out, "maximum", "MAXIMUM", o.maximum, u.maximum)
    _bound(out, "minimum", "MINIMUM", o.minimum, u.minimum)
    _bound(out, "exclusiveMaximum", "EXCLUSIVE_MAXIMUM", o.exclusive_maximum, u.exclusive_maximum)
    _bound(out, "exclusiveMinimum", "EXCLUSIVE_MINIMUM", o.exclusive_minimum, u.exclusive_minimum)
    # Draft 4 spells exclusivity as a boolean beside maximum/minimum; Confluent ignores it.
    for name, old, new in (
        ("exclusiveMaximum", o.exclusive_maximum_flag, u.exclusive_maximum_flag),
        ("exclusiveMinimum", o.exclusive_minimum_flag, u.exclusive_minimum_flag),
    ):
        if old != new:
            kind = "EXCLUSIVE_MAXIMUM" if name == "exclusiveMaximum" else "EXCLUSIVE_MINIMUM"
            out.append((f"{kind}_{'ADDED' if new else 'REMOVED'}", (name,)))
    _multiple_of(o.multiple_of, u.multiple_of, out)
    if o.integer != u.integer:
        out.append(("TYPE_EXTENDED" if o.integer else "TYPE_NARROWED", ()))


def _multiple_of(old_raw: float | None, new_raw: float | None, out: list[Diff]) -> None:
    old, new = _dec(old_raw), _dec(new_raw)
    if old == new:
        return
    path = ("multipleOf",)
    if old is None:
        out.append(("MULTIPLE_OF_ADDED", path))
    elif new is None:
        out.append(("MULTIPLE_OF_REMOVED", path))
    elif old != 0 and new % old == 0:
        out.append(("MULTIPLE_OF_EXPANDED", path))
    elif new != 0 and old % new == 0:
        out.append(("MULTIPLE_OF_REDUCED", path))
    else:
        out.append(("MULTIPLE_OF_CHANGED", path))


def _dec(value: float | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - str() of a number always parses
        return None


def _enum(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    if o.values == u.values:
        return
    if u.values >= o.values:
        out.append(("ENUM_ARRAY_EXTENDED", ("enum",)))
    elif o.values >= u.values:
        out.append(("ENUM_ARRAY_NARROWED", ("enum",)))
    else:
        out.append(("ENUM_ARRAY_CHANGED", ("enum",)))


def _const(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    if o.const != u.const:
        out.append(("ENUM_ARRAY_CHANGED", ("const",)))


def _not(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    inner = c.compare(u.negated, o.negated)  # reversed: what the old schema excluded
    out.append(("NOT_TYPE_NARROWED" if c.ok(inner) else "NOT_TYPE_EXTENDED", ("not",)))


def _combined(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    from evtctl.compat.jsonschema.matching import max_matching

    if o.criterion != u.criterion:
        single_o, single_u = len(o.subschemas) == 1, len(u.subschemas) == 1
        if (
            u.criterion == "anyOf"
            or (single_o and single_u)
            or (single_o and u.criterion == "oneOf")
            or (single_u and o.criterion == "allOf")
        ):
            out.append(("COMBINED_TYPE_EXTENDED", ()))
        else:
            out.append(("COMBINED_TYPE_CHANGED", ()))
            return
    olds, news = unique_of(o), unique_of(u)
    if len(olds) < len(news):
        out.append(("PRODUCT_TYPE_EXTENDED" if u.criterion == "allOf" else "SUM_TYPE_EXTENDED", ()))
    elif len(olds) > len(news):
        out.append(("SUM_TYPE_NARROWED" if o.criterion != "allOf" else "PRODUCT_TYPE_NARROWED", ()))
    compared: dict[tuple[int, int], list[Diff]] = {}
    unchanged = _unchanged_pairs(c, olds, news, compared)
    if unchanged is not None:
        c.matchings[(id(o), id(u))] = unchanged
        return  # a maximum matching of unchanged alternatives: every other edge costs more
    edges: dict[tuple[int, int], list[Diff]] = {}
    for i, old in enumerate(olds):
        for j, new in enumerate(news):
            found = compared.get((i, j))
            if found is None:
                found = c.compare(old, new)  # each pair once (a cycle may defeat the memo)
            if c.ok(found):
                edges[(i, j)] = found
    matching = max_matching(len(olds), len(news), {e: len(d) for e, d in edges.items()})
    c.matchings[(id(o), id(u))] = dict(matching)
    for edge in sorted(matching):
        prefix = (o.criterion, str(edge[0]))
        out.extend((k, prefix + p) for k, p in edges[edge])
    if len(matching) < min(len(olds), len(news)):
        out.append(("COMBINED_TYPE_SUBSCHEMAS_CHANGED", ()))


def _unchanged_pairs(c: Comparer, olds: list[Node], news: list[Node],
                     compared: dict[tuple[int, int], list[Diff]]) -> dict[int, int] | None:
    """The pairing of alternatives written the same way on both sides, when each pair has
    no change and they cover the smaller side. Then that is the matching the full search
    would choose (no edge costs less than nothing), and the n x m comparisons are not
    needed. None otherwise; ``compared`` keeps what was compared on the way."""
    needed = min(len(olds), len(news))
    if needed == 0:
        return None
    by_key = {new.key: j for j, new in enumerate(news)}
    matched: dict[int, int] = {}
    for i, old in enumerate(olds):
        j = by_key.get(old.key)
        if j is None:
            continue
        found = compared[(i, j)] = c.compare(old, news[j])
        if not found:
            matched[i] = j
    return matched if len(matched) >= needed else None


def _object(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    from evtctl.compat.jsonschema.objects import compare_object

    compare_object(c, o, u, out)


def _array(c: Comparer, o: Node, u: Node, out: list[Diff]) -> None:
    from evtctl.compat.jsonschema.arrays import compare_array

    compare_array(c, o, u, out)


_HANDLERS = {
    "string": _string,
    "number": _number,
    "enum": _enum,
    "const": _const,
    "not": _not,
    "combined": _combined,
    "object": _object,
    "array": _array,
}


def pattern_matches(pattern: str, name: str) -> bool | None:
    """Java's ``Matcher.find()``: the pattern matches somewhere in the name (False when
    Python cannot read it; None when the match was not decided in time — a hostile pattern
    must not hang the comparison, :mod:`.ecma`)."""
    from evtctl.compat.jsonschema.ecma import compile_as_written

    compiled = compile_as_written(pattern)
    return False if compiled is None else compiled.search(name)
