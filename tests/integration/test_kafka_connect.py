"""Connection errors in seconds, each its own message, against the real broker: a closed
port, a host name that does not resolve, TLS spoken to a PLAINTEXT listener, a wrong SASL
password, and a server that accepts connections but never answers (a timeout)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from brokerstate import topic_partitions
from cli_runner import CliResult, run_cli
from local_kafka import free_ports

pytestmark = pytest.mark.kafka

# The default connect budget is 10 s; a certain cause must be told well before it runs out.
FAST = 8.0


def connect(org: Any, server: str, *extra: str, env: dict[str, str] | None = None
            ) -> tuple[CliResult, float]:
    org.service("orders", topics=[{"name": org.topic("orders", "events")}])
    start = time.monotonic()
    result = run_cli([*org.paths, "--bootstrap-server", server, *extra], env=env)
    return result, time.monotonic() - start


def lines(result: CliResult) -> list[str]:
    return result.stderr.splitlines()


def test_closed_port(org: Any) -> None:
    port = free_ports(1)[0]
    result, seconds = connect(org, f"127.0.0.1:{port}")
    assert result.exit_code == 2
    assert lines(result) == [f"evtctl: error: kafka 127.0.0.1:{port}: connection refused",
                             "hint: is Kafka running there, and listening on that port?"]
    assert seconds < FAST


def test_host_name_that_does_not_resolve(org: Any) -> None:
    result, seconds = connect(org, "no-such-broker.invalid:9092")
    assert result.exit_code == 2
    assert lines(result)[0] == ("evtctl: error: kafka no-such-broker.invalid:9092: cannot "
                                "resolve the host name 'no-such-broker.invalid'")
    assert seconds < FAST


def test_tls_to_a_plaintext_listener(kafka: Any, org: Any) -> None:
    server = kafka.bootstrap_servers
    result, seconds = connect(org, server, env={"EVTCTL_KAFKA_SECURITY_PROTOCOL": "SSL"})
    assert result.exit_code == 2
    first = lines(result)[0]
    assert first.startswith(f"evtctl: error: kafka {server}: TLS handshake failed: ")
    assert lines(result)[1].startswith("hint: is it a TLS listener?")
    assert seconds < FAST


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts TCP connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    server.close()


def test_timeout_is_the_connect_budget(org: Any, silent_server: str) -> None:
    result, seconds = connect(org, silent_server, "--timeout", "2")
    assert result.exit_code == 2
    assert lines(result)[0] == (f"evtctl: error: kafka {silent_server}: no answer from Kafka "
                                "within 2s (security.protocol PLAINTEXT)")
    assert lines(result)[1].startswith("hint: check the address and that security.protocol")
    assert 2 <= seconds < 2 + FAST


def sasl_properties(tmp_path: Path, password: str) -> Path:
    properties = tmp_path / "admin.properties"
    properties.write_text(
        "# like kafka-topics.sh --command-config\n"
        "security.protocol=SASL_PLAINTEXT\n"
        "sasl.mechanism=PLAIN\n"
        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n"
        f'    username="admin" password="{password}";\n')
    return properties


def test_sasl_through_command_config(kafka: Any, org: Any, tmp_path: Path) -> None:
    name = org.topic("orders", "events")
    org.service("orders", topics=[{"name": name}])
    args = [*org.paths, "--bootstrap-server", kafka.sasl_bootstrap_servers,
            "--command-config", str(sasl_properties(tmp_path, "admin-secret"))]
    result = run_cli([*args, "--apply", "--yes"])
    assert result.exit_code == 0, result.stderr
    assert topic_partitions(kafka, name) == 1


def test_wrong_sasl_password(kafka: Any, org: Any, tmp_path: Path) -> None:
    server = kafka.sasl_bootstrap_servers
    properties = sasl_properties(tmp_path, "admin-secret")
    result, seconds = connect(org, server, "--command-config", str(properties),
                              env={"EVTCTL_KAFKA_SASL_PASSWORD": "not-the-password"})
    assert result.exit_code == 2
    assert lines(result) == [
        f"evtctl: error: kafka {server}: SASL authentication failed: mechanism PLAIN, user "
        "'admin': Authentication failed: Invalid username or password",
        "hint: check sasl.username and sasl.password (the password is never printed)"]
    assert "not-the-password" not in result.stderr + result.stdout
    assert "admin-secret" not in result.stderr + result.stdout
    assert seconds < FAST
