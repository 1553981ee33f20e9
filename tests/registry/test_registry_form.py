"""JSON Schema versions in registry form and back (the format seam's registry methods)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evtctl.compat.formats import (
    LoadOptions,
    RegistrySchema,
    SchemaErrorKind,
    SchemaFileError,
    get_format,
)

FMT = get_format("JSON")


def write(root: Path, name: str, doc: object) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2))
    return path


def form_of(path: Path, root: Path) -> RegistrySchema:
    return FMT.registry_schema(FMT.load(path, 1, LoadOptions(root=root)))


def test_local_refs_become_references_named_as_spelled(tmp_path: Path) -> None:
    write(tmp_path, "common/money.json", {"type": "object", "title": "Money",
                                          "properties": {"c": {"$ref": "currency.json"}}})
    write(tmp_path, "common/currency.json", {"type": "string", "pattern": "^[A-Z]{3}$"})
    main = write(tmp_path, "orders/order.json", {
        "title": "Order", "type": "object",
        "properties": {"total": {"$ref": "../common/money.json#/properties/c"},
                       "again": {"$ref": "../common/money.json"},
                       "self": {"$ref": "#/$defs/x"}},
        "$defs": {"x": {"type": "integer"}},
        "examples": [{"$ref": "not-a-ref.json"}]})
    form = form_of(main, tmp_path)
    assert form.record_name == "Order" and form.path == main.resolve()
    assert json.loads(form.text)["properties"]["self"] == {"$ref": "#/$defs/x"}
    assert " " not in form.text  # compact, key order kept
    ((name, money),) = form.references
    assert name == "../common/money.json"
    assert money.path == (tmp_path / "common/money.json").resolve()
    assert money.record_name == "Money"
    ((inner_name, currency),) = money.references
    assert inner_name == "currency.json" and json.loads(currency.text)["type"] == "string"


def test_yaml_schemas_are_registered_as_json(tmp_path: Path) -> None:
    main = write(tmp_path, "a.yaml", "title: A\ntype: object\nproperties:\n  x: {type: string}\n")
    assert json.loads(form_of(main, tmp_path).text) == {
        "title": "A", "type": "object", "properties": {"x": {"type": "string"}}}


def test_files_that_refer_to_each_other_cannot_be_registered(tmp_path: Path) -> None:
    write(tmp_path, "b.json", {"properties": {"a": {"$ref": "a.json"}}})
    main = write(tmp_path, "a.json", {"properties": {"b": {"$ref": "b.json"}}})
    with pytest.raises(SchemaFileError) as caught:
        form_of(main, tmp_path)
    assert "cycle (a.json → b.json → a.json)" in caught.value.message
    assert caught.value.kind is SchemaErrorKind.INVALID


def test_a_registered_version_reads_back_comparable_with_the_file(tmp_path: Path) -> None:
    write(tmp_path, "money.json", {"type": "object", "required": ["amount"],
                                   "properties": {"amount": {"type": "string"}}})
    main = write(tmp_path, "order.json", {"type": "object",
                                          "properties": {"total": {"$ref": "money.json"}}})
    loaded = FMT.load(main, 1, LoadOptions(root=tmp_path))
    back = FMT.load_registered(FMT.registry_schema(loaded), 1, "registry subject o-value v1")
    assert back.path == Path("registry subject o-value v1")
    result = FMT.check([back, loaded], "FULL_TRANSITIVE", "strict", chain=False,
                       examples=False)
    assert result.compatible and result.changes == ()
    # A change inside the referenced document is seen through the reference.
    changed = RegistrySchema("JSON", FMT.registry_schema(loaded).text, (
        ("money.json", RegistrySchema("JSON", json.dumps(
            {"type": "object", "required": ["amount"],
             "properties": {"amount": {"type": "integer"}}}))),))
    other = FMT.load_registered(changed, 2, "registry subject o-value v2")
    broken = FMT.check([back, other], "BACKWARD", "strict", chain=False, examples=False)
    assert not broken.compatible
    assert {c.path for c in broken.changes} == {"#/properties/total/properties/amount"}


@pytest.mark.parametrize(("text", "kind", "message"), [
    ("{not json", SchemaErrorKind.SYNTAX, "invalid JSON"),
    ("[1, 2]", SchemaErrorKind.INVALID, "must be an object or a boolean"),
    ("[" * 100_000 + "]" * 100_000, SchemaErrorKind.LIMIT, "nested"),
    ('{"a":' * 300 + "{}" + "}" * 300, SchemaErrorKind.LIMIT, "more than 256 levels"),
])
def test_registry_text_is_bounded_input(text: str, kind: SchemaErrorKind, message: str) -> None:
    with pytest.raises(SchemaFileError) as caught:
        FMT.load_registered(RegistrySchema("JSON", text), 3, "registry subject s v3")
    assert caught.value.kind is kind and message in caught.value.message
    assert str(caught.value.path) == "registry subject s v3"


def test_a_reference_error_names_where_it_came_from() -> None:
    form = RegistrySchema("JSON", '{"$ref": "m.json"}', (("m.json", RegistrySchema("JSON", "{")),))
    with pytest.raises(SchemaFileError) as caught:
        FMT.load_registered(form, 1, "registry subject s v1")
    assert str(caught.value.path) == "registry subject s v1, reference 'm.json'"
