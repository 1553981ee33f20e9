"""Who owns, publishes to and subscribes to each topic: the organisation's graph."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from evtctl.manifest.model import Consume, Organisation, Produce, Service
from evtctl.naming import TopicKind, TopicName, parse_topic_name


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
    out: dict[str, set[str]] = {}
    for service in org.services:
        for produce in service.produces:
            owner = org.owner_of(produce.topic)
            parsed = parse_topic_name(produce.topic)
            if owner is not None and parsed is not None and parsed.kind is TopicKind.COMMANDS:
                out.setdefault(service.id, set()).add(owner[0].id)
    return out


def links(org: Organisation) -> Iterator[tuple[Service, Consume | Produce, str]]:
    """Every subscription and every send: (service, the entry, "consumes"/"produces")."""
    for service in org.services:
        for consume in service.consumes:
            yield service, consume, "consumes"
        for produce in service.produces:
            yield service, produce, "produces"
