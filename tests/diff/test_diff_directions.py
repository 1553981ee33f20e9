"""Each incompatible schema change in a diff report says who reads whom, and a change
found in both directions of a FULL check is listed once."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from diff_testkit import OBJ_V1, diff_dirs, service, topic, write_tree

from evtctl.diff import report_markdown, report_text

EV = "acme.shop.orders.events"
ENUM_V1: dict[str, Any] = {"type": "object", "required": ["id"], "properties": {
    "id": {"type": "integer"}, "status": {"type": "string", "enum": ["NEW", "PAID"]}}}
# id changes type (found both ways under FULL) and status loses a value (backward only:
# the mirror, a value added, is compatible).
ENUM_V2: dict[str, Any] = {"type": "object", "required": ["id"], "properties": {
    "id": {"type": "string"}, "status": {"type": "string", "enum": ["NEW"]}}}


def _trees(tmp_path: Path) -> tuple[Path, Path]:
    def org(versions: list[int]) -> dict[str, dict[str, Any]]:
        return {"orders.yaml": service("orders", topics=[topic(EV, {"OrderPlaced": versions})]),
                "billing.yaml": service("billing", consumes=[{"topic": EV}])}
    old = write_tree(tmp_path / "old", org([1]), {"OrderPlaced.v1.json": ENUM_V1})
    new = write_tree(tmp_path / "new", org([1, 2]), {"OrderPlaced.v1.json": ENUM_V1,
                                                     "OrderPlaced.v2.json": ENUM_V2})
    return old, new


def _schema_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "schema incompatible" in line]


def test_text_names_directions_and_lists_a_mirrored_change_once(tmp_path: Path) -> None:
    out = io.StringIO()
    report_text.render(diff_dirs(*_trees(tmp_path)), out)
    lines = _schema_lines(out.getvalue())
    type_lines = [line for line in lines if "TYPE_CHANGED at #/properties/id" in line]
    assert len(type_lines) == 1, lines
    assert "both ways: new reads old and old reads new" in type_lines[0]
    assert "id changed from an integer to a string" in type_lines[0]
    status = [line for line in lines if "#/properties/status" in line]
    assert len(status) == 1 and "new reads old," in status[0], lines
    assert "enum value PAID removed from status" in status[0]


def test_markdown_names_directions_too(tmp_path: Path) -> None:
    out = io.StringIO()
    report_markdown.render(diff_dirs(*_trees(tmp_path)), out)
    rows = [line for line in out.getvalue().splitlines() if line.startswith("| `TYPE_CHANGED`")]
    assert len(rows) == 1 and "both ways" in rows[0]
    assert "(new reads old)" in out.getvalue()


def test_unchanged_schema_has_no_schema_lines(tmp_path: Path) -> None:
    def org(versions: list[int]) -> dict[str, dict[str, Any]]:
        return {"orders.yaml": service("orders", topics=[topic(EV, {"OrderPlaced": versions})])}
    old = write_tree(tmp_path / "old", org([1]), {"OrderPlaced.v1.json": OBJ_V1})
    new = write_tree(tmp_path / "new", org([1, 2]), {"OrderPlaced.v1.json": OBJ_V1,
                                                     "OrderPlaced.v2.json": OBJ_V1})
    out = io.StringIO()
    report_text.render(diff_dirs(old, new), out)
    assert _schema_lines(out.getvalue()) == []
