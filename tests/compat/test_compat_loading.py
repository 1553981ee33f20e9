"""Loading schemas as Schema Registry does: its ``$schema`` table, metaschema violations
it survives (diagnostics, with file:line:column) and those it does not (fatal)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from evtctl.compat.formats import SchemaErrorKind, SchemaFileError
from evtctl.compat.jsonschema import diff_schemas
from evtctl.compat.jsonschema.dialects import dialect_of
from evtctl.compat.jsonschema.schemafile import MAX_DIAGNOSTICS, load_schema_file


@pytest.mark.parametrize(("declared", "dialect", "noted"), [
    (None, "draft7", False),
    ("http://json-schema.org/draft-04/schema#", "draft4", False),
    ("https://json-schema.org/draft-04/schema", "draft4", False),
    ("http://json-schema.org/draft-06/schema#", "draft6", False),
    ("http://json-schema.org/draft-07/schema", "draft7", False),
    ("https://json-schema.org/draft/2019-09/schema", "2019-09", False),
    ("https://json-schema.org/draft/2020-12/schema#", "2020-12", False),
    ("http://json-schema.org/schema#", "draft4", True),  # legacy "latest": draft 4
    ("https://json-schema.org/schema", "draft4", True),
    ("http://json-schema.org/draft-03/schema#", "draft7", True),  # unknown: draft 7
    ("http://json-schema.org/draft-04/schema##", "draft7", True),  # one '#' only
    ("http://example.com/our-metaschema", "draft7", True),
    (7, "draft7", True),
])
def test_schema_uri_is_read_as_the_registry_reads_it(declared: object, dialect: str,
                                                     noted: bool) -> None:
    schema = {} if declared is None else {"$schema": declared}
    found = dialect_of(schema)
    assert (found.name, found.note is not None) == (dialect, noted)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


D4 = '"$schema": "http://json-schema.org/draft-04/schema#"'


@pytest.mark.parametrize(("text", "line", "column", "words"), [
    ('{' + D4 + ',\n "type": "object",\n "required": []}', 3, 2, "should be non-empty"),
    ('{"type": "object",\n "properties": {"a": {"type": "string", "minLength": -1}}}', 2, 41,
     "less than the minimum of 0"),
    ('{' + D4 + ',\n "enum": ["a", "a"]}', 2, 2, "non-unique"),
    ('{' + D4 + ',\n "type": "number", "exclusiveMaximum": true}', 2, 20,
     "'maximum' is a dependency"),
    ('{"$schema": "https://json-schema.org/draft/2020-12/schema",\n "$id": "http://x/y#f"}', 2, 2,
     "does not match"),
    ('{"examples": {"not": "a list"}}', 1, 2, "is not of type 'array'"),
])
def test_a_violation_the_registry_survives_is_a_diagnostic(
        tmp_path: Path, text: str, line: int, column: int, words: str) -> None:
    loaded = load_schema_file(write(tmp_path, "s.json", text), 1)
    assert [d.kind for d in loaded.diagnostics] == ["metaschema"]
    diagnostic = loaded.diagnostics[0]
    assert words in diagnostic.message and "Schema Registry accepts it" in diagnostic.message
    assert (diagnostic.line, diagnostic.column) == (line, column)
    assert diff_schemas(loaded, loaded) == []  # and it compares


@pytest.mark.parametrize(("text", "where", "words"), [
    ('{"type": "object",\n "properties": {"a": {"minLength": "3"}}}', (2, 23),
     '"3" has the wrong type here (expected an integer)'),
    ('{"properties": {"a": "string"}}', (1, 17), "expected a boolean or an object"),
    ('{"properties": {"a": {"type": "string",\n "required": true}}}', (2, 2),
     "expected an array"),
    ('{"type": "objekt"}', (1, 2), '"objekt" is not a type name'),
    ('{"type": "number", "exclusiveMaximum": true}', (1, 20), "expected a number"),
])
def test_a_violation_the_registry_cannot_load_is_fatal(
        tmp_path: Path, text: str, where: tuple[int, int], words: str) -> None:
    with pytest.raises(SchemaFileError) as info:
        load_schema_file(write(tmp_path, "s.json", text), 1)
    error = info.value
    assert error.kind is SchemaErrorKind.INVALID
    assert words in error.message and "cannot load this schema either" in error.message
    assert (error.line, error.column) == where


def test_ecma_patterns_are_not_violations(tmp_path: Path) -> None:
    text = json.dumps({"properties": {
        "a": {"type": "string", "pattern": "^(?<year>[0-9]{4})-(?<m>[0-9]{2})$"},
        "b": {"patternProperties": {"^(?<k>[a-z]+)$": {"type": "string"}}}}})
    assert load_schema_file(write(tmp_path, "s.json", text), 1).diagnostics == ()


def test_yaml_diagnostics_have_places(tmp_path: Path) -> None:
    text = "$schema: http://json-schema.org/draft-04/schema#\ntype: object\n" \
           "properties:\n  a:\n    type: string\n    minLength: -2\n"
    loaded = load_schema_file(write(tmp_path, "s.yaml", text), 1)
    assert [(d.line, d.column) for d in loaded.diagnostics] == [(6, 5)]


def test_many_violations_are_bounded(tmp_path: Path) -> None:
    schema = {"type": "object",
              "properties": {f"p{i}": {"type": "string", "minLength": -1} for i in range(5000)}}
    path = write(tmp_path, "s.json", json.dumps(schema, indent=1))
    start = time.process_time()
    loaded = load_schema_file(path, 1)
    assert time.process_time() - start < 5
    assert len(loaded.diagnostics) == MAX_DIAGNOSTICS + 1
    assert "more metaschema violations not listed" in loaded.diagnostics[0].message
    assert all(d.line > 0 for d in loaded.diagnostics[1:])
