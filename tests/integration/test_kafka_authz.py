"""No plan on partial knowledge, on the real broker with a SASL user that lacks the rights:
Kafka answers such a principal with silence (topics it may not describe are left out of the
listing; DescribeAcls returns nothing), so without these refusals it planned to re-create
every topic and binding. Each refusal names the operation and the resource, and comes
before any request that changes the cluster."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from brokerstate import admin, create, topic_partitions
from cli_runner import CliResult, run_cli
from confluent_kafka.admin import (
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    NewTopic,
    ResourcePatternType,
    ResourceType,
)

pytestmark = pytest.mark.kafka


def as_alice(kafka: Any, org: Any, *args: str) -> CliResult:
    env = {"EVTCTL_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
           "EVTCTL_KAFKA_SASL_MECHANISM": "PLAIN", "EVTCTL_KAFKA_SASL_USERNAME": "alice",
           "EVTCTL_KAFKA_SASL_PASSWORD": "alice-secret"}
    return run_cli([*org.paths, "--bootstrap-server", kafka.sasl_bootstrap_servers,
                    "--timeout", "10", *args], env=env)


def binding(resource: Any, name: str, pattern: Any, operation: Any) -> AclBinding:
    return AclBinding(resource, name, pattern, "User:alice", "*", operation,
                      AclPermissionType.ALLOW)


@pytest.fixture
def grant(kafka: Any) -> Iterator[Any]:
    """Grants alice bindings for one test, and takes them back afterwards."""
    client = admin(kafka)
    granted: list[AclBinding] = []

    def add(*bindings: AclBinding) -> None:
        for future in client.create_acls(list(bindings)).values():
            future.result(timeout=10)
        granted.extend(bindings)

    yield add
    if granted:
        filters = [AclBindingFilter(b.restype, b.name, b.resource_pattern_type, b.principal,
                                    b.host, b.operation, b.permission_type) for b in granted]
        for future in client.delete_acls(filters).values():
            future.result(timeout=10)


def test_each_missing_right_is_named_before_anything_changes(kafka: Any, org: Any,
                                                             grant: Any) -> None:
    existing, new = org.topic("orders", "events"), org.topic("orders", "commands")
    create(kafka, NewTopic(existing, 3, 1))
    org.service("orders", topics=[{"name": existing, "partitions": 3,
                                   "config": {"retention.ms": "3600000"}}, {"name": new}])
    principal = "User:alice"

    no_describe = as_alice(kafka, org, "--apply", "--yes")
    assert no_describe.exit_code == 2
    assert no_describe.stderr.splitlines()[0] == (
        f"evtctl: error: kafka {kafka.sasl_bootstrap_servers}: not authorised to DESCRIBE "
        f"topic {new} (and 1 more) as {principal}, so whether it exists cannot be known; no "
        "plan is made")
    assert no_describe.stdout == ""  # no plan at all, let alone one that creates `existing`
    assert topic_partitions(kafka, new) is None

    prefix = f"{org.company}."
    grant(binding(ResourceType.TOPIC, prefix, ResourcePatternType.PREFIXED,
                  AclOperation.DESCRIBE))
    no_configs = as_alice(kafka, org, "--apply", "--yes")
    assert no_configs.exit_code == 2
    assert f"not authorised to DESCRIBE_CONFIGS topic {existing} as {principal}" in \
        no_configs.stderr
    assert topic_partitions(kafka, new) is None

    grant(binding(ResourceType.TOPIC, prefix, ResourcePatternType.PREFIXED,
                  AclOperation.DESCRIBE_CONFIGS))
    plan = as_alice(kafka, org)
    assert plan.exit_code == 0, plan.stderr
    assert f"+ topic {new}" in plan.stdout
    assert f"+ topic {existing}" not in plan.stdout  # it exists: seen, not re-created
    assert "retention.ms" in plan.stdout  # compared against what the topic has

    no_acls = as_alice(kafka, org, "--acls")
    assert no_acls.exit_code == 2
    assert f"not authorised to DESCRIBE the cluster as {principal}, so its ACLs cannot be " \
           "read" in no_acls.stderr


def test_deleting_needs_to_see_every_topic_under_the_managed_prefixes(
        kafka: Any, org: Any, grant: Any) -> None:
    events = org.topic("orders", "events")
    create(kafka, NewTopic(events, 1, 1))
    hidden = f"h{org.company}"
    org.environment("dev", managedPrefixes=[f"{org.company}.", f"{hidden}."])
    org.service("orders", topics=[{"name": events}])
    grant(binding(ResourceType.TOPIC, f"{org.company}.", ResourcePatternType.PREFIXED,
                  AclOperation.DESCRIBE))
    assert as_alice(kafka, org, "--env", "dev").exit_code == 0  # plans may not delete
    result = run_cli([str(org.root), "--bootstrap-server", kafka.sasl_bootstrap_servers,
                      "--env", "dev", "--allow-delete"],
                     env={"EVTCTL_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
                          "EVTCTL_KAFKA_SASL_MECHANISM": "PLAIN",
                          "EVTCTL_KAFKA_SASL_USERNAME": "alice",
                          "EVTCTL_KAFKA_SASL_PASSWORD": "alice-secret"})
    assert result.exit_code == 2
    assert f"not authorised to DESCRIBE every topic under managed prefix {hidden}. as " \
           "User:alice" in result.stderr
