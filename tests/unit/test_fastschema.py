"""The fast validity check agrees with jsonschema on the schemas evtctl ships."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from evtctl.fastschema import Unsupported, compile_schema, try_compile
from evtctl.schemas_path import load_schema

scalars = (st.none() | st.booleans() | st.integers(-5, 2**40) | st.floats(allow_nan=False)
           | st.sampled_from(["", "x", "evtctl/v1", "Service", "acme", "a.b.c.events", "FULL",
                              "Foo@2", "Foo@0", "2027-01-01", "strict", "off", "1", "a b"]))
keys = st.sampled_from([
    "apiVersion", "kind", "metadata", "company", "namespace", "name", "owner", "topics",
    "partitions", "replicationFactor", "config", "contracts", "versions", "version", "schema",
    "deprecated", "sunset", "reason", "consumes", "produces", "topic", "events", "group",
    "replyTopic", "compatibility", "description", "retention.ms", "Bad Key", "partitons",
    "rules", "EVT101", "policy", "defaults", "ignores", "path", "environments", "dev",
    "clusterId", "principal", "managedPrefixes", "companies", "namespaces", "allowRemoteRefs",
])
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=5),
    max_leaves=30,
)


def _valid_manifest() -> dict[str, Any]:
    return {"apiVersion": "evtctl/v1", "kind": "Service",
            "metadata": {"company": "acme", "namespace": "shop", "name": "cart"},
            "topics": [{"name": "acme.shop.cart.events", "partitions": 3,
                        "config": {"retention.ms": "1"},
                        "contracts": [{"name": "A", "compatibility": "FULL",
                                       "versions": [{"version": 1, "schema": "a.json",
                                                     "deprecated": {"sunset": "2027-01-01"}}]}]}],
            "consumes": [{"topic": "x.y.z.events", "events": ["A", "B@2"]}],
            "produces": [{"topic": "x.y.z.commands", "replyTopic": "acme.shop.cart.private.reply"}]}


@st.composite
def mutated_manifests(draw: st.DrawFn) -> Any:
    doc = _valid_manifest()
    for _ in range(draw(st.integers(0, 3))):
        node: Any = doc
        # Walk down a random path and replace or add something there.
        for _depth in range(draw(st.integers(0, 4))):
            if isinstance(node, dict) and node:
                node = node[draw(st.sampled_from(sorted(node)))]
            elif isinstance(node, list) and node:
                node = node[draw(st.integers(0, len(node) - 1))]
            else:
                break
        if isinstance(node, dict):
            node[draw(keys)] = draw(documents)
        elif isinstance(node, list):
            node.append(draw(documents))
    return doc


@pytest.mark.parametrize("name", ["manifest", "config"])
def test_shipped_schemas_compile(name: str) -> None:
    assert try_compile(load_schema(name)) is not None


@settings(max_examples=400, deadline=None)
@given(mutated_manifests())
def test_agrees_with_jsonschema_on_manifests(doc: Any) -> None:
    schema = load_schema("manifest")
    assert compile_schema(schema)(doc) == Draft202012Validator(schema).is_valid(doc)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_agrees_with_jsonschema_on_anything(doc: Any) -> None:
    for name in ("manifest", "config"):
        schema = load_schema(name)
        assert compile_schema(schema)(doc) == Draft202012Validator(schema).is_valid(doc), name


def test_the_valid_example_is_valid_and_typos_are_not() -> None:
    check = compile_schema(load_schema("manifest"))
    doc = _valid_manifest()
    assert check(doc)
    doc["topics"][0]["partitons"] = 3
    assert not check(doc)


@pytest.mark.parametrize("schema", [{"patternProperties": {"a": {}}, "additionalProperties": False},
                                    {"if": {}}, {"$ref": "other.json"}, {"allOf": [{}]}])
def test_unknown_keywords_are_refused(schema: dict[str, Any]) -> None:
    with pytest.raises(Unsupported):
        compile_schema(schema)


# Schemas of the shapes compiled into one closure each (an object, string, array or number
# schema with one ``type``), with and without the keywords they may carry.
_patterns = st.sampled_from(["^a", "b$", "[0-9]", "^[A-Za-z_][A-Za-z0-9_.-]*$"])
_bounds = st.integers(-2, 3) | st.floats(-2, 3, allow_nan=False)
_strings = st.fixed_dictionaries({"type": st.just("string")}, optional={
    "pattern": _patterns, "minLength": st.integers(0, 3), "maxLength": st.integers(0, 3)})
_numbers = st.fixed_dictionaries({"type": st.sampled_from(["integer", "number"])}, optional={
    "minimum": _bounds, "maximum": _bounds})
_leaves = st.booleans() | _strings | _numbers | st.just({"enum": ["x", "FULL"]})
_arrays = st.fixed_dictionaries({"type": st.just("array")}, optional={
    "items": _leaves, "minItems": st.integers(0, 2), "maxItems": st.integers(0, 3)})
_objects = st.fixed_dictionaries({"type": st.just("object")}, optional={
    "properties": st.dictionaries(keys, _leaves | _arrays, max_size=4),
    "required": st.lists(keys, max_size=2, unique=True),
    "additionalProperties": st.booleans() | _leaves,
    "propertyNames": st.fixed_dictionaries({"pattern": _patterns}),
    "description": st.just("annotations are ignored")})


@settings(max_examples=400, deadline=None)
@given(_objects | _arrays | _leaves, documents)
def test_fused_shapes_agree_with_jsonschema(schema: Any, doc: Any) -> None:
    assert compile_schema(schema)(doc) == Draft202012Validator(schema).is_valid(doc)


def test_recursive_refs_are_followed() -> None:
    schema = {"$ref": "#/$defs/node", "$defs": {"node": {
        "type": "object", "additionalProperties": False,
        "properties": {"name": {"type": "string"}, "child": {"$ref": "#/$defs/node"}}}}}
    check = compile_schema(schema)
    assert check({"name": "a", "child": {"child": {"name": "c"}}})
    assert not check({"name": "a", "child": {"child": {"name": 3}}})
    assert not check({"child": {"other": 1}})
