"""Applied means visible: apply, then --check at once, 20 times in a row, each round
growing partitions, changing a config and granting a new consumer's ACLs — the pipeline a
platform team runs in CI. --check must find nothing every time."""

from __future__ import annotations

from typing import Any

import pytest
from brokerstate import topic_config, topic_partitions
from cli_runner import CliResult, run_cli
from local_kafka import KafkaCluster

pytestmark = pytest.mark.kafka

ROUNDS = 20


def loop(cluster: KafkaCluster, org: Any, rounds: int) -> list[tuple[int, int]]:
    """(apply exit, check exit) of each round."""
    events = org.topic("orders", "events")

    def run(*args: str) -> CliResult:
        return run_cli([*org.paths, "--bootstrap-server", cluster.bootstrap_servers,
                        "--timeout", "10", "--acls", *args])

    codes: list[tuple[int, int]] = []
    for i in range(rounds):
        org.service("orders", topics=[{"name": events, "partitions": 2 + i,
                                       "config": {"retention.ms": str(3_600_000 + i)}}])
        org.service(f"reader{i}", consumes=[{"topic": events}])
        applied = run("--apply", "--yes")
        checked = run("--check")
        codes.append((applied.exit_code, checked.exit_code))
        assert checked.exit_code == 0, (i, applied.stdout, checked.stdout)
        assert "Applied 4 of 4 changes." in applied.stdout or i == 0, applied.stdout
    assert topic_partitions(cluster, events) == 1 + rounds
    assert topic_config(cluster, events) == {"retention.ms": str(3_600_000 + rounds - 1)}
    return codes


def test_apply_then_check_twenty_times(kafka: KafkaCluster, org: Any) -> None:
    codes = loop(kafka, org, ROUNDS)
    assert codes == [(0, 0)] * ROUNDS


@pytest.mark.slow
def test_apply_then_check_on_three_nodes(kafka3: KafkaCluster, org: Any) -> None:
    """Three brokers: the next client may ask any of them."""
    codes = loop(kafka3, org, 10)
    assert codes == [(0, 0)] * 10
