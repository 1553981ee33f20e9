"""Refusals and usage errors, against the real broker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from brokerstate import create, topic_config, topic_partitions
from cli_runner import run_cli
from confluent_kafka.admin import NewTopic
from local_kafka import free_ports

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

    deleted = provision("--env", "dev", "--apply", "--yes", "--allow-delete")
    assert deleted.exit_code == 0, deleted.stdout
    assert f"- topic {orphan}" in deleted.stdout
    assert topic_partitions(kafka, orphan) is None
    for survivor in (kept, outside, internal):
        assert topic_partitions(kafka, survivor) == 1


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
    assert result.stderr.startswith("evtctl: error: provision: cluster id mismatch: "
                                    "environment prod expects "
                                    "AAAAAAAAAAAAAAAAAAAAAA")
    assert result.stderr.count("\n") == 1
    assert topic_partitions(kafka, name) is None


def test_unknown_environment(org: Any, provision: Any) -> None:
    org.environment("dev")
    org.service("orders", topics=[{"name": org.topic("orders", "events")}])
    result = provision("--env", "staging")
    assert result.exit_code == 2
    assert "unknown environment 'staging'" in result.stderr


def test_manifest_that_does_not_load(org: Any, provision: Any) -> None:
    path = org.service("orders", topics=[{"name": org.topic("orders", "events")}])
    path.write_text(path.read_text() + "unexpected: 1\n")
    result = provision()
    assert result.exit_code == 2
    assert "the manifests do not load" in result.stderr
    assert "Traceback" not in result.stderr


def test_cannot_connect(org: Any) -> None:
    org.service("orders", topics=[{"name": org.topic("orders", "events")}])
    port = free_ports(1)[0]
    result = run_cli([*org.paths, "--bootstrap-server", f"127.0.0.1:{port}", "--timeout", "2"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"evtctl: error: provision: cannot connect to Kafka at 127.0.0.1:{port}")
    assert result.stderr.count("\n") == 1


def test_sasl_through_command_config(kafka: Any, org: Any, tmp_path: Path) -> None:
    name = org.topic("orders", "events")
    org.service("orders", topics=[{"name": name}])
    properties = tmp_path / "admin.properties"
    properties.write_text(
        "# like kafka-topics.sh --command-config\n"
        "security.protocol=SASL_PLAINTEXT\n"
        "sasl.mechanism=PLAIN\n"
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n"
        '    username="admin" password="admin-secret";\n')
    args = [*org.paths, "--bootstrap-server", kafka.sasl_bootstrap_servers,
            "--command-config", str(properties), "--timeout", "5"]
    result = run_cli([*args, "--apply", "--yes"])
    assert result.exit_code == 0, result.stderr
    assert topic_partitions(kafka, name) == 1

    wrong = run_cli(args, env={"EVTCTL_KAFKA_SASL_PASSWORD": "not-the-password"})
    assert wrong.exit_code == 2
    assert "evtctl: error: provision: cannot connect" in wrong.stderr
    assert "not-the-password" not in wrong.stderr + wrong.stdout
    assert "admin-secret" not in wrong.stderr + wrong.stdout
