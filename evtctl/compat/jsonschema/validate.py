"""jsonschema validators for a :class:`SchemaVersion`, as its readers would validate: its
local documents registered, in the dialect Schema Registry reads it in, with formats
checked and ``pattern`` read as the ECMA-262 expression it is.

Like the registry, a document's top-level ``definitions`` are also reachable as ``$defs``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evtctl.compat.jsonschema import SchemaVersion


class Undecidable(Exception):
    """The validator met something it cannot evaluate: a pattern without a Python form, or
    one whose match was not decided in time (:mod:`.ecma` bounds every evaluation)."""


def validator_class(schema: Any) -> Any:
    """The jsonschema validator class for the dialect Schema Registry reads ``schema`` in,
    with ECMA-262 patterns."""
    from evtctl.compat.jsonschema.dialects import dialect_of

    return _extended(dialect_of(schema).name)


@cache
def _extended(dialect: str) -> Any:
    from jsonschema import validators

    from evtctl.compat.jsonschema.dialects import validator_class as plain

    return validators.extend(plain(dialect), {  # type: ignore[no-untyped-call]
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
    })


def validator_for_version(version: SchemaVersion) -> Callable[[Any], bool] | None:
    """A function telling whether an instance is valid; None if the schema cannot be compiled.

    The function may raise (an unresolvable ``$ref``, a pattern it cannot read): callers
    treat that as "cannot tell"."""
    validator = _validator(version)
    if validator is None:
        return None

    def is_valid(instance: Any) -> bool:
        return bool(validator.is_valid(instance))

    return is_valid


def faults_for_version(version: SchemaVersion) -> Callable[[Any], list[Fault]] | None:
    """A function listing where and why an instance is invalid (empty: valid); None if the
    schema cannot be compiled. May raise, as :func:`validator_for_version`'s does."""
    validator = _validator(version)
    return None if validator is None else faults_of(validator)


def faults_of(validator: Any) -> Callable[[Any], list[Fault]]:
    """:func:`faults_for_version` for a validator already built."""

    def faults(instance: Any) -> list[Fault]:
        out: list[Fault] = []
        for error in validator.iter_errors(instance):
            missing: tuple[str, ...] = ()
            if error.validator == "required" and isinstance(error.instance, dict):
                missing = tuple(n for n in error.validator_value if n not in error.instance)
            extra: tuple[str, ...] = ()
            if error.validator in ("additionalProperties", "unevaluatedProperties") and \
                    isinstance(error.instance, dict):
                extra = tuple(error.instance)
            out.append(Fault(tuple(error.absolute_path), str(error.validator), missing, extra))
        return out

    return faults


@dataclass(frozen=True)
class Fault:
    """One reason an instance is invalid: where (instance path), which keyword, and for
    ``required`` the missing names (for additional properties: the object's names)."""

    path: tuple[str | int, ...]
    keyword: str
    missing: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


def jsonschema_validator(version: SchemaVersion) -> Any:
    """The jsonschema validator object for a version (None if it cannot be compiled)."""
    return _validator(version)


def _validator(version: SchemaVersion) -> Any:
    from referencing import Registry, Resource

    from evtctl.compat.jsonschema.stringformats import format_checker

    cls = validator_class(version.schema)
    resources: list[tuple[str, Resource[Any]]] = []
    root = _bridged(version.schema)
    for uri, doc in {**dict(version.documents), version.base_uri: version.schema}.items():
        content = root if doc is version.schema else _bridged(doc)
        resources.append((uri, _specification(doc).create_resource(content)))
    registry: Registry[Any] = Registry().with_resources(resources)
    try:
        schema: Any = root
        if version.base_uri and isinstance(root, dict) and cls.ID_OF(root) is None:
            schema = {**root, "$id": version.base_uri}
        return cls(schema, registry=registry, format_checker=format_checker())
    except Exception:
        return None


def _specification(doc: Any) -> Any:
    from referencing import jsonschema as specs

    from evtctl.compat.jsonschema.dialects import dialect_of

    return {
        "draft4": specs.DRAFT4, "draft6": specs.DRAFT6, "draft7": specs.DRAFT7,
        "2019-09": specs.DRAFT201909, "2020-12": specs.DRAFT202012,
    }[dialect_of(doc).name]


def _bridged(doc: Any) -> Any:
    """``doc`` with its top-level ``definitions`` also under ``$defs`` (``$defs`` entries
    win), as Schema Registry loads it."""
    if not isinstance(doc, dict):
        return doc
    definitions, defs = doc.get("definitions"), doc.get("$defs", {})
    if not isinstance(definitions, dict) or not definitions or not isinstance(defs, dict):
        return doc
    return {**doc, "$defs": {**definitions, **defs}}


# -- keywords with ECMA-262 regular expressions ---------------------------------------------------
def _search(pattern: str, text: str) -> bool:
    from evtctl.compat.jsonschema.ecma import search

    found = search(pattern, text)
    if found is None:
        raise Undecidable(f"cannot evaluate the pattern {pattern!r} (unreadable, or not "
                          "decided in time)")
    return found


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Any:
    from jsonschema import ValidationError

    if validator.is_type(instance, "string") and not _search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Any:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for name, value in instance.items():
            if _search(pattern, name):
                yield from validator.descend(value, subschema, path=name, schema_path=pattern)


def _additional_properties(validator: Any, extra: Any, instance: Any, schema: Any) -> Any:
    from jsonschema import ValidationError

    if not validator.is_type(instance, "object"):
        return
    named = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    unnamed = [k for k in instance if k not in named
               and not any(_search(p, k) for p in patterns)]
    if validator.is_type(extra, "object"):
        for name in unnamed:
            yield from validator.descend(instance[name], extra, path=name)
    elif not extra and unnamed:
        listed = ", ".join(repr(k) for k in sorted(unnamed))
        yield ValidationError(f"additional properties are not allowed ({listed})")
