"""A fast validity check for the JSON Schemas evtctl ships (manifest, config).

jsonschema is thorough but spends ~2 ms per manifest; on a 1,000-service organisation
that is most of the loading time. Valid documents are the common case, so this module
compiles a schema into plain Python closures that answer one question — is the
document valid? — and the loader asks jsonschema only when the answer is no (for its
precise errors). The compiler knows the keywords our schemas use and refuses any other
(``Unsupported``), so a schema it cannot judge exactly always goes to jsonschema. A
property test checks that both agree on generated documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "default", "examples",
                          "$comment", "deprecated", "readOnly", "writeOnly"})


class Unsupported(Exception):
    """The schema uses a keyword this compiler does not judge exactly."""


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_integer,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    return a is None and b is None


def compile_schema(root: dict[str, Any]) -> Check:
    """A function telling whether a document is valid against ``root``."""
    defs: dict[str, Check] = {}

    building: set[str] = set()

    def ref(pointer: str) -> Check:
        if not pointer.startswith("#/$defs/") or "/" in pointer[len("#/$defs/"):]:
            raise Unsupported(f"$ref {pointer}")
        name = pointer[len("#/$defs/"):]
        if name not in root.get("$defs", {}):
            raise Unsupported(f"$ref {pointer}")
        if name in defs:
            return defs[name]  # built: call it directly, no indirection per value
        if name in building:  # recursive: look it up when called, once it is built
            return lambda v: defs[name](v)
        building.add(name)
        defs[name] = build(root["$defs"][name])
        building.discard(name)
        return defs[name]

    def build(schema: Any) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise Unsupported("schema is not an object")
        keywords = {k: v for k, v in schema.items() if k not in _ANNOTATIONS and k != "$defs"}
        fused = _fused(keywords, build)
        if fused is not None:
            return fused
        checks = tuple(keyword(key, value, schema) for key, value in keywords.items())
        if len(checks) == 1:
            return checks[0]
        return lambda v: all(c(v) for c in checks)

    def keyword(key: str, value: Any, schema: dict[str, Any]) -> Check:
        if key == "type":
            names = value if isinstance(value, list) else [value]
            tests = [_TYPES[n] for n in names]
            if len(tests) == 1:
                return tests[0]
            return lambda v: any(t(v) for t in tests)
        if key == "$ref":
            return ref(value)
        if key == "enum":
            options = list(value)
            if options and all(isinstance(o, str) for o in options):
                strings = frozenset(options)  # _json_equal on strings is plain equality
                return lambda v: isinstance(v, str) and v in strings
            return lambda v: any(_json_equal(v, o) for o in options)
        if key == "const":
            if isinstance(value, str):
                return lambda v: isinstance(v, str) and v == value
            return lambda v: _json_equal(v, value)
        if key == "pattern":
            rx = re.compile(value)
            return lambda v: not isinstance(v, str) or rx.search(v) is not None
        if key in ("minLength", "maxLength"):
            n = value
            if key == "minLength":
                return lambda v: not isinstance(v, str) or len(v) >= n
            return lambda v: not isinstance(v, str) or len(v) <= n
        if key in ("minimum", "maximum"):
            bound = value
            number = _TYPES["number"]
            if key == "minimum":
                return lambda v: not number(v) or v >= bound
            return lambda v: not number(v) or v <= bound
        if key in ("minItems", "maxItems"):
            n = value
            if key == "minItems":
                return lambda v: not isinstance(v, list) or len(v) >= n
            return lambda v: not isinstance(v, list) or len(v) <= n
        if key == "items":
            item = build(value)
            return lambda v: not isinstance(v, list) or all(item(x) for x in v)
        if key == "required":
            names = list(value)
            return lambda v: not isinstance(v, dict) or all(n in v for n in names)
        if key == "properties":
            props = {name: build(sub) for name, sub in value.items()}
            return lambda v: not isinstance(v, dict) or all(
                props[k](x) for k, x in v.items() if k in props)
        if key == "additionalProperties":
            if "patternProperties" in schema:
                raise Unsupported("patternProperties")
            known = set(schema.get("properties", {}))
            extra = build(value)
            return lambda v: not isinstance(v, dict) or all(
                extra(x) for k, x in v.items() if k not in known)
        if key == "propertyNames":
            name_check = build(value)
            return lambda v: not isinstance(v, dict) or all(name_check(k) for k in v)
        if key == "oneOf":
            options = [build(s) for s in value]
            return lambda v: sum(1 for o in options if o(v)) == 1
        raise Unsupported(key)

    return build(root)


_OBJECT_KEYWORDS = frozenset({"type", "properties", "additionalProperties", "required",
                              "propertyNames"})
_STRING_KEYWORDS = frozenset({"type", "pattern", "minLength", "maxLength"})
_ARRAY_KEYWORDS = frozenset({"type", "items", "minItems", "maxItems"})
_NUMBER_KEYWORDS = frozenset({"type", "minimum", "maximum"})


def _fused(keywords: dict[str, Any], build: Callable[[Any], Check]) -> Check | None:
    """One closure for the common shapes (an object, string, array or number schema with
    a single ``type``), so a value costs one call instead of one per keyword. Same answer
    as the keyword checks together; None when the schema has another shape."""
    kind = keywords.get("type")
    if not isinstance(kind, str):
        return None
    names = keywords.keys()
    if kind == "object" and names <= _OBJECT_KEYWORDS:
        return _object_check(keywords, build)
    if kind == "string" and names <= _STRING_KEYWORDS:
        return _string_check(keywords)
    if kind == "array" and names <= _ARRAY_KEYWORDS:
        return _array_check(keywords, build)
    if kind in ("integer", "number") and names <= _NUMBER_KEYWORDS:
        return _number_check(kind, keywords)
    return None


def _object_check(keywords: dict[str, Any], build: Callable[[Any], Check]) -> Check:
    props: dict[str, Check] = {name: build(sub)
                               for name, sub in keywords.get("properties", {}).items()}
    required = tuple(keywords.get("required", ()))
    additional = keywords.get("additionalProperties", True)
    closed = additional is False
    extra: Check | None = (None if additional is True or closed else build(additional))
    name_check = build(keywords["propertyNames"]) if "propertyNames" in keywords else None

    def check(v: Any) -> bool:
        if not isinstance(v, dict):
            return False
        for n in required:
            if n not in v:
                return False
        get = props.get
        for k, x in v.items():
            c = get(k)
            if c is None:
                if closed or (extra is not None and not extra(x)):
                    return False
            elif not c(x):
                return False
            if name_check is not None and not name_check(k):
                return False
        return True

    return check


def _string_check(keywords: dict[str, Any]) -> Check:
    rx = re.compile(keywords["pattern"]) if "pattern" in keywords else None
    low: int = keywords.get("minLength", 0)
    high: int | None = keywords.get("maxLength")

    def check(v: Any) -> bool:
        if not isinstance(v, str):
            return False
        if len(v) < low or (high is not None and len(v) > high):
            return False
        return rx is None or rx.search(v) is not None

    return check


def _array_check(keywords: dict[str, Any], build: Callable[[Any], Check]) -> Check:
    item = build(keywords["items"]) if "items" in keywords else None
    low: int = keywords.get("minItems", 0)
    high: int | None = keywords.get("maxItems")

    def check(v: Any) -> bool:
        if not isinstance(v, list):
            return False
        if len(v) < low or (high is not None and len(v) > high):
            return False
        if item is not None:
            for x in v:
                if not item(x):
                    return False
        return True

    return check


def _number_check(kind: str, keywords: dict[str, Any]) -> Check:
    is_type = _TYPES[kind]
    low = keywords.get("minimum")
    high = keywords.get("maximum")

    def check(v: Any) -> bool:
        if not is_type(v):
            return False
        return (low is None or v >= low) and (high is None or v <= high)

    return check


def try_compile(root: dict[str, Any]) -> Check | None:
    try:
        return compile_schema(root)
    except (Unsupported, re.error, KeyError, TypeError):
        return None
