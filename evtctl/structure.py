"""Turn JSON Schema validation errors into problems a person can act on.

Used for manifests and for the project config: both are validated against the
schemas that ship in ``schemas/``, and each error becomes one message at the line of
the offending key or value, naming the key and what was expected.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from evtctl.yamlsource import LDict, Pos, locate


@dataclass(frozen=True, slots=True)
class StructureProblem:
    kind: str  # "unknown-key" or "structure"
    message: str
    pos: Pos
    path: tuple[str | int, ...]


def describe_path(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "document"


_JSON_TYPES = {
    dict: "a mapping", list: "a list", str: "a string", bool: "a boolean",
    int: "an integer", float: "a number", type(None): "null",
}


def _what(value: Any) -> str:
    for t, name in _JSON_TYPES.items():
        if type(value) is t or (t in (dict, list) and isinstance(value, t)):
            shown = "" if isinstance(value, dict | list) else f" {_short(value)}"
            return name + shown
    return type(value).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _expected_type(schema_type: Any) -> str:
    names = {"object": "a mapping", "array": "a list", "string": "a string",
             "integer": "an integer", "number": "a number", "boolean": "true or false",
             "null": "null"}
    types = schema_type if isinstance(schema_type, list) else [schema_type]
    return " or ".join(names.get(t, str(t)) for t in types)


def problems_from_errors(errors: Iterator[Any], root: Any) -> list[StructureProblem]:
    out: list[StructureProblem] = []
    for error in errors:
        out.extend(_convert(error, root))
    out.sort(key=lambda p: p.pos)
    return out


def _convert(error: Any, root: Any) -> Iterator[StructureProblem]:
    path = tuple(error.absolute_path)
    where = describe_path(path)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    pos = locate(root, path) or (1, 1)
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        for key in instance:
            if key in allowed or any(p.search(key) for p in patterns):
                continue
            key_pos = instance.key_pos.get(key, pos) if isinstance(instance, LDict) else pos
            hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            suggestion = f"did you mean {hint[0]!r}?" if hint else (
                "allowed keys: " + ", ".join(allowed) if allowed else "no keys are allowed here")
            yield StructureProblem(
                "unknown-key", f"unknown key {key!r} in {where}; {suggestion}",
                key_pos, (*path, key))
        return
    if kind == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        name = missing[0] if missing else error.message
        yield StructureProblem("structure", f"{where} is missing required key {name!r}", pos, path)
        return
    if kind == "type":
        yield StructureProblem(
            "structure", f"{where} must be {_expected_type(error.validator_value)}, "
            f"not {_what(instance)}", pos, path)
        return
    if kind == "const":
        yield StructureProblem(
            "structure", f"{where} must be {error.validator_value!r}, not {_short(instance)}",
            pos, path)
        return
    if kind == "enum":
        options = [str(o) for o in error.validator_value]
        hint = difflib.get_close_matches(str(instance), options, n=1, cutoff=0.6)
        extra = f"; did you mean {hint[0]!r}?" if hint else ""
        yield StructureProblem(
            "structure", f"{where} is {_short(instance)}; expected one of "
            f"{', '.join(options)}{extra}", pos, path)
        return
    if kind == "pattern":
        described = schema.get("description")
        expected = f" ({described})" if described else f" (must match {error.validator_value})"
        yield StructureProblem(
            "structure", f"{where} {_short(instance)} is not valid{expected}", pos, path)
        return
    if kind == "propertyNames":
        yield StructureProblem(
            "structure", f"{where} has an invalid key {_short(instance)}", pos, path)
        return
    if kind in ("oneOf", "anyOf") and error.context:
        # Report the alternative that got furthest: the deepest error.
        best = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.message)))
        yield from _convert(best, root)
        return
    messages = {
        "minimum": f"must be at least {error.validator_value}",
        "maximum": f"must be at most {error.validator_value}",
        "exclusiveMinimum": f"must be greater than {error.validator_value}",
        "minLength": "must not be empty" if error.validator_value == 1
        else f"must have at least {error.validator_value} characters",
        "maxLength": f"must have at most {error.validator_value} characters",
        "minItems": "must not be empty" if error.validator_value == 1
        else f"must have at least {error.validator_value} items",
    }
    detail = messages.get(kind, error.message)
    yield StructureProblem("structure", f"{where} {detail} (got {_short(instance)})"
                           if kind in messages else f"{where}: {detail}", pos, path)
