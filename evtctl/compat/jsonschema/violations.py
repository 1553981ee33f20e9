"""Metaschema violations of a schema, and which of them Schema Registry survives.

Schema Registry never validates a schema against its draft's metaschema: it loads it
(with everit for drafts 4-7, json-sKema for 2019-09 and 2020-12) and compares what it
loaded. Those loaders fail on a keyword whose value has the wrong JSON type (``"minLength":
"3"``, ``"properties": []``, a subschema written as a string, ``"required": true``), on an
unknown type name, and on a ``$ref`` they cannot resolve; they accept what the metaschema
forbids by *value* (``"required": []`` in draft 4, ``"minLength": -1``, repeated ``enum``
values, an ``$id`` that is not a URI, a draft-4 ``exclusiveMaximum`` without ``maximum``) and
ignore keywords they do not read (``examples``, ``$comment``, ...). evtctl follows that
line: the first kind is fatal (the registry refuses the schema too), the second is a
:class:`Violation` the caller turns into a diagnostic, and the comparison goes on with the
value as written.

Finding them is the slow path (the fast pre-check in :mod:`.metacheck` already said the
schema might be invalid). Each subschema is checked on its own, shallowly — its keyword
values against the metaschema with subschemas replaced by ``{}`` — so a large schema with
one bad keyword costs a walk and one small validation, not a full metaschema evaluation.
``pattern`` strings are ECMA-262 regular expressions: one that Python's ``re`` rejects but
:mod:`.ecma` can translate is not a violation at all.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from evtctl.compat.jsonschema import metacheck
from evtctl.compat.jsonschema.dialects import TITLES, validator_class
from evtctl.compat.jsonschema.ecma import compile_pattern

Path = tuple[str | int, ...]
MAX_VIOLATIONS = 50

# Keywords the registry's loaders read: a value of the wrong JSON type there stops them.
# (Every keyword evtctl's model reads is among them.)
_READ = frozenset((
    "$ref", "$id", "id", "$schema", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef",
    "$recursiveAnchor", "type", "enum", "const", "title", "description", "default", "format",
    "readOnly", "writeOnly", "deprecated",
    "minLength", "maxLength", "pattern",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "properties", "required", "additionalProperties", "patternProperties", "dependencies",
    "dependentRequired", "dependentSchemas", "minProperties", "maxProperties",
    "propertyNames", "unevaluatedProperties",
    "items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems",
    "contains", "minContains", "maxContains", "unevaluatedItems",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
))


@dataclass(frozen=True)
class Violation:
    """One place the schema breaks its metaschema."""

    path: Path  # JSON path of the offending value in the document
    message: str  # what is wrong, in jsonschema's words
    fatal: bool  # Schema Registry cannot load the schema either

    @property
    def pointer(self) -> str:
        return "#/" + "/".join(str(p) for p in self.path)


def violations(schema: Any, dialect: str, conforms: metacheck.Conforms) -> list[Violation]:
    """Every metaschema violation of ``schema`` (a document) read as ``dialect``, fatal
    ones first, at most :data:`MAX_VIOLATIONS`."""
    cls = validator_class(dialect)
    checker = cls(cls.META_SCHEMA, format_checker=cls.FORMAT_CHECKER)
    table = metacheck.KEYWORDS[dialect]
    found: list[Violation] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # re.compile's FutureWarnings on patterns checked
        for path, item in _suspects(schema, dialect, table, conforms):
            for error in checker.iter_errors(_shallow(item, table)):
                found.extend(_classify(error, path))
            if len(found) >= MAX_VIOLATIONS:
                break
    found.sort(key=lambda v: not v.fatal)
    return found[:MAX_VIOLATIONS]


def describe(violation: Violation, dialect: str) -> str:
    return f"not valid under the {TITLES[dialect]} metaschema at {violation.pointer}: " \
           f"{violation.message}"


def _suspects(schema: Any, dialect: str, table: dict[str, str],
              conforms: metacheck.Conforms) -> Iterator[tuple[Path, Any]]:
    """Each subschema the fast pre-check does not vouch for, with its path."""
    draft4 = dialect == "draft4"
    stack: list[tuple[Path, Any]] = [((), schema)]
    while stack:
        path, item = stack.pop()
        walk = metacheck._Walk(table, draft4, conforms)
        if not walk.schema(item, 0):
            yield path, item
        if type(item) is dict:
            stack.extend(_children(item, path, table))


def _children(item: dict[str, Any], path: Path,
              table: dict[str, str]) -> Iterator[tuple[Path, Any]]:
    """Every value in a subschema position of ``item`` (whatever its type: one that is not
    a schema is a violation of its own)."""
    for key, value in item.items():
        form = table.get(key)
        here = (*path, key)
        if form == metacheck.SCHEMA:
            yield here, value
        elif form == metacheck.BOOL_OR_SCHEMA:
            if type(value) is not bool:
                yield here, value
        elif form in (metacheck.SCHEMA_MAP, metacheck.PATTERN_MAP):
            if type(value) is dict:
                yield from (((*here, k), v) for k, v in value.items())
        elif form == metacheck.DEPENDENCIES:
            if type(value) is dict:
                yield from (((*here, k), v) for k, v in value.items() if type(v) is not list)
        elif form in (metacheck.SCHEMA_ARRAY, metacheck.SCHEMA_OR_ARRAY):
            if type(value) is list:
                yield from (((*here, i), v) for i, v in enumerate(value))
            elif form == metacheck.SCHEMA_OR_ARRAY:
                yield here, value


def _shallow(item: Any, table: dict[str, str]) -> Any:
    """``item`` with its subschemas replaced by ``{}`` (checked on their own)."""
    if type(item) is not dict:
        return item
    out: dict[str, Any] = {}
    for key, value in item.items():
        form = table.get(key)
        if form in (metacheck.SCHEMA, metacheck.BOOL_OR_SCHEMA):
            out[key] = {} if type(value) in (dict, bool) else value
        elif form in (metacheck.SCHEMA_MAP, metacheck.PATTERN_MAP, metacheck.DEPENDENCIES):
            out[key] = ({k: {} if type(v) in (dict, bool) else v for k, v in value.items()}
                        if type(value) is dict else value)
        elif form in (metacheck.SCHEMA_ARRAY, metacheck.SCHEMA_OR_ARRAY):
            if type(value) is list:
                out[key] = [{} if type(v) in (dict, bool) else v for v in value]
            else:
                out[key] = {} if type(value) in (dict, bool) else value
        else:
            out[key] = value
    return out


def _classify(error: Any, base: Path) -> Iterator[Violation]:
    rel = tuple(error.absolute_path)
    if error.validator in ("dependencies", "dependentRequired"):
        rel = (*rel, *_dependent(error))  # the keyword that needs another one
    path = base + rel
    if _ecma_only(error):
        return  # a valid ECMA-262 pattern that Python's re does not read as written
    fatal = _fatal(error, base, rel)
    yield Violation(path, _wrong_type(error) if fatal else error.message, fatal)


def _dependent(error: Any) -> tuple[str, ...]:
    """The key of ``instance`` whose dependency is missing, when there is one."""
    deps, instance = error.validator_value, error.instance
    if not isinstance(deps, dict) or not isinstance(instance, dict):
        return ()
    for name, needs in deps.items():
        if name in instance and isinstance(needs, list) and any(n not in instance
                                                                for n in needs):
            return (name,)
    return ()


def _ecma_only(error: Any) -> bool:
    return (error.validator == "format" and error.validator_value == "regex"
            and isinstance(error.instance, str) and compile_pattern(error.instance) is not None)


def _fatal(error: Any, base: Path, rel: Path) -> bool:
    """Whether the registry's loader fails here: the wrong JSON type for a keyword it reads
    (a subschema that is not an object counts), or a type name it does not know."""
    keyword = _keyword(base, rel)
    if keyword is not None and keyword not in _READ:
        return False
    leaves = list(_leaves(error))
    if all(e.validator == "type" for e in leaves):
        return True
    # An unknown name in "type": an enum of the simple types fails (alone, or in an anyOf
    # with the array form, whose type check then fails too).
    return keyword == "type" and all(e.validator in ("type", "enum") for e in leaves)


_MAPS = frozenset(("properties", "patternProperties", "definitions", "$defs", "dependencies",
                   "dependentSchemas"))


def _keyword(base: Path, rel: Path) -> str | None:
    """The keyword whose value is at fault: the first step below the subschema, or, for a
    subschema that is itself at fault, the keyword holding it."""
    if rel:
        return str(rel[0])
    if not base:
        return None
    if isinstance(base[-1], int) or (len(base) >= 2 and base[-2] in _MAPS):
        return str(base[-2]) if len(base) >= 2 else None
    return str(base[-1])


def _wrong_type(error: Any) -> str:
    """What a fatal violation is, in words: the value and what was expected instead."""
    names: set[str] = set()
    unknown_type = False
    for leaf in _leaves(error):
        if leaf.validator == "type":
            value = leaf.validator_value
            names.update([value] if isinstance(value, str) else value)
        elif leaf.validator == "enum":
            unknown_type = True
    shown = _short(error.instance)
    if unknown_type:
        return (f"{shown} is not a type name (expected one of array, boolean, integer, null, "
                "number, object, string, or a list of them)")
    words = {"object": "an object", "array": "an array", "string": "a string",
             "integer": "an integer", "number": "a number", "boolean": "a boolean"}
    expected = " or ".join(words.get(n, n) for n in sorted(names))
    return f"{shown} has the wrong type here (expected {expected})"


def _short(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 60 else text[:57] + "..."


def _leaves(error: Any) -> Iterator[Any]:
    if error.context:
        for sub in error.context:
            yield from _leaves(sub)
    else:
        yield error
