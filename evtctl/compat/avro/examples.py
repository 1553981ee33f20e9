"""Examples that are proofs: for an incompatibility, a record written with the writer schema
that the reader schema cannot read — and fastavro's own schema resolution agrees (written
with the writer schema, read back with both: it must fail) before it is shown.

The record is the smallest the writer schema allows, steered down the writer-side path the
checker took to the incompatibility (which field, which union branch, which array item) and,
at that place, holding the value that breaks (a symbol the reader lacks, the branch the
reader's union has not). Two reads must fail: the whole record with the reader schema, and
the value at that place with the reader's type at that place (for a missing field, a reader
record that has only that field), so the failure is this incompatibility's and not another
one's met earlier in the record; the note quotes the second. It is shown in Avro's JSON
encoding (a union value as
``{"branch": value}``, bytes as a string of code points 0-255). When no finite record leads
there, or fastavro does not fail, no example is attached.
"""

from __future__ import annotations

import io
from typing import Any

from evtctl.compat.avro.canonical import to_json, view_name
from evtctl.compat.avro.checker import (
    MISSING_ENUM_SYMBOLS,
    MISSING_UNION_BRANCH,
    READER_FIELD_MISSING_DEFAULT_VALUE,
    Incompatibility,
    flatten,
)
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

MAX_STEPS = 100  # deeper paths are not built (fastavro would recurse that deep)
MAX_FIXED = 1 << 16

_Value = tuple[Any, Any]  # (what fastavro writes, what the user is shown)
_ZERO: dict[str, _Value] = {
    "null": (None, None), "boolean": (False, False), "int": (0, 0), "long": (0, 0),
    "float": (0.0, 0.0), "double": (0.0, 0.0), "bytes": (b"", ""), "string": ("", ""),
}


class Prover:
    """Builds and proves examples for one (writer, reader) pair of loaded roots."""

    def __init__(self, writer: Node, reader: Node) -> None:
        self.writer = writer
        self.reader = reader
        self._schemas: tuple[Any, Any] | None = None
        self._parsed = False
        self._minimal: dict[int, _Value | None] = {}
        self._local: dict[tuple[int, int, str], Any] = {}
        self._hot_value: _Value | None = None

    def example(self, item: Incompatibility) -> tuple[Any, str] | None:
        """(example in Avro JSON, note) if one is proven, else None."""
        if item.type == MISSING_UNION_BRANCH and item.cause:
            # The branch's own failure (which Java does not list) says which value breaks:
            # follow it, and prove the branch value against the reader's union.
            deep = flatten(item.cause, 1)
            found = self._deep_example(item, deep[0]) if deep else None
            if found is not None:
                return found
        return self._example(item)

    def _deep_example(self, item: Incompatibility, deep: Incompatibility
                      ) -> tuple[Any, str] | None:
        schemas = self._fastavro()
        steps, prefix = deep.steps(), item.steps()
        if schemas is None or len(steps) > MAX_STEPS or steps[:len(prefix)] != prefix:
            return None
        try:
            whole = self._build(self.writer, steps, 0, deep)
            local_value = self._build(item.writer, steps, len(prefix), deep)
        except RecursionError:
            return None
        local = self._local_schemas(item)
        if whole is None or local_value is None or local is None:
            return None
        if _fails(schemas[0], schemas[1], whole[0]) is None:
            return None
        failure = _fails(local[0], local[1], local_value[0])
        return None if failure is None else (whole[1], failure)

    def _example(self, item: Incompatibility) -> tuple[Any, str] | None:
        schemas = self._fastavro()
        if schemas is None:
            return None
        steps = item.steps()
        self._hot_value = None
        if len(steps) > MAX_STEPS:
            return None
        try:
            built = self._build(self.writer, steps, 0, item)
        except RecursionError:
            return None
        if built is None or self._hot_value is None:
            return None
        datum, shown = built
        if _fails(schemas[0], schemas[1], datum) is None:
            return None
        local = self._local_schemas(item)
        if local is None or self._hot_value is None:
            return None
        failure = _fails(local[0], local[1], self._hot_value[0])
        if failure is None:
            return None
        return shown, failure

    def _local_schemas(self, item: Incompatibility) -> tuple[Any, Any] | None:
        """fastavro's forms of the writer's and the reader's types at the incompatibility."""
        key = (id(item.writer), id(item.reader), item.type)
        if key not in self._local:
            import fastavro

            reader = item.reader
            if item.type == READER_FIELD_MISSING_DEFAULT_VALUE and isinstance(
                    reader, Record) and isinstance(item.writer, Record):
                only = [f for f in reader.fields if f.name == item.message]
                reader = Record("record", reader.file, reader.at, name=item.writer.name,
                                space=item.writer.space, fields=only,
                                by_name={f.name: f for f in only})
            try:
                self._local[key] = (fastavro.parse_schema(to_json(item.writer)),
                                    fastavro.parse_schema(to_json(reader)))
            except Exception:
                self._local[key] = None
        found: tuple[Any, Any] | None = self._local[key]
        return found

    # -- fastavro ----------------------------------------------------------------------------

    def _fastavro(self) -> tuple[Any, Any] | None:
        if not self._parsed:
            import fastavro

            self._parsed = True
            try:
                self._schemas = (fastavro.parse_schema(to_json(self.writer)),
                                 fastavro.parse_schema(to_json(self.reader)))
            except Exception:  # fastavro refuses a schema Java accepts: nothing to prove with
                self._schemas = None
        return self._schemas

    # -- records -----------------------------------------------------------------------------

    def _build(self, node: Node, steps: list[tuple[Any, ...]], i: int,
               item: Incompatibility) -> _Value | None:
        if i == len(steps):
            return self._hot(node, item)
        step = steps[i]
        if isinstance(node, Record) and step[0] == "field":
            datum: dict[str, Any] = {}
            shown: dict[str, Any] = {}
            for f in node.fields:
                value = (self._build(f.type, steps, i + 1, item) if f.name == step[1]
                         else self.minimal(f.type, set()))
                if value is None:
                    return None
                datum[f.name], shown[f.name] = value
            return datum, shown
        if isinstance(node, Array) and step[0] == "items":
            assert node.items is not None
            value = self._build(node.items, steps, i + 1, item)
            return None if value is None else ([value[0]], [value[1]])
        if isinstance(node, Map) and step[0] == "values":
            assert node.values is not None
            value = self._build(node.values, steps, i + 1, item)
            return None if value is None else ({"key": value[0]}, {"key": value[1]})
        if isinstance(node, Union) and step[0] == "branch":
            branch = node.branches[step[1]]
            value = self._build(branch, steps, i + 1, item)
            return None if value is None else _in_union(branch, value)
        return None  # the path does not fit the schema: build nothing rather than guess

    def _hot(self, node: Node, item: Incompatibility) -> _Value | None:
        value: _Value | None = None
        if item.type == MISSING_ENUM_SYMBOLS and isinstance(node, Enum) and isinstance(
                item.reader, Enum):
            missing = sorted(set(node.symbols).difference(item.reader.symbols))
            if missing:
                value = missing[0], missing[0]
        if value is None and isinstance(node, (Array, Map)):
            # one element, so that a difference in the items or values is met
            inner = node.items if isinstance(node, Array) else node.values
            assert inner is not None
            element = self.minimal(inner, set())
            if element is not None:
                value = (([element[0]], [element[1]]) if isinstance(node, Array)
                         else ({"key": element[0]}, {"key": element[1]}))
        if value is None:
            value = self.minimal(node, set())
        self._hot_value = value
        return value

    def minimal(self, node: Node, visiting: set[int]) -> _Value | None:
        """The smallest value of ``node``; None when every value is infinite."""
        if node.kind in PRIMITIVES:
            return _ZERO[node.kind]
        if isinstance(node, Enum):
            return (node.symbols[0], node.symbols[0]) if node.symbols else None
        if isinstance(node, Fixed):
            if node.size > MAX_FIXED:
                return None
            return b"\0" * node.size, "\u0000" * node.size
        if isinstance(node, (Array, Map)):
            return ([], []) if isinstance(node, Array) else ({}, {})
        if isinstance(node, Union):
            ranked = sorted(node.branches, key=lambda b: (b.kind != "null",
                                                          b.kind not in PRIMITIVES))
            for branch in ranked:
                value = self.minimal(branch, visiting)
                if value is not None:
                    return _in_union(branch, value)
            return None
        assert isinstance(node, Record)
        key = id(node)
        if key in self._minimal:
            return self._minimal[key]
        if key in visiting:
            return None
        visiting.add(key)
        datum: dict[str, Any] = {}
        shown: dict[str, Any] = {}
        result: _Value | None = (datum, shown)
        for f in node.fields:
            value = self.minimal(f.type, visiting)
            if value is None:
                result = None
                break
            datum[f.name], shown[f.name] = value
        visiting.discard(key)
        self._minimal[key] = result
        return result


def _in_union(branch: Node, value: _Value) -> _Value:
    """A union value: fastavro's tuple notation names the branch; Avro's JSON encoding
    wraps it in {branch: value}, except null."""
    if isinstance(branch, Named):
        return (view_name(branch), value[0]), {branch.full: value[1]}
    if branch.kind == "null":
        return (("null", None), None)
    return (branch.kind, value[0]), {branch.kind: value[1]}


def _fails(writer: Any, reader: Any, datum: Any) -> str | None:
    """Why fastavro cannot read ``datum`` (written with ``writer``) with ``reader``; None if
    it can, or if the writer cannot even write it."""
    import fastavro

    buffer = io.BytesIO()
    try:
        fastavro.schemaless_writer(buffer, writer, datum)
    except Exception:
        return None
    data = buffer.getvalue()
    source = io.BytesIO(data)
    try:
        fastavro.schemaless_reader(source, writer, reader)
    except Exception as exc:  # fastavro's resolution refuses it: the proof
        text = str(exc).split("\n")[0]
        if len(text) > 160:
            text = text[:157] + "..."
        return f"{type(exc).__name__}: {text}"
    if source.tell() != len(data):
        return (f"fastavro read {source.tell()} of the {len(data)} bytes written: the reader "
                "takes the data for something else")
    return None
