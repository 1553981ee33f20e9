"""The flow of the part of the organisation a diff touches, for ``evtctl diff --graph``.

Drawn on the union of both trees' graphs: what the change removes is still there, marked
removed (red, dashed); what it adds is green; a subscription or send whose events, group
or reply topic changed is yellow; the links of services a breaking change affects are
orange, and the topics with a breaking change are highlighted.
"""

from __future__ import annotations

from dataclasses import replace

from evtctl.graph import Edge, OrgGraph, graph_of
from evtctl.manifest.model import Organisation
from evtctl.report.org import mermaid
from evtctl.report.org.view import Filters, select

MAX_SERVICES = 40
_ADDED = ("consumer-added", "producer-added", "topic-added", "service-added")
_CHANGED = ("consumer-changed", "producer-changed")


def _key(e: Edge) -> tuple[str, str, str]:
    return (e.service.id, e.topic, e.kind.value)


def union(old: OrgGraph, new: OrgGraph) -> tuple[OrgGraph, set[tuple[str, str, str]]]:
    """``new`` plus what only ``old`` has; the keys of edges only ``old`` has."""
    g = OrgGraph(new.org, dict(new.services), dict(new.topics))
    for e in new.edges:
        g._add(e)
    for sid, node in old.services.items():
        g.services.setdefault(sid, node)
    for name, topic in old.topics.items():
        g.topics.setdefault(name, topic)
    have = {_key(e) for e in new.edges}
    removed: set[tuple[str, str, str]] = set()
    for e in old.edges:
        if _key(e) not in have:
            removed.add(_key(e))
            g._add(e)
    return g, removed


def flow(changes: list[tuple[str, str | None, str | None, bool, tuple[str, ...]]],
         old: Organisation, new: Organisation) -> str | None:
    """Mermaid source for the changes — (kind, topic, service, breaking, affected ids) —
    or None when no change concerns a topic."""
    g, removed = union(graph_of(old), graph_of(new))
    old_keys = {_key(e) for e in graph_of(old).edges}
    topics = sorted({t for _k, t, _s, _b, _a in changes if t and t in g.topics})
    if not topics:
        return None
    view = select(g, Filters(topics=tuple(topics), depth=1))
    if len(view.services) > MAX_SERVICES:
        return ""
    breaking_topics = {t for _k, t, _s, b, _a in changes if b and t}
    affected = {(a, t) for _k, t, _s, b, ids in changes if b and t for a in ids}
    changed = {(s, t) for k, t, s, _b, _a in changes if k in _CHANGED and s and t}
    added = {(s, t) for k, t, s, _b, _a in changes if k in _ADDED and s and t}
    arrows = []
    for a in view.arrows:
        mark = None
        if a.key in removed:
            mark = "removed"
        elif a.key not in old_keys or (a.service, a.topic) in added:
            mark = "added"
        elif (a.service, a.topic) in changed:
            mark = "changed"
        elif (a.service, a.topic) in affected:
            mark = "affected"
        arrows.append(replace(a, mark=mark))
    view.arrows = arrows
    return mermaid.render(view, frozenset(breaking_topics))
