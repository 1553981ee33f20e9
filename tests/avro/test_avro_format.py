"""Avro behind the contract-format seam: modes and pairs, changes as Java lists them,
examples, the registry form, fingerprints, wording."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evtctl.compat.formats import (
    LoadedSchema,
    LoadOptions,
    SchemaFileError,
    choose_format,
    get_format,
)

FORMAT = get_format("AVRO")


def _record(name: str, *fields: tuple[Any, ...], **extra: Any) -> dict[str, Any]:
    """A record; each field is (name, type) or (name, type, {other attributes})."""
    return {"type": "record", "name": name, **extra,
            "fields": [{"name": f[0], "type": f[1], **(f[2] if len(f) > 2 else {})}
                       for f in fields]}


def _versions(tmp_path: Path, *schemas: Any) -> list[LoadedSchema]:
    out = []
    for number, schema in enumerate(schemas, start=1):
        path = tmp_path / f"v{number}.avsc"
        path.write_text(json.dumps(schema, indent=2))
        out.append(FORMAT.load(path, number, LoadOptions()))
    return out


V1 = _record("Order", ("id", "string"), ("amount", "int"))
V2 = _record("Order", ("id", "string"), ("amount", "long"),
             ("note", ["null", "string"], {"default": None}))
V3 = _record("Order", ("id", "string"), ("amount", "long"), ("note", ["null", "string"]))


def test_seam_attributes() -> None:
    assert choose_format("orders.avsc", None).schema_type == "AVRO"
    assert (FORMAT.schema_type, FORMAT.title, FORMAT.policies) == ("AVRO", "Avro", ())
    assert set(FORMAT.change_kinds) == {
        "NAME_MISMATCH", "FIXED_SIZE_MISMATCH", "MISSING_ENUM_SYMBOLS",
        "READER_FIELD_MISSING_DEFAULT_VALUE", "TYPE_MISMATCH", "MISSING_UNION_BRANCH",
        "AMBIGUOUS_FIELD"}
    assert FORMAT.identity().startswith("AVRO\0fastavro ")


def test_backward_forward_full(tmp_path: Path) -> None:
    v1, v2 = _versions(tmp_path, V1, V2)
    backward = FORMAT.check([v1, v2], "BACKWARD", "", chain=False, examples=True)
    assert backward.compatible and backward.changes == () and backward.policy == ""
    forward = FORMAT.check([v1, v2], "FORWARD", "", chain=False, examples=True)
    assert not forward.compatible
    (change,) = forward.changes
    assert (change.type, change.path, change.direction, change.from_version,
            change.to_version, change.compatible) == (
        "TYPE_MISMATCH", "/fields/1/type", "forward", 1, 2, False)
    assert change.description == "reader type: INT not compatible with writer type: LONG"
    assert change.has_example and change.example == {"id": "", "amount": 0, "note": None}
    assert "fastavro" in (change.example_note or "")
    full = FORMAT.check([v1, v2], "FULL", "", chain=False, examples=False)
    assert [c.direction for c in full.changes] == ["forward"]
    assert not full.changes[0].has_example
    assert FORMAT.check([v1, v2], "NONE", "", chain=False, examples=True).changes == ()
    assert "expects int but the writer writes long" in FORMAT.describe(change)


def test_transitive_and_chain(tmp_path: Path) -> None:
    v1, v2, v3 = _versions(tmp_path, V1, V2, V3)
    # v3 reads v2 (note is written) but not v1 (note missing, no default)
    plain = FORMAT.check([v1, v2, v3], "BACKWARD", "", chain=False, examples=True)
    assert plain.compatible
    transitive = FORMAT.check([v1, v2, v3], "BACKWARD_TRANSITIVE", "", chain=False,
                              examples=True)
    (change,) = transitive.changes
    assert (change.type, change.path, change.from_version, change.to_version) == (
        "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/2", 1, 3)
    assert change.description == "note" and change.has_example
    chained = FORMAT.check([v1, v2, v3], "FORWARD", "", chain=True, examples=False)
    assert [(c.from_version, c.to_version) for c in chained.changes] == [(1, 2)]


def test_ambiguous_field_is_one_change_as_the_registry_gives(tmp_path: Path) -> None:
    writer = _record("A", ("a", "int"), ("b", "int"))
    reader = _record("A", ("a", "int", {"aliases": ["b"]}), ("c", "long"))
    v1, v2 = _versions(tmp_path, writer, reader)
    (change,) = FORMAT.check([v1, v2], "BACKWARD", "", chain=False, examples=True).changes
    assert (change.type, change.path) == ("AMBIGUOUS_FIELD", "/fields/0")
    assert "['a', 'b']" in (change.description or "")


def test_shared_type_is_listed_as_often_as_java_lists_it(tmp_path: Path) -> None:
    enum_v1 = {"type": "enum", "name": "E", "symbols": ["X", "Y"]}
    enum_v2 = {"type": "enum", "name": "E", "symbols": ["X"]}
    v1, v2 = _versions(tmp_path, _record("A", ("a", enum_v1), ("b", "E")),
                       _record("A", ("a", enum_v2), ("b", "E")))
    changes = FORMAT.check([v1, v2], "BACKWARD", "", chain=False, examples=True).changes
    # Java reuses the first visit's result, location included
    assert [(c.type, c.path) for c in changes] == [
        ("MISSING_ENUM_SYMBOLS", "/fields/0/type/symbols")] * 2
    assert all(c.example == {"a": "Y", "b": "X"} for c in changes)


def test_exponential_repeats_are_counted_not_listed(tmp_path: Path) -> None:
    """A broken type used twice at each of 40 levels: Java would list it 2**40 times."""
    def nest(symbols: list[str]) -> Any:
        schema: Any = {"type": "enum", "name": "E", "symbols": symbols}
        name = "E"
        for level in range(40):
            schema = _record(f"L{level}", ("a", schema), ("b", name))
            name = f"L{level}"
        return schema

    v1, v2 = _versions(tmp_path, nest(["X", "Y"]), nest(["X"]))
    changes = FORMAT.check([v1, v2], "BACKWARD", "", chain=False, examples=False).changes
    (change,) = changes
    assert change.type == "MISSING_ENUM_SYMBOLS"
    assert f"lists this {2**40} times" in (change.description or "")


def test_registry_form_round_trips(tmp_path: Path) -> None:
    shared = tmp_path / "money.avsc"
    shared.write_text(json.dumps({"type": "record", "name": "Money", "namespace": "com.acme",
                                  "fields": [{"name": "cents", "type": "long"}]}))
    main = tmp_path / "order.avsc"
    main.write_text(json.dumps(_record("Order", ("total", "com.acme.Money"),
                                       namespace="com.acme.orders")))
    loaded = FORMAT.load(main, 1, LoadOptions(references=(shared,)))
    registry = FORMAT.registry_schema(loaded)
    assert registry.record_name == "com.acme.orders.Order"
    assert [name for name, _ in registry.references] == ["com.acme.Money"]
    again = FORMAT.load_registered(registry, 1, "registry subject orders-value v1")
    assert FORMAT.check([loaded, again], "FULL", "", chain=False, examples=False).compatible
    with pytest.raises(SchemaFileError):
        FORMAT.load_registered(type(registry)("AVRO", '{"type": "record"}'), 2, "subject x v2")


def test_registered_schemas_are_read_without_default_validation() -> None:
    from evtctl.compat.formats import RegistrySchema

    text = json.dumps(_record("A", ("a", "int", {"default": "x"})))
    loaded = FORMAT.load_registered(RegistrySchema("AVRO", text), 1, "subject a v1")
    assert loaded.content.root.kind == "record"


def test_fingerprint_and_render(tmp_path: Path) -> None:
    (a,) = _versions(tmp_path, V1)
    other = tmp_path / "elsewhere"
    other.mkdir()
    (b,) = _versions(other, V1)
    relative = lambda p: p.name  # noqa: E731
    assert FORMAT.fingerprint(a, relative) == FORMAT.fingerprint(b, relative)
    (c,) = _versions(other, V2)
    assert FORMAT.fingerprint(a, relative) != FORMAT.fingerprint(c, relative)
    assert json.loads(FORMAT.render(a)) == V1


def test_changes_say_where_they_are_in_the_readers_file(tmp_path: Path) -> None:
    v1, v2, v3 = _versions(tmp_path, V1, V2, V3)
    (change,) = FORMAT.check([v1, v2], "FORWARD", "", chain=False, examples=False).changes
    # forward: v1 reads v2, so the place is in v1's file (json.dumps(indent=2) layout)
    assert (Path(change.file or "").name, change.line, change.column) == ("v1.avsc", 11, 15)
    (missing,) = FORMAT.check([v1, v2, v3], "BACKWARD_TRANSITIVE", "", chain=False,
                              examples=False).changes
    assert (Path(missing.file or "").name, missing.line) == ("v3.avsc", 13)  # the field
