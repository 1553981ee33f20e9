"""The Kafka adapter's request shaping, with confluent-kafka's AdminClient replaced by a fake
(what it sends is checked here; what the broker answers is checked in tests/integration)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

import pytest
from confluent_kafka.admin import ConfigSource

from evtctl.provision.kafka import DESCRIBE_CONFIGS_CHUNK, KafkaAdmin
from evtctl.provision.model import ProvisionError


@dataclass
class Entry:
    value: str | None
    source: ConfigSource


class FakeAdminClient:
    """Records the size of every DescribeConfigs request; answers each topic with one key
    set on the topic and one broker default."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.requests: list[int] = []
        self.fail_on = fail_on

    def describe_configs(self, resources: Sequence[Any],
                         request_timeout: float) -> dict[Any, Future[Any]]:
        self.requests.append(len(resources))
        futures: dict[Any, Future[Any]] = {}
        for resource in resources:
            future: Future[Any] = Future()
            if resource.name == self.fail_on:
                future.set_exception(TimeoutError())
            else:
                future.set_result({
                    "retention.ms": Entry(f"1{resource.name}",
                                          ConfigSource.DYNAMIC_TOPIC_CONFIG),
                    "cleanup.policy": Entry("delete", ConfigSource.DEFAULT_CONFIG),
                    "sasl.secret": Entry(None, ConfigSource.DEFAULT_CONFIG),
                })
            futures[resource] = future
        return futures


def adapter(fake: FakeAdminClient, **kwargs: Any) -> KafkaAdmin:
    admin = KafkaAdmin({"bootstrap.servers": "127.0.0.1:1"}, 5, **kwargs)
    admin._admin = fake  # type: ignore[assignment]  # the fake answers what is used here
    return admin


def test_describe_configs_is_chunked_and_merged() -> None:
    fake = FakeAdminClient()
    topics = [f"t{i}" for i in range(2 * DESCRIBE_CONFIGS_CHUNK + 7)]
    configs = adapter(fake).describe_configs(topics)
    assert fake.requests == [DESCRIBE_CONFIGS_CHUNK, DESCRIBE_CONFIGS_CHUNK, 7]
    assert list(configs) == topics
    assert configs["t3"].set_on_topic == {"retention.ms": "1t3"}
    assert configs["t3"].effective == {"retention.ms": "1t3", "cleanup.policy": "delete"}


@pytest.mark.parametrize(("count", "chunk", "requests"),
                         [(0, 3, []), (1, 3, [1]), (3, 3, [3]), (4, 3, [3, 1])])
def test_chunk_boundaries(count: int, chunk: int, requests: list[int]) -> None:
    fake = FakeAdminClient()
    configs = adapter(fake, describe_chunk=chunk).describe_configs(
        [f"t{i}" for i in range(count)])
    assert fake.requests == requests
    assert len(configs) == count


def test_a_failed_topic_fails_the_read_naming_it() -> None:
    fake = FakeAdminClient(fail_on="t4")
    with pytest.raises(ProvisionError, match="cannot read the configs of topic t4: no answer"):
        adapter(fake, describe_chunk=3).describe_configs([f"t{i}" for i in range(6)])
