"""The schema file loader: formats, $ref following, and hostile or broken input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from evtctl.compat.formats import SchemaFileError
from evtctl.compat.jsonschema import diff_schemas
from evtctl.compat.jsonschema.schemafile import load_schema_file


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")
    return path


def test_json_and_yaml_with_cross_file_refs(tmp_path: Path) -> None:
    write(
        tmp_path,
        "defs/common.yaml",
        "definitions:\n  A: {type: string}\n  Loop: {$ref: '../root.json'}\n",
    )
    root = write(
        tmp_path,
        "root.json",
        '{"type":"object","properties":{"a":{"$ref":"defs/common.yaml#/definitions/A"}}}',
    )
    version = load_schema_file(root, 3, root=tmp_path)
    assert version.version == 3 and version.base_uri == root.resolve().as_uri()
    assert list(version.documents) == [(tmp_path / "defs/common.yaml").resolve().as_uri()]
    assert diff_schemas(version, version) == []


@pytest.mark.parametrize(
    ("name", "text", "message", "line"),
    [
        ("dup.json", '{"type": "object",\n "type": "string"}', "duplicate key 'type'", 2),
        ("dup.yaml", "type: object\ntype: string\n", "duplicate key 'type'", 2),
        ("bad.json", '{"type": "object",}', "invalid JSON", 1),
        ("bad.yaml", "type: object\nproperties: {a: [\n", "invalid YAML", 3),
        ("meta.json", '{"type": 12}', "not valid under the draft 7 metaschema at #/type", 1),
        ("ptr.json", '{"$ref": "#/definitions/missing"}', "does not resolve", 1),
        ("file.json", '{"$ref": "nope.json"}', "not found", 1),
        ("remote.json", '{"$ref": "https://example.com/s.json"}', "remote $ref", 1),
        ("tag.yaml", "type: !!python/object:os.system {}\n", "invalid YAML", 1),
        ("list.json", "[1, 2]", "must be an object or a boolean", 1),
    ],
)
def test_problems_are_one_line_errors_with_a_place(
    tmp_path: Path, name: str, text: str, message: str, line: int
) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(SchemaFileError) as info:
        load_schema_file(path, 1)
    err = info.value
    assert message in err.message and err.path == path and err.line == line
    assert "\n" not in str(err)


def test_non_utf8_and_unreadable(tmp_path: Path) -> None:
    path = write(tmp_path, "bin.json", b'{"a":\n "\xff"}')
    with pytest.raises(SchemaFileError, match="UTF-8") as info:
        load_schema_file(path, 1)
    assert (info.value.line, info.value.column) == (2, 3)
    with pytest.raises(SchemaFileError, match="cannot read"):
        load_schema_file(tmp_path / "absent.json", 1)


def test_ref_outside_root_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "outside.json", '{"type": "string"}')
    inner = write(tmp_path, "proj/s.json", '{"$ref": "../outside.json"}')
    with pytest.raises(SchemaFileError, match="outside"):
        load_schema_file(inner, 1, root=tmp_path / "proj")
    assert load_schema_file(inner, 1).documents


def test_remote_ref_allowed_when_asked_and_declared_ids_are_local(tmp_path: Path) -> None:
    remote = write(tmp_path, "remote.json", '{"$ref": "https://example.com/s.json"}')
    assert load_schema_file(remote, 1, allow_remote=True).schema == {
        "$ref": "https://example.com/s.json"
    }
    declared = write(
        tmp_path,
        "ids.json",
        '{"$schema": "https://json-schema.org/draft/2020-12/schema", '
        '"$defs": {"x": {"$id": "urn:x", "type": "string"}}, "$ref": "urn:x"}',
    )
    assert load_schema_file(declared, 1).schema["$ref"] == "urn:x"


def test_hostile_inputs_fail_fast(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    cases = {
        "bomb.yaml": bomb,
        "deep.json": "[" * 200_000,
        "deep2.json": '{"a":' * 5000 + "1" + "}" * 5000,
        "cycle.json": '{"$ref": "cycle.json"}',
    }
    for name, text in cases.items():
        path = write(tmp_path, name, text)
        start = time.perf_counter()
        try:
            version = load_schema_file(path, 1)
            assert diff_schemas(version, version) == []
        except SchemaFileError:
            pass
        assert time.perf_counter() - start < 5, name
