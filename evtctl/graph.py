"""The organisation as one typed graph: services, topics, contracts, and who uses what.

Built once per organisation (:func:`graph_of` remembers it) and read by every feature that
asks "who uses this topic": lint's reference and ownership rules, diff's blast radius and
link changes, the drawings (``evtctl graph``), the catalogue and the AsyncAPI export.

Nodes are services (by id), topics (by name; a topic that is used but declared by no
manifest is a node too, ``declared=False``) and contracts (topic, event name). Edges go
from a service to a topic and say what the service does with it:

* ``publish``: writes facts (events, results) or its own private records;
* ``consume``: subscribes, in a consumer group;
* ``send``: writes commands to a ``commands`` topic (with the reply topic it expects);
* ``reply``: writes answers to another service's ``private.reply`` topic.

Edges that a manifest declares (``consumes`` / ``produces``) carry the manifest entry, so a
finding can point at it. Ownership implies two more kinds of edge, marked ``implied``: the
owner publishes on its ``events``, ``results`` and private topics, and consumes its own
``commands`` topic (in its default group). A service declared twice (lint's EVT103)
contributes its edges from every declaration; :meth:`OrgGraph.service` is the first one,
and ``primary`` on an edge says whether it comes from that first declaration.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from evtctl.manifest.model import (
    Consume,
    Contract,
    ContractVersion,
    EventRef,
    Organisation,
    Produce,
    Service,
    Topic,
)
from evtctl.naming import TopicKind, TopicName, parse_topic_name

__all__ = [
    "ContractNode",
    "Edge",
    "EdgeKind",
    "OrgGraph",
    "ServiceNode",
    "TopicNode",
    "graph_of",
]


class EdgeKind(StrEnum):
    PUBLISH = "publish"
    CONSUME = "consume"
    SEND = "send"
    REPLY = "reply"

    @property
    def writes(self) -> bool:
        return self is not EdgeKind.CONSUME


@dataclass(frozen=True, slots=True, eq=False)
class ServiceNode:
    service: Service  # the first declaration of this id

    @property
    def id(self) -> str:
        return self.service.id

    @property
    def namespace(self) -> str:
        return self.service.namespace

    @property
    def owner(self) -> str | None:
        return self.service.owner


@dataclass(frozen=True, slots=True, eq=False)
class ContractNode:
    topic: str
    contract: Contract
    owner: str  # the owning service id

    @property
    def name(self) -> str:
        return self.contract.name

    @property
    def key(self) -> tuple[str, str]:
        return (self.topic, self.contract.name)

    @property
    def versions(self) -> tuple[ContractVersion, ...]:
        return self.contract.versions

    @property
    def deprecated(self) -> tuple[ContractVersion, ...]:
        return tuple(v for v in self.contract.versions if v.deprecated is not None)


@dataclass(frozen=True, slots=True, eq=False)
class TopicNode:
    name: str
    declaration: Topic | None  # None: used by some service, declared by no manifest
    owner: str | None  # the declaring service id (the first one, if declared twice)
    parsed: TopicName | None
    contracts: tuple[ContractNode, ...] = ()

    @property
    def declared(self) -> bool:
        return self.declaration is not None

    @property
    def kind(self) -> TopicKind | None:
        return self.parsed.kind if self.parsed else None

    @property
    def is_reply(self) -> bool:
        return self.parsed is not None and self.parsed.is_reply

    @property
    def namespace(self) -> str | None:
        """The namespace of the owner (or, when undeclared, the one the name says)."""
        if self.owner is not None:
            return self.owner.split(".")[1]
        return self.parsed.namespace if self.parsed else None

    def contract(self, name: str) -> ContractNode | None:
        return next((c for c in self.contracts if c.name == name), None)


@dataclass(frozen=True, slots=True, eq=False)
class Edge:
    """What one service does with one topic, as one manifest entry says (or ownership implies)."""

    kind: EdgeKind
    service: Service  # the declaration the edge comes from
    topic: str
    events: tuple[EventRef, ...] | None  # None: every event on the topic
    entry: Consume | Produce | None  # None: implied by ownership
    group: str | None = None  # consume: the consumer group in effect
    reply_topic: str | None = None  # send: where answers are expected
    primary: bool = True  # from the first declaration of the service id

    @property
    def implied(self) -> bool:
        return self.entry is None

    @property
    def verb(self) -> str:
        """``consumes`` or ``produces``: the manifest list the entry is in."""
        return "consumes" if self.kind is EdgeKind.CONSUME else "produces"

    @property
    def event_names(self) -> tuple[str, ...] | None:
        return None if self.events is None else tuple(str(e) for e in self.events)

    def uses(self, contract: str | None = None, version: int | None = None) -> bool:
        """True when the edge concerns ``contract`` (pinned to ``version`` when given).

        A use of every event concerns every contract but pins no version."""
        if self.events is None:
            return version is None
        return any((contract is None or e.name == contract)
                   and (version is None or e.version == version) for e in self.events)

    def matching(self, contract: str | None = None,
                 version: int | None = None) -> tuple[str, ...] | None:
        """The events of the edge that concern the contract (None: every event)."""
        if self.events is None:
            return None
        return tuple(str(e) for e in self.events
                     if (contract is None or e.name == contract)
                     and (version is None or e.version == version))


@dataclass
class OrgGraph:
    """Services, topics and contracts with every edge between them, indexed both ways."""

    org: Organisation
    services: dict[str, ServiceNode] = field(default_factory=dict)
    topics: dict[str, TopicNode] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    _by_topic: dict[str, list[Edge]] = field(default_factory=dict, repr=False)
    _by_service: dict[str, list[Edge]] = field(default_factory=dict, repr=False)

    # --- lookups -------------------------------------------------------------------

    def service(self, service_id: str) -> Service | None:
        node = self.services.get(service_id)
        return node.service if node else None

    def topic(self, name: str) -> TopicNode | None:
        return self.topics.get(name)

    def owner_of(self, topic: str) -> str | None:
        node = self.topics.get(topic)
        return node.owner if node else None

    def contracts(self) -> Iterator[ContractNode]:
        for topic in self.topics.values():
            yield from topic.contracts

    def on_topic(self, topic: str) -> tuple[Edge, ...]:
        """Every edge on a topic, implied ones included, in manifest order."""
        return tuple(self._by_topic.get(topic, ()))

    def of_service(self, service_id: str) -> tuple[Edge, ...]:
        """Every edge of a service (all its declarations), in manifest order."""
        return tuple(self._by_service.get(service_id, ()))

    def declared(self) -> Iterator[Edge]:
        """The edges manifests declare (consumes and produces entries), in manifest order."""
        return (e for e in self.edges if e.entry is not None)

    def users(self, topic: str, contract: str | None = None, version: int | None = None,
              *, include_owner: bool = False) -> tuple[Edge, ...]:
        """Declared edges (first declarations) on a topic that concern the contract/version."""
        owner = self.owner_of(topic)
        return tuple(e for e in self._by_topic.get(topic, ())
                     if e.entry is not None and e.primary
                     and (include_owner or e.service.id != owner)
                     and e.uses(contract, version))

    def pins(self, topic: str, contract: str) -> dict[int | None, list[Edge]]:
        """Version → the declared edges that pin it (None: use the contract without a pin)."""
        out: dict[int | None, list[Edge]] = {}
        for e in self._by_topic.get(topic, ()):
            if e.entry is None or not e.primary:
                continue
            if e.events is None:
                out.setdefault(None, []).append(e)
                continue
            for ref in e.events:
                if ref.name == contract:
                    out.setdefault(ref.version, []).append(e)
        return out

    def command_recipients(self) -> dict[str, set[str]]:
        """Sender id → ids of the services whose commands topics it writes to."""
        out: dict[str, set[str]] = {}
        for e in self.edges:
            if e.kind is EdgeKind.SEND and e.entry is not None:
                owner = self.owner_of(e.topic)
                if owner is not None:
                    out.setdefault(e.service.id, set()).add(owner)
        return out

    def neighbours(self, service_id: str) -> set[str]:
        """Services that share a topic with this one (either direction)."""
        out: set[str] = set()
        for e in self._by_service.get(service_id, ()):
            out.update(o.service.id for o in self._by_topic.get(e.topic, ()))
        out.discard(service_id)
        return out

    # --- building ------------------------------------------------------------------

    def _add(self, edge: Edge) -> None:
        self.edges.append(edge)
        self._by_topic.setdefault(edge.topic, []).append(edge)
        self._by_service.setdefault(edge.service.id, []).append(edge)


def build_graph(org: Organisation) -> OrgGraph:
    """The graph of ``org`` (use :func:`graph_of` to share one per organisation)."""
    g = OrgGraph(org)
    for service in org.services:
        g.services.setdefault(service.id, ServiceNode(service))
    for service, topic in org.topics():
        if topic.name in g.topics:
            continue
        contracts = tuple(ContractNode(topic.name, c, service.id) for c in topic.contracts)
        g.topics[topic.name] = TopicNode(topic.name, topic, service.id,
                                         parse_topic_name(topic.name), contracts)
    for service in org.services:
        primary = g.services[service.id].service is service
        mine: set[tuple[EdgeKind, str]] = set()
        for consume in service.consumes:
            _undeclared(g, consume.topic)
            g._add(Edge(EdgeKind.CONSUME, service, consume.topic, consume.events, consume,
                        group=service.group_id(consume), primary=primary))
            mine.add((EdgeKind.CONSUME, consume.topic))
        for produce in service.produces:
            _undeclared(g, produce.topic)
            kind = _write_kind(g.topics[produce.topic], service.id)
            g._add(Edge(kind, service, produce.topic, produce.events, produce,
                        reply_topic=produce.reply_topic, primary=primary))
            mine.add((kind, produce.topic))
        for topic in service.topics:
            if g.topics[topic.name].owner != service.id:
                continue  # declared twice by different services: the first owner's edges
            edge = _implied(service, topic, primary)
            if (edge.kind, edge.topic) not in mine:
                g._add(edge)
    return g


def _implied(service: Service, topic: Topic, primary: bool) -> Edge:
    """What owning a topic means: the owner reads its commands and its reply topic, and
    writes everything else (events, results, its other private topics)."""
    parsed = parse_topic_name(topic.name)
    if parsed is not None and (parsed.kind is TopicKind.COMMANDS or parsed.is_reply):
        return Edge(EdgeKind.CONSUME, service, topic.name, None, None, group=service.id,
                    primary=primary)
    return Edge(EdgeKind.PUBLISH, service, topic.name, None, None, primary=primary)


def _write_kind(topic: TopicNode, writer: str) -> EdgeKind:
    if topic.kind is TopicKind.COMMANDS:
        return EdgeKind.SEND
    if topic.is_reply and topic.owner != writer:
        return EdgeKind.REPLY
    return EdgeKind.PUBLISH


def _undeclared(g: OrgGraph, name: str) -> None:
    if name not in g.topics:
        g.topics[name] = TopicNode(name, None, None, parse_topic_name(name))


_GRAPHS: dict[int, OrgGraph] = {}


def graph_of(org: Organisation) -> OrgGraph:
    """The graph of ``org``, built on first use and shared while ``org`` lives."""
    found = _GRAPHS.get(id(org))
    if found is not None and found.org is org:
        return found
    built = _GRAPHS[id(org)] = build_graph(org)
    weakref.finalize(org, _GRAPHS.pop, id(org), None)
    return built


def services_in(graph: OrgGraph, namespaces: Iterable[str]) -> list[str]:
    wanted = set(namespaces)
    return [sid for sid, node in graph.services.items() if node.namespace in wanted]
