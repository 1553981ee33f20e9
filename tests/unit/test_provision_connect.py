"""Connection failures told apart from librdkafka's error reports (the texts below are the
ones librdkafka 2.x gives; tests/integration proves them against the real broker)."""

from __future__ import annotations

import pytest

from evtctl.provision.connect_errors import Cause, ConnectWatch, classify

PLAIN = {"bootstrap.servers": "127.0.0.1:1"}
SASL = {"bootstrap.servers": "127.0.0.1:9093", "security.protocol": "SASL_PLAINTEXT",
        "sasl.mechanism": "PLAIN", "sasl.username": "alice", "sasl.password": "hunter2"}
REFUSED = ("_TRANSPORT", "127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: "
                         "Connection refused (after 0ms in state CONNECT)")
DOWN = ("_ALL_BROKERS_DOWN", "1/1 brokers are down")


def watch(config: dict[str, str], *reports: tuple[str, str]) -> ConnectWatch:
    w = ConnectWatch(config)
    for name, text in reports:
        w.report(name, text)
    return w


@pytest.mark.parametrize(("name", "text", "cause"), [
    (*REFUSED, Cause.REFUSED),
    ("_RESOLVE", "nohost:9092/bootstrap: Failed to resolve 'nohost:9092': Name or service not "
                 "known (after 1ms in state CONNECT)", Cause.DNS),
    ("_TRANSPORT", "ssl://127.0.0.1:9092/bootstrap: SSL handshake failed: Disconnected: SSL "
                   "connection closed by peer: connecting to a PLAINTEXT broker listener? "
                   "(after 1ms in state SSL_HANDSHAKE)", Cause.TLS),
    ("_SSL", "ssl://h:9093/bootstrap: SSL handshake failed: certificate verify failed",
     Cause.TLS),
    ("_AUTHENTICATION", "sasl_plaintext://127.0.0.1:9093/bootstrap: SASL authentication error: "
                        "Authentication failed: Invalid username or password (after 301ms in "
                        "state AUTH_REQ)", Cause.AUTHENTICATION),
])
def test_classify(name: str, text: str, cause: Cause) -> None:
    classified = classify(name, text)
    assert classified is not None and classified[0] is cause


@pytest.mark.parametrize("report", [DOWN, ("_TRANSPORT", "127.0.0.1:1/1: Disconnected"),
                                    ("_TIMED_OUT", "1 request(s) timed out")])
def test_reports_that_prove_nothing(report: tuple[str, str]) -> None:
    assert classify(*report) is None


def test_sasl_failure_names_mechanism_and_user_never_the_password() -> None:
    failure = watch(SASL, ("_AUTHENTICATION", "sasl_plaintext://127.0.0.1:9093/bootstrap: SASL "
                           "authentication error: Authentication failed: Invalid username or "
                           "password (after 301ms in state AUTH_REQ)")).failure()
    assert failure is not None
    assert failure.message == ("SASL authentication failed: mechanism PLAIN, user 'alice': "
                               "Authentication failed: Invalid username or password")
    assert "hunter2" not in failure.message + failure.hint


def test_a_refused_address_is_certain_only_when_every_address_refused() -> None:
    two = {"bootstrap.servers": "127.0.0.1:1,127.0.0.1:2"}
    assert watch(two, REFUSED, DOWN).failure() is None  # 127.0.0.1:2 may still answer
    other = ("_TRANSPORT", REFUSED[1].replace("127.0.0.1:1", "127.0.0.1:2"))
    failure = watch(two, REFUSED, other).failure()
    assert failure is not None and failure.cause is Cause.REFUSED
    assert failure.message == "connection refused at every bootstrap server"
    single = watch(PLAIN, REFUSED).failure()
    assert single is not None and single.message == "connection refused"


def test_nothing_certain_means_a_timeout_at_the_end() -> None:
    w = watch(PLAIN, DOWN)
    assert w.failure() is None
    timeout = w.timeout(10)
    assert timeout.cause is Cause.TIMEOUT
    assert timeout.message == "no answer from Kafka within 10s (security.protocol PLAINTEXT)"
