"""A broad search for an example event, when no targeted candidate works.

Candidates are generated from the writer's schema, with many variants at the path of the
change (boundary values, enum members, other types, omitted or extra properties, longer or
shorter arrays) and one plain value everywhere else. The caller validates each one and
stops when its budget runs out; this module only proposes — and stops proposing at the
budget's deadline too: one candidate of a large recursive schema is made of many values,
so making it is timed as well as validating it (the plain values of a subschema are made
once and reused).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from evtctl.compat.jsonschema.engine import Resolver, make_resolver
from evtctl.compat.jsonschema.refs import UnresolvableRef

if TYPE_CHECKING:
    from evtctl.compat.jsonschema import SchemaVersion

MAX_CANDIDATES = 400
MAX_DEPTH = 12
GENERIC: tuple[Any, ...] = ("x", 0, 1.5, True, None, {}, [], -1, "")
STRINGS = (
    "",
    "x",
    "xx",
    "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
    "2024-01-01T00:00:00Z",
    "00000000-0000-0000-0000-000000000000",
    "a@example.com",
    "1",
)


class OutOfTime(Exception):
    """The deadline passed while a candidate was being made."""


class _Sampler:
    def __init__(self, version: SchemaVersion, deadline: float) -> None:
        self._resolve: Resolver = make_resolver(version)
        self._deadline = deadline
        # The plain values (no focus) of each subschema, by identity and base URI.
        self._plain: dict[tuple[int, str], list[Any]] = {}

    def values(
        self, schema: Any, base: str, focus: tuple[str, ...] | None, depth: int = 0
    ) -> list[Any]:
        """Candidate values for ``schema``: many when ``focus`` is ``()``, a few minimal ones
        otherwise."""
        if depth > MAX_DEPTH:
            return []
        if time.process_time() > self._deadline:
            raise OutOfTime
        key = (id(schema), base)
        if focus is None and key in self._plain:
            return self._plain[key]
        out: list[Any] = []
        for value in self._gen(schema, base, focus, depth):
            out.append(value)
            if len(out) >= (MAX_CANDIDATES if focus is not None else 3):
                break
        if focus is None:
            self._plain[key] = out
        return out

    def _gen(
        self, schema: Any, base: str, focus: tuple[str, ...] | None, depth: int
    ) -> Iterator[Any]:
        if schema is False:
            return
        if schema is True or not isinstance(schema, dict):
            yield from GENERIC
            return
        if isinstance(schema.get("$ref"), str):
            try:
                target, new_base = self._resolve(schema["$ref"], base)
            except UnresolvableRef:
                return
            yield from self.values(target, new_base, focus, depth + 1)
            if set(schema) <= {
                "$ref",
                "definitions",
                "$defs",
                "$schema",
                "$id",
                "title",
                "description",
            }:
                return
        if "const" in schema:
            yield schema["const"]
        if isinstance(schema.get("enum"), list):
            yield from schema["enum"]
        for crit in ("allOf", "anyOf", "oneOf"):
            subs = schema.get(crit)
            if isinstance(subs, list):
                for i, sub in enumerate(subs):
                    yield from self.values(sub, base, _enter(focus, crit, str(i)), depth + 1)
        types = schema.get("type")
        names = [types] if isinstance(types, str) else types if isinstance(types, list) else None
        if names is None:
            names = ["object", "array", "string", "number", "boolean", "null"]
        for name in names:
            yield from self._typed(name, schema, base, focus, depth)
        if focus == ():
            yield from GENERIC

    def _typed(
        self, name: str, s: dict[str, Any], base: str, focus: tuple[str, ...] | None, depth: int
    ) -> Iterator[Any]:
        if name == "string":
            lo, hi = s.get("minLength"), s.get("maxLength")
            for n in (
                lo,
                hi,
                (hi + 1) if isinstance(hi, int) else None,
                (lo - 1) if isinstance(lo, int) and lo > 0 else None,
            ):
                if isinstance(n, int) and 0 <= n <= 10_000:
                    yield "a" * n
            yield from STRINGS
        elif name in ("number", "integer"):
            yield from _numbers(s, integer=name == "integer")
        elif name == "boolean":
            yield from (True, False)
        elif name == "null":
            yield None
        elif name == "object":
            yield from self._objects(s, base, focus, depth)
        elif name == "array":
            yield from self._arrays(s, base, focus, depth)

    def _objects(
        self, s: dict[str, Any], base: str, focus: tuple[str, ...] | None, depth: int
    ) -> Iterator[dict[str, Any]]:
        raw_props, raw_required = s.get("properties"), s.get("required")
        props: dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
        required = (
            [r for r in raw_required if isinstance(r, str)]
            if isinstance(raw_required, list)
            else []
        )
        minimal: dict[str, Any] = {}
        for name in required:
            vals = self.values(props.get(name, True), base, None, depth + 1)
            minimal[name] = vals[0] if vals else None
        full = dict(minimal)
        for name, sub in props.items():
            if name not in full:
                vals = self.values(sub, base, None, depth + 1)
                if vals:
                    full[name] = vals[0]
        if not focus:  # off the path, or at it: the plain values come first
            yield dict(minimal)
            yield full
        if focus is None:
            return
        if focus[:1] == ("required",) and len(focus) > 1:
            yield {k: v for k, v in full.items() if k != focus[1]}
            yield {k: v for k, v in minimal.items() if k != focus[1]}
        targets = list(props) if focus == () else [focus[1]] if len(focus) > 1 else []
        for name in targets:
            sub_focus = (
                focus[2:] if focus[:2] == ("properties", name) else () if focus == () else None
            )
            for value in self.values(props.get(name, True), base, sub_focus, depth + 1):
                yield {**full, name: value}
                yield {**minimal, name: value}
            yield {k: v for k, v in full.items() if k != name}
        if focus == () or focus[:1] in (
            ("additionalProperties",),
            ("unevaluatedProperties",),
            ("maxProperties",),
        ):
            extra = s.get("additionalProperties", True)
            rest = focus[1:] if focus else ()
            for value in self.values(extra if extra is not False else True, base, rest, depth + 1)[
                :40
            ]:
                yield {**full, "zz_extra": value}
        if focus[:1] == ("dependencies",) and len(focus) > 1:
            yield {**full, focus[1]: "x"}
        for name, pat_value in _pattern_samples(s):
            yield {**full, name: pat_value}
        if focus:  # deeper in the path: plain values only after the targeted ones
            yield full
            yield dict(minimal)

    def _arrays(
        self, s: dict[str, Any], base: str, focus: tuple[str, ...] | None, depth: int
    ) -> Iterator[list[Any]]:
        raw_prefix, raw_items = s.get("prefixItems"), s.get("items")
        prefix: list[Any] = (
            raw_prefix
            if isinstance(raw_prefix, list)
            else raw_items
            if isinstance(raw_items, list)
            else []
        )
        items = raw_items if not isinstance(raw_items, list) else s.get("additionalItems", True)
        if "prefixItems" in s:
            items = s.get("items", True)
        head: list[Any] = []
        for sub in prefix:
            vals = self.values(sub, base, None, depth + 1)
            head.append(vals[0] if vals else None)
        raw_min = s.get("minItems")
        minimal_len = raw_min if isinstance(raw_min, int) else 0
        filler = self.values(items if items is not None else True, base, None, depth + 1) or [None]
        base_list = head + [filler[0]] * max(0, minimal_len - len(head))
        if not focus:
            yield base_list
        if focus is None:
            return
        if focus[:1] == ("items",) and len(focus) > 1 and focus[1].isdigit():
            idx = int(focus[1])
            sub = prefix[idx] if idx < len(prefix) else items
            for value in self.values(sub if sub is not None else True, base, focus[2:], depth + 1):
                lst = (head + [filler[0]] * idx)[:idx] if idx >= len(head) else list(head[:idx])
                yield [*lst, value]
                yield ([*head[:idx], value, *head[idx + 1:]]) if idx < len(head) else [*lst, value]
            yield base_list
            return
        sub_focus = (
            focus[1:]
            if focus[:1] in (("items",), ("additionalItems",), ("unevaluatedItems",))
            else ()
            if focus == ()
            else None
        )
        for value in self.values(items if items is not None else True, base, sub_focus, depth + 1):
            yield [*head, value]
            yield [*head, value, value]
        yield []
        for n in (s.get("maxItems"), s.get("minItems")):
            if isinstance(n, int) and 0 <= n < 1000:
                yield head + [filler[0]] * max(0, n + 1 - len(head))
                yield head + [filler[0]] * max(0, n - len(head))
        if focus:
            yield base_list


def _enter(focus: tuple[str, ...] | None, crit: str, index: str) -> tuple[str, ...] | None:
    """The focus for subschema ``crit/index``: the rest of the path, none, or unchanged."""
    if focus is None or focus[:1] != (crit,):
        return focus
    return focus[2:] if focus[1:2] == (index,) else None


def _numbers(s: dict[str, Any], *, integer: bool) -> Iterator[Any]:
    seeds: list[Any] = [0, 1, -1, 2, 10, 1000, 10**9]
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        v = s.get(key)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            seeds.extend([v, v + 1, v - 1, v * 2, v * 3, v * 7])
    if not integer:
        seeds.extend([0.5, 1.5, -2.5])
    for v in seeds:
        yield int(v) if integer and float(v).is_integer() else v


def _pattern_samples(s: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    pats = s.get("patternProperties")
    if isinstance(pats, dict):
        for pattern in pats:
            stem = pattern.lstrip("^").split("[")[0].split("(")[0].replace("\\", "")
            if stem and stem.isprintable():
                yield stem + "1", "x"
                yield stem + "1", 1.5


def candidates(writer: SchemaVersion, path: tuple[str, ...], deadline: float) -> Iterator[Any]:
    """Values near ``path`` first, then variants anywhere (lazily: the caller's budget
    decides how many are made), none after ``deadline`` (``time.process_time()``)."""
    sampler = _Sampler(writer, deadline)
    try:
        for focus in (path, ()):
            yield from sampler._gen(writer.schema, writer.base_uri, focus, 0)
    except OutOfTime:
        return
