"""Hostile schemas: each gives a clear answer (a placed error, or a verdict) in bounded time
and memory — no recursion error, no traceback, nothing quadratic in the common shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from avro_testkit import version_of

from evtctl.compat.avro.checker import Checker, count
from evtctl.compat.formats import LoadOptions, SchemaFileError, get_format

FORMAT = get_format("AVRO")


def _load_text(tmp_path: Path, text: str, name: str = "s.avsc") -> Any:
    path = tmp_path / name
    path.write_text(text)
    return FORMAT.load(path, 1, LoadOptions(root=tmp_path))


def _record(name: str, fields: list[tuple[str, Any]]) -> dict[str, Any]:
    return {"type": "record", "name": name, "fields": [{"name": n, "type": t} for n, t in fields]}


def test_json_nesting_bomb_is_a_limit(tmp_path: Path) -> None:
    with pytest.raises(SchemaFileError) as caught:
        _load_text(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert caught.value.kind.value == "limit"


def test_deep_schema_nesting_is_a_placed_limit(tmp_path: Path) -> None:
    schema: Any = "int"
    for _ in range(300):
        schema = {"type": "array", "items": schema}
    with pytest.raises(SchemaFileError) as caught:
        _load_text(tmp_path, json.dumps(schema))
    assert caught.value.kind.value == "limit" and caught.value.line == 1
    assert caught.value.column > 1000  # the place where the limit is crossed


def test_nesting_within_the_limit_loads_and_compares(tmp_path: Path) -> None:
    schema: Any = "int"
    for level in range(45):  # 45 nested records: 180 JSON levels
        schema = _record(f"R{level}", [("x", schema)])
    loaded = _load_text(tmp_path, json.dumps(schema))
    assert FORMAT.check([loaded, loaded], "FULL", "", chain=False, examples=True).compatible


def test_long_recursion_paths_do_not_overflow() -> None:
    """Reader and writer cycles of 50 and 51 records: the walk meets 2,550 pairs in a row."""
    def ring(size: int, kind: str) -> Any:
        records = [_record(f"N{i}", [("v", kind), ("next", ["null", f"N{(i + 1) % size}"])])
                   for i in range(size)]
        return _record("Top", [("ring", ["null", *records])])

    reader, writer = version_of(ring(50, "long")).root, version_of(ring(51, "int")).root
    assert count(Checker().check(reader, writer)) > 0  # N50 has no counterpart


def test_union_of_a_thousand_branches(tmp_path: Path) -> None:
    branches = [_record(f"R{i}", [("a", "int"), ("b", "string")]) for i in range(1000)]
    old, new = version_of(branches), version_of(list(reversed(branches[1:])))
    assert count(Checker().check(old.root, new.root)) == 0
    result = Checker().check(new.root, old.root)
    assert count(result) == 1  # R0 is gone: one MISSING_UNION_BRANCH


def test_ten_thousand_fields(tmp_path: Path) -> None:
    fields = [(f"f{i}", "int") for i in range(10_000)]
    old = _load_text(tmp_path, json.dumps(_record("Wide", fields)), "v1.avsc")
    new = _load_text(tmp_path, json.dumps(_record("Wide", [*fields, ("extra", "long")])),
                     "v2.avsc")
    result = FORMAT.check([old, new], "FULL", "", chain=False, examples=True)
    assert [(c.type, c.path, c.direction) for c in result.changes] == [
        ("READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/10000", "backward")]


def test_a_huge_fixed_gets_no_example_and_no_memory_blowup(tmp_path: Path) -> None:
    old = _load_text(tmp_path, json.dumps({"type": "fixed", "name": "F", "size": 2**31 - 9}),
                     "v1.avsc")
    new = _load_text(tmp_path, json.dumps({"type": "fixed", "name": "F", "size": 16}),
                     "v2.avsc")
    (change,) = FORMAT.check([old, new], "BACKWARD", "", chain=False, examples=True).changes
    assert change.type == "FIXED_SIZE_MISMATCH" and not change.has_example


def test_infinite_record_gets_no_example(tmp_path: Path) -> None:
    """``A`` holds an ``A``: Java accepts it, no finite record exists, so nothing is shown."""
    old = _load_text(tmp_path, json.dumps(_record("A", [("a", "A"), ("x", "int")])), "v1.avsc")
    new = _load_text(tmp_path, json.dumps(_record("A", [("a", "A"), ("x", "string")])),
                     "v2.avsc")
    (change,) = FORMAT.check([old, new], "BACKWARD", "", chain=False, examples=True).changes
    assert change.type == "TYPE_MISMATCH" and not change.has_example


def test_too_large_a_file(tmp_path: Path) -> None:
    path = tmp_path / "big.avsc"
    path.write_text('"' + "x" * (17 * 1024 * 1024) + '"')
    with pytest.raises(SchemaFileError) as caught:
        FORMAT.load(path, 1, LoadOptions())
    assert caught.value.kind.value == "limit"


@pytest.mark.parametrize("text", ["5", "true", "null", "[1]", '{"type": 3}', '"record"',
                                  '{"type": "record", "name": "int", "fields": []}'])
def test_bad_top_levels_are_placed_errors(tmp_path: Path, text: str) -> None:
    with pytest.raises(SchemaFileError) as caught:
        _load_text(tmp_path, text)
    assert caught.value.line >= 1 and caught.value.column >= 1


def test_ten_thousand_incompatibilities_stay_bounded(tmp_path: Path) -> None:
    old = _load_text(tmp_path, json.dumps(_record("W", [(f"f{i}", "int") for i in range(10_000)]),
                                          indent=1), "v1.avsc")
    new = _load_text(tmp_path, json.dumps(_record("W", [(f"f{i}", "string")
                                                        for i in range(10_000)]), indent=1),
                     "v2.avsc")
    changes = FORMAT.check([old, new], "BACKWARD", "", chain=False, examples=True).changes
    assert len(changes) == 10_000
    assert sum(c.has_example for c in changes) == 50  # examples for the first 50 only
    assert all(c.line > 0 for c in changes)  # each placed, in one pass over the file
