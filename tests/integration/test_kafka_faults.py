"""Faults: a broker that stops in the middle of an apply (one node; and on three nodes a
broker, then the controller's node, crashing while a request is in flight) gives a clear
report of what was and was not applied, and a re-run after it returns converges with nothing
lost or duplicated; an apply with a node down completes what the replication factors allow,
refuses the rest with the reason, and reports the replication drift without "fixing" it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest
from brokerstate import admin, create, topic_config, topic_partitions, topic_replication
from cli_runner import CliResult, run_cli
from confluent_kafka import Producer, TopicPartition
from confluent_kafka.admin import NewTopic
from local_kafka import KafkaCluster

from evtctl.provision import apply as apply_module
from evtctl.provision.apply import Progress
from evtctl.provision.run import ProvisionRequest, provision

pytestmark = pytest.mark.kafka


@pytest.fixture
def own_broker(kafka: KafkaCluster) -> Iterator[KafkaCluster]:
    """A broker of its own (this test stops it), started after the session broker."""
    cluster = KafkaCluster(nodes=1, heap="384m").start()
    yield cluster
    cluster.close()


class StoppingUi:
    """Collects output; its progress callback stops the broker after the first batch."""

    def __init__(self, cluster: KafkaCluster | None) -> None:
        self.cluster = cluster
        self.lines: list[str] = []
        self.notes: list[str] = []

    def show(self, lines: Sequence[str]) -> None:
        self.lines.extend(lines)

    def show_json(self, text: str) -> None:
        self.lines.append(text)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def confirm(self, question: str) -> bool | None:
        return None

    def progress(self, total: int) -> AbstractContextManager[Progress | None]:
        def stop_after_first_batch(done: int, _total: int) -> None:
            if self.cluster is not None and done == 2:
                self.cluster.stop_node(0)

        return nullcontext(stop_after_first_batch)


def records(cluster: KafkaCluster, topic: str) -> int:
    client = admin(cluster)
    metadata = client.list_topics(topic, timeout=10)
    from confluent_kafka import Consumer

    consumer = Consumer({**cluster.client_config(), "group.id": "count", "log_level": "0"})
    try:
        total = 0
        for partition in metadata.topics[topic].partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition),
                                                       timeout=10)
            total += high - low
        return total
    finally:
        consumer.close()


def test_broker_stopping_mid_apply(own_broker: KafkaCluster, org: Any,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apply_module, "DEFAULT_BATCH_SIZE", 2)
    existing = org.topic("orders", "events")
    create(own_broker, NewTopic(existing, 1, 1))
    producer = Producer({**own_broker.client_config(), "log_level": "0"})
    for i in range(5):
        producer.produce(existing, key=str(i).encode(), value=b"x")
    assert producer.flush(10) == 0
    new_topics = [org.topic(f"svc{i}", "events") for i in range(6)]
    for i, name in enumerate(new_topics):
        org.service(f"svc{i}", topics=[{"name": name, "partitions": 2}])
    org.service("orders", topics=[{"name": existing, "partitions": 3,
                                   "config": {"retention.ms": "-1"}}])
    request = ProvisionRequest(paths=(Path(org.paths[0]),),
                               bootstrap_server=own_broker.bootstrap_servers,
                               apply=True, yes=True, timeout=3)

    ui = StoppingUi(own_broker)
    assert provision(request, ui) == 1
    text = "\n".join(ui.lines)
    summary = ui.lines[-1]
    assert summary.startswith("Applied 2 of 8 changes; ")
    assert "failed" in summary and "not applied" in summary
    assert text.count("[applied]") == 2
    assert "[failed: " in text and "plan again to see" in text
    assert "[not applied: not attempted: the cluster stopped answering" in text
    assert ui.notes[-2].startswith(f"evtctl: error: kafka {own_broker.bootstrap_servers}: "
                                   "Kafka stopped answering during the apply")
    assert ui.notes[-1].startswith("hint: run evtctl provision again when the cluster is back")

    own_broker.start_node(0)
    again = StoppingUi(None)
    assert provision(request, again) == 0
    assert again.lines[-1].startswith("Applied ")
    check = StoppingUi(None)
    assert provision(ProvisionRequest(paths=request.paths, check=True,
                                      bootstrap_server=own_broker.bootstrap_servers),
                     check) == 0
    assert check.lines[-1] == "No changes: the cluster matches the manifests."
    for name in new_topics:
        assert topic_partitions(own_broker, name) == 2
    assert topic_partitions(own_broker, existing) == 3
    assert topic_config(own_broker, existing) == {"retention.ms": "-1"}
    assert records(own_broker, existing) == 5


# -- three nodes ------------------------------------------------------------------------------
def live_brokers(cluster: KafkaCluster) -> int:
    client = admin(cluster)  # alive until the future is done
    described = client.describe_cluster(request_timeout=10).result(timeout=15)
    return len(described.nodes)


def wait_for_brokers(cluster: KafkaCluster, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    seen: object = "nothing"
    while time.monotonic() < deadline:
        try:
            seen = live_brokers(cluster)
            if seen == count:
                return
        except Exception as error:
            seen = error
        time.sleep(0.5)
    raise AssertionError(f"the cluster did not show {count} brokers within {timeout}s "
                         f"(last: {seen})")


def produce_records(cluster: KafkaCluster, topic: str, count: int) -> None:
    producer = Producer({**cluster.client_config(), "log_level": "0", "acks": "all"})
    for i in range(count):
        producer.produce(topic, key=str(i).encode(), value=b"x")
    assert producer.flush(20) == 0


@pytest.fixture
def restore(kafka3: KafkaCluster) -> Iterator[KafkaCluster]:
    """Whatever a test stops, every node runs again (and is registered) afterwards."""
    yield kafka3
    for index, node in enumerate(kafka3.nodes):
        if not node.running:
            kafka3.start_node(index, timeout=120)
    wait_for_brokers(kafka3, len(kafka3.nodes), timeout=120)


class KillingUi(StoppingUi):
    """After the first batch, crashes a node (SIGKILL) while the next request is in flight."""

    def __init__(self, cluster: KafkaCluster, index: int) -> None:
        super().__init__(None)
        self.victim = (cluster, index)
        self.killed = threading.Event()

    def progress(self, total: int) -> AbstractContextManager[Progress | None]:
        def kill_soon(done: int, _total: int) -> None:
            if done == 2 and not self.killed.is_set():
                self.killed.set()
                cluster, index = self.victim
                threading.Timer(0.05, cluster.kill_node, (index,)).start()

        return nullcontext(kill_soon)


def assert_report_is_true(cluster: KafkaCluster, lines: Sequence[str],
                          new_topics: Sequence[str]) -> None:
    """Every create reported applied is on the cluster; every other has its reason."""
    text = "\n".join(lines)
    start = text.index("Applied to cluster")
    report = text[start:].splitlines()
    for name in new_topics:
        (line,) = [entry for entry in report if entry.startswith(f"  + topic {name}")]
        if line.endswith("[applied]") or "[applied: " in line:
            assert topic_partitions(cluster, name) == 2, line
        else:
            assert "[failed: " in line or "[not applied: " in line, line


@pytest.mark.slow
@pytest.mark.parametrize("victim", ["broker", "controller"])
def test_node_crashing_mid_apply_on_three_nodes(restore: KafkaCluster, org: Any, victim: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    cluster = restore
    wait_for_brokers(cluster, 3)
    monkeypatch.setattr(apply_module, "DEFAULT_BATCH_SIZE", 2)
    existing = org.topic("orders", "events")
    create(cluster, NewTopic(existing, 1, 3))
    produce_records(cluster, existing, 5)
    new_topics = [org.topic(f"svc{i}", "events") for i in range(6)]
    for i, name in enumerate(new_topics):
        org.service(f"svc{i}", topics=[{"name": name, "partitions": 2,
                                        "replicationFactor": 2}])
    org.service("orders", topics=[{"name": existing, "partitions": 3,
                                   "config": {"retention.ms": "-1"}}])
    controller = cluster.active_controller()
    assert controller is not None
    index = controller if victim == "controller" else (controller + 1) % 3
    request = ProvisionRequest(paths=(Path(org.paths[0]),),
                               bootstrap_server=cluster.bootstrap_servers,
                               apply=True, yes=True, timeout=5, visibility_timeout=15)

    ui = KillingUi(cluster, index)
    code = provision(request, ui)
    assert ui.killed.is_set()
    summary = ui.lines[-1]
    assert code in (0, 1), summary
    assert summary.startswith("Applied ")
    if code == 0:
        assert summary == "Applied 8 of 8 changes.", summary  # the others took over in time
    assert_report_is_true(cluster, ui.lines, new_topics)

    cluster.start_node(index, timeout=120)
    wait_for_brokers(cluster, 3, timeout=120)
    again = StoppingUi(None)
    assert provision(request, again) == 0, "\n".join(again.lines)
    check = StoppingUi(None)
    assert provision(ProvisionRequest(paths=request.paths, check=True,
                                      bootstrap_server=cluster.bootstrap_servers),
                     check) == 0, "\n".join(check.lines)
    assert check.lines[-1] == "No changes: the cluster matches the manifests."
    for name in new_topics:  # nothing duplicated: exactly what the manifests say
        assert topic_partitions(cluster, name) == 2
        assert topic_replication(cluster, name) == 2
    assert topic_partitions(cluster, existing) == 3
    assert topic_config(cluster, existing) == {"retention.ms": "-1"}
    assert records(cluster, existing) == 5  # nothing lost


@pytest.mark.slow
def test_apply_with_a_node_down_completes_what_it_can(restore: KafkaCluster, org: Any) -> None:
    cluster = restore
    wait_for_brokers(cluster, 3)
    wide, narrow = org.topic("orders", "events"), org.topic("orders", "private.dlq")
    new_wide, new_narrow = org.topic("orders", "results"), org.topic("orders", "commands")
    create(cluster, NewTopic(wide, 1, 3), NewTopic(narrow, 1, 1))
    org.service("orders", topics=[
        {"name": wide, "partitions": 2, "replicationFactor": 3,
         "config": {"retention.ms": "-1"}},
        {"name": narrow, "partitions": 2},
        {"name": new_wide, "replicationFactor": 3},
        {"name": new_narrow, "replicationFactor": 2},
    ])
    down = (cluster.active_controller() or 0) + 1
    down %= 3
    cluster.stop_node(down)
    wait_for_brokers(cluster, 2)

    def run(*args: str) -> CliResult:
        return run_cli([*org.paths, "--bootstrap-server", cluster.bootstrap_servers,
                        "--timeout", "10", *args])

    applied = run("--apply", "--yes")
    out = applied.stdout
    assert applied.exit_code == 1, out
    assert "partitions: 1 → 2   [refused: new partitions need 3 live brokers for replication " \
           "factor 3; the cluster has 2 (a broker is down?)]" in out
    assert f"  + topic {new_wide}   [refused: replication factor 3 needs at least 3 brokers; " \
           "the cluster has 2]" in out
    assert f"  + topic {new_narrow}   [applied]" in out
    assert 'retention.ms: "604800000" (default) → "-1"   [applied]' in out
    assert "Applied 3 of 5 changes; 2 refused." in out
    node_id = cluster.nodes[down].node_id
    # Replication drift from the node that is gone: reported, and nothing planned to "fix" it.
    assert f"replication drift on {wide}: 1 of 1 partitions have replicas out of sync (broker " \
           f"{node_id}); reported only" in out
    assert "change-replication-factor" not in out and "replication_factor: 3 →" not in out
    assert topic_partitions(cluster, narrow) == 2
    assert topic_replication(cluster, new_narrow) == 2

    cluster.start_node(down, timeout=120)
    wait_for_brokers(cluster, 3, timeout=120)
    rerun = run("--apply", "--yes")
    assert rerun.exit_code == 0, rerun.stdout
    assert "Applied 2 of 2 changes." in rerun.stdout
    assert run("--check").exit_code == 0
    assert topic_partitions(cluster, wide) == 2
    assert topic_replication(cluster, new_wide) == 3
