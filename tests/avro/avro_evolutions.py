"""A seeded generator of Avro schemas and of their evolutions, for the differential test
against the Java library and for property tests.

Schemas cover what Avro resolution cares about: records nested and recursive, namespaces
(inherited, explicit, dotted names), enums with and without defaults, fixed, arrays, maps,
unions, named types used twice by name, aliases on fields and types, defaults. An evolution
applies one to three random edits — add or drop a field, change a type (promotions
included), rename with or without an alias, edit enum symbols or defaults, resize a fixed,
wrap into or unwrap from a union, add or drop a union branch — and may leave the schema
invalid (a default that no longer fits, two fields matched by one alias): those pairs test
the parse checks and Java's exceptions too.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

PRIMITIVES = ("null", "boolean", "int", "long", "float", "double", "bytes", "string")
WORDS = ("id", "name", "kind", "amount", "status", "created", "items", "tags", "owner", "code",
         "count", "meta", "next", "value", "label", "score", "flag", "extra", "ref", "note")
SYMBOLS = ("A", "B", "C", "D", "E", "F")


class Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.counter = 0
        self.named: dict[str, Any] = {}  # full name -> definition (for references, defaults)

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # -- types --------------------------------------------------------------------------------

    def type(self, depth: int, space: str | None) -> Any:
        rng = self.rng
        roll = rng.random()
        if depth <= 0 or roll < 0.35:
            return rng.choice(PRIMITIVES[1:])
        if roll < 0.45 and self.named:
            return rng.choice(sorted(self.named))  # a named type used again, by full name
        choice = rng.choice(("record", "enum", "fixed", "array", "map", "union", "union"))
        if choice == "record":
            return self.record(depth - 1, space)
        if choice == "enum":
            return self.enum(space)
        if choice == "fixed":
            name = self.fresh("F")
            node = {"type": "fixed", "name": name, "size": rng.choice((2, 4, 8, 16))}
            self.named[_full(name, space)] = node
            return node
        if choice == "array":
            return {"type": "array", "items": self.type(depth - 1, space)}
        if choice == "map":
            return {"type": "map", "values": self.type(depth - 1, space)}
        return self.union(depth - 1, space)

    def enum(self, space: str | None) -> Any:
        name = self.fresh("E")
        symbols = self.rng.sample(SYMBOLS, self.rng.randint(1, 4))
        node: dict[str, Any] = {"type": "enum", "name": name, "symbols": symbols}
        if self.rng.random() < 0.3:
            node["default"] = self.rng.choice(symbols)
        self.named[_full(name, space)] = node
        return node

    def union(self, depth: int, space: str | None) -> Any:
        branches: list[Any] = []
        keys: set[str] = set()
        if self.rng.random() < 0.6:
            branches.append("null")
            keys.add("null")
        for _ in range(self.rng.randint(1, 3)):
            t = self.type(depth, space)
            key = _union_key(t, space)
            if key not in keys and not isinstance(t, list):
                keys.add(key)
                branches.append(t)
        return branches

    def record(self, depth: int, space: str | None) -> Any:
        rng = self.rng
        name = self.fresh("R")
        node: dict[str, Any] = {"type": "record", "name": name, "fields": []}
        own = space
        if rng.random() < 0.25:
            own = rng.choice(("com.acme", "org.example.events", "a.b"))
            node["namespace"] = own
        elif rng.random() < 0.1:
            own = "x.y"
            node["name"] = f"x.y.{name}"
        full = _full(name, own)
        names = rng.sample(WORDS, rng.randint(1, 5))
        for fname in names:
            if rng.random() < 0.1:  # recursion through a nullable reference to itself
                field: dict[str, Any] = {"name": fname, "type": ["null", full], "default": None}
            else:
                field = {"name": fname, "type": self.type(depth, own)}
                if rng.random() < 0.3:
                    default = self.default(field["type"], own, 3)
                    if default is not _NONE:
                        field["default"] = default
            if rng.random() < 0.1:
                field["aliases"] = [rng.choice(WORDS)]
            node["fields"].append(field)
        if rng.random() < 0.1:
            node["aliases"] = [self.fresh("Old")]
        self.named[full] = node
        return node

    # -- defaults -----------------------------------------------------------------------------

    def default(self, t: Any, space: str | None, budget: int) -> Any:
        if budget <= 0:
            return _NONE
        if isinstance(t, str):
            if t in PRIMITIVES:
                return {"null": None, "boolean": False, "int": 1, "long": 2, "float": 1.5,
                        "double": 2.5, "bytes": "\u00ff", "string": "s"}[t]
            found = self.named.get(t) or self.named.get(_full(t, space))
            return _NONE if found is None else self.default(found, space, budget - 1)
        if isinstance(t, list):
            return _NONE if not t else self.default(t[0], space, budget - 1)
        kind = t["type"]
        if kind in PRIMITIVES:
            return self.default(kind, space, budget)
        if kind == "enum":
            return t["symbols"][0]
        if kind == "fixed":
            return "x" * t["size"]
        if kind == "array":
            return []
        if kind == "map":
            return {}
        own = _space_of(t, space)
        out = {}
        for f in t["fields"]:
            if "default" in f:
                continue
            value = self.default(f["type"], own, budget - 1)
            if value is _NONE:
                return _NONE
            out[f["name"]] = value
        return out

    # -- evolutions ---------------------------------------------------------------------------

    def evolve(self, schema: Any) -> Any:
        new = copy.deepcopy(schema)
        for _ in range(self.rng.randint(1, 3)):
            self.edit(new)
        return new

    def edit(self, schema: Any) -> None:
        rng = self.rng
        spots = list(_walk(schema, None))
        records = [(n, s) for n, s in spots if isinstance(n, dict) and n.get("type") == "record"]
        enums = [n for n, _ in spots if isinstance(n, dict) and n.get("type") == "enum"]
        fixeds = [n for n, _ in spots if isinstance(n, dict) and n.get("type") == "fixed"]
        action = rng.choice(("add", "add", "drop", "retype", "retype", "promote", "rename",
                             "rename_type", "namespace", "enum", "fixed", "wrap", "unwrap",
                             "alias_clash"))
        if action == "enum" and enums:
            e = rng.choice(enums)
            roll = rng.random()
            if roll < 0.4:
                extra = [s for s in SYMBOLS if s not in e["symbols"]]
                if extra:
                    e["symbols"].append(rng.choice(extra))
            elif roll < 0.7 and len(e["symbols"]) > 1:
                gone = e["symbols"].pop(rng.randrange(len(e["symbols"])))
                if e.get("default") == gone:
                    del e["default"]
            else:
                e["default"] = rng.choice(e["symbols"])
            return
        if action == "fixed" and fixeds:
            rng.choice(fixeds)["size"] = rng.choice((2, 4, 8, 16, 32))
            return
        if not records:
            return
        rec, space = rng.choice(records)
        fields = rec["fields"]
        own = _space_of(rec, space)
        if action == "add" or not fields:
            name = self.fresh("f")
            field: dict[str, Any] = {"name": name, "type": self.type(1, own)}
            if rng.random() < 0.6:
                default = self.default(field["type"], own, 3)
                if default is not _NONE:
                    field["default"] = default
            fields.insert(rng.randint(0, len(fields)), field)
        elif action == "drop" and len(fields) > 1:
            fields.pop(rng.randrange(len(fields)))
        elif action == "retype":
            f = rng.choice(fields)
            f["type"] = self.type(1, own)
            if "default" in f and rng.random() < 0.7:
                default = self.default(f["type"], own, 3)
                if default is _NONE:
                    del f["default"]
                else:
                    f["default"] = default
        elif action == "promote":
            f = rng.choice(fields)
            order = ("int", "long", "float", "double")
            if f["type"] in order:
                f["type"] = rng.choice(order)
                if "default" in f:
                    f["default"] = 1 if f["type"] in ("int", "long") else 1.5
            elif f["type"] in ("string", "bytes"):
                f["type"] = "bytes" if f["type"] == "string" else "string"
        elif action == "rename":
            f = rng.choice(fields)
            old = f["name"]
            f["name"] = self.fresh("g")
            if rng.random() < 0.7:
                f["aliases"] = [old]
        elif action == "rename_type":
            old = rec["name"]
            rec["name"] = self.fresh("N")
            if rng.random() < 0.6:
                rec["aliases"] = [_full(old, own) if rng.random() < 0.5 else old]
        elif action == "namespace":
            rec["namespace"] = rng.choice(("com.acme.v2", "", "other"))
        elif action == "wrap":
            f = rng.choice(fields)
            if not isinstance(f["type"], list):
                f["type"] = ["null", f["type"]] if rng.random() < 0.5 else [f["type"], "null"]
                if "default" in f and rng.random() < 0.5:
                    f["default"] = None
        elif action == "unwrap":
            f = rng.choice(fields)
            if isinstance(f["type"], list) and f["type"]:
                f["type"] = rng.choice(f["type"])
        elif action == "alias_clash" and len(fields) > 1:
            a, b = rng.sample(fields, 2)
            a["aliases"] = [b["name"]]


_NONE = object()


def _full(name: str, space: str | None) -> str:
    return name if not space or "." in name else f"{space}.{name}"


def _space_of(node: dict[str, Any], space: str | None) -> str | None:
    name = node.get("name", "")
    if "." in name:
        return name[: name.rfind(".")]
    if "namespace" in node:
        return node["namespace"] or None
    return space


def _union_key(t: Any, space: str | None) -> str:
    if isinstance(t, list):
        return "union"
    if isinstance(t, str):
        return t
    if t["type"] in ("record", "enum", "fixed"):
        return _full(t["name"], _space_of(t, space))
    return str(t["type"])


def _walk(node: Any, space: str | None) -> Iterator[tuple[Any, str | None]]:
    yield node, space
    if isinstance(node, list):
        for b in node:
            yield from _walk(b, space)
    elif isinstance(node, dict):
        kind = node.get("type")
        if kind == "record":
            own = _space_of(node, space)
            for f in node["fields"]:
                yield from _walk(f["type"], own)
        elif kind == "array":
            yield from _walk(node["items"], space)
        elif kind == "map":
            yield from _walk(node["values"], space)


def evolutions(seed: int, count: int) -> Iterator[tuple[str, Any, Any]]:
    """``count`` (id, earlier, later) schema pairs; the same for the same seed."""
    for i in range(count):
        gen = Gen(seed * 100_003 + i)
        base = gen.record(3, None)
        yield f"s{seed}-{i}", base, gen.evolve(base)


def split_reference(schema: Any) -> tuple[list[Any], Any]:
    """Move the first record defined directly as a field's type into a document of its own,
    referred to by full name (as a contract's ``references`` file would hold it)."""
    new = copy.deepcopy(schema)
    space = _space_of(new, None)
    for f in new["fields"]:
        t = f["type"]
        if isinstance(t, dict) and t.get("type") == "record":
            inner_space = _space_of(t, space)
            full = _full(t["name"].rsplit(".", 1)[-1], inner_space)
            ref = copy.deepcopy(t)
            if inner_space and "." not in ref["name"]:
                ref["namespace"] = inner_space
            f["type"] = full
            return [ref], new
    return [], new
