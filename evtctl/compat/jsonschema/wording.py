"""Plain-language explanations of Confluent's change kinds, for reports and docs."""

from __future__ import annotations

_EXACT: dict[str, str] = {
    "TYPE_CHANGED": "the type changed, so old values no longer fit",
    "TYPE_NARROWED": "number became integer: fractional values are now rejected",
    "TYPE_EXTENDED": "integer became number: every old value still fits",
    "SCHEMA_ADDED": "a schema now constrains what was unconstrained",
    "SCHEMA_REMOVED": "a constraint was removed",
    "REQUIRED_ATTRIBUTE_ADDED": "an existing property became required; old events may lack it",
    "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED": "an existing property became required, with a default",
    "REQUIRED_ATTRIBUTE_REMOVED": "a property is no longer required",
    "COMBINED_TYPE_SUBSCHEMAS_CHANGED": (
        "the alternatives of allOf/anyOf/oneOf no longer cover the old ones"),
    "COMBINED_TYPE_CHANGED": (
        "the combination keyword (allOf/anyOf/oneOf) changed in a narrowing way"),
    "COMBINED_TYPE_EXTENDED": "the combination keyword changed in a widening way",
    "SUM_TYPE_EXTENDED": "more alternatives are accepted (anyOf/oneOf grew)",
    "SUM_TYPE_NARROWED": "fewer alternatives are accepted (anyOf/oneOf shrank)",
    "PRODUCT_TYPE_EXTENDED": "allOf gained a schema: values must satisfy more",
    "PRODUCT_TYPE_NARROWED": "allOf lost a schema: values must satisfy less",
    "NOT_TYPE_EXTENDED": "'not' now excludes more values",
    "NOT_TYPE_NARROWED": "'not' now excludes fewer values",
    "ENUM_ARRAY_EXTENDED": "the list of allowed values grew",
    "ENUM_ARRAY_NARROWED": "the list of allowed values shrank; old values may be rejected",
    "ENUM_ARRAY_CHANGED": "the allowed values (enum/const) changed; old values may be rejected",
    "PATTERN_ADDED": "a pattern was added; old strings may not match it",
    "PATTERN_REMOVED": "the pattern was removed",
    "PATTERN_CHANGED": "the pattern changed; old strings may not match it",
    "UNIQUE_ITEMS_ADDED": "array items must now be unique",
    "UNIQUE_ITEMS_REMOVED": "array items need no longer be unique",
    "ID_CHANGED": "the $id changed (documentation only)",
    "TITLE_CHANGED": "the title changed (documentation only)",
    "DESCRIPTION_CHANGED": "the description changed (documentation only)",
    "DEFAULT_CHANGED": "the default value changed",
}


def describe(kind: str) -> str:
    """A short sentence for a change kind; derived from its name when not listed."""
    if kind in _EXACT:
        return _EXACT[kind]
    words = kind.lower().replace("_", " ")
    for bound, tight in (
        ("increased", "MIN"),
        ("decreased", "MAX"),
        ("added", ""),
        ("multiple of", ""),
    ):
        if bound in words and kind.startswith(tight) and tight:
            return f"{words}: the limit is tighter, old values may be rejected"
    if kind.endswith(
        (
            "_REMOVED",
            "_DECREASED",
            "_INCREASED",
            "_ADDED",
            "_EXTENDED",
            "_NARROWED",
            "_CHANGED",
            "_REDUCED",
            "_EXPANDED",
        )
    ):
        return words
    return words
