"""The fast metaschema pre-check is never more lenient than jsonschema's ``check_schema``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from compat_vectors import CASE_FILES, read_cases, vectors_dir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import SchemaError
from jsonschema_specifications import REGISTRY

from evtctl.compat.jsonschema.metacheck import DIALECTS, KEYWORDS, MAX_FAST_DEPTH, surely_valid

CLASSES = {dialect: getattr(jsonschema, name) for name, dialect in DIALECTS.items()}
URIS = {
    "draft4": "http://json-schema.org/draft-04/schema#",
    "draft6": "http://json-schema.org/draft-06/schema#",
    "draft7": "http://json-schema.org/draft-07/schema#",
    "2019-09": "https://json-schema.org/draft/2019-09/schema",
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
}


def fast(schema: Any, dialect: str) -> bool:
    return surely_valid(schema, dialect, CLASSES[dialect].FORMAT_CHECKER.conforms)


def official(schema: Any, dialect: str) -> bool:
    try:
        CLASSES[dialect].check_schema(schema)
    except SchemaError:
        return False
    return True


def declared_keywords(dialect: str) -> set[str]:
    meta = CLASSES[dialect].META_SCHEMA
    keys = set(meta.get("properties", {}))
    for part in meta.get("allOf", []):
        uri = meta["$id"].rsplit("/", 1)[0] + "/" + part["$ref"]
        keys |= set(REGISTRY[uri].contents.get("properties", {}))
    return keys


@pytest.mark.parametrize("dialect", sorted(KEYWORDS))
def test_every_keyword_a_metaschema_declares_is_checked(dialect: str) -> None:
    # A declared keyword missing from the table would go unchecked: unsound.
    assert set(KEYWORDS[dialect]) == declared_keywords(dialect)


# -- generated schema-like documents ---------------------------------------------------------
ALL_KEYWORDS = sorted({k for table in KEYWORDS.values() for k in table} | {"x-custom", "$ref"})
STRINGS = st.sampled_from(
    [
        "string",
        "object",
        "integer",
        "number",
        "array",
        "boolean",
        "null",
        "objekt",
        "",
        "a",
        "A1",
        "_x",
        "1a",
        "a:b",
        "^[a-z]+$",
        "(",
        "[",
        "\\",
        "#",
        "#/definitions/a",
        "#/$defs/a",
        "other.json#/a",
        "http://example.com/s.json",
        "https://x/y#frag",
        "a b",
        "urn:x",
        "#frag",
        "http://[bad",
        "uuid",
        "date-time",
    ]
) | st.text(max_size=4)
NUMBERS = st.sampled_from([0, 1, 2, -1, 10**20, 0.0, 0.5, 1.0, -2.5, True, False])
SCALARS = STRINGS | NUMBERS | st.none()
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(STRINGS, inner, max_size=3),
    max_leaves=6,
)


def schemas(depth: int = 3) -> st.SearchStrategy[Any]:
    if depth == 0:
        return st.booleans() | st.just({}) | st.fixed_dictionaries({"type": STRINGS})
    sub = st.deferred(lambda: schemas(depth - 1))
    value = (
        sub
        | st.lists(sub, max_size=3)
        | st.dictionaries(STRINGS, sub, max_size=3)
        | st.lists(STRINGS, max_size=3)
        | st.dictionaries(STRINGS, st.lists(STRINGS, max_size=2) | sub, max_size=2)
        | st.dictionaries(STRINGS, st.booleans(), max_size=2)
        | JSON_VALUES
    )
    pairs = st.sampled_from(ALL_KEYWORDS).flatmap(
        lambda key: st.tuples(st.just(key), _good(key, sub) | value)
    )
    return st.booleans() | st.lists(pairs, max_size=5).map(dict)


def _good(key: str, sub: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Values of the form some dialect's metaschema wants for ``key`` (so that many
    generated schemas are valid and the property is not vacuous)."""
    forms = sorted({table[key] for table in KEYWORDS.values() if key in table})
    options: list[st.SearchStrategy[Any]] = [sub]
    names = st.sampled_from(["a", "b", "c"])
    for form in forms:
        options.append(
            {
                "schema": sub,
                "schema-map": st.dictionaries(names, sub, max_size=2),
                "pattern-map": st.dictionaries(st.sampled_from(["^a", "b+", "("]), sub, max_size=2),
                "schema-array": st.lists(sub, min_size=1, max_size=2),
                "schema-or-array": st.lists(sub, min_size=1, max_size=2),
                "bool-or-schema": st.booleans(),
                "dependencies": st.dictionaries(
                    names, st.lists(names, max_size=2) | sub, max_size=2
                ),
                "dependent-required": st.dictionaries(
                    names, st.lists(names, max_size=2), max_size=2
                ),
                "string": STRINGS,
                "boolean": st.booleans(),
                "number": st.sampled_from([0, 1, -1, 0.5]),
                "positive": st.sampled_from([1, 0.5, 3]),
                "non-negative-integer": st.sampled_from([0, 1, 7]),
                "string-array": st.lists(names, max_size=3),
                "string-array-1": st.lists(names, max_size=3),
                "type": st.sampled_from(["string", "object"])
                | st.lists(st.sampled_from(["string", "null", "integer"]), max_size=3),
                "enum-4": st.lists(SCALARS, max_size=3),
                "array": st.lists(SCALARS, max_size=2),
                "any": JSON_VALUES,
                "regex": st.sampled_from(["^a$", "[", "a{2}"]),
                "uri": st.sampled_from(["http://x.org/s", "urn:a", "a"]),
                "uri-reference": st.sampled_from(["#/a", "b.json", "http://x/y#z", "#x"]),
                "id-2019": st.sampled_from(["http://x/y", "a.json#", "a#b"]),
                "anchor-2019": st.sampled_from(["a", "a:b", "_a", "1"]),
                "anchor-2020": st.sampled_from(["a", "a:b", "_a", "1"]),
                "vocabulary": st.dictionaries(
                    st.sampled_from(["http://v", "v"]), st.booleans() | st.just(1), max_size=2
                ),
            }[form]
        )
    return st.one_of(options)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=schemas(), dialect=st.sampled_from(sorted(KEYWORDS)), declare=st.booleans())
def test_fast_valid_implies_check_schema_passes(schema: Any, dialect: str, declare: bool) -> None:
    if declare and isinstance(schema, dict):
        schema = {**schema, "$schema": URIS[dialect]}
    if fast(schema, dialect):
        assert official(schema, dialect), schema


# -- examples ----------------------------------------------------------------------------------
VALID = [
    {
        "type": "object",
        "properties": {"a": {"type": "string", "pattern": "^[a-z]+$"}},
        "required": ["a"],
        "additionalProperties": False,
    },
    {"type": ["string", "null"], "maxLength": 3, "minLength": 0},
    {"enum": ["a", 1, 1.5, None, [1], {"x": 1}]},
    {"items": {"type": "integer", "minimum": 0, "maximum": 5, "multipleOf": 0.5}, "minItems": 1},
    {"definitions": {"a": {"type": "string"}}, "allOf": [{"$ref": "#/definitions/a"}]},
    {"dependencies": {"a": ["b"], "c": {"required": ["d"]}}, "x-custom": [1, 2]},
]


@pytest.mark.parametrize("dialect", sorted(KEYWORDS))
@pytest.mark.parametrize("schema", VALID, ids=lambda s: json.dumps(s)[:40])
def test_ordinary_schemas_take_the_fast_path(schema: Any, dialect: str) -> None:
    assert fast(schema, dialect) and official(schema, dialect)


INVALID = [
    ("draft7", {"type": "objekt"}),
    ("draft7", {"type": ["string", "string"]}),
    ("draft7", {"required": ["a", "a"]}),
    ("draft7", {"minLength": -1}),
    ("draft7", {"maxItems": "3"}),
    ("draft7", {"multipleOf": 0}),
    ("draft7", {"pattern": "("}),
    ("draft7", {"patternProperties": {"(": {}}}),
    ("draft7", {"properties": {"a": 3}}),
    ("draft7", {"allOf": []}),
    ("draft7", {"items": [1]}),
    ("draft7", {"dependencies": {"a": ["b", "b"]}}),
    ("draft4", {"properties": {"a": True}}),
    ("draft4", {"exclusiveMaximum": True}),
    ("draft4", {"required": []}),
    ("draft4", {"enum": []}),
    ("draft4", {"enum": [1, 1.0]}),
    ("draft4", {"exclusiveMinimum": 3, "minimum": 1}),
    ("2019-09", {"$anchor": "1a"}),
    ("2019-09", {"$id": "a#frag"}),
    ("2019-09", {"$vocabulary": {"x": 1}}),
    ("2019-09", {"dependentRequired": {"a": [1]}}),
    ("2020-12", {"items": [{}]}),
    ("2020-12", {"prefixItems": []}),
    ("2020-12", {"$dynamicAnchor": "a:b"}),
    ("2020-12", {"$recursiveAnchor": True}),
    ("2020-12", {"$defs": {"a": {"minContains": 1.5}}}),
]


@pytest.mark.parametrize(("dialect", "schema"), INVALID, ids=lambda v: json.dumps(v)[:50])
def test_invalid_schemas_are_left_to_jsonschema(dialect: str, schema: Any) -> None:
    assert not fast(schema, dialect)
    assert not official(schema, dialect)


@pytest.mark.parametrize(
    ("dialect", "schema"),
    [
        ("draft7", {"maxLength": 3.0}),  # an integer to jsonschema in draft 6+; unsure here
        ("draft4", {"enum": [10**20, 10**20 + 1]}),  # equal as floats: unsure
        ("draft7", {"not": {"not": {"not": {}}}}),  # fine, and fast
    ],
)
def test_unsure_cases_defer_without_being_wrong(dialect: str, schema: Any) -> None:
    assert official(schema, dialect)
    assert fast(schema, dialect) is ("not" in schema)


def test_deep_schemas_are_left_to_jsonschema() -> None:
    schema: Any = {}
    for _ in range(MAX_FAST_DEPTH + 2):
        schema = {"not": schema}
    assert not fast(schema, "draft7")


def test_unknown_dialect_is_unsure() -> None:
    assert not surely_valid({}, "draft3", lambda value, fmt: True)


def _real_schemas() -> list[Any]:
    found: list[Any] = []
    directory = vectors_dir()
    for name in CASE_FILES:
        path = directory / name
        if path.is_file():
            for case in read_cases(path):
                found += [case["original_schema"], case["update_schema"]]
    samples = Path(__file__).resolve().parents[2] / "sample-manifests"
    found += [json.loads(p.read_text("utf-8")) for p in sorted(samples.rglob("*.json"))]
    return found


def test_real_schemas_agree_with_jsonschema() -> None:
    schemas_seen = _real_schemas()
    fast_count = 0
    for schema in schemas_seen:
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
        dialect = DIALECTS[cls.__name__]
        if fast(schema, dialect):
            fast_count += 1
            assert official(schema, dialect), schema
    # The pre-check is only worth having if it answers for nearly all real schemas.
    assert fast_count >= 0.9 * len(schemas_seen)
