"""A fast, sound pre-check of a schema against its dialect's metaschema.

jsonschema's ``check_schema`` interprets the official metaschema (for 2020-12: seven
vocabulary metaschemas joined by ``allOf`` and ``$dynamicRef``), which costs several
milliseconds per schema — most of a cold lint. Nearly every schema is valid, so this module
answers the common case with one walk over the schema that checks each keyword's value form
the way the metaschema does.

The walk is *sound*, never more lenient than the metaschema: :func:`surely_valid` returns
True only when ``check_schema`` would accept the schema. Whatever it cannot decide cheaply
(a float where an integer is expected, ``enum`` values that might be equal under
jsonschema's rules, a schema nested deeper than :data:`MAX_FAST_DEPTH`, a dialect it does
not know) makes it return False, and the caller asks ``check_schema`` for the verdict and
its precise error. Formats the metaschemas use (``regex``, ``uri``, ``uri-reference``) are
checked with the validator's own ``FORMAT_CHECKER``, so they agree with it whatever optional
format packages are installed.

Keywords a dialect's metaschema does not declare are unconstrained by it and skipped; a
test checks that :data:`KEYWORDS` covers every keyword each metaschema declares.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

# Deeper schemas go to jsonschema, so its verdict there ("nested too deeply" when its own
# recursion gives out) stays exactly what it was.
MAX_FAST_DEPTH = 40

SIMPLE_TYPES = frozenset(("array", "boolean", "integer", "null", "number", "object", "string"))
_ID_2019 = re.compile(r"^[^#]*#?$")
_ANCHOR_2019 = re.compile(r"^[A-Za-z][-A-Za-z0-9.:_]*$")
_ANCHOR_2020 = re.compile(r"^[A-Za-z_][-A-Za-z0-9._]*$")

Conforms = Callable[[Any, str], bool]

# Value forms. Each name is checked by ``_Walk.value``; the schema-valued ones push work.
SCHEMA = "schema"
SCHEMA_MAP = "schema-map"
SCHEMA_ARRAY = "schema-array"  # non-empty array of schemas
SCHEMA_OR_ARRAY = "schema-or-array"  # items before 2020-12
BOOL_OR_SCHEMA = "bool-or-schema"  # draft 4 additionalItems/additionalProperties
PATTERN_MAP = "pattern-map"  # patternProperties: schema map whose keys are regexes
DEPENDENCIES = "dependencies"  # map of schema or string array
DEPENDENT_REQUIRED = "dependent-required"
STRING = "string"
BOOLEAN = "boolean"
NUMBER = "number"
POSITIVE = "positive"  # multipleOf
NON_NEGATIVE = "non-negative-integer"
STRING_ARRAY = "string-array"  # unique strings
STRING_ARRAY_1 = "string-array-1"  # draft 4: unique strings, at least one
TYPE = "type"
ENUM_4 = "enum-4"  # draft 4: non-empty array of unique values
ARRAY = "array"
ANY = "any"
REGEX = "regex"
URI = "uri"
URI_REF = "uri-reference"
ID_2019 = "id-2019"  # uri-reference without a non-empty fragment
ANCHOR_2019 = "anchor-2019"
ANCHOR_2020 = "anchor-2020"
VOCABULARY = "vocabulary"

_VALIDATION = {
    "multipleOf": POSITIVE,
    "maximum": NUMBER,
    "minimum": NUMBER,
    "maxLength": NON_NEGATIVE,
    "minLength": NON_NEGATIVE,
    "pattern": REGEX,
    "maxItems": NON_NEGATIVE,
    "minItems": NON_NEGATIVE,
    "uniqueItems": BOOLEAN,
    "maxProperties": NON_NEGATIVE,
    "minProperties": NON_NEGATIVE,
    "type": TYPE,
    "title": STRING,
    "description": STRING,
    "default": ANY,
    "format": STRING,
    "allOf": SCHEMA_ARRAY,
    "anyOf": SCHEMA_ARRAY,
    "oneOf": SCHEMA_ARRAY,
    "not": SCHEMA,
    "properties": SCHEMA_MAP,
    "definitions": SCHEMA_MAP,
    "dependencies": DEPENDENCIES,
}
_DRAFT4 = {
    **_VALIDATION,
    "id": STRING,
    "$schema": STRING,
    "exclusiveMaximum": BOOLEAN,
    "exclusiveMinimum": BOOLEAN,
    "additionalItems": BOOL_OR_SCHEMA,
    "additionalProperties": BOOL_OR_SCHEMA,
    "items": SCHEMA_OR_ARRAY,
    "required": STRING_ARRAY_1,
    "enum": ENUM_4,
    "patternProperties": SCHEMA_MAP,  # draft 4 does not check that the keys are regexes
}
_DRAFT6 = {
    **_VALIDATION,
    "$id": URI_REF,
    "$schema": URI,
    "$ref": URI_REF,
    "examples": ARRAY,
    "exclusiveMaximum": NUMBER,
    "exclusiveMinimum": NUMBER,
    "additionalItems": SCHEMA,
    "items": SCHEMA_OR_ARRAY,
    "contains": SCHEMA,
    "required": STRING_ARRAY,
    "additionalProperties": SCHEMA,
    "patternProperties": PATTERN_MAP,
    "propertyNames": SCHEMA,
    "const": ANY,
    "enum": ARRAY,
}
_DRAFT7 = {
    **_DRAFT6,
    "$comment": STRING,
    "readOnly": BOOLEAN,
    "contentMediaType": STRING,
    "contentEncoding": STRING,
    "if": SCHEMA,
    "then": SCHEMA,
    "else": SCHEMA,
}
_MODERN = {
    **_DRAFT7,
    "$defs": SCHEMA_MAP,
    "$vocabulary": VOCABULARY,
    "deprecated": BOOLEAN,
    "writeOnly": BOOLEAN,
    "maxContains": NON_NEGATIVE,
    "minContains": NON_NEGATIVE,
    "dependentRequired": DEPENDENT_REQUIRED,
    "dependentSchemas": SCHEMA_MAP,
    "unevaluatedItems": SCHEMA,
    "unevaluatedProperties": SCHEMA,
    "contentSchema": SCHEMA,
}
_DRAFT2019 = {
    **_MODERN,
    "$id": ID_2019,
    "$anchor": ANCHOR_2019,
    "$recursiveRef": URI_REF,
    "$recursiveAnchor": BOOLEAN,
}
_DRAFT2020 = {
    **{k: v for k, v in _MODERN.items() if k != "additionalItems"},
    "$id": ID_2019,
    "$anchor": ANCHOR_2020,
    "$dynamicRef": URI_REF,
    "$dynamicAnchor": ANCHOR_2020,
    "$recursiveRef": URI_REF,
    "$recursiveAnchor": ANCHOR_2020,
    "items": SCHEMA,
    "prefixItems": SCHEMA_ARRAY,
}

#: The keywords each dialect's metaschema declares, with the form of their value.
KEYWORDS: dict[str, dict[str, str]] = {
    "draft4": _DRAFT4,
    "draft6": _DRAFT6,
    "draft7": _DRAFT7,
    "2019-09": _DRAFT2019,
    "2020-12": _DRAFT2020,
}
#: jsonschema validator class names → dialect names.
DIALECTS = {
    "Draft4Validator": "draft4",
    "Draft6Validator": "draft6",
    "Draft7Validator": "draft7",
    "Draft201909Validator": "2019-09",
    "Draft202012Validator": "2020-12",
}


def surely_valid(schema: Any, dialect: str, conforms: Conforms) -> bool:
    """True only if the dialect's metaschema accepts ``schema``; False if invalid or unsure.

    ``conforms(value, format)`` is the metaschema validator's format check
    (``FORMAT_CHECKER.conforms``).
    """
    table = KEYWORDS.get(dialect)
    if table is None:
        return False
    return _Walk(table, dialect == "draft4", conforms).run(schema)


class _Walk:
    def __init__(self, table: dict[str, str], draft4: bool, conforms: Conforms) -> None:
        self.table = table
        self.draft4 = draft4
        self.conforms = conforms
        self.stack: list[tuple[Any, int]] = []

    def run(self, schema: Any) -> bool:
        self.stack.append((schema, 0))
        while self.stack:
            item, depth = self.stack.pop()
            if depth > MAX_FAST_DEPTH or not self.schema(item, depth):
                return False
        return True

    def schema(self, item: Any, depth: int) -> bool:
        if type(item) is bool:
            return not self.draft4
        if type(item) is not dict:
            return False
        table = self.table
        below = depth + 1
        for key, value in item.items():
            form = table.get(key)
            if form is None:
                continue
            # The commonest forms inline (same answers as ``value``), the rest there.
            if form is STRING:
                if type(value) is not str:
                    return False
            elif form is TYPE:
                if type(value) is str:
                    if value not in SIMPLE_TYPES:
                        return False
                elif not self.value(form, value, below):
                    return False
            elif form is SCHEMA_MAP:
                if type(value) is not dict:
                    return False
                self.stack.extend([(v, below + 1) for v in value.values()])
            elif form is SCHEMA:
                self.stack.append((value, below))
            elif not self.value(form, value, below):
                return False
        if self.draft4:  # the draft 4 metaschema's own "dependencies"
            if "exclusiveMaximum" in item and "maximum" not in item:
                return False
            if "exclusiveMinimum" in item and "minimum" not in item:
                return False
        return True

    def push(self, value: Any, depth: int) -> bool:
        self.stack.append((value, depth))
        return True

    def value(self, form: str, value: Any, depth: int) -> bool:
        kind = type(value)
        if form == SCHEMA:
            return self.push(value, depth)
        if form in (SCHEMA_MAP, PATTERN_MAP):
            if kind is not dict:
                return False
            if form == PATTERN_MAP and not all(self.conforms(k, "regex") for k in value):
                return False
            self.stack.extend((v, depth + 1) for v in value.values())
            return True
        if form == SCHEMA_ARRAY:
            if kind is not list or not value:
                return False
            self.stack.extend((v, depth + 1) for v in value)
            return True
        if form == SCHEMA_OR_ARRAY:
            if kind is list:
                return self.value(SCHEMA_ARRAY, value, depth)
            return self.push(value, depth)
        if form == BOOL_OR_SCHEMA:
            return kind is bool or self.push(value, depth)
        if form == DEPENDENCIES:
            if kind is not dict:
                return False
            for dep in value.values():
                if type(dep) is list:
                    if not _unique_strings(dep, self.draft4):
                        return False
                else:
                    self.push(dep, depth + 1)
            return True
        if form == DEPENDENT_REQUIRED:
            return kind is dict and all(_unique_strings(d, False) for d in value.values())
        if form == STRING:
            return kind is str
        if form == BOOLEAN:
            return kind is bool
        if form == NUMBER:
            return kind is int or kind is float
        if form == POSITIVE:
            return (kind is int or kind is float) and value > 0
        if form == NON_NEGATIVE:
            return kind is int and value >= 0
        if form == STRING_ARRAY:
            return _unique_strings(value, False)
        if form == STRING_ARRAY_1:
            return _unique_strings(value, True)
        if form == TYPE:
            if kind is str:
                return value in SIMPLE_TYPES
            return (
                kind is list
                and bool(value)
                and all(type(t) is str and t in SIMPLE_TYPES for t in value)
                and len(set(value)) == len(value)
            )
        if form == ENUM_4:
            return kind is list and bool(value) and _surely_distinct(value)
        if form == ARRAY:
            return kind is list
        if form == ANY:
            return True
        if form == VOCABULARY:
            return _vocabulary(value, self.conforms)
        if kind is not str:
            return False
        if form == REGEX:
            return self.conforms(value, "regex")
        if form == URI:
            return self.conforms(value, "uri")
        if form == URI_REF:
            return self.conforms(value, "uri-reference")
        if form == ID_2019:
            return _ID_2019.search(value) is not None and self.conforms(value, "uri-reference")
        if form == ANCHOR_2019:
            return _ANCHOR_2019.search(value) is not None
        if form == ANCHOR_2020:
            return _ANCHOR_2020.search(value) is not None
        return False  # pragma: no cover - every form is handled above; unknown means unsure


def _vocabulary(value: Any, conforms: Conforms) -> bool:
    return type(value) is dict and all(
        conforms(k, "uri") and type(v) is bool for k, v in value.items()
    )


def _unique_strings(value: Any, non_empty: bool) -> bool:
    if type(value) is not list or (non_empty and not value):
        return False
    return all(type(s) is str for s in value) and len(set(value)) == len(value)


def _surely_distinct(values: list[Any]) -> bool:
    """No two values are equal under jsonschema's ``uniqueItems`` (1 == 1.0, True != 1).

    Numbers are compared as floats, which may merge distinct large integers: that only
    makes the answer "unsure", never wrongly "distinct".
    """
    seen: set[str] = set()
    for v in values:
        try:
            key = json.dumps(_loose(v), sort_keys=True)
        except (TypeError, ValueError, OverflowError):
            return False
        if key in seen:
            return False
        seen.add(key)
    return True


def _loose(value: Any) -> Any:
    kind = type(value)
    if kind is bool or value is None or kind is str:
        return value
    if kind is int or kind is float:
        return ["n", float(value)]
    if kind is list:
        return [_loose(v) for v in value]
    if kind is dict:
        return {k: _loose(v) for k, v in value.items()}
    raise TypeError(kind)
