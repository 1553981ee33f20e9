"""The organisation as evtctl sees it: frozen values that know where they came from.

Every object has ``loc`` (where its mapping starts) and ``at(field)`` (where the value of
one of its keys is written), so any rule can point at the exact line and column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar, overload

from evtctl.findings import Location
from evtctl.naming import TopicKind, TopicName, parse_topic_name

__all__ = [
    "Consume",
    "Contract",
    "ContractVersion",
    "Deprecation",
    "EventRef",
    "FailedManifest",
    "Location",
    "Organisation",
    "Produce",
    "Service",
    "Topic",
]


_T = TypeVar("_T")


class FieldLocations(Mapping[str, Location]):
    """Where each key's value is written, as :class:`Location` values made on demand.

    Holds the file and the parser's (line, column) pairs; most fields are never pointed
    at, so building every Location up front was wasted work while loading."""

    __slots__ = ("_file", "_pos")

    def __init__(self, file: Path, pos: Mapping[str, tuple[int, int]]) -> None:
        self._file = file
        self._pos = pos

    def __getitem__(self, name: str) -> Location:
        line, column = self._pos[name]
        return Location(self._file, line, column)

    @overload
    def get(self, name: str, /) -> Location | None: ...
    @overload
    def get(self, name: str, /, default: Location | _T) -> Location | _T: ...

    def get(self, name: str, /, default: Any = None) -> Any:
        pos = self._pos.get(name)
        return default if pos is None else Location(self._file, pos[0], pos[1])

    def __iter__(self) -> Iterator[str]:
        return iter(self._pos)

    def __len__(self) -> int:
        return len(self._pos)

    def __repr__(self) -> str:
        return repr(dict(self))


@dataclass(frozen=True, slots=True)
class _Located:
    loc: Location
    field_locs: Mapping[str, Location]

    def at(self, name: str) -> Location:
        """Where the value of ``name`` is written (the object itself when absent)."""
        return self.field_locs.get(name, self.loc)


@dataclass(frozen=True, slots=True)
class Deprecation(_Located):
    sunset: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ContractVersion(_Located):
    version: int
    schema: str
    deprecated: Deprecation | None = None
    references: tuple[str, ...] = ()  # Avro: files of named types, relative to the manifest

    @property
    def schema_path(self) -> Path:
        """The schema file, relative to the manifest."""
        return self.loc.file.parent / self.schema

    @property
    def reference_paths(self) -> tuple[Path, ...]:
        return tuple(self.loc.file.parent / ref for ref in self.references)


@dataclass(frozen=True, slots=True)
class Contract(_Located):
    name: str
    versions: tuple[ContractVersion, ...]
    compatibility: str | None = None
    description: str | None = None
    schema_type: str | None = None  # JSON, AVRO or PROTOBUF; None: from each file's extension
    message: str | None = None  # Protobuf: the message the contract is (None: the first)
    subject_strategy: str | None = None  # evtctl registry: overrides the project's strategy
    key_versions: tuple[ContractVersion, ...] = ()  # the record key's schema, if registered
    incomplete: bool = False  # a version entry could not be read (the loader reported it)

    def version(self, number: int) -> ContractVersion | None:
        return next((v for v in self.versions if v.version == number), None)


@dataclass(frozen=True, slots=True)
class Topic(_Located):
    name: str
    contracts: tuple[Contract, ...] = ()
    partitions: int | None = None
    replication_factor: int | None = None
    config: Mapping[str, str] = field(default_factory=dict)
    incomplete: bool = False  # a contract entry could not be read (the loader reported it)

    @property
    def parsed(self) -> TopicName | None:
        return parse_topic_name(self.name)

    @property
    def kind(self) -> TopicKind | None:
        parsed = self.parsed
        return parsed.kind if parsed else None

    def contract(self, name: str) -> Contract | None:
        return next((c for c in self.contracts if c.name == name), None)


@dataclass(frozen=True, slots=True)
class EventRef(_Located):
    """An event named in consumes/produces, optionally pinned: ``Name`` or ``Name@3``."""

    name: str
    version: int | None = None

    def __str__(self) -> str:
        return self.name if self.version is None else f"{self.name}@{self.version}"


@dataclass(frozen=True, slots=True)
class Consume(_Located):
    topic: str
    events: tuple[EventRef, ...] | None = None  # None: every event on the topic
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Produce(_Located):
    topic: str
    events: tuple[EventRef, ...] | None = None
    reply_topic: str | None = None


@dataclass(frozen=True, slots=True)
class Service(_Located):
    company: str
    namespace: str
    name: str
    topics: tuple[Topic, ...] = ()
    consumes: tuple[Consume, ...] = ()
    produces: tuple[Produce, ...] = ()
    owner: str | None = None
    description: str | None = None
    document: int = 0  # index of the YAML document in its file
    # A topic, consumes or produces entry could not be read (the loader reported it), so
    # what this service declares is known only in part.
    incomplete: bool = False

    @property
    def id(self) -> str:
        return f"{self.company}.{self.namespace}.{self.name}"

    @property
    def file(self) -> Path:
        return self.loc.file

    def group_id(self, consume: Consume) -> str:
        """The consumer group a subscription uses (the service id unless set)."""
        return consume.group or self.id


@dataclass(frozen=True, slots=True)
class FailedManifest:
    """A YAML document that is (or looks like) a manifest but did not load.

    The loader reports why (``rule``, ``reason`` at ``location``). What could still be read
    from it is kept so that other manifests' references to it are not reported as if it did
    not exist: the service id from its metadata and the topic names it declares. ``complete``
    says whether ``topics`` is the whole list (read from the parsed document) or only what
    could be picked out of text that does not parse."""

    location: Location
    rule: str
    reason: str
    service_id: str | None = None
    topics: tuple[str, ...] = ()
    complete: bool = False

    @property
    def file(self) -> Path:
        return self.location.file

    @property
    def identified(self) -> bool:
        """Something is known of what it declares (a service id or topic names)."""
        return self.service_id is not None or bool(self.topics)

    def may_declare(self, topic: str) -> bool:
        """Whether this manifest declares, or may declare, ``topic``."""
        if topic in self.topics:
            return True
        if not self.identified:
            return True
        if self.complete or self.service_id is None:
            return False
        parsed = parse_topic_name(topic)
        return parsed is not None and parsed.service_id == self.service_id


@dataclass(frozen=True)
class Organisation:
    """All services found, in discovery order, and the manifests that failed to load."""

    services: tuple[Service, ...]
    failed: tuple[FailedManifest, ...] = ()

    @cached_property
    def _owners(self) -> dict[str, tuple[Service, Topic]]:
        owners: dict[str, tuple[Service, Topic]] = {}
        for service in self.services:
            for topic in service.topics:
                owners.setdefault(topic.name, (service, topic))
        return owners

    def topic_owners(self) -> dict[str, tuple[Service, Topic]]:
        """Topic name → its (first) declaring service and the declaration."""
        return self._owners

    def owner_of(self, topic: str) -> tuple[Service, Topic] | None:
        return self._owners.get(topic)

    def topics(self) -> Iterator[tuple[Service, Topic]]:
        for service in self.services:
            for topic in service.topics:
                yield service, topic

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def service_ids(self) -> list[str]:
        """The distinct service ids, in discovery order (a copied manifest counts once)."""
        return list(dict.fromkeys(s.id for s in self.services))

    def failed_declarer(self, topic: str) -> FailedManifest | None:
        """The failed manifest that declares (or may declare) ``topic``, when the topic is
        not declared by a manifest that loaded. Identified manifests come first: an
        unreadable one "may declare" anything."""
        if not self.failed or topic in self._owners:
            return None
        found = [f for f in self.failed if f.may_declare(topic)]
        found.sort(key=lambda f: not f.identified)
        return found[0] if found else None
