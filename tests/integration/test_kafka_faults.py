"""A broker that stops in the middle of an apply: a clear report of what was and was not
applied, and a re-run after it returns converges with nothing lost or duplicated."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest
from brokerstate import admin, create, topic_config, topic_partitions
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
