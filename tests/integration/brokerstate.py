"""Reading and seeding the broker directly (with confluent-kafka), for test assertions."""

from __future__ import annotations

import time
from typing import Any

from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic, ResourceType


def admin(kafka: Any) -> AdminClient:
    return AdminClient({**kafka.client_config(), "log_level": "0"})


def topic_partitions(kafka: Any, name: str) -> int | None:
    topic = admin(kafka).list_topics(timeout=10).topics.get(name)
    return None if topic is None or topic.error is not None else len(topic.partitions)


def topic_replication(kafka: Any, name: str) -> int | None:
    topic = admin(kafka).list_topics(timeout=10).topics.get(name)
    if topic is None or topic.error is not None:
        return None
    return max(len(p.replicas) for p in topic.partitions.values())


def topic_config(kafka: Any, name: str) -> dict[str, str]:
    """Configs set on the topic itself (dynamic topic config)."""
    client = admin(kafka)  # keep the client alive until the future is done
    resource = ConfigResource(ResourceType.TOPIC, name)
    entries = client.describe_configs([resource])[resource].result(timeout=10)
    return {k: e.value for k, e in entries.items() if e.source == 1}


def create(kafka: Any, *topics: NewTopic) -> None:
    """Create the topics and return once every broker of the cluster lists them: a broker's
    metadata can lag the controller's commit by seconds under load, and a test that seeds
    the cluster must not leave the command under test to find a topic on one broker only."""
    client = admin(kafka)
    for future in client.create_topics(list(topics)).values():
        future.result(timeout=10)
    wanted = {t.topic for t in topics}
    for server in kafka.bootstrap_servers.split(","):
        one = AdminClient({**kafka.client_config(), "bootstrap.servers": server,
                           "log_level": "0"})
        deadline = time.monotonic() + 30
        while True:
            listed = one.list_topics(timeout=10).topics
            if all(name in listed and listed[name].error is None for name in wanted):
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"{server} does not list {sorted(wanted)} after 30 s")
            time.sleep(0.05)
