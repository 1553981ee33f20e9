"""Apache Avro's reader/writer compatibility (Java's ``SchemaCompatibility``), as Confluent
Schema Registry runs it, reproduced result for result.

What the Java library reports is what this reports, in the same order and at the same
locations, quirks included, because users compare evtctl's verdicts with the registry's:

* names are compared without their namespace (``getName()``), then the reader's aliases
  against the writer's full name;
* a writer union: each branch is checked *from a fresh location*, and a branch that fails
  gives one ``MISSING_UNION_BRANCH`` at ``<union>/<branch>``; what failed inside is not said;
* a reader union and a plain writer: fine if any reader branch reads it (each tried from a
  fresh location, in order, stopping at the first that does), else one
  ``MISSING_UNION_BRANCH`` at the union;
* a plain reader and a writer union: each writer branch checked at ``<location>/<branch>``;
* one memo per check, keyed by the identity of the (reader, writer) nodes: a pair met again
  reuses the first result, *with the first visit's locations* (so a shared named type that
  breaks is listed once per use, at the place it was first met); a pair met while it is
  being checked (recursion) counts as compatible;
* a missing reader field without a default whose type is an enum with an enum default is
  checked as that enum against the writer *record* (Java's code does that: it gives
  ``TYPE_MISMATCH``);
* a reader field that matches two writer fields (by name and alias) makes Java throw; the
  registry then answers "incompatible" with one error, and so does this
  (``AMBIGUOUS_FIELD``).

Linear in the size of the schemas: every (reader node, writer node) pair is computed once.
The walk keeps its own stack (no Python recursion), so recursive types that lead through
thousands of pairs, or deeply nested ones, cannot overflow it.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from evtctl.compat.avro.model import (
    PRIMITIVES,
    Array,
    Enum,
    FieldDef,
    Fixed,
    Map,
    Named,
    Node,
    Record,
    Union,
    closed,
)

NAME_MISMATCH = "NAME_MISMATCH"
FIXED_SIZE_MISMATCH = "FIXED_SIZE_MISMATCH"
MISSING_ENUM_SYMBOLS = "MISSING_ENUM_SYMBOLS"
READER_FIELD_MISSING_DEFAULT_VALUE = "READER_FIELD_MISSING_DEFAULT_VALUE"
TYPE_MISMATCH = "TYPE_MISMATCH"
MISSING_UNION_BRANCH = "MISSING_UNION_BRANCH"
AMBIGUOUS_FIELD = "AMBIGUOUS_FIELD"

# Writers each reader type can read besides its own type (Avro's promotions).
PROMOTIONS: dict[str, frozenset[str]] = {
    "long": frozenset(("int",)),
    "float": frozenset(("int", "long")),
    "double": frozenset(("int", "long", "float")),
    "bytes": frozenset(("string",)),
    "string": frozenset(("bytes",)),
}

# A location is a linked list (token, parent) from the leaf up; the root token is "".
Location = tuple[str, Any] | None
# A writer path, for examples: (step, parent); steps are ("field", name), ("items",),
# ("values",), ("branch", index).
WriterPath = tuple[tuple[Any, ...], Any] | None


class Incompatibility:
    """One of Java's ``Incompatibility`` objects."""

    __slots__ = ("cause", "location", "message", "reader", "type", "writer", "writer_path")

    def __init__(self, kind: str, location: Location, message: str, reader: Node,
                 writer: Node, writer_path: WriterPath, cause: Result = ()) -> None:
        self.cause = cause  # a writer union branch's own result, which Java does not list
        self.type = kind
        self.location = location
        self.message = message
        self.reader = reader
        self.writer = writer
        self.writer_path = writer_path

    @property
    def pointer(self) -> str:
        """Java's ``getLocation()``: a JSON pointer into the reader schema, root omitted."""
        tokens: list[str] = []
        node = self.location
        while node is not None:
            tokens.append(node[0])
            node = node[1]
        tokens.reverse()
        return "/" + "/".join(t.replace("~", "~0").replace("/", "~1") for t in tokens[1:])

    def steps(self) -> list[tuple[Any, ...]]:
        out: list[tuple[Any, ...]] = []
        node = self.writer_path
        while node is not None:
            out.append(node[0])
            node = node[1]
        out.reverse()
        return out


class AmbiguousField(Exception):
    """Java's ``lookupWriterField`` throws: one reader field matches several writer fields."""

    def __init__(self, field: FieldDef, writer: Record, location: Location,
                 names: list[str]) -> None:
        super().__init__(field.name)
        self.field = field
        self.writer = writer
        self.location = location
        self.names = names


# A result is a tree: a tuple of Incompatibility objects and nested results (a memoized
# result is shared, not copied, so a check stays linear even when Java's list is not).
Result = tuple[Any, ...]
EMPTY: Result = ()
_IN_PROGRESS: Result = ("in progress",)
# Reader unions with more branches than this are scanned through an index (see _calculate).
INDEXED_UNION = 16

_Request = tuple[str | None, Node, Node, Location, WriterPath]
_Calc = Generator[_Request, Result, Result]


class Checker:
    """One ``ReaderWriterCompatibilityChecker``: one memo, for one reader/writer check."""

    def __init__(self) -> None:
        self._memo: dict[tuple[int, int], Result] = {}
        # big reader unions scanned against a writer: (index, first candidate, writer path)
        self._scans: dict[int, list[tuple[UnionIndex, int, WriterPath]]] = {}
        self._keep: list[tuple[Node, Node]] = []  # ids stay valid while the memo lives

    def check(self, reader: Node, writer: Node) -> Result:
        """Java's ``getCompatibility(reader, writer)``; raises :class:`AmbiguousField`."""
        value, frame = self._begin(("", reader, writer, None, None))
        if frame is None:
            return value
        stack: list[tuple[_Calc, tuple[int, int]]] = [frame]
        sent: Result | None = None
        while stack:
            gen, key = stack[-1]
            try:
                request = gen.send(sent)  # type: ignore[arg-type]
            except StopIteration as stop:
                result: Result = stop.value
                self._memo[key] = result
                stack.pop()
                sent = result
                continue
            value, frame = self._begin(request)
            if frame is None:
                sent = value
            else:
                stack.append(frame)
                sent = None
        assert sent is not None
        return sent

    def _begin(self, request: _Request
               ) -> tuple[Result, tuple[_Calc, tuple[int, int]] | None]:
        token, reader, writer, base, path = request
        location: Location = (token, base) if token is not None else ("", None)
        key = (id(reader), id(writer))
        hit = self._memo.get(key)
        if hit is not None:
            return (EMPTY if hit is _IN_PROGRESS else hit), None
        if hit is None and id(writer) in self._scans:
            for index, start, scan_path in self._scans[id(writer)]:
                at = index.position.get(id(reader))
                if at is not None and at < start:
                    # skipped in a big union's scan: Java computed it then, from a fresh
                    # location; its nodes are reached by nothing else, so computing it now
                    # gives what Java kept
                    location, path = ("", None), scan_path
                    break
        self._keep.append((reader, writer))
        rk, wk = reader.kind, writer.kind
        if rk in PRIMITIVES and wk in PRIMITIVES:  # the common leaf, without a frame
            if rk == wk or wk in PROMOTIONS.get(rk, ()):
                result = EMPTY
            else:
                result = (_mismatch(reader, writer, location, path),)
            self._memo[key] = result
            return result, None
        self._memo[key] = _IN_PROGRESS
        return EMPTY, (self._calculate(reader, writer, location, path), key)

    def _calculate(self, r: Node, w: Node, loc: Location, path: WriterPath) -> _Calc:
        parts: list[Any] = []
        if r.kind == w.kind:
            if isinstance(r, Array) and isinstance(w, Array):
                assert r.items is not None and w.items is not None
                return (yield ("items", r.items, w.items, loc, (("items",), path)))
            if isinstance(r, Map) and isinstance(w, Map):
                assert r.values is not None and w.values is not None
                return (yield ("values", r.values, w.values, loc, (("values",), path)))
            if isinstance(r, Named) and isinstance(w, Named):
                if r.name != w.name and w.full not in r.java_aliases():
                    parts.append(Incompatibility(NAME_MISMATCH, ("name", loc),
                                                 f"expected: {w.full}", r, w, path))
                if isinstance(r, Fixed) and isinstance(w, Fixed):
                    if r.size != w.size:
                        parts.append(Incompatibility(
                            FIXED_SIZE_MISMATCH, ("size", loc),
                            f"expected: {w.size}, found: {r.size}", r, w, path))
                elif isinstance(r, Enum) and isinstance(w, Enum):
                    missing = sorted(set(w.symbols).difference(r.symbols))
                    if missing and not (r.default is not None and r.default in r.symbols):
                        parts.append(Incompatibility(
                            MISSING_ENUM_SYMBOLS, ("symbols", loc),
                            "[" + ", ".join(missing) + "]", r, w, path))
                elif isinstance(r, Record) and isinstance(w, Record):
                    fields_loc: Location = ("fields", loc)
                    for pos, f in enumerate(r.fields):
                        field_loc: Location = (str(pos), fields_loc)
                        wf = _writer_field(w, f, field_loc)
                        if wf is None:
                            if f.has_default:
                                continue
                            if isinstance(f.type, Enum) and f.type.default is not None:
                                sub = yield ("type", f.type, w, field_loc, path)
                                if sub:
                                    parts.append(sub)
                            else:
                                parts.append(Incompatibility(
                                    READER_FIELD_MISSING_DEFAULT_VALUE, field_loc, f.name, r, w,
                                    path))
                        else:
                            sub = yield ("type", f.type, wf.type, field_loc,
                                         (("field", wf.name), path))
                            if sub:
                                parts.append(sub)
                return tuple(parts)
            assert isinstance(r, Union) and isinstance(w, Union)
            for i, branch in enumerate(w.branches):
                sub = yield (None, r, branch, None, (("branch", i), path))
                if sub:
                    parts.append(Incompatibility(
                        MISSING_UNION_BRANCH, (str(i), loc),
                        f"reader union lacking writer type: {branch.java_type}", r, branch,
                        (("branch", i), path), sub))
            return tuple(parts)
        if isinstance(w, Union):
            for i, branch in enumerate(w.branches):
                sub = yield (str(i), r, branch, loc, (("branch", i), path))
                if sub:
                    parts.append(sub)
            return tuple(parts)
        if isinstance(r, Union):
            start = 0
            if len(r.branches) > INDEXED_UNION:
                # A big union: the branches before the first one that could read the writer
                # all fail; Java computes each from a fresh location. Those whose nodes
                # nothing else reaches are computed only if asked for again (then exactly
                # as Java did); the rest are computed here, in Java's order.
                index = union_index(r)
                start = index.first_candidate(w)
                for i in index.must_compute(start, w):
                    yield (None, r.branches[i], w, None, path)
                self._scans.setdefault(id(w), []).append((index, start, path))
            for branch in r.branches[start:]:
                sub = yield (None, branch, w, None, path)
                if not sub:
                    return EMPTY
            return (Incompatibility(MISSING_UNION_BRANCH, loc,
                                    f"reader union lacking writer type: {w.java_type}", r, w,
                                    path),)
        if w.kind in PROMOTIONS.get(r.kind, ()):
            return EMPTY
        return (_mismatch(r, w, loc, path),)



class UnionIndex:
    """Where a union's branches are, by kind and by name, to find at once the first branch
    that could read a writer (Java tries them in order)."""

    def __init__(self, union: Union) -> None:
        self.size = len(union.branches)
        self.position: dict[int, int] = {}
        self.by_name: dict[tuple[str, str], int] = {}
        self.by_alias: dict[tuple[str, str], int] = {}
        self.by_kind: dict[str, list[int]] = {}
        self.unclosed: dict[str, list[int]] = {}
        for i, branch in enumerate(union.branches):
            self.position.setdefault(id(branch), i)
            self.by_kind.setdefault(branch.kind, []).append(i)
            if isinstance(branch, Named):
                self.by_name.setdefault((branch.kind, branch.name), i)
                for alias in branch.java_aliases():
                    self.by_alias.setdefault((branch.kind, alias), i)
                if not closed(branch):
                    self.unclosed.setdefault(branch.kind, []).append(i)

    def first_candidate(self, writer: Node) -> int:
        """The first branch that might read ``writer``; every earlier one cannot."""
        found = self.size
        if isinstance(writer, Named):
            for hit in (self.by_name.get((writer.kind, writer.name)),
                        self.by_alias.get((writer.kind, writer.full))):
                if hit is not None and hit < found:
                    found = hit
            return found
        for kind, indices in self.by_kind.items():
            if kind == writer.kind or writer.kind in PROMOTIONS.get(kind, ()):
                found = min(found, indices[0])
        return found

    def must_compute(self, before: int, writer: Node) -> list[int]:
        """Branches before ``before`` whose check with ``writer`` meets named nodes (so its
        memo entries can matter later): same-kind named branches, when either side has a
        named type inside. The others fail on their kind or name alone."""
        if not isinstance(writer, Named) or writer.kind == "enum" or writer.kind == "fixed":
            return []
        same = self.by_kind.get(writer.kind, []) if not closed(writer) else self.unclosed.get(
            writer.kind, [])
        return [i for i in same if i < before]


def union_index(union: Union) -> UnionIndex:
    cached = getattr(union, "_index", None)
    if cached is None:
        cached = UnionIndex(union)
        union._index = cached  # type: ignore[attr-defined]
    found: UnionIndex = cached
    return found


def _mismatch(r: Node, w: Node, loc: Location, path: WriterPath) -> Incompatibility:
    return Incompatibility(
        TYPE_MISMATCH, loc,
        f"reader type: {r.java_type} not compatible with writer type: {w.java_type}", r, w,
        path)


def _writer_field(writer: Record, field: FieldDef, location: Location) -> FieldDef | None:
    """Java's ``lookupWriterField``: by name, then by each of the reader field's aliases."""
    direct = writer.by_name.get(field.name)
    if not field.aliases:
        return direct
    found = [direct] if direct is not None else []
    found.extend(writer.by_name[a] for a in field.aliases if a in writer.by_name)
    if len(found) > 1:
        raise AmbiguousField(field, writer, location, [f.name for f in found])
    return found[0] if found else None


def _shared_nodes(result: Result) -> list[Result]:
    """Every node of the shared result tree once (by identity), each after a parent."""
    unique: list[Result] = []
    seen: set[int] = set()
    stack: list[Result] = [result]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            unique.append(node)
            stack.extend(p for p in node if isinstance(p, tuple))
    return unique


def count(result: Result) -> int:
    """How many incompatibilities Java lists for ``result`` (shared parts counted as often
    as they occur), without listing them. Linear in the size of the shared tree."""
    unique = _shared_nodes(result)
    sizes: dict[int, int] = {}
    # children were found after their first parent: settle them first
    for node in reversed(unique):
        sizes[id(node)] = sum(sizes[id(p)] if isinstance(p, tuple) else 1 for p in node)
    return sizes[id(result)]


def flatten(result: Result, limit: int) -> list[Incompatibility]:
    """Java's list, in Java's order, up to ``limit`` entries."""
    out: list[Incompatibility] = []
    stack: list[Any] = [iter(result)]
    while stack and len(out) < limit:
        part = next(stack[-1], None)
        if part is None:
            stack.pop()
        elif isinstance(part, tuple):
            stack.append(iter(part))
        else:
            out.append(part)
    return out


def distinct(result: Result) -> list[tuple[Incompatibility, int]]:
    """Each distinct incompatibility once, in first-seen order, with how often Java lists it
    (for results too long to list in full). Linear in the size of the shared tree."""
    unique = _shared_nodes(result)
    parents: dict[int, int] = {}
    for node in unique:
        for p in node:
            if isinstance(p, tuple):
                parents[id(p)] = parents.get(id(p), 0) + 1
    times: dict[int, int] = {id(result): 1}
    counts: dict[int, int] = {}
    ready = [result]
    while ready:  # Kahn's order: a part's multiplicity is final once all its parents are done
        node = ready.pop()
        here = times[id(node)]
        for p in node:
            if isinstance(p, tuple):
                times[id(p)] = times.get(id(p), 0) + here
                parents[id(p)] -= 1
                if parents[id(p)] == 0:
                    ready.append(p)
            else:
                counts[id(p)] = counts.get(id(p), 0) + here
    return [(item, counts[id(item)]) for item in flatten_unique(result)]


def flatten_unique(result: Result) -> list[Incompatibility]:
    out: list[Incompatibility] = []
    seen_items: set[int] = set()
    seen_trees: set[int] = set()
    stack: list[Any] = [iter(result)]
    while stack:
        part = next(stack[-1], None)
        if part is None:
            stack.pop()
        elif isinstance(part, tuple):
            if id(part) not in seen_trees:
                seen_trees.add(id(part))
                stack.append(iter(part))
        elif id(part) not in seen_items:
            seen_items.add(id(part))
            out.append(part)
    return out
