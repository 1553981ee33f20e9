"""Schema changes judged by the compatibility engine under each contract's mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from diff_testkit import (
    OBJ_V1,
    OBJ_V2_BAD,
    OBJ_V2_OK,
    affected_ids,
    diff_dirs,
    kinds,
    only,
    service,
    topic,
    write_tree,
)

EV = "acme.shop.orders.events"
CMD = "acme.shop.orders.commands"
PRIV = "acme.shop.orders.private.state"


def org(versions: list[int], *, compatibility: str | None = None,
        topic_name: str = EV) -> dict[str, dict[str, Any]]:
    t = topic(topic_name, {"OrderPlaced": versions})
    if compatibility:
        t["contracts"][0]["compatibility"] = compatibility
    link = ({"produces": [{"topic": topic_name, "events": ["OrderPlaced"]}]}
            if topic_name == CMD else {"consumes": [{"topic": topic_name}]})
    return {"orders.yaml": service("orders", topics=[t]),
            "billing.yaml": service("billing", owner="team-billing", **link)}


def trees(tmp_path: Path, old: dict[str, Any], new: dict[str, Any], v2: Any,
          old_schemas: dict[str, Any] | None = None,
          config: dict[str, Any] | None = None) -> tuple[Path, Path]:
    base = {"OrderPlaced.v1.json": OBJ_V1}
    return (write_tree(tmp_path / "old", old, old_schemas or base),
            write_tree(tmp_path / "new", new, {**base, "OrderPlaced.v2.json": v2},
                       config=config))


def test_a_compatible_new_version_is_not_breaking(tmp_path: Path) -> None:
    r = only(diff_dirs(*trees(tmp_path, org([1]), org([1, 2]), OBJ_V2_OK)), "version-added")
    assert not r.verdict.breaking
    assert "compatible with v1 under FULL_TRANSITIVE (lenient)" in r.verdict.reason
    review = r.change.review
    assert review is not None and review.against == (1,)
    assert {c.type for c in review.checks[0].changes} >= {
        "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"}


def test_an_incompatible_new_version_breaks_its_consumers(tmp_path: Path) -> None:
    r = only(diff_dirs(*trees(tmp_path, org([1]), org([1, 2]), OBJ_V2_BAD)), "version-added")
    assert r.verdict.breaking
    assert "TYPE_CHANGED at #/properties/id" in r.verdict.reason
    assert affected_ids(r) == ["acme.shop.billing"]
    bad = [c for c in r.change.review.checks[0].changes if not c.compatible]  # type: ignore[union-attr]
    assert bad and all(c.path == "#/properties/id" for c in bad)
    assert any(c.has_example for c in bad)


def test_commands_break_their_senders(tmp_path: Path) -> None:
    r = only(diff_dirs(*trees(tmp_path, org([1], topic_name=CMD), org([1, 2], topic_name=CMD),
                              OBJ_V2_BAD)), "version-added")
    assert r.verdict.breaking and "BACKWARD_TRANSITIVE" in r.verdict.reason
    assert [(a.service, a.relation) for a in r.verdict.affected] == [
        ("acme.shop.billing", "sends")]


def test_private_topics_default_to_none(tmp_path: Path) -> None:
    result = diff_dirs(*trees(tmp_path, org([1], topic_name=PRIV),
                              org([1, 2], topic_name=PRIV), OBJ_V2_BAD))
    r = only(result, "version-added")
    assert not r.verdict.breaking
    check = r.change.review.checks[0]  # type: ignore[union-attr]
    assert check.mode == "NONE" and [c.type for c in check.changes] == ["TYPE_CHANGED"]


def test_relaxing_the_mode_does_not_hide_a_breaking_version(tmp_path: Path) -> None:
    result = diff_dirs(*trees(tmp_path, org([1]), org([1, 2], compatibility="NONE"),
                              OBJ_V2_BAD))
    mode = only(result, "compatibility-changed")
    assert (mode.change.before, mode.change.after) == ("FULL_TRANSITIVE", "NONE")
    assert not mode.verdict.breaking and mode.change.notes
    added = only(result, "version-added")
    assert added.verdict.breaking
    assert "previous mode FULL_TRANSITIVE" in added.verdict.reason


def test_a_mode_from_the_project_config(tmp_path: Path) -> None:
    config = {"version": 1, "compatibility": {"contracts": {f"{EV}/OrderPlaced": "BACKWARD"}}}
    result = diff_dirs(*trees(tmp_path, org([1]), org([1]), OBJ_V2_OK, config=config))
    r = only(result, "compatibility-changed")
    assert (r.change.before, r.change.after) == ("FULL_TRANSITIVE", "BACKWARD")


def test_tightening_the_mode_checks_only_the_new_mode(tmp_path: Path) -> None:
    result = diff_dirs(*trees(tmp_path, org([1], compatibility="BACKWARD"), org([1, 2]),
                              OBJ_V2_OK))
    review = only(result, "version-added").change.review
    assert review is not None and [c.side for c in review.checks] == ["new"]


def test_a_schema_edited_in_place(tmp_path: Path) -> None:
    old = write_tree(tmp_path / "old", org([1]), {"OrderPlaced.v1.json": OBJ_V1})
    new = write_tree(tmp_path / "new", org([1]), {"OrderPlaced.v1.json": OBJ_V2_BAD})
    r = only(diff_dirs(old, new), "version-schema-changed")
    assert r.verdict.breaking and r.verdict.reason.startswith("v1 edited in place")
    assert affected_ids(r) == ["acme.shop.billing"]


def test_a_compatible_edit_in_place_is_reported_with_a_warning(tmp_path: Path) -> None:
    old = write_tree(tmp_path / "old", org([1]), {"OrderPlaced.v1.json": OBJ_V1})
    new = write_tree(tmp_path / "new", org([1]), {"OrderPlaced.v1.json": OBJ_V2_OK})
    r = only(diff_dirs(old, new), "version-schema-changed")
    assert not r.verdict.breaking and "prefer a new version" in r.verdict.reason


def test_a_moved_schema_file_with_the_same_content_is_no_change(tmp_path: Path) -> None:
    old = write_tree(tmp_path / "old", org([1]), {"OrderPlaced.v1.json": OBJ_V1})
    moved = org([1])
    moved["orders.yaml"]["topics"][0]["contracts"][0]["versions"][0]["schema"] = \
        "schemas/moved/placed.json"
    new = write_tree(tmp_path / "new", moved, {"moved/placed.json": OBJ_V1})
    assert diff_dirs(old, new).changes == ()


def test_refs_between_schema_files_are_compared_by_content(tmp_path: Path) -> None:
    ref = {"type": "object", "properties": {"money": {"$ref": "money.json"}}}
    old = write_tree(tmp_path / "old", org([1]), {
        "OrderPlaced.v1.json": ref, "money.json": {"type": "integer"}})
    new = write_tree(tmp_path / "new", org([1]), {
        "OrderPlaced.v1.json": ref, "money.json": {"type": "string"}})
    r = only(diff_dirs(old, new), "version-schema-changed")
    assert r.verdict.breaking


def test_an_unreadable_new_schema_cannot_pass(tmp_path: Path) -> None:
    old = write_tree(tmp_path / "old", org([1]), {"OrderPlaced.v1.json": OBJ_V1})
    new = write_tree(tmp_path / "new", org([1, 2]), {"OrderPlaced.v1.json": OBJ_V1})
    (new / "schemas" / "OrderPlaced.v2.json").write_text("{not json", encoding="utf-8")
    r = only(diff_dirs(old, new), "version-added")
    assert r.verdict.breaking and "cannot be checked" in r.verdict.reason
    assert "schemas/OrderPlaced.v2.json" in r.verdict.reason


def test_a_schema_outside_the_tree_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text('{"type": "string"}', encoding="utf-8")
    hostile = org([1, 2])
    hostile["orders.yaml"]["topics"][0]["contracts"][0]["versions"][1]["schema"] = \
        "../secret.json"
    old = write_tree(tmp_path / "old", org([1]), {"OrderPlaced.v1.json": OBJ_V1})
    new = write_tree(tmp_path / "new", hostile, {"OrderPlaced.v1.json": OBJ_V1})
    r = only(diff_dirs(old, new), "version-added")
    assert r.verdict.breaking and "outside the tree" in r.verdict.reason


def test_a_new_version_is_checked_against_versions_removed_in_the_same_change(
        tmp_path: Path) -> None:
    # v2 is removed and v3 re-adds v2's field with another type: the log still has v2 events.
    v2 = {"type": "object", "properties": {"id": {"type": "string"},
                                           "n": {"type": "integer"}}, "required": ["id"]}
    v3 = {"type": "object", "properties": {"id": {"type": "string"},
                                           "n": {"type": "string"}}, "required": ["id"]}
    old = write_tree(tmp_path / "old", org([1, 2]),
                     {"OrderPlaced.v1.json": OBJ_V1, "OrderPlaced.v2.json": v2})
    new = write_tree(tmp_path / "new", org([1, 3]),
                     {"OrderPlaced.v1.json": OBJ_V1, "OrderPlaced.v3.json": v3})
    result = diff_dirs(old, new)
    assert kinds(result) == ["version-removed", "version-added"]
    added = only(result, "version-added")
    assert added.change.review is not None and added.change.review.against == (1, 2)
    assert added.verdict.breaking and "with v2" in added.verdict.reason


def test_a_hostile_schema_does_not_crash_the_diff(tmp_path: Path) -> None:
    old = write_tree(tmp_path / "old", org([1]), {"OrderPlaced.v1.json": OBJ_V1})
    new = write_tree(tmp_path / "new", org([1, 2]), {"OrderPlaced.v1.json": OBJ_V1})
    (new / "schemas" / "OrderPlaced.v2.json").write_text(
        "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    r = only(diff_dirs(old, new), "version-added")
    assert r.verdict.breaking and "cannot be checked" in r.verdict.reason
