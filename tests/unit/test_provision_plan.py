"""Planning is pure: small desired/observed values in, actions out."""

from __future__ import annotations

import pytest

from evtctl.provision.model import (
    AclSpec,
    ActionKind,
    ClusterState,
    DesiredState,
    DesiredTopic,
    ObservedTopic,
    Operation,
    Pattern,
    Permission,
    ResourceKind,
    Status,
)
from evtctl.provision.plan import PlanOptions, loses_data, plan
from evtctl.provision.render import render_json, render_text


def cluster(*topics: ObservedTopic, brokers: int = 1,
            acls: frozenset[AclSpec] | None = None) -> ClusterState:
    return ClusterState("cid", brokers, {t.name: t for t in topics}, acls)


def kinds(p: object) -> list[tuple[str, str, str]]:
    return [(a.kind.value, a.topic, a.status.value) for a in p.actions]  # type: ignore[attr-defined]


def test_missing_topic_is_created() -> None:
    desired = DesiredState((DesiredTopic("a.b.c.events", 3, 1, {"retention.ms": "1"}),))
    result = plan(desired, cluster(), PlanOptions())
    assert kinds(result) == [("create-topic", "a.b.c.events", "planned")]
    assert result.actions[0].details == {"partitions": 3, "replication_factor": 1,
                                         "config.retention.ms": "1"}


def test_matching_cluster_plans_nothing() -> None:
    desired = DesiredState((DesiredTopic("t", 3, 1, {"retention.ms": "1"}),))
    observed = cluster(ObservedTopic("t", 3, 1, {"retention.ms": "1"}, {"retention.ms": "1"}))
    assert plan(desired, observed, PlanOptions()).in_sync


def test_unstated_values_are_not_compared() -> None:
    desired = DesiredState((DesiredTopic("t"),))
    observed = cluster(ObservedTopic("t", 7, 1, {"segment.ms": "5"}, {"segment.ms": "5"}))
    assert plan(desired, observed, PlanOptions()).in_sync


def test_partitions_grow_but_never_shrink() -> None:
    grow = plan(DesiredState((DesiredTopic("t", 6),)), cluster(ObservedTopic("t", 3, 1)),
                PlanOptions())
    assert kinds(grow) == [("add-partitions", "t", "planned")]
    shrink = plan(DesiredState((DesiredTopic("t", 2),)), cluster(ObservedTopic("t", 3, 1)),
                  PlanOptions(allow_destructive=True, allow_delete=True))
    assert kinds(shrink) == [("reduce-partitions", "t", "refused")]


def test_replication_factor_changes_are_refused_and_warned() -> None:
    result = plan(DesiredState((DesiredTopic("t", None, 3),)),
                  cluster(ObservedTopic("t", 1, 1), brokers=3), PlanOptions())
    assert kinds(result) == [("change-replication-factor", "t", "refused")]
    assert "replication-factor drift on t" in result.warnings[0]


def test_create_wider_than_the_cluster_is_refused() -> None:
    result = plan(DesiredState((DesiredTopic("t", 1, 3),)), cluster(brokers=1), PlanOptions())
    assert kinds(result) == [("create-topic", "t", "refused")]


def test_config_compares_topic_values_then_defaults() -> None:
    desired = DesiredState((DesiredTopic("t", config={
        "retention.ms": "200", "cleanup.policy": "delete", "segment.ms": "9"}),))
    observed = cluster(ObservedTopic(
        "t", 1, 1, {"retention.ms": "100"},
        {"retention.ms": "100", "cleanup.policy": "delete", "segment.ms": "1"}))
    result = plan(desired, observed, PlanOptions())
    changes = {a.details["key"]: (a.details["old"], a.details["old_source"])
               for a in result.actions}
    assert changes == {"retention.ms": ("100", "topic"), "segment.ms": ("1", "default")}
    assert all(a.status is Status.PLANNED for a in result.actions)


@pytest.mark.parametrize(("key", "old", "new", "loses"), [
    ("cleanup.policy", "delete", "compact", True),
    ("cleanup.policy", "compact,delete", "delete,compact", False),
    ("retention.ms", "100", "50", True),
    ("retention.ms", "100", "-1", False),
    ("retention.ms", "-1", "100", True),
    ("retention.bytes", None, "100", True),
    ("local.retention.ms", "-2", "100", True),
    ("delete.retention.ms", "100", "200", False),
    ("segment.ms", "100", "1", False),
])
def test_loses_data(key: str, old: str | None, new: str, loses: bool) -> None:
    assert loses_data(key, old, new) is loses


def test_destructive_change_needs_the_flag() -> None:
    desired = DesiredState((DesiredTopic("t", config={"cleanup.policy": "compact"}),))
    observed = cluster(ObservedTopic("t", 1, 1, {}, {"cleanup.policy": "delete"}))
    refused = plan(desired, observed, PlanOptions())
    assert kinds(refused) == [("alter-config", "t", "refused")]
    assert refused.actions[0].destructive
    allowed = plan(desired, observed, PlanOptions(allow_destructive=True))
    assert kinds(allowed) == [("alter-config", "t", "planned")]


def test_deletes_only_with_flag_under_managed_prefix_never_internal() -> None:
    desired = DesiredState((DesiredTopic("a.x.s.events"),), managed_prefixes=("a.", "_a"),
                           org_prefixes=("a.", "_a", "b."))
    observed = cluster(*(ObservedTopic(n, 1, 1) for n in (
        "a.x.s.events", "a.x.old.events", "_a.internal", "__consumer_offsets",
        "b.x.s.events", "zzz")))
    without = plan(desired, observed, PlanOptions())
    assert without.in_sync
    assert [w.split()[2] for w in without.warnings] == ["a.x.old.events", "b.x.s.events"]
    with_flag = plan(desired, observed, PlanOptions(allow_delete=True))
    assert kinds(with_flag) == [("delete-topic", "a.x.old.events", "planned")]
    assert with_flag.actions[0].destructive


def acl(resource: str, principal: str, operation: Operation = Operation.READ) -> AclSpec:
    return AclSpec(ResourceKind.TOPIC, resource, principal, operation)


def test_acls_created_and_unmanaged_removed_only_with_flag() -> None:
    wanted = acl("a.x.s.events", "User:s", Operation.WRITE)
    stale = acl("a.x.s.events", "User:s")
    foreign = acl("a.x.s.events", "User:monitoring")
    outside = acl("c.x.s.events", "User:s")
    desired = DesiredState((), managed_prefixes=("a.",), org_prefixes=("a.",),
                           acls=frozenset({wanted}), acl_principals=frozenset({"User:s"}))
    observed = cluster(acls=frozenset({stale, foreign, outside}))
    result = plan(desired, observed, PlanOptions())
    assert kinds(result) == [("create-acl", "a.x.s.events", "planned")]
    assert result.warnings == (
        f"unmanaged ACL: {foreign} (no manifest gives it; not a service's principal: removed "
        "only with --strict --allow-delete)",
        f"unmanaged ACL: {stale} (no manifest gives it; pass --allow-delete to remove it)",
    )
    deleting = plan(desired, observed, PlanOptions(allow_delete=True))
    assert [(a.kind, a.acl) for a in deleting.actions] == [
        (ActionKind.CREATE_ACL, wanted), (ActionKind.DELETE_ACL, stale)]


def test_strict_makes_every_unmanaged_grant_and_topic_fail_the_check() -> None:
    prefixed = AclSpec(ResourceKind.TOPIC, "a.x.", "User:ops", Operation.ALL,
                       pattern=Pattern.PREFIXED)
    hand_granted = acl("a.x.s.events", "User:mallory")
    deny = AclSpec(ResourceKind.TOPIC, "a.x.s.events", "User:s", Operation.READ,
                   permission=Permission.DENY)
    transactional = AclSpec(ResourceKind.TRANSACTIONAL_ID, "a.x.s", "User:s", Operation.WRITE)
    desired = DesiredState((DesiredTopic("a.x.s.events"),), managed_prefixes=("a.",),
                           org_prefixes=("a.",), acls=frozenset(),
                           acl_principals=frozenset({"User:s"}))
    observed = cluster(ObservedTopic("a.x.s.events", 1, 1), ObservedTopic("a.x.old.events", 1, 1),
                       acls=frozenset({prefixed, hand_granted, deny, transactional}))
    lenient = plan(desired, observed, PlanOptions())
    assert lenient.in_sync  # warnings only
    assert len(lenient.warnings) == 3
    strict = plan(desired, observed, PlanOptions(strict=True))
    assert kinds(strict) == [("delete-topic", "a.x.old.events", "refused"),
                             ("delete-acl", "a.x.", "refused"),
                             ("delete-acl", "a.x.s.events", "refused")]
    assert {a.acl for a in strict.actions if a.acl} == {prefixed, hand_granted}
    assert all("unmanaged (--strict)" in (a.reason or "") for a in strict.actions)
    text = "\n".join(render_text(strict))
    assert "- acl User:ops ALL topic:a.x. (prefixed)   [refused: unmanaged (--strict)" in text
    deleting = plan(desired, observed, PlanOptions(strict=True, allow_delete=True))
    assert kinds(deleting) == [("delete-topic", "a.x.old.events", "planned"),
                               ("delete-acl", "a.x.", "planned"),
                               ("delete-acl", "a.x.s.events", "planned")]


def test_partitions_are_not_added_when_too_few_brokers_are_alive() -> None:
    desired = DesiredState((DesiredTopic("t3", 6), DesiredTopic("t1", 6)))
    observed = cluster(ObservedTopic("t3", 3, 3), ObservedTopic("t1", 3, 1), brokers=2)
    result = plan(desired, observed, PlanOptions())
    assert kinds(result) == [("add-partitions", "t3", "refused"),
                             ("add-partitions", "t1", "planned")]
    assert result.actions[0].reason == ("new partitions need 3 live brokers for replication "
                                        "factor 3; the cluster has 2 (a broker is down?)")


def test_replicas_out_of_sync_are_reported_not_fixed() -> None:
    desired = DesiredState((DesiredTopic("t", 3, 3),))
    observed = cluster(ObservedTopic("t", 3, 3, out_of_sync={0: (3,), 2: (3,)}, offline=(1,)),
                       brokers=2)
    result = plan(desired, observed, PlanOptions())
    assert result.in_sync  # nothing to do: replication factor is still 3 as assigned
    assert result.warnings == (
        "offline partitions on t: 1 have no leader (their replicas' brokers are down); "
        "reported only",
        "replication drift on t: 2 of 3 partitions have replicas out of sync (broker 3); "
        "reported only: evtctl does not reassign replicas — bring the broker back or reassign "
        "with kafka-reassign-partitions",
    )


def test_renderings_agree() -> None:
    desired = DesiredState((DesiredTopic("t", 6, config={"retention.ms": "5"}),
                            DesiredTopic("n", 1)))
    observed = cluster(ObservedTopic("t", 3, 1, {"retention.ms": "10"}, {"retention.ms": "10"}))
    result = plan(desired, observed, PlanOptions())
    text = "\n".join(render_text(result))
    assert "  ~ topic t\n      partitions: 3 → 6\n" in text
    assert 'retention.ms: "10" → "5"   [refused: can delete records' in text
    assert "  + topic n\n      partitions: 1\n" in text
    assert text.endswith("Plan: 1 to add, 1 to change, 0 to delete; 1 refused.")
    import json

    data = json.loads(render_json(result))
    assert [a["action"] for a in data["actions"]] == ["add-partitions", "alter-config",
                                                      "create-topic"]
    assert set(data) == {"formatVersion", "clusterId", "actions", "warnings"}
    assert data["formatVersion"] == 1
