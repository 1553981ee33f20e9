"""Plan and apply topics against the real broker: create, grow, configure, no-op re-runs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from brokerstate import admin, create, topic_config, topic_partitions
from confluent_kafka.admin import (
    AlterConfigOpType,
    ConfigEntry,
    ConfigResource,
    NewTopic,
    ResourceType,
)

pytestmark = pytest.mark.kafka


def test_plan_changes_nothing_and_apply_creates(kafka: Any, org: Any, provision: Any) -> None:
    events = org.topic("orders", "events")
    commands = org.topic("orders", "commands")
    org.service("orders", topics=[
        {"name": events, "partitions": 3, "config": {"retention.ms": 3600000}},
        {"name": commands},
    ])
    planned = provision()
    assert planned.exit_code == 0, planned.stderr
    assert f"+ topic {events}" in planned.stdout
    assert "retention.ms: \"3600000\"" in planned.stdout
    assert "Plan: 2 to add, 0 to change, 0 to delete." in planned.stdout
    assert topic_partitions(kafka, events) is None  # a plan changes nothing

    applied = provision("--apply", "--yes")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert "[applied]" in applied.stdout
    assert "Applied 2 of 2 changes." in applied.stdout
    assert topic_partitions(kafka, events) == 3
    assert topic_partitions(kafka, commands) == 1  # the broker's default
    assert topic_config(kafka, events) == {"retention.ms": "3600000"}

    again = provision("--apply", "--yes")
    assert again.exit_code == 0
    assert "No changes: the cluster matches the manifests." in again.stdout
    assert provision("--check").exit_code == 0


def test_check_exits_1_on_drift(org: Any, provision: Any) -> None:
    org.service("orders", topics=[{"name": org.topic("orders", "events")}])
    result = provision("--check")
    assert result.exit_code == 1
    assert "to add" in result.stdout


def test_partition_growth(kafka: Any, org: Any, provision: Any) -> None:
    name = org.topic("orders", "events")
    org.service("orders", topics=[{"name": name, "partitions": 2}])
    assert provision("--apply", "--yes").exit_code == 0
    org.service("orders", topics=[{"name": name, "partitions": 5}])
    plan = provision()
    assert f"~ topic {name}" in plan.stdout
    assert "partitions: 2 → 5" in plan.stdout
    assert provision("--apply", "--yes").exit_code == 0
    assert topic_partitions(kafka, name) == 5
    assert provision("--check").exit_code == 0


def test_config_change_is_incremental(kafka: Any, org: Any, provision: Any) -> None:
    name = org.topic("orders", "events")
    org.service("orders", topics=[{"name": name, "config": {"retention.ms": "3600000"}}])
    assert provision("--apply", "--yes").exit_code == 0
    # Someone sets a key the manifest does not mention: evtctl must leave it alone.
    client = admin(kafka)
    resource = ConfigResource(ResourceType.TOPIC, name, incremental_configs=[
        ConfigEntry("max.message.bytes", "200000",
                    incremental_operation=AlterConfigOpType.SET)])
    client.incremental_alter_configs([resource])[resource].result(timeout=10)
    org.service("orders", topics=[{"name": name, "config": {
        "retention.ms": "7200000", "segment.ms": "600000"}}])
    plan = provision()
    assert 'retention.ms: "3600000" → "7200000"' in plan.stdout
    assert "segment.ms: " in plan.stdout and "(default) → \"600000\"" in plan.stdout
    assert "max.message.bytes" not in plan.stdout
    assert provision("--apply", "--yes").exit_code == 0
    assert topic_config(kafka, name) == {
        "retention.ms": "7200000", "segment.ms": "600000", "max.message.bytes": "200000"}
    assert provision("--check").exit_code == 0


def test_value_equal_to_the_broker_default_is_no_diff(kafka: Any, org: Any,
                                                      provision: Any) -> None:
    name = org.topic("orders", "events")
    client = admin(kafka)
    client.create_topics([NewTopic(name, 1, 1)])[name].result(timeout=10)
    org.service("orders", topics=[{"name": name, "config": {"cleanup.policy": "delete"}}])
    assert provision("--check").exit_code == 0


def test_json_plan(kafka: Any, org: Any, provision: Any) -> None:
    name = org.topic("orders", "events")
    org.service("orders", topics=[{"name": name, "partitions": 2}])
    result = provision("--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["formatVersion"] == 1
    assert data["clusterId"] == kafka.cluster_id
    assert data["actions"] == [{
        "action": "create-topic", "topic": name,
        "details": {"partitions": 2, "replicationFactor": None},
        "destructive": False, "status": "planned", "reason": None,
    }]
    assert isinstance(data["warnings"], list)
    applied = json.loads(provision("--format", "json", "--apply", "--yes").stdout)
    assert [a["status"] for a in applied["actions"]] == ["applied"]
    assert applied["succeeded"] is True


def test_environment_defaults(kafka: Any, org: Any, provision: Any) -> None:
    name = org.topic("orders", "events")
    org.environment("dev", partitions=4, config={"retention.ms": "86400000"},
                    clusterId=kafka.cluster_id)
    org.service("orders", topics=[{"name": name, "config": {"segment.ms": "600000"}}])
    assert provision("--env", "dev", "--apply", "--yes").exit_code == 0
    assert topic_partitions(kafka, name) == 4
    assert topic_config(kafka, name) == {"retention.ms": "86400000", "segment.ms": "600000"}
    assert provision("--env", "dev", "--check").exit_code == 0


def test_apply_without_terminal_needs_yes(org: Any, provision: Any) -> None:
    org.service("orders", topics=[{"name": org.topic("orders", "events")}])
    result = provision("--apply")
    assert result.exit_code == 2
    assert "pass --yes" in result.stderr


def test_configs_read_in_chunks_match_the_broker(kafka: Any, company: str) -> None:
    """DescribeConfigs split into several requests still gives every topic its own configs."""
    from evtctl.provision.kafka import KafkaAdmin

    names = [f"{company}.ns.chunk.events.m{i}" for i in range(5)]
    create(kafka, *(NewTopic(n, 1, 1, config={"retention.ms": str(3600000 + i)})
                    for i, n in enumerate(names)))
    configs = KafkaAdmin(kafka.client_config(), 10, describe_chunk=2).describe_configs(names)
    assert list(configs) == names
    for i, name in enumerate(names):
        assert configs[name].set_on_topic == {"retention.ms": str(3600000 + i)}
        assert configs[name].effective["cleanup.policy"] == "delete"  # a broker default
