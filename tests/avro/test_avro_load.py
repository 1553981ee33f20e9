"""Loading ``.avsc`` files: every refusal is a ``SchemaFileError`` of the right kind at the
right file, line and column; what Java accepts but would surprise is a diagnostic.

Data-driven: ``cases/<case>/`` holds ``schema.avsc`` (and reference files) and
``expected.json``: ``references`` (file names, in the order the contract lists them), then
either ``error`` (kind, line, column, a part of the message, and ``file`` if not the schema)
or ``diagnostics`` (kind, line, column each; exactly these), and optionally ``order`` (the
order the references are parsed in)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from evtctl.compat.formats import LoadOptions, SchemaFileError, get_format

CASES = Path(__file__).with_name("cases")
FORMAT = get_format("AVRO")


def _expected(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CASES / case / "expected.json").read_text())
    return data


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()))
def test_case(case: str) -> None:
    folder = CASES / case
    expected = _expected(case)
    options = LoadOptions(root=folder, references=tuple(
        folder / name for name in expected.get("references", ())))
    error = expected.get("error")
    if error is not None:
        with pytest.raises(SchemaFileError) as caught:
            FORMAT.load(folder / "schema.avsc", 1, options)
        exc = caught.value
        assert error["message"] in exc.message
        assert (exc.kind.value, exc.line, exc.column) == (error["kind"], error["line"],
                                                         error["column"]), exc
        assert exc.path.name == error.get("file", exc.path.name if error["line"] == 0
                                          else "schema.avsc")
        return
    loaded = FORMAT.load(folder / "schema.avsc", 1, options)
    got = [{"kind": d.kind, "line": d.line, "column": d.column} for d in loaded.diagnostics]
    assert got == expected["diagnostics"], [d.message for d in loaded.diagnostics]
    if "order" in expected:
        assert [r.path.name for r in loaded.content.references] == expected["order"]


def test_files_carry_the_sha256_of_every_file_read(tmp_path: Path) -> None:
    folder = CASES / "references-any-order"
    refs = (folder / "customer.avsc", folder / "address.avsc")
    loaded = FORMAT.load(folder / "schema.avsc", 3, LoadOptions(references=refs))
    assert next(iter(loaded.files)) == (folder / "schema.avsc").resolve()
    assert loaded.files == {p.resolve(): hashlib.sha256(p.read_bytes()).hexdigest()
                            for p in (folder / "schema.avsc", *refs)}
    assert loaded.version == 3 and loaded.schema_type == "AVRO"


def test_outside_the_project_is_refused(tmp_path: Path) -> None:
    inner = tmp_path / "project"
    inner.mkdir()
    outside = tmp_path / "outside.avsc"
    outside.write_text('"string"')
    with pytest.raises(SchemaFileError) as caught:
        FORMAT.load(outside, 1, LoadOptions(root=inner))
    assert caught.value.kind.value == "outside"
    (inner / "s.avsc").write_text('"string"')
    with pytest.raises(SchemaFileError) as caught:
        FORMAT.load(inner / "s.avsc", 1, LoadOptions(root=inner, references=(outside,)))
    assert caught.value.kind.value == "reference-outside"


def test_missing_and_unreadable(tmp_path: Path) -> None:
    with pytest.raises(SchemaFileError) as caught:
        FORMAT.load(tmp_path / "nope.avsc", 1, LoadOptions())
    assert caught.value.kind.value == "missing"
    bad = tmp_path / "latin1.avsc"
    bad.write_bytes(b'{"type": "enum", "name": "E", "symbols": ["\xe9"]}')
    with pytest.raises(SchemaFileError) as caught:
        FORMAT.load(bad, 1, LoadOptions())
    assert (caught.value.kind.value, caught.value.line, caught.value.column) == (
        "unreadable", 1, 44)
    empty = tmp_path / "empty.avsc"
    empty.write_text("  \n")
    with pytest.raises(SchemaFileError) as caught:
        FORMAT.load(empty, 1, LoadOptions())
    assert caught.value.kind.value == "syntax"


def test_a_bare_primitive_is_a_schema(tmp_path: Path) -> None:
    path = tmp_path / "key.avsc"
    path.write_text('"string"\n')
    loaded = FORMAT.load(path, 1, LoadOptions())
    assert loaded.content.root.kind == "string"
    assert FORMAT.registry_schema(loaded).record_name is None


def test_notes_are_advisory_problems_are_not(tmp_path: Path) -> None:
    """Lint reports advisory diagnostics as EVT507 warnings, the others as EVT503 errors."""
    path = tmp_path / "s.avsc"
    path.write_text(json.dumps({"type": "record", "name": "A", "fields": [
        {"name": "note", "type": ["null", "string"], "default": "x"},
        {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X"]}, "default": "Y"},
        {"name": "dead", "type": []}]}))
    loaded = FORMAT.load(path, 1, LoadOptions())
    assert [(d.kind, d.advisory) for d in loaded.diagnostics] == [
        ("union-default", True), ("default", False), ("empty-union", False)]
