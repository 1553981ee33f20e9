"""Fixtures for tests against a real Kafka broker.

One single-node cluster serves the whole session (every test uses its own topic names, under a
per-test company prefix); the three-node cluster starts only when a test first asks for it.
Without Java or the Kafka jars these tests fail under CI (``CI`` set) and are skipped elsewhere.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kafka"))

from cli_runner import CliResult, run_cli
from local_kafka import KafkaCluster, KafkaUnavailable


def _start(nodes: int, heap: str, extra: Mapping[str, str] | None = None) -> KafkaCluster:
    try:
        cluster = KafkaCluster(nodes=nodes, heap=heap, extra_properties=extra)
    except KafkaUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"Kafka tests cannot run in CI: {error}", pytrace=False)
        pytest.skip(f"no local Kafka: {error}")
    return cluster.start()


@pytest.fixture(scope="session")
def kafka() -> Iterator[KafkaCluster]:
    """A single combined broker+controller, with an ACL authorizer and a SASL listener."""
    cluster = _start(1, "512m")
    yield cluster
    cluster.close()


@pytest.fixture(scope="session")
def kafka3() -> Iterator[KafkaCluster]:
    """A three-node cluster, started lazily for the tests about replication and faults.
    A stopped broker is fenced after 3 s instead of 9 s, so node-down tests wait less."""
    cluster = _start(3, "320m", {"broker.session.timeout.ms": "3000",
                                 "broker.heartbeat.interval.ms": "500"})
    yield cluster
    cluster.close()


@pytest.fixture
def company() -> str:
    """A company segment no other test uses, so topic names never collide."""
    return "t" + uuid.uuid4().hex[:10]


@dataclass
class Org:
    """Writes service manifests (and an optional evtctl.yaml) into a folder."""

    root: Path
    company: str
    namespace: str = "ns"
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)

    def topic(self, service: str, kind: str) -> str:
        return f"{self.company}.{self.namespace}.{service}.{kind}"

    def service(self, name: str, topics: Sequence[Mapping[str, Any]] = (),
                consumes: Sequence[Mapping[str, Any]] = (),
                produces: Sequence[Mapping[str, Any]] = ()) -> Path:
        document: dict[str, Any] = {
            "apiVersion": "evtctl/v1",
            "kind": "Service",
            "metadata": {"company": self.company, "namespace": self.namespace, "name": name},
        }
        if topics:
            document["topics"] = [dict(t) for t in topics]
        if consumes:
            document["consumes"] = [dict(c) for c in consumes]
        if produces:
            document["produces"] = [dict(p) for p in produces]
        path = self.root / "services" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(document, sort_keys=False))
        return path

    def environment(self, name: str, **settings: Any) -> None:
        self.environments[name] = settings
        (self.root / "evtctl.yaml").write_text(
            yaml.safe_dump({"version": 1, "environments": self.environments}, sort_keys=False))

    @property
    def paths(self) -> list[str]:
        return [str(self.root / "services")]


@pytest.fixture
def org(tmp_path: Path, company: str) -> Org:
    return Org(tmp_path, company)


@pytest.fixture
def provision(kafka: KafkaCluster, org: Org) -> Any:
    """Run ``evtctl provision`` on the org against the session broker."""

    def run(*args: str, paths: Sequence[str] | None = None) -> CliResult:
        return run_cli([*(org.paths if paths is None else paths),
                        "--bootstrap-server", kafka.bootstrap_servers, "--timeout", "10",
                        *args])

    return run
