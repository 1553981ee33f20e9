"""Refusals and usage errors, against the real broker."""

from __future__ import annotations

from typing import Any

import pytest
from brokerstate import create, topic_config, topic_partitions
from confluent_kafka.admin import NewTopic

pytestmark = pytest.mark.kafka


def test_lowering_partitions_is_refused_and_the_rest_applies(kafka: Any, org: Any,
                                                             provision: Any) -> None:
    events, commands = org.topic("orders", "events"), org.topic("orders", "commands")
    create(kafka, NewTopic(events, 4, 1))
    org.service("orders", topics=[{"name": events, "partitions": 2}, {"name": commands}])
    plan = provision()
    assert plan.exit_code == 0
    assert "partitions: 4 → 2   [refused: Kafka cannot remove partitions" in plan.stdout
    assert "1 refused" in plan.stdout
    applied = provision("--apply", "--yes")
    assert applied.exit_code == 1
    assert "Applied 1 of 2 changes; 1 refused." in applied.stdout
    assert topic_partitions(kafka, events) == 4
    assert topic_partitions(kafka, commands) == 1
    assert provision("--check").exit_code == 1


@pytest.mark.parametrize(("key", "old", "new"), [
    ("cleanup.policy", "delete", "compact"),
    ("retention.ms", "86400000", "3600000"),
    ("retention.bytes", "-1", "1048576"),
])
def test_data_losing_config_changes_need_allow_destructive(kafka: Any, org: Any, provision: Any,
                                                           key: str, old: str,
                                                           new: str) -> None:
    name = org.topic("orders", "events")
    create(kafka, NewTopic(name, 1, 1, config={key: old}))
    org.service("orders", topics=[{"name": name, "config": {key: new}}])
    refused = provision("--apply", "--yes")
    assert refused.exit_code == 1
    assert "[refused: can delete records; pass --allow-destructive" in refused.stdout
    assert topic_config(kafka, name)[key] == old
    allowed = provision("--apply", "--yes", "--allow-destructive")
    assert allowed.exit_code == 0, allowed.stdout
    assert topic_config(kafka, name)[key] == new


def test_raising_retention_is_safe(kafka: Any, org: Any, provision: Any) -> None:
    name = org.topic("orders", "events")
    create(kafka, NewTopic(name, 1, 1, config={"retention.ms": "3600000"}))
    org.service("orders", topics=[{"name": name, "config": {"retention.ms": "-1"}}])
    assert provision("--apply", "--yes").exit_code == 0
    assert topic_config(kafka, name)["retention.ms"] == "-1"


def test_delete_only_with_flag_and_only_under_managed_prefixes(kafka: Any, org: Any,
                                                               provision: Any) -> None:
    kept = org.topic("orders", "events")
    orphan = org.topic("legacy", "events")
    outside = f"x{org.company}.other.svc.events"
    internal = f"_{org.company}.internal"
    create(kafka, *(NewTopic(n, 1, 1) for n in (kept, orphan, outside, internal)))
    org.environment("dev", managedPrefixes=[f"{org.company}.", f"_{org.company}"])
    org.service("orders", topics=[{"name": kept}])

    plan = provision("--env", "dev")
    assert plan.exit_code == 0
    assert f"unmanaged topic {orphan}" in plan.stdout
    assert "pass --allow-delete to delete it" in plan.stdout
    assert "- topic" not in plan.stdout
    assert provision("--env", "dev", "--check").exit_code == 0  # warnings alone pass

    # The paths must hold the whole project (the folder of evtctl.yaml) to delete anything.
    partial = provision("--env", "dev", "--apply", "--yes", "--allow-delete")
    assert partial.exit_code == 2
    assert partial.stderr.startswith("evtctl: error: --allow-delete: --allow-delete needs "
                                     "every manifest of the project")
    whole = [str(org.root)]
    # One deletion of the two managed topics is 50%: more than the default 10%.
    share = provision("--env", "dev", "--apply", "--yes", "--allow-delete", paths=whole)
    assert share.exit_code == 2
    assert "the plan deletes 1 of the 2 topics under the managed prefixes (50%), more than " \
           "the 10% one apply may delete" in share.stderr
    assert "--allow-delete --allow-delete --max-deletes 1" in share.stderr
    assert topic_partitions(kafka, orphan) == 1  # refused before anything was sent

    deleted = provision("--env", "dev", "--apply", "--yes", "--allow-delete", "--allow-delete",
                        "--max-deletes", "1", paths=whole)
    assert deleted.exit_code == 0, deleted.stdout + deleted.stderr
    assert f"- topic {orphan}" in deleted.stdout
    assert topic_partitions(kafka, orphan) is None
    for survivor in (kept, outside, internal):
        assert topic_partitions(kafka, survivor) == 1


def test_delete_share_is_configurable(kafka: Any, org: Any, provision: Any) -> None:
    kept = [org.topic(f"s{i}", "events") for i in range(3)]
    orphan = org.topic("legacy", "events")
    create(kafka, *(NewTopic(n, 1, 1) for n in (*kept, orphan)))
    org.environment("dev", managedPrefixes=[f"{org.company}."], maxDeletePercent=25)
    for i in range(3):
        org.service(f"s{i}", topics=[{"name": kept[i]}])
    result = provision("--env", "dev", "--apply", "--yes", "--allow-delete",
                       paths=[str(org.root)])
    assert result.exit_code == 0, result.stderr  # 1 of 4 is 25%: not more than 25%
    assert topic_partitions(kafka, orphan) is None


def test_no_environment_means_nothing_is_deleted(kafka: Any, org: Any, provision: Any) -> None:
    orphan = org.topic("legacy", "events")
    create(kafka, NewTopic(orphan, 1, 1))
    org.service("orders", topics=[{"name": org.topic("orders", "events")}])
    result = provision("--apply", "--yes", "--allow-delete")
    assert result.exit_code == 0
    assert f"unmanaged topic {orphan}" in result.stdout
    assert "not under a managed prefix" in result.stdout
    assert topic_partitions(kafka, orphan) == 1


def test_cluster_id_mismatch_is_refused(kafka: Any, org: Any, provision: Any) -> None:
    name = org.topic("orders", "events")
    org.environment("prod", clusterId="AAAAAAAAAAAAAAAAAAAAAA")
    org.service("orders", topics=[{"name": name}])
    result = provision("--env", "prod", "--apply", "--yes")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"evtctl: error: kafka {kafka.bootstrap_servers}: cluster "
                                    "id mismatch: environment prod expects "
                                    "AAAAAAAAAAAAAAAAAAAAAA")
    assert result.stderr.count("\n") == 1
    assert topic_partitions(kafka, name) is None


def test_unknown_environment(org: Any, provision: Any) -> None:
    org.environment("dev")
    org.service("orders", topics=[{"name": org.topic("orders", "events")}])
    result = provision("--env", "staging")
    assert result.exit_code == 2
    assert "unknown environment 'staging'" in result.stderr


def test_manifest_that_does_not_load(kafka: Any, org: Any, provision: Any) -> None:
    good = org.topic("orders", "events")
    org.service("orders", topics=[{"name": good}])
    path = org.service("billing", topics=[{"name": org.topic("billing", "events")}])
    path.write_text(path.read_text() + "unexpected: 1\n")
    result = provision("--apply", "--yes")
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith("evtctl: error: ") and "billing.yaml: " in first
    assert "manifest problem under the paths" in result.stderr
    assert "unexpected" in result.stderr
    assert "Traceback" not in result.stderr
    assert topic_partitions(kafka, good) is None  # nothing applied from the others either
