"""Replication factors on a three-node cluster: created as asked, drift reported and refused,
and a factor larger than the cluster refused before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest
from brokerstate import create, topic_partitions, topic_replication
from cli_runner import CliResult, run_cli
from confluent_kafka.admin import NewTopic
from local_kafka import KafkaCluster

pytestmark = pytest.mark.kafka


def provision3(kafka3: KafkaCluster, org: Any, *args: str) -> CliResult:
    return run_cli([*org.paths, "--bootstrap-server", kafka3.bootstrap_servers,
                    "--timeout", "10", *args])


def test_replication_factor_on_three_nodes(kafka3: KafkaCluster, org: Any) -> None:
    replicated = org.topic("orders", "events")
    drifted = org.topic("orders", "commands")
    too_wide = org.topic("orders", "results")
    create(kafka3, NewTopic(drifted, 1, 1))
    org.service("orders", topics=[
        {"name": replicated, "partitions": 3, "replicationFactor": 3},
        {"name": drifted, "replicationFactor": 3},
        {"name": too_wide, "replicationFactor": 4},
    ])
    plan = provision3(kafka3, org)
    assert plan.exit_code == 0
    assert "replication_factor: 1 → 3   [refused: evtctl does not change replication " \
           "factors" in plan.stdout
    assert f"replication-factor drift on {drifted}: the cluster has 1, the manifest wants 3" \
           in plan.stdout
    assert "[refused: replication factor 4 needs at least 4 brokers; the cluster has 3]" \
           in plan.stdout

    applied = provision3(kafka3, org, "--apply", "--yes")
    assert applied.exit_code == 1
    assert "Applied 1 of 3 changes; 2 refused." in applied.stdout
    assert topic_replication(kafka3, replicated) == 3
    assert topic_partitions(kafka3, replicated) == 3
    assert topic_replication(kafka3, drifted) == 1
    assert topic_partitions(kafka3, too_wide) is None
    assert provision3(kafka3, org, "--check").exit_code == 1

    # The manifest follows the cluster: everything agrees.
    org.service("orders", topics=[
        {"name": replicated, "partitions": 3, "replicationFactor": 3},
        {"name": drifted, "replicationFactor": 1},
    ])
    assert provision3(kafka3, org, "--check").exit_code == 0
