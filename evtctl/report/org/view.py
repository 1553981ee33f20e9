"""The part of the organisation graph a drawing shows: filters, then drawable edges.

Every drawing (Mermaid, DOT, JSON, the catalogue's flow) renders a :class:`View`. A view
holds services and topics as nodes and one :class:`Arrow` per (service, topic, kind): the
direction follows the data (a writer points at the topic, a topic points at its readers),
the label lists the events (``Name@N`` when pinned), and the flow says how to draw it:
``fact`` (events, results, private records), ``command`` (anything on a ``commands``
topic) or ``reply`` (anything on a ``private.reply`` topic).

Filters: ``services`` and ``namespaces`` select services, ``topics`` select topics; the
neighbourhood then grows ``depth`` service hops (a hop is service → topic → service; the
topics a selected service touches are always in). ``kinds`` keeps only topics of those
kinds (``events``, ``commands``, ``results``, ``private``, ``reply``), applied last.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from evtctl.graph import Edge, EdgeKind, OrgGraph, TopicNode
from evtctl.naming import TopicKind

KINDS = ("events", "commands", "results", "private", "reply")
MAX_LABEL_EVENTS = 4


class ViewError(Exception):
    """A filter names something the organisation does not have (one line for the user)."""


@dataclass(frozen=True)
class Filters:
    services: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    depth: int | None = None

    @property
    def seeded(self) -> bool:
        return bool(self.services or self.namespaces or self.topics)


@dataclass(frozen=True)
class Arrow:
    service: str
    topic: str
    kind: EdgeKind
    flow: str  # "fact", "command" or "reply"
    events: tuple[str, ...] | None  # None: every event
    label: str
    deprecated: tuple[str, ...] = ()  # the pinned references to deprecated versions
    implied: bool = False
    groups: tuple[str, ...] = ()
    mark: str | None = None  # set by diff: "added", "removed", "changed", "affected"

    @property
    def writes(self) -> bool:
        return self.kind.writes

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.service, self.topic, self.kind.value)


@dataclass
class View:
    graph: OrgGraph
    services: list[str] = field(default_factory=list)  # sorted ids
    topics: list[str] = field(default_factory=list)  # sorted names
    arrows: list[Arrow] = field(default_factory=list)

    def namespaces(self) -> list[str]:
        spaces = {self.graph.services[s].namespace for s in self.services
                  if s in self.graph.services}
        spaces.update(ns for t in self.topics
                      if (ns := _topic_namespace(self.graph.topics[t])) is not None)
        return sorted(spaces)

    def namespace_of_service(self, sid: str) -> str | None:
        node = self.graph.services.get(sid)
        return node.namespace if node else None

    def namespace_of_topic(self, name: str) -> str | None:
        return _topic_namespace(self.graph.topics[name])


def _topic_namespace(topic: TopicNode) -> str | None:
    # Only declared topics sit inside a namespace; an undeclared one stands apart.
    return topic.namespace if topic.declared else None


def flow_of(topic: TopicNode) -> str:
    if topic.kind is TopicKind.COMMANDS:
        return "command"
    if topic.is_reply:
        return "reply"
    return "fact"


def topic_matches_kind(topic: TopicNode, kinds: Iterable[str]) -> bool:
    wanted = set(kinds)
    if not wanted:
        return True
    if topic.is_reply and "reply" in wanted:
        return True
    return topic.kind is not None and topic.kind.value in wanted


def check_filters(graph: OrgGraph, f: Filters) -> Filters:
    """The filters with each service named by its id; ViewError for a filter that names
    nothing in the organisation. A service may be given by its id
    (``company.namespace.name``), or by ``namespace.name`` or ``name`` when one service
    alone has it."""
    for kind in f.kinds:
        if kind not in KINDS:
            raise ViewError(f"--kind {kind!r}: choose from {', '.join(KINDS)}")
    if f.depth is not None and f.depth < 0:
        raise ViewError(f"--depth {f.depth}: give 0 or more service hops")
    if f.depth is not None and not f.seeded:
        raise ViewError("--depth needs --service, --namespace or --topic to start from")
    spaces = sorted({n.namespace for n in graph.services.values()})
    f = replace(f, services=tuple(_service_id(graph, name) for name in f.services))
    _known("--service", f.services, list(graph.services))
    _known("--namespace", f.namespaces, spaces)
    _known("--topic", f.topics, list(graph.topics))
    return f


def _service_id(graph: OrgGraph, name: str) -> str:
    if name in graph.services:
        return name
    ending = f".{name}"
    matches = sorted(s for s in graph.services if s.endswith(ending))
    if len(matches) > 1:
        raise ViewError(f"--service {name!r}: more than one service has that name "
                        f"({', '.join(matches)}); give its full id")
    return matches[0] if matches else name


def _known(option: str, given: Sequence[str], known: list[str]) -> None:
    have = set(known)
    for name in given:
        if name not in have:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else (
                f"; known: {', '.join(sorted(known)[:8])}{', ...' if len(known) > 8 else ''}"
                if known else "; the organisation is empty")
            raise ViewError(f"{option} {name!r}: not in the organisation{hint}")


def select(graph: OrgGraph, f: Filters = Filters()) -> View:
    """The view the filters ask for (call :func:`check_filters` first for user input)."""
    if f.seeded:
        services, topics = _neighbourhood(graph, f)
    else:
        services = set(graph.services)
        topics = set(graph.topics)
    topics = {t for t in topics if topic_matches_kind(graph.topics[t], f.kinds)}
    arrows = arrows_for(graph, (e for e in graph.edges
                                if e.service.id in services and e.topic in topics))
    if f.kinds:
        # A service left without any arrow of the kinds asked for is not drawn.
        services = {a.service for a in arrows} | (set(f.services) & services)
    return View(graph, sorted(services), sorted(topics), arrows)


def _neighbourhood(graph: OrgGraph, f: Filters) -> tuple[set[str], set[str]]:
    """A breadth-first walk over services and topics from the seeds, with a budget of steps
    per seed: 2 per service hop from a service, one less from a topic (its services are
    its first hop)."""
    depth = 1 if f.depth is None else f.depth
    seeds = set(f.services)
    seeds.update(s for s, node in graph.services.items() if node.namespace in f.namespaces)
    budget: dict[tuple[str, str], int] = {("s", s): 2 * depth for s in seeds}
    budget.update((("t", t), max(2 * depth - 1, 1)) for t in f.topics)
    queue = sorted(budget, key=lambda n: -budget[n])
    while queue:
        node = queue.pop(0)
        left = budget[node] - 1
        if left < 0:
            continue
        kind, name = node
        if kind == "s":
            nexts = [("t", e.topic) for e in graph.of_service(name)]
        else:
            nexts = [("s", e.service.id) for e in graph.on_topic(name)]
        for n in nexts:
            if budget.get(n, -1) < left:
                budget[n] = left
                queue.append(n)
    for s in seeds:  # a service's own topics are always drawn with it
        for e in graph.of_service(s):
            budget.setdefault(("t", e.topic), 0)
    services = {name for kind, name in budget if kind == "s"}
    topics = {name for kind, name in budget if kind == "t"}
    return services, topics


def arrows_for(graph: OrgGraph, edges: Iterable[Edge]) -> list[Arrow]:
    """One arrow per (service, topic, kind), events merged, sorted for stable output."""
    merged: dict[tuple[str, str, EdgeKind], list[Edge]] = {}
    for e in edges:
        merged.setdefault((e.service.id, e.topic, e.kind), []).append(e)
    out: list[Arrow] = []
    for (sid, name, kind), group in merged.items():
        topic = graph.topics[name]
        events: set[str] | None = set()
        deprecated: set[str] = set()
        implied = all(e.implied for e in group)
        for e in group:
            if e.implied:
                continue
            if e.events is None or events is None:
                events = None
            else:
                events.update(str(r) for r in e.events)
            for ref in e.events or ():
                contract = topic.contract(ref.name)
                version = (contract.contract.version(ref.version)
                           if contract is not None and ref.version is not None else None)
                if version is not None and version.deprecated is not None:
                    deprecated.add(str(ref))
        shown: tuple[str, ...] | None
        if implied:
            shown = tuple(c.name for c in topic.contracts)
        else:
            shown = None if events is None else tuple(sorted(events))
        groups = tuple(sorted({e.group for e in group if e.group and not e.implied}))
        out.append(Arrow(sid, name, kind, flow_of(topic), shown, _label(shown, deprecated),
                         tuple(sorted(deprecated)), implied, groups))
    out.sort(key=lambda a: (a.service, a.topic, a.kind.value))
    return out


def _label(events: tuple[str, ...] | None, deprecated: set[str]) -> str:
    if events is None:
        return "every event"
    names = [f"{e} (deprecated)" if e in deprecated else e for e in events]
    if len(names) > MAX_LABEL_EVENTS:
        names = [*names[:MAX_LABEL_EVENTS], f"+{len(names) - MAX_LABEL_EVENTS} more"]
    return ", ".join(names)


def topic_notes(topic: TopicNode) -> list[str]:
    """Short lines a drawing adds under a topic's name: deprecated versions, undeclared."""
    notes: list[str] = []
    if not topic.declared:
        notes.append("not declared by any manifest")
    for c in topic.contracts:
        for v in c.deprecated:
            sunset = v.deprecated.sunset if v.deprecated else None
            notes.append(f"{c.name} v{v.version} deprecated"
                         + (f", sunset {sunset}" if sunset else ""))
    return notes


def short_topic(topic: TopicNode) -> str:
    """The name without ``company.namespace.`` when the drawing groups it by namespace."""
    if topic.declared and topic.parsed is not None:
        p = topic.parsed
        return topic.name.removeprefix(f"{p.company}.{p.namespace}.")
    return topic.name
