"""A real Apache Kafka (KRaft) cluster on loopback ports, for tests, benchmarks and trying evtctl.

The jars come from Maven Central through ``tests/kafka/fetch_kafka.sh`` (cached once). Every
node is a combined broker+controller with three listeners:

* ``PLAINTEXT`` — unauthenticated clients are ``User:ANONYMOUS``, a super user, so topic
  tests need no credentials;
* ``SASL_PLAINTEXT`` (PLAIN) — users ``admin`` (super user), ``alice`` and ``bob`` (no rights
  but those ACLs give them), so ACLs are really enforced for them;
* ``CONTROLLER`` — the KRaft quorum.

Run it by hand with ``python tests/kafka/local_kafka.py [--nodes 3]``.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

KAFKA_VERSION = os.environ.get("EVTCTL_KAFKA_VERSION", "4.4.0")
FETCH_SCRIPT = Path(__file__).with_name("fetch_kafka.sh")
SASL_USERS: Mapping[str, str] = {
    "admin": "admin-secret",
    "alice": "alice-secret",
    "bob": "bob-secret",
}
SUPER_USERS = ("User:ANONYMOUS", "User:admin")


class KafkaUnavailable(RuntimeError):
    """Java or the Kafka jars are missing: the cluster cannot be started here."""


def default_libs_dir() -> Path:
    explicit = os.environ.get("EVTCTL_KAFKA_LIBS")
    if explicit:
        return Path(explicit)
    return Path.home() / ".cache" / "evtctl" / f"kafka-{KAFKA_VERSION}" / "libs"


def find_kafka() -> tuple[str, Path]:
    """The java executable and the jar folder, or KafkaUnavailable saying what is missing."""
    java = shutil.which("java")
    if java is None:
        raise KafkaUnavailable("java is not on PATH (Kafka 4 needs Java 17 or newer)")
    libs = default_libs_dir()
    if not any(libs.glob(f"kafka_2.13-{KAFKA_VERSION}.jar")):
        raise KafkaUnavailable(
            f"Kafka {KAFKA_VERSION} jars are not in {libs}; run: bash {FETCH_SCRIPT}"
        )
    return java, libs


def free_ports(count: int) -> list[int]:
    """Ports free on 127.0.0.1 now (held open together so they are distinct)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass
class KafkaNode:
    node_id: int
    plaintext_port: int
    sasl_port: int
    controller_port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.directory / "server.log"

    @property
    def properties_file(self) -> Path:
        return self.directory / "server.properties"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


_LIVE: weakref.WeakSet[KafkaCluster] = weakref.WeakSet()


def _kill_all_at_exit() -> None:
    for cluster in list(_LIVE):
        cluster.kill()


atexit.register(_kill_all_at_exit)


class KafkaCluster:
    """One or more KRaft nodes sharing a cluster id; started, stopped and restarted as a unit
    or node by node (for fault tests)."""

    def __init__(
        self,
        *,
        nodes: int = 1,
        workdir: Path | None = None,
        heap: str = "512m",
        extra_properties: Mapping[str, str] | None = None,
    ) -> None:
        self.java, self.libs = find_kafka()
        self._own_workdir = workdir is None
        self.workdir = (Path(tempfile.mkdtemp(prefix="evtctl-kafka-")) if workdir is None
                        else workdir)
        self.heap = heap
        self.extra_properties = dict(extra_properties or {})
        ports = free_ports(3 * nodes)
        self.nodes = [
            KafkaNode(i + 1, ports[3 * i], ports[3 * i + 1], ports[3 * i + 2],
                      self.workdir / f"node-{i + 1}")
            for i in range(nodes)
        ]
        self.cluster_id = self._java_output("kafka.tools.StorageTool", "random-uuid").strip()
        self._formatted = False
        _LIVE.add(self)

    # -- addresses and client configs -------------------------------------------------------
    @property
    def bootstrap_servers(self) -> str:
        return ",".join(f"127.0.0.1:{n.plaintext_port}" for n in self.nodes)

    @property
    def sasl_bootstrap_servers(self) -> str:
        return ",".join(f"127.0.0.1:{n.sasl_port}" for n in self.nodes)

    def client_config(self) -> dict[str, str]:
        """librdkafka settings for the PLAINTEXT listener (a super user)."""
        return {"bootstrap.servers": self.bootstrap_servers}

    def sasl_client_config(self, user: str) -> dict[str, str]:
        """librdkafka settings for ``user`` on the SASL_PLAINTEXT listener."""
        return {
            "bootstrap.servers": self.sasl_bootstrap_servers,
            "security.protocol": "SASL_PLAINTEXT",
            "sasl.mechanism": "PLAIN",
            "sasl.username": user,
            "sasl.password": SASL_USERS[user],
        }

    # -- lifecycle ------------------------------------------------------------------------
    def start(self, timeout: float = 90.0) -> KafkaCluster:
        if not self._formatted:
            self._format()
        for node in self.nodes:
            if not node.running:
                self._spawn(node)
        self.wait_ready(timeout)
        return self

    def start_node(self, index: int, timeout: float = 60.0) -> None:
        node = self.nodes[index]
        if not node.running:
            self._spawn(node)
        self.wait_ready(timeout)

    def stop_node(self, index: int, timeout: float = 30.0) -> None:
        self._terminate(self.nodes[index], timeout)

    def kill_node(self, index: int) -> None:
        """SIGKILL: the node dies at once, requests in flight and all (a crash)."""
        process = self.nodes[index].process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def active_controller(self) -> int | None:
        """Index of the node that leads the KRaft quorum now (the active controller), from
        the quorum state every running voter keeps beside its metadata log."""
        best: tuple[int, int] | None = None  # (epoch, leader id)
        for node in self.nodes:
            if not node.running:
                continue
            state = node.directory / "data" / "__cluster_metadata-0" / "quorum-state"
            try:
                data = json.loads(state.read_text())
            except (OSError, ValueError):
                continue
            leader, epoch = int(data.get("leaderId", -1)), int(data.get("leaderEpoch", -1))
            if leader > 0 and (best is None or epoch > best[0]):
                best = (epoch, leader)
        if best is None:
            return None
        return next(i for i, n in enumerate(self.nodes) if n.node_id == best[1])

    def stop(self, timeout: float = 30.0) -> None:
        # Signal every node at once: stopped one by one, the last ones lose their quorum and
        # wait out their controlled-shutdown timeout.
        for node in self.nodes:
            if node.running and node.process is not None:
                node.process.send_signal(signal.SIGTERM)
        for node in self.nodes:
            self._terminate(node, timeout)

    def kill(self) -> None:
        for node in self.nodes:
            if node.running and node.process is not None:
                node.process.kill()
                node.process.wait()

    def close(self) -> None:
        self.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> KafkaCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wait_ready(self, timeout: float) -> None:
        """Block until every running node answers metadata requests."""
        from confluent_kafka.admin import AdminClient

        expected = sum(1 for n in self.nodes if n.running)
        admin = AdminClient({**self.client_config(), "log_level": "0"})
        deadline = time.monotonic() + timeout
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            for node in self.nodes:
                if node.process is not None and node.process.poll() is not None:
                    raise RuntimeError(
                        f"Kafka node {node.node_id} exited with {node.process.returncode}:\n"
                        + self.log_tail(node)
                    )
            try:
                metadata = admin.list_topics(timeout=2)
                if len(metadata.brokers) >= expected:
                    return
                last_error = f"{len(metadata.brokers)} of {expected} brokers registered"
            except Exception as error:
                last_error = str(error)
            time.sleep(0.2)
        raise RuntimeError(f"Kafka did not answer within {timeout:.0f}s ({last_error})")

    def log_tail(self, node: KafkaNode, lines: int = 40) -> str:
        try:
            return "\n".join(node.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # -- internals ------------------------------------------------------------------------
    def _classpath(self) -> str:
        return str(self.libs / "*")

    def _java_output(self, main: str, *args: str) -> str:
        result = subprocess.run(
            [self.java, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
             "-cp", self._classpath(), main, *args],
            capture_output=True, text=True, timeout=120, check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{main} {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def _properties(self, node: KafkaNode) -> dict[str, str]:
        voters = ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in self.nodes)
        jaas_users = " ".join(f'user_{u}="{p}"' for u, p in SASL_USERS.items())
        props = {
            "process.roles": "broker,controller",
            "node.id": str(node.node_id),
            "controller.quorum.voters": voters,
            "listeners": (f"PLAINTEXT://127.0.0.1:{node.plaintext_port},"
                          f"SASL_PLAINTEXT://127.0.0.1:{node.sasl_port},"
                          f"CONTROLLER://127.0.0.1:{node.controller_port}"),
            "advertised.listeners": (f"PLAINTEXT://127.0.0.1:{node.plaintext_port},"
                                     f"SASL_PLAINTEXT://127.0.0.1:{node.sasl_port}"),
            "listener.security.protocol.map": (
                "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT"),
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": str(node.directory / "data"),
            "auto.create.topics.enable": "false",
            "num.partitions": "1",
            "default.replication.factor": "1",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "transaction.state.log.num.partitions": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "super.users": ";".join(SUPER_USERS),
            "sasl.enabled.mechanisms": "PLAIN",
            "listener.name.sasl_plaintext.plain.sasl.jaas.config": (
                "org.apache.kafka.common.security.plain.PlainLoginModule required "
                f'username="admin" password="{SASL_USERS["admin"]}" {jaas_users};'),
        }
        props.update(self.extra_properties)
        return props

    def _format(self) -> None:
        for node in self.nodes:
            node.directory.mkdir(parents=True, exist_ok=True)
            node.properties_file.write_text(
                "".join(f"{k}={v}\n" for k, v in self._properties(node).items())
            )
            self._java_output("kafka.tools.StorageTool", "format", "-t", self.cluster_id,
                              "-c", str(node.properties_file))
        self._formatted = True

    def _spawn(self, node: KafkaNode) -> None:
        log = node.log.open("ab")
        try:
            node.process = subprocess.Popen(
                [self.java, f"-Xmx{self.heap}", "-Xms64m", "-XX:+UseSerialGC",
                 "-Djava.awt.headless=true",
                 "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                 "-cp", self._classpath(), "kafka.Kafka", str(node.properties_file)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()

    def _terminate(self, node: KafkaNode, timeout: float) -> None:
        process = node.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Run a local Kafka cluster until Ctrl-C.")
    parser.add_argument("--nodes", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        cluster = KafkaCluster(nodes=args.nodes)
    except KafkaUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with cluster:
        print(f"cluster id:        {cluster.cluster_id}")
        print(f"PLAINTEXT:         {cluster.bootstrap_servers}   (anonymous super user)")
        print(f"SASL_PLAINTEXT:    {cluster.sasl_bootstrap_servers}   "
              f"(PLAIN users: {', '.join(SASL_USERS)}; password <user>-secret)")
        print(f"data and logs:     {cluster.workdir}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("stopping")
    return 0


if __name__ == "__main__":
    sys.exit(main())
