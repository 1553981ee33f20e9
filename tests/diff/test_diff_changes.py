"""Tree-vs-tree changes, verdicts and blast radius on small organisations."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from diff_testkit import (
    OBJ_V1,
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


def base_org() -> dict[str, dict[str, Any]]:
    """orders owns events (OrderPlaced v1, v2) and commands; billing and mail use them."""
    return {
        "orders.yaml": service("orders", owner="team-orders", topics=[
            topic(EV, {"OrderPlaced": [1, 2], "OrderCancelled": [1]}, partitions=6,
                  config={"cleanup.policy": "delete"}),
            topic(CMD, {"PlaceOrder": [1]}),
        ]),
        "billing.yaml": service("billing", owner="team-billing", consumes=[
            {"topic": EV, "events": ["OrderPlaced@1"]}]),
        "mail.yaml": service("mail", owner="team-mail",
                             consumes=[{"topic": EV, "events": ["OrderCancelled"]}],
                             produces=[{"topic": CMD, "events": ["PlaceOrder"]}]),
    }


SCHEMAS = {"OrderPlaced.v1.json": OBJ_V1, "OrderPlaced.v2.json": OBJ_V2_OK,
           "OrderCancelled.v1.json": OBJ_V1, "PlaceOrder.v1.json": OBJ_V1}


def pair(tmp_path: Path, change: Any, schemas: dict[str, Any] | None = None,
         new_schemas: dict[str, Any] | None = None) -> tuple[Path, Path]:
    old = write_tree(tmp_path / "old", base_org(), schemas or SCHEMAS)
    org = copy.deepcopy(base_org())
    change(org)
    new = write_tree(tmp_path / "new", org, {**(schemas or SCHEMAS), **(new_schemas or {})})
    return old, new


def contract(org: dict[str, Any], name: str) -> dict[str, Any]:
    for t in org["orders.yaml"]["topics"]:
        for c in t.get("contracts", []):
            if c["name"] == name:
                return c  # type: ignore[no-any-return]
    raise KeyError(name)


def test_identical_trees_have_no_changes(tmp_path: Path) -> None:
    old, new = pair(tmp_path, lambda org: None)
    result = diff_dirs(old, new)
    assert result.changes == () and result.exit_code == 0


def test_removing_a_consumed_topic_is_breaking_and_names_consumers(tmp_path: Path) -> None:
    old, new = pair(tmp_path, lambda org: org["orders.yaml"]["topics"].pop(0))
    r = only(diff_dirs(old, new), "topic-removed")
    assert r.verdict.breaking
    assert affected_ids(r) == ["acme.shop.billing", "acme.shop.mail"]
    owners = {a.service: a.owner for a in r.verdict.affected}
    assert owners["acme.shop.billing"] == "team-billing"


def test_removing_an_unused_topic_is_not_breaking(tmp_path: Path) -> None:
    old_org = base_org()
    old_org["orders.yaml"]["topics"].append(topic("acme.shop.orders.private.dlq"))
    old = write_tree(tmp_path / "old", old_org, SCHEMAS)
    new = write_tree(tmp_path / "new", base_org(), SCHEMAS)
    result = diff_dirs(old, new)
    assert kinds(result) == ["topic-removed"]
    assert not result.breaking and result.exit_code == 0


def test_removing_a_topic_its_consumers_left_in_the_same_change_still_breaks(
        tmp_path: Path) -> None:
    def drop(org: dict[str, Any]) -> None:
        org["billing.yaml"]["consumes"] = []
        org["orders.yaml"]["topics"].pop(0)

    r = only(diff_dirs(*pair(tmp_path, drop)), "topic-removed")
    billing = next(a for a in r.verdict.affected if a.service == "acme.shop.billing")
    assert r.verdict.breaking and billing.sides == ("old",)


def test_contract_removal_affects_only_its_users(tmp_path: Path) -> None:
    def drop(org: dict[str, Any]) -> None:
        org["orders.yaml"]["topics"][0]["contracts"].pop(1)  # OrderCancelled

    r = only(diff_dirs(*pair(tmp_path, drop)), "contract-removed")
    assert r.verdict.breaking and affected_ids(r) == ["acme.shop.mail"]


def test_contract_removal_affects_a_subscriber_to_every_event(tmp_path: Path) -> None:
    def change(org: dict[str, Any]) -> None:
        org["orders.yaml"]["topics"][0]["contracts"].pop(1)

    old_org = base_org()
    old_org["billing.yaml"]["consumes"] = [{"topic": EV}]
    old = write_tree(tmp_path / "old", old_org, SCHEMAS)
    new_org = copy.deepcopy(old_org)
    change(new_org)
    new = write_tree(tmp_path / "new", new_org, SCHEMAS)
    r = only(diff_dirs(old, new), "contract-removed")
    assert affected_ids(r) == ["acme.shop.billing", "acme.shop.mail"]


def test_removing_a_pinned_version_breaks_the_pinning_service(tmp_path: Path) -> None:
    def drop(org: dict[str, Any]) -> None:
        contract(org, "OrderPlaced")["versions"].pop(0)

    r = only(diff_dirs(*pair(tmp_path, drop)), "version-removed")
    assert r.verdict.breaking and affected_ids(r) == ["acme.shop.billing"]
    assert r.change.notes  # removed without being deprecated first


def test_removing_an_unpinned_version_is_not_breaking(tmp_path: Path) -> None:
    def change(org: dict[str, Any]) -> None:
        versions = contract(org, "OrderPlaced")["versions"]
        versions.pop(1)
        versions.append({"version": 3, "schema": "schemas/OrderPlaced.v2.json"})
    r = only(diff_dirs(*pair(tmp_path, change)), "version-removed")
    assert not r.verdict.breaking and r.change.version == 2


def test_moving_a_topic_to_another_service_is_breaking(tmp_path: Path) -> None:
    def move(org: dict[str, Any]) -> None:
        org["mail.yaml"]["topics"] = [org["orders.yaml"]["topics"].pop(0)]

    r = only(diff_dirs(*pair(tmp_path, move)), "topic-owner-changed")
    assert r.verdict.breaking
    assert (r.change.before, r.change.after) == ("acme.shop.orders", "acme.shop.mail")
    relations = {a.service: a.relation for a in r.verdict.affected}
    assert relations == {"acme.shop.orders": "owned the topic",
                         "acme.shop.billing": "consumes"}


@pytest.mark.parametrize(("before", "after", "breaking"), [
    (6, 3, True), (6, 12, False), (6, None, False)])
def test_partitions(tmp_path: Path, before: int, after: int | None, breaking: bool) -> None:
    def change(org: dict[str, Any]) -> None:
        org["orders.yaml"]["topics"][0].pop("partitions")
        if after is not None:
            org["orders.yaml"]["topics"][0]["partitions"] = after

    r = only(diff_dirs(*pair(tmp_path, change)), "topic-partitions-changed")
    assert r.verdict.breaking is breaking
    assert bool(r.verdict.affected) is breaking


@pytest.mark.parametrize(("policy", "breaking"), [
    ("compact", True), ("compact,delete", True), (None, False), ("delete", None)])
def test_cleanup_policy(tmp_path: Path, policy: str | None, breaking: bool | None) -> None:
    def change(org: dict[str, Any]) -> None:
        config = org["orders.yaml"]["topics"][0]["config"]
        config.pop("cleanup.policy")
        if policy is not None:
            config["cleanup.policy"] = policy

    result = diff_dirs(*pair(tmp_path, change))
    if breaking is None:
        assert result.changes == ()
        return
    r = only(result, "topic-config-changed")
    assert r.change.key == "cleanup.policy" and r.verdict.breaking is breaking


def test_other_settings_are_reported_but_not_breaking(tmp_path: Path) -> None:
    def change(org: dict[str, Any]) -> None:
        org["orders.yaml"]["topics"][0]["replicationFactor"] = 3
        org["orders.yaml"]["topics"][0]["config"]["retention.ms"] = "1000"

    result = diff_dirs(*pair(tmp_path, change))
    assert kinds(result) == ["topic-replication-changed", "topic-config-changed"]
    assert not result.breaking


def test_owner_team_change(tmp_path: Path) -> None:
    def change(org: dict[str, Any]) -> None:
        org["orders.yaml"]["metadata"]["owner"] = "team-checkout"

    r = only(diff_dirs(*pair(tmp_path, change)), "service-owner-changed")
    assert (r.change.before, r.change.after) == ("team-orders", "team-checkout")
    assert not r.verdict.breaking


def test_consumers_and_producers(tmp_path: Path) -> None:
    def change(org: dict[str, Any]) -> None:
        org["billing.yaml"]["consumes"] = [
            {"topic": EV, "events": ["OrderPlaced@2", "OrderCancelled"], "group": "g2"}]
        org["mail.yaml"]["consumes"] = []
        org["billing.yaml"]["produces"] = [{"topic": CMD, "events": ["PlaceOrder"]}]

    result = diff_dirs(*pair(tmp_path, change))
    assert sorted(kinds(result)) == ["consumer-changed", "consumer-removed", "producer-added"]
    changed = only(result, "consumer-changed").change
    assert changed.before == {"events": ["OrderPlaced@1"], "groups": ["acme.shop.billing"]}
    assert changed.after == {"events": ["OrderCancelled", "OrderPlaced@2"], "groups": ["g2"]}
    assert "adds OrderCancelled, OrderPlaced@2" in changed.message
    assert not result.breaking


def test_deprecations(tmp_path: Path) -> None:
    def change(org: dict[str, Any]) -> None:
        contract(org, "OrderPlaced")["versions"][0]["deprecated"] = {
            "sunset": "2030-01-01", "reason": "use v2"}

    old, new = pair(tmp_path, change)
    added = only(diff_dirs(old, new), "deprecation-added")
    assert not added.verdict.breaking and affected_ids(added) == ["acme.shop.billing"]
    lifted = only(diff_dirs(new, old), "deprecation-lifted")
    assert lifted.change.before == {"sunset": "2030-01-01", "reason": "use v2"}


def test_a_renamed_service_is_a_removal_and_an_addition_with_a_note(tmp_path: Path) -> None:
    def change(org: dict[str, Any]) -> None:
        org["mail.yaml"]["metadata"]["name"] = "notifications"

    result = diff_dirs(*pair(tmp_path, change))
    removed = only(result, "service-removed")
    assert "acme.shop.notifications" in removed.change.notes[0]
    assert "service-added" in kinds(result)


def test_a_manifest_moved_to_another_file_changes_nothing(tmp_path: Path) -> None:
    old = write_tree(tmp_path / "old", base_org(), SCHEMAS)
    org = base_org()
    org["teams/mail/service.yaml"] = org.pop("mail.yaml")
    new = write_tree(tmp_path / "new", org, SCHEMAS)
    (new / "teams/mail/schemas").mkdir()
    assert diff_dirs(old, new).changes == ()


def test_a_renamed_topic_is_breaking_with_a_note(tmp_path: Path) -> None:
    def change(org: dict[str, Any]) -> None:
        org["orders.yaml"]["topics"][0]["name"] = "acme.shop.orders.events.order"

    result = diff_dirs(*pair(tmp_path, change))
    removed = only(result, "topic-removed")
    assert removed.verdict.breaking and "acme.shop.orders.events.order" in removed.change.notes[0]
