"""Who owns, publishes to and subscribes to each topic: the organisation's graph."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from evtctl.manifest.model import Consume, Organisation, Produce, Service
from evtctl.naming import TopicKind, TopicName


@dataclass(frozen=True, slots=True)
class Access:
    """What the kind of a topic allows other services to do with it."""

    others_publish: bool
    others_subscribe: bool


def access(parsed: TopicName) -> Access:
    if parsed.kind is TopicKind.COMMANDS:
        return Access(others_publish=True, others_subscribe=False)
    if parsed.kind is TopicKind.PRIVATE:
        # private.reply is written by the services its owner sends commands to; the
        # publisher rule checks that relation.
        return Access(others_publish=parsed.is_reply, others_subscribe=False)
    return Access(others_publish=False, others_subscribe=True)  # events, results


def command_recipients(org: Organisation) -> dict[str, set[str]]:
    """Sender service id → ids of the services whose commands topic it writes to."""
    from evtctl.graph import graph_of

    return graph_of(org).command_recipients()


def links(org: Organisation) -> Iterator[tuple[Service, Consume | Produce, str]]:
    """Every subscription and every send: (service, the entry, "consumes"/"produces").

    Read from the organisation's graph (:mod:`evtctl.graph`), in manifest order, every
    declaration of a service included."""
    from evtctl.graph import graph_of

    for edge in graph_of(org).declared():
        assert edge.entry is not None
        yield edge.service, edge.entry, edge.verb
