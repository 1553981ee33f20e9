"""The smallest values a schema accepts, for example events.

A schema is read as the conjunction of what applies to a value: its keywords, what its
``$ref`` names, every ``allOf`` member (and, in 2019-09 and later, ``$ref``'s siblings);
one ``anyOf``/``oneOf`` alternative is chosen at a time. From the merged constraints the
generator writes values, smallest first: an object with its required properties only,
an array with its minimum of items, a string of the minimum length (matching its
``pattern`` — see :mod:`.regexgen` — or written in its ``format``), a number at the bound
nearest zero and on its ``multipleOf``; ``const`` and ``enum`` values as listed.

Extra constraints narrow a place further (an example needs "a string longer than 20
characters here"): they are ordinary keywords, plus a few of this module's own:

* ``$absent``: property names the object must not have;
* ``$present``: property name → candidate values (None: the schema's own), which the
  object must have;
* ``$not-pattern``, ``$not-multiple-of``: a string not matching, a number not a multiple;
* ``$fraction``: a number that is not an integer;
* ``$duplicates``: an array with two equal items; ``$extra-items``: one more item than
  the positional ones; ``$extra-property``: candidate values for a property no schema
  names.

Nothing here is trusted: every example is validated with jsonschema before it is shown.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from math import ceil, floor
from typing import TYPE_CHECKING, Any

from evtctl.compat.jsonschema.dialects import MODERN, dialect_of
from evtctl.compat.jsonschema.ecma import search
from evtctl.compat.jsonschema.refs import UnresolvableRef, id_keyword, scope_of

if TYPE_CHECKING:
    from evtctl.compat.jsonschema import SchemaVersion

MAX_DEPTH = 24
GENERIC: tuple[Any, ...] = ("x", 0, True, None, {}, [], 1.5, "")
_GENERIC_STRINGS = ("a", "", "A", "0", "a b", "-", "aa", "a.b", "_", "#", "/", "€")
_OBJECT = ("properties", "required", "additionalProperties", "patternProperties",
           "minProperties", "maxProperties", "dependencies", "dependentRequired",
           "propertyNames", "$absent", "$present", "$extra-property")
_ARRAY = ("items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems",
          "contains", "$duplicates", "$extra-items", "$items-at")
_STRING = ("minLength", "maxLength", "pattern", "format", "$not-pattern")
_NUMBER = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
           "$not-multiple-of", "$fraction")

Where = tuple[Any, str, Any]  # (schema, base URI, document URI)


class NoInstance(Exception):
    """No value could be written for a schema (contradictory, too deep, unsupported)."""


@dataclass
class Constraints:
    """What every conjunct of a schema requires of a value, merged."""

    types: set[str] | None = None
    consts: list[Any] = field(default_factory=list)
    enums: list[list[Any]] = field(default_factory=list)
    never: bool = False  # a ``false`` schema is among the conjuncts
    strings: dict[str, Any] = field(default_factory=dict)
    patterns: list[str] = field(default_factory=list)
    not_patterns: list[str] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)
    multiples: list[Fraction] = field(default_factory=list)
    not_multiples: list[Fraction] = field(default_factory=list)
    properties: dict[str, list[Where]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    additional: list[Where] = field(default_factory=list)
    closed: bool = False
    pattern_properties: list[tuple[str, Where]] = field(default_factory=list)
    dependencies: dict[str, list[str]] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    prefix: list[list[Where]] = field(default_factory=list)
    items: list[Where] = field(default_factory=list)
    arrays: dict[str, Any] = field(default_factory=dict)
    contains: list[Where] = field(default_factory=list)
    alternatives: list[tuple[int, list[Where]]] = field(default_factory=list)  # (id, options)


_OTHER = object()  # tags a document URI of the second version (see Instances.reader)


class _Side:
    """One version's references and dialect."""

    def __init__(self, version: SchemaVersion) -> None:
        from evtctl.compat.jsonschema.engine import make_resolver

        self.refs = make_resolver(version)
        dialect = dialect_of(version.schema).name
        self.legacy = dialect not in MODERN
        self.draft4 = dialect == "draft4"
        self.id_key = id_keyword(dialect)


class Instances:
    """Writes values for the schemas of one version (references resolved within it)."""

    def __init__(self, version: SchemaVersion, other: SchemaVersion | None = None) -> None:
        """``other``: a second version whose schemas may be mixed in, as ``reader(where)``
        tags them (an example's surroundings satisfy both versions when they can)."""
        self._sides = [_Side(version)] + ([_Side(other)] if other is not None else [])
        self.root: Where = (version.schema, version.base_uri, version.base_uri)
        self.draft4 = self._sides[0].draft4

    def reader(self, where: Where) -> Where:
        """``where``, a schema of the second version, tagged for resolution there."""
        schema, base, doc = where
        return (schema, base, (_OTHER, doc))

    # -- public ----------------------------------------------------------------------------------
    def values(self, where: Where, extra: list[Where] | None = None, limit: int = 3,
               depth: int = 0) -> list[Any]:
        """Up to ``limit`` distinct values ``where`` (and ``extra``) accept, smallest first."""
        return list(itertools.islice(self.iter_values(where, extra, depth), limit))

    def iter_values(self, where: Where, extra: list[Where] | None = None,
                    depth: int = 0) -> Iterator[Any]:
        """:meth:`values`, lazily (at most a few dozen)."""
        seen: set[str] = set()
        for value in itertools.islice(self._generate([where, *(extra or [])], depth), 40):
            key = repr(value)
            if key not in seen:
                seen.add(key)
                yield value

    def minimal(self, where: Where, extra: list[Where] | None = None, depth: int = 0) -> Any:
        found = self.values(where, extra, 1, depth)
        if not found:
            raise NoInstance("no value")
        return found[0]

    # -- conjunction -----------------------------------------------------------------------------
    def conjuncts(self, wheres: list[Where], depth: int) -> list[Where]:
        """Every schema that applies to the value: references followed, allOf flattened."""
        out: list[Where] = []
        stack = list(reversed(wheres))
        seen: set[tuple[int, str]] = set()
        while stack:
            schema, base, doc = stack.pop()
            if type(schema) is not dict:
                out.append((schema, base, doc))
                continue
            side = self._side(doc)
            base = scope_of(schema, base, side.id_key, side.legacy)
            key = (id(schema), base)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > 400 or depth > MAX_DEPTH:
                raise NoInstance("too deep")
            ref = schema.get("$ref")
            if isinstance(ref, str):
                stack.append(self._locate("static", ref, base, doc))
                if side.legacy:
                    continue  # drafts 4-7: $ref replaces its siblings
            out.append((schema, base, doc))
            if not side.legacy:
                if isinstance(schema.get("$dynamicRef"), str):
                    stack.append(self._locate("dynamic", schema["$dynamicRef"], base, doc))
                if isinstance(schema.get("$recursiveRef"), str):
                    stack.append(self._locate("recursive", schema["$recursiveRef"], base, doc))
            members = schema.get("allOf")
            if isinstance(members, list):
                stack.extend((m, base, doc) for m in reversed(members))
        return out

    def _side(self, doc: Any) -> _Side:
        if type(doc) is tuple and doc and doc[0] is _OTHER and len(self._sides) > 1:
            return self._sides[1]
        return self._sides[0]

    def _locate(self, how: str, ref: str, base: str, doc: Any) -> Where:
        other = type(doc) is tuple and bool(doc) and doc[0] is _OTHER
        refs = self._side(doc).refs
        plain = doc[1] if other else doc
        try:
            if how == "dynamic":
                found = refs.locate_dynamic(ref, base, plain)
            elif how == "recursive":
                found = refs.locate_recursive(ref, base, plain)
            else:
                found = refs.locate(ref, base, plain)
        except UnresolvableRef:
            raise NoInstance(f"unresolvable {ref}") from None
        return (found[0], found[1], (_OTHER, found[2])) if other else found

    def merge(self, wheres: list[Where], depth: int,
              chosen: frozenset[int] = frozenset()) -> Constraints:
        """The constraints of every conjunct; the ``anyOf``/``oneOf`` groups already
        ``chosen`` (by id) are left out (one of their alternatives is among ``wheres``)."""
        c = Constraints()
        for schema, base, doc in self.conjuncts(wheres, depth):
            if schema is False:
                c.never = True
                continue
            if type(schema) is not dict:
                continue
            _merge_one(c, schema, base, doc, self.draft4, chosen)
        return c

    # -- generation ------------------------------------------------------------------------------
    def _generate(self, wheres: list[Where], depth: int,
                  chosen: frozenset[int] = frozenset()) -> Iterator[Any]:
        if depth > MAX_DEPTH:
            return
        try:
            c = self.merge(wheres, depth, chosen)
        except NoInstance:
            return
        if c.never:
            return
        if c.alternatives:
            group_id, options = c.alternatives[0]
            for option in options[:6]:
                yield from itertools.islice(
                    self._generate([*wheres, option], depth, chosen | {group_id}), 4)
            return
        yield from self._from(c, depth)

    def _from(self, c: Constraints, depth: int) -> Iterator[Any]:
        if c.consts:
            yield c.consts[0]
            return
        if c.enums:
            shared = [v for v in c.enums[0] if all(_contains(e, v) for e in c.enums[1:])]
            yield from shared
            return
        for name in self._types(c):
            try:
                if name == "object":
                    yield from self._objects(c, depth)
                elif name == "array":
                    yield from self._arrays(c, depth)
                elif name == "string":
                    yield from _strings(c)
                elif name in ("number", "integer"):
                    yield from _numbers(c, integer=name == "integer")
                elif name == "boolean":
                    yield from (True, False)
                elif name == "null":
                    yield None
            except NoInstance:
                continue

    def _types(self, c: Constraints) -> list[str]:
        order = ["object", "array", "string", "integer", "number", "boolean", "null"]
        if c.types is not None:
            names = [t for t in order if t in c.types]
            if "integer" in names and "number" in names and not c.numbers.get("$fraction"):
                names.remove("number")
            return names
        inferred = [t for t, keys in (("object", _OBJECT), ("array", _ARRAY),
                                      ("string", _STRING), ("number", _NUMBER))
                    if _uses(c, t)]
        return inferred or ["string", "integer", "boolean", "null", "object", "array"]

    # -- objects ---------------------------------------------------------------------------------
    def _property(self, c: Constraints, name: str, depth: int) -> list[Where] | None:
        """The schemas a property ``name`` must satisfy; None if the object may not have it."""
        found = list(c.properties.get(name, []))
        found.extend(w for p, w in c.pattern_properties if search(p, name))
        if name not in c.properties and not any(search(p, name) for p, _w in
                                                c.pattern_properties):
            if c.closed:
                return None
            found.extend(c.additional)
        return found

    def _objects(self, c: Constraints, depth: int) -> Iterator[dict[str, Any]]:
        # $absent wins over "required": the example is about a property one side requires.
        absent = set(c.objects.get("$absent", ()))
        present: dict[str, Any] = c.objects.get("$present", {})
        names = [n for n in dict.fromkeys([*c.required, *present]) if n not in absent]
        # Dependencies pull in more names (transitively).
        i = 0
        while i < len(names):
            for dep in c.dependencies.get(names[i], []):
                if dep not in names:
                    names.append(dep)
            i += 1
        if absent & set(names):
            raise NoInstance("a dependency must be absent")
        low = c.objects.get("minProperties") or 0
        for name in c.properties:
            if len(names) >= low:
                break
            if name not in names and name not in absent:
                names.append(name)
        extra_values: list[Any] | None = c.objects.get("$extra-property")
        variants: list[dict[str, Any]] = [{}]
        for name in names:
            schemas = self._property(c, name, depth)
            if schemas is None:
                raise NoInstance(f"property {name} not allowed")
            wanted = present.get(name)
            options = list(wanted) if wanted is not None else self.values(
                (True, "", ""), schemas, 2, depth + 1) if schemas else ["x"]
            if not options:
                raise NoInstance(f"no value for {name}")
            variants = [{**v, name: options[0]} for v in variants] + (
                [{**variants[0], name: options[1]}] if len(options) > 1 else [])
            variants = variants[:3]
        counter = 0
        while variants and len(variants[0]) < low:
            counter += 1
            extra_name = f"p{counter}"
            schemas = self._property(c, extra_name, depth)
            if schemas is None or counter > 50:
                raise NoInstance("not enough properties")
            value = self.values((True, "", ""), schemas, 1, depth + 1) if schemas else ["x"]
            if not value:
                raise NoInstance("no value for an extra property")
            variants = [{**v, extra_name: value[0]} for v in variants]
        if extra_values is not None:
            name = _free_name(c)
            variants = [{**variants[0], name: value} for value in extra_values]
        high = c.objects.get("maxProperties")
        for v in variants:
            if high is None or len(v) <= high:
                yield v

    # -- arrays ----------------------------------------------------------------------------------
    def _arrays(self, c: Constraints, depth: int) -> Iterator[list[Any]]:
        low = c.arrays.get("minItems") or 0
        high = c.arrays.get("maxItems")
        if c.contains:
            low = max(low, 1)
        if c.arrays.get("$duplicates"):
            low = max(low, 2)
        extra = 1 if c.arrays.get("$extra-items") else 0
        placed: dict[int, Any] = dict(c.arrays.get("$items-at", {}))
        if -1 in placed:
            placed[len(c.prefix)] = placed.pop(-1)
        count = max(low, len(c.prefix) + extra if extra else low,
                    max(placed, default=-1) + 1)
        if high is not None and count > high:
            raise NoInstance("too many items needed")
        out: list[Any] = []
        unique = c.arrays.get("uniqueItems") and not c.arrays.get("$duplicates")
        for index in range(count):
            if index in placed:
                out.append(placed[index])
                continue
            schemas = list(c.prefix[index]) if index < len(c.prefix) else list(c.items)
            if index == 0 and c.contains:
                schemas = [*schemas, *c.contains]
            if index > 0 and c.arrays.get("$duplicates") and index == 1:
                out.append(out[0])
                continue
            if index >= len(c.prefix) and c.arrays.get("closed-items"):
                raise NoInstance("no more items allowed")
            options = self.values((True, "", ""), schemas, 3 if unique else 1, depth + 1) \
                if schemas else list(GENERIC[:3])
            if unique:
                options = [o for o in options if o not in out]
            if not options:
                raise NoInstance("no item")
            out.append(options[0])
        yield out


def _merge_one(c: Constraints, s: dict[str, Any], base: str, doc: Any, draft4: bool,
               chosen: frozenset[int]) -> None:
    typ = s.get("type")
    if isinstance(typ, str):
        typ = [typ]
    if isinstance(typ, list):
        allowed = {t for t in typ if isinstance(t, str)}
        if "number" in allowed:
            allowed.add("integer")
        c.types = allowed if c.types is None else c.types & allowed
    if "const" in s and not draft4:
        c.consts.append(s["const"])
    if isinstance(s.get("enum"), list):
        c.enums.append(s["enum"])
    for key in ("minLength", "maxLength"):
        if _is_int(s.get(key)):
            old = c.strings.get(key)
            c.strings[key] = s[key] if old is None else (max if key == "minLength" else min)(
                old, s[key])
    if isinstance(s.get("pattern"), str):
        c.patterns.append(s["pattern"])
    if isinstance(s.get("$not-pattern"), str):
        c.not_patterns.append(s["$not-pattern"])
    if isinstance(s.get("format"), str):
        c.strings.setdefault("format", s["format"])
    _merge_numbers(c, s, draft4)
    props = s.get("properties")
    if isinstance(props, dict):
        for name, sub in props.items():
            c.properties.setdefault(name, []).append((sub, base, doc))
    if isinstance(s.get("required"), list):
        c.required.extend(r for r in s["required"] if isinstance(r, str) and r not in c.required)
    addl = s.get("additionalProperties")
    if addl is False:
        c.closed = True
    elif isinstance(addl, dict):
        c.additional.append((addl, base, doc))
    pats = s.get("patternProperties")
    if isinstance(pats, dict):
        c.pattern_properties.extend((p, (sub, base, doc)) for p, sub in pats.items())
    for key in ("dependencies", "dependentRequired"):
        deps = s.get(key)
        if isinstance(deps, dict):
            for name, dep in deps.items():
                if isinstance(dep, list):
                    c.dependencies.setdefault(name, []).extend(d for d in dep
                                                               if isinstance(d, str))
    for key in ("minProperties", "maxProperties"):
        if _is_int(s.get(key)):
            old = c.objects.get(key)
            c.objects[key] = s[key] if old is None else (
                max if key == "minProperties" else min)(old, s[key])
    if isinstance(s.get("$absent"), list):
        c.objects.setdefault("$absent", []).extend(s["$absent"])
    if isinstance(s.get("$present"), dict):
        c.objects.setdefault("$present", {}).update(s["$present"])
    if isinstance(s.get("$extra-property"), list):
        c.objects["$extra-property"] = s["$extra-property"]
    _merge_arrays(c, s, base, doc)
    for crit in ("anyOf", "oneOf"):
        options = s.get(crit)
        if isinstance(options, list) and options and id(options) not in chosen:
            c.alternatives.append((id(options), [(o, base, doc) for o in options]))


def _merge_numbers(c: Constraints, s: dict[str, Any], draft4: bool) -> None:
    for key in ("minimum", "maximum"):
        if _is_num(s.get(key)):
            lower = key == "minimum"
            flag = s.get("exclusiveMinimum" if lower else "exclusiveMaximum")
            kind = ("exclusiveMinimum" if lower else "exclusiveMaximum") \
                if draft4 and flag is True else key
            _tighten(c, kind, s[key])
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        if _is_num(s.get(key)):
            _tighten(c, key, s[key])
    step = _fraction(s.get("multipleOf"))
    if step is not None and step > 0:
        c.multiples.append(step)
    avoid = _fraction(s.get("$not-multiple-of"))
    if avoid is not None and avoid > 0:
        c.not_multiples.append(avoid)
    if s.get("$fraction"):
        c.numbers["$fraction"] = True
        c.types = {"number"} if c.types is None else (c.types & {"number"})


def _merge_arrays(c: Constraints, s: dict[str, Any], base: str, doc: Any) -> None:
    items, prefix = s.get("items"), s.get("prefixItems")
    positional = prefix if isinstance(prefix, list) else items if isinstance(items, list) \
        else None
    if positional is not None:
        for i, sub in enumerate(positional):
            while len(c.prefix) <= i:
                c.prefix.append([])
            c.prefix[i].append((sub, base, doc))
        rest = items if isinstance(prefix, list) else s.get("additionalItems")
        if rest is False:
            c.arrays["closed-items"] = True
        elif isinstance(rest, dict):
            c.items.append((rest, base, doc))
    elif isinstance(items, (dict, bool)):
        c.items.append((items, base, doc))
    for key in ("minItems", "maxItems"):
        if _is_int(s.get(key)):
            old = c.arrays.get(key)
            c.arrays[key] = s[key] if old is None else (max if key == "minItems" else min)(
                old, s[key])
    for key in ("uniqueItems", "$duplicates", "$extra-items"):
        if s.get(key) is True:
            c.arrays[key] = True
    if isinstance(s.get("$items-at"), dict):
        c.arrays.setdefault("$items-at", {}).update(s["$items-at"])
    if isinstance(s.get("contains"), (dict, bool)):
        c.contains.append((s["contains"], base, doc))


def _tighten(c: Constraints, key: str, value: Any) -> None:
    old = c.numbers.get(key)
    if old is None:
        c.numbers[key] = value
    elif key in ("minimum", "exclusiveMinimum"):
        c.numbers[key] = max(old, value)
    else:
        c.numbers[key] = min(old, value)


def _uses(c: Constraints, kind: str) -> bool:
    if kind == "object":
        return bool(c.properties or c.required or c.additional or c.closed or c.objects
                    or c.pattern_properties or c.dependencies)
    if kind == "array":
        return bool(c.prefix or c.items or c.arrays or c.contains)
    if kind == "string":
        return bool(c.strings or c.patterns or c.not_patterns)
    return bool(c.numbers or c.multiples or c.not_multiples)


def _strings(c: Constraints) -> Iterator[str]:
    from evtctl.compat.jsonschema.regexgen import Unsupported, strings
    from evtctl.compat.jsonschema.stringformats import check, samples

    low = c.strings.get("minLength") or 0
    high = c.strings.get("maxLength")
    if high is not None and high < low:
        return
    fmt = c.strings.get("format")
    candidates: list[str] = []
    if isinstance(fmt, str):
        candidates.extend(samples(fmt))
    if c.patterns:
        with contextlib.suppress(Unsupported):
            candidates.extend(itertools.islice(strings(c.patterns[0], low, high), 12))
    if not c.patterns or c.not_patterns:
        size = max(low, 1) if high is None or high >= 1 else 0
        candidates.append("a" * size)
        candidates.extend(s + "a" * max(0, low - len(s)) for s in _GENERIC_STRINGS)
    conforms = check(fmt) if isinstance(fmt, str) else None
    for s in candidates:
        if len(s) < low or (high is not None and len(s) > high):
            continue
        if not all(search(p, s) is True for p in c.patterns):
            continue
        if any(search(p, s) is not False for p in c.not_patterns):
            continue
        if conforms is not None and not conforms(s):
            continue
        yield s


def _numbers(c: Constraints, *, integer: bool) -> Iterator[int | float]:
    n = c.numbers
    low, low_open = _bound(n, "minimum", "exclusiveMinimum", lower=True)
    high, high_open = _bound(n, "maximum", "exclusiveMaximum", lower=False)
    fraction = bool(n.get("$fraction"))
    step = Fraction(1) if integer else None
    for m in c.multiples:
        step = m if step is None else _lcm(step, m)
    seeds: list[Fraction] = [Fraction(0), Fraction(1), Fraction(-1)]
    for edge in (low, high):
        if edge is not None:
            seeds.extend((edge, edge + 1, edge - 1))
    if fraction:
        seeds.extend(Fraction(1, 2) + s for s in list(seeds))
    candidates: list[Fraction] = []
    for seed in seeds:
        if step is not None and not fraction:
            for k in (floor(seed / step), ceil(seed / step), ceil(seed / step) + 1):
                candidates.append(step * k)
        elif step is not None:
            candidates.extend(step * k for k in (1, 3, 5, 7))
        else:
            candidates.append(seed)
    seen: set[Fraction] = set()
    for value in sorted(candidates, key=lambda v: (abs(v), v < 0)):
        if value in seen:
            continue
        seen.add(value)
        if low is not None and (value < low or (low_open and value == low)):
            continue
        if high is not None and (value > high or (high_open and value == high)):
            continue
        if fraction and value.denominator == 1:
            continue
        if any((value / m).denominator != 1 for m in c.multiples):
            continue
        if any((value / m).denominator == 1 for m in c.not_multiples):
            continue
        if value.denominator == 1 and not fraction:
            yield int(value)
        else:
            yield float(value)


def _bound(n: dict[str, Any], inclusive: str, exclusive: str,
           lower: bool) -> tuple[Fraction | None, bool]:
    a, b = _fraction(n.get(inclusive)), _fraction(n.get(exclusive))
    if a is None and b is None:
        return None, False
    if a is None:
        return b, True
    if b is None:
        return a, False
    if lower:
        return (b, True) if b >= a else (a, False)
    return (b, True) if b <= a else (a, False)


def _lcm(a: Fraction, b: Fraction) -> Fraction:
    from math import gcd

    num = a.numerator * b.numerator // gcd(a.numerator, b.numerator)
    den = gcd(a.denominator, b.denominator)
    return Fraction(num, den)


def _fraction(value: Any) -> Fraction | None:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError, OverflowError):
        return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _contains(values: list[Any], value: Any) -> bool:
    return any(v == value and type(v) is type(value) for v in values)


def _free_name(c: Constraints) -> str:
    for name in ("extra", "extraField", "x-extra", "zz_extra"):
        if name not in c.properties and not any(search(p, name) for p, _w in
                                                c.pattern_properties):
            return name
    return "zz_extra_1"
