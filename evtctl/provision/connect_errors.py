"""Why a connection to Kafka failed, in one sentence each, from what librdkafka reports.

librdkafka retries connections forever and, asked for a request, waits the whole request
timeout before saying "timed out" — whatever the cause. Its error callback, though, says at
once what happened to each connection attempt. ``ConnectWatch`` collects those reports and
decides, as soon as the answer is certain, that the connection cannot succeed:

* **SASL authentication failed** — the broker rejected the credentials (or the mechanism):
  certain at the first report;
* **connection refused**, **DNS failure**, **TLS failure** — certain once every bootstrap
  address has failed that way (another address may still answer);
* otherwise nothing is certain until the connect budget runs out: a **timeout**.

Pure: no Kafka import. Messages never hold a secret (the caller redacts them too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# "sasl_plaintext://127.0.0.1:9093/bootstrap: SASL authentication error: ..." or
# "127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: ..."
_BROKER_PREFIX = re.compile(
    r"^(?:[a-z_]+://)?(?P<address>[^\s/]+)/(?P<id>[^\s:]+): (?P<detail>.*)$", re.DOTALL)
_AFTER = re.compile(r"\s*\(after \d+ms in state [A-Z_]+\)\s*$")


class Cause(StrEnum):
    AUTHENTICATION = "sasl"
    TLS = "tls"
    DNS = "dns"
    REFUSED = "refused"
    TIMEOUT = "timeout"


@dataclass(frozen=True, slots=True)
class ConnectFailure:
    cause: Cause
    message: str
    hint: str


@dataclass
class ConnectWatch:
    """Collects librdkafka's error reports while connecting; ``failure()`` is the verdict."""

    config: Mapping[str, str]
    reports: list[tuple[str, str]] = field(default_factory=list)  # (error name, text)

    def report(self, name: str, text: str) -> None:
        self.reports.append((name, text))

    @property
    def bootstrap(self) -> list[str]:
        servers = self.config.get("bootstrap.servers", "")
        return [s.strip() for s in servers.split(",") if s.strip()]

    def failure(self) -> ConnectFailure | None:
        """The certain cause of failure, or None while the connection may still succeed."""
        by_address: dict[str, tuple[Cause, str]] = {}
        for name, text in self.reports:
            classified = classify(name, text)
            if classified is None:
                continue
            cause, address, detail = classified
            if cause is Cause.AUTHENTICATION:
                return self._describe(cause, address, detail)
            by_address[address] = (cause, detail)
        wanted = set(self.bootstrap)
        if not wanted or not wanted <= set(by_address):
            return None
        # Every address failed for certain: name the first address's cause.
        first = self.bootstrap[0]
        cause, detail = by_address[first]
        return self._describe(cause, first, detail, everywhere=len(wanted) > 1)

    def timeout(self, seconds: float) -> ConnectFailure:
        protocol = self.config.get("security.protocol", "PLAINTEXT").upper()
        return ConnectFailure(
            Cause.TIMEOUT,
            f"no answer from Kafka within {seconds:g}s (security.protocol {protocol})",
            "check the address and that security.protocol matches the listener (a client "
            "speaking PLAINTEXT to a SASL or TLS listener waits like this); --timeout SECONDS "
            "waits longer")

    def _describe(self, cause: Cause, address: str, detail: str, *,
                  everywhere: bool = False) -> ConnectFailure:
        # The error line already names the bootstrap servers; name an address only when
        # there are several.
        where = ("every bootstrap server" if everywhere else
                 address if len(self.bootstrap) > 1 else "")
        at = f" at {where}" if where else ""
        if cause is Cause.AUTHENTICATION:
            mechanism = self.config.get("sasl.mechanism", self.config.get("sasl.mechanisms",
                                                                          "GSSAPI"))
            user = self.config.get("sasl.username")
            who = f"user {user!r}" if user else "no user given"
            if "mechanism handshake failed" in detail:
                offered = detail.rsplit("supported mechanisms:", 1)[-1].strip() or "none"
                return ConnectFailure(
                    cause,
                    f"SASL authentication failed{at}: the listener does not offer "
                    f"mechanism {mechanism} ({who}; it offers: {offered})",
                    "point --bootstrap-server at the SASL listener, or set sasl.mechanism to "
                    "one it offers")
            return ConnectFailure(
                cause,
                f"SASL authentication failed{at}: mechanism {mechanism}, {who}: "
                f"{_reason(detail)}",
                "check sasl.username and sasl.password (the password is never printed)")
        if cause is Cause.TLS:
            return ConnectFailure(
                cause, f"TLS handshake failed{at}: {_reason(detail)}",
                "is it a TLS listener? check security.protocol, ssl.ca.location and the "
                "broker's certificate")
        if cause is Cause.DNS:
            host = address.rsplit(":", 1)[0]
            return ConnectFailure(
                cause, f"cannot resolve the host name {host!r}{at}",
                "check the host name in --bootstrap-server (or bootstrap.servers)")
        return ConnectFailure(
            cause, f"connection refused{at}",
            "is Kafka running there, and listening on that port?")


def classify(name: str, text: str) -> tuple[Cause, str, str] | None:
    """(cause, address, detail) for a report that is certain, else None."""
    match = _BROKER_PREFIX.match(text)
    if match is None:
        return None
    address, detail = match.group("address"), match.group("detail")
    if name == "_AUTHENTICATION":
        return Cause.AUTHENTICATION, address, detail
    if name == "_SSL" or "SSL handshake failed" in detail or "state SSL_HANDSHAKE" in detail:
        return Cause.TLS, address, detail
    if name == "_RESOLVE" or "Failed to resolve" in detail:
        return Cause.DNS, address, detail
    if name == "_TRANSPORT" and "Connection refused" in detail:
        return Cause.REFUSED, address, detail
    return None


def _reason(detail: str) -> str:
    """The broker's own words, without librdkafka's prefixes and state suffix."""
    text = _AFTER.sub("", detail)
    for prefix in ("SASL authentication error: ", "SSL handshake failed: "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return text.strip() or "no reason given"
