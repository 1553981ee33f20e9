"""Topic names: Kafka's legality rules and the organisation's grammar.

A topic name is ``<company>.<namespace>.<service>.<kind>[.<suffix>]`` where kind is
``events`` (optionally ``events.<model>``), ``commands``, ``results`` or
``private.<name>``; ``private.reply`` is the SAGA reply topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

KAFKA_MAX_TOPIC_LENGTH = 249
_LEGAL = re.compile(r"[A-Za-z0-9._-]+")
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


class TopicKind(StrEnum):
    EVENTS = "events"
    COMMANDS = "commands"
    RESULTS = "results"
    PRIVATE = "private"


@dataclass(frozen=True, slots=True)
class TopicName:
    company: str
    namespace: str
    service: str
    kind: TopicKind
    suffix: str | None

    @property
    def service_id(self) -> str:
        return f"{self.company}.{self.namespace}.{self.service}"

    @property
    def is_reply(self) -> bool:
        return self.kind is TopicKind.PRIVATE and self.suffix == "reply"


def kafka_name_problem(name: str) -> str | None:
    """Why Kafka would refuse this topic name, or None when it is legal."""
    if name in ("", ".", ".."):
        return f"{name!r} is not a legal topic name"
    if len(name) > KAFKA_MAX_TOPIC_LENGTH:
        return f"is {len(name)} characters long; Kafka allows at most {KAFKA_MAX_TOPIC_LENGTH}"
    if not _LEGAL.fullmatch(name):
        bad = sorted({c for c in name if not _LEGAL.fullmatch(c)})
        shown = ", ".join(repr(c) for c in bad[:5])
        return f"contains {shown}; Kafka allows only letters, digits, '.', '_' and '-'"
    return None


def collision_key(name: str) -> str:
    """Names with the same key collide in Kafka's metrics ('.' and '_' are the same there)."""
    return name.replace(".", "_")


def parse_topic_name(name: str) -> TopicName | None:
    """The parts of a name that follows the grammar, or None."""
    parts = name.split(".")
    if len(parts) < 4 or not all(_SEGMENT.fullmatch(p) for p in parts):
        return None
    company, namespace, service, kind, *rest = parts
    if kind == "events" and len(rest) <= 1:
        return TopicName(company, namespace, service, TopicKind.EVENTS, rest[0] if rest else None)
    if kind in ("commands", "results") and not rest:
        return TopicName(company, namespace, service, TopicKind(kind), None)
    if kind == "private" and len(rest) == 1:
        return TopicName(company, namespace, service, TopicKind.PRIVATE, rest[0])
    return None


def grammar_problem(name: str) -> str | None:
    """Why a (Kafka-legal) name does not follow the grammar, in words that say how to fix it."""
    if parse_topic_name(name) is not None:
        return None
    parts = name.split(".")
    if any(p == "" for p in parts):
        return "it has an empty segment ('..' or a leading or trailing '.')"
    if len(parts) < 4:
        return f"it has {len(parts)} segment{'s' if len(parts) != 1 else ''}, not 4 or more"
    kind = parts[3]
    if kind == "events":
        return "'events' takes at most one suffix (<service>.events.<model>)"
    if kind in ("commands", "results"):
        return f"'{kind}' takes no suffix"
    if kind == "private":
        return "'private' needs exactly one name after it (for example private.dlq, private.reply)"
    return f"the fourth segment {kind!r} is not a kind (events, commands, results, private)"
