"""A view as Graphviz DOT: for ``evtctl graph --format dot`` and the catalogue's flow.

Namespaces are clusters, services rounded boxes, topics cylinders; facts are solid arrows,
commands dashed purple, replies dotted amber, pins to deprecated versions red. Every
string is quoted and escaped (``\\`` and ``"``), so a name from a manifest cannot end a
label or add attributes. With ``links``, nodes carry the catalogue page they open, and
every node and edge an SVG ``id``/``class`` the flow page's filters select on.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from evtctl.report.org.view import Arrow, View, short_topic, topic_notes

_EDGE = {
    "fact": 'color="#24292f"',
    "command": 'color="#8250df", style=dashed',
    "reply": 'color="#bf8700", style=dotted, penwidth=1.6',
}
_MARK = {
    "added": 'color="#1a7f37", penwidth=3',
    "removed": 'color="#cf222e", penwidth=3, style=dashed',
    "changed": 'color="#d4a72c", penwidth=3',
    "affected": 'color="#fb8500", penwidth=3',
}


def quote(value: str) -> str:
    s = " ".join(value.split()) if "\n" not in value else value
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_NOT_CSS = re.compile(r"[^A-Za-z0-9_-]")


def css(value: str) -> str:
    """A name as a CSS class / id fragment (letters, digits, ``-``, ``_``)."""
    return _NOT_CSS.sub("_", value)


def render(view: View, links: Callable[[str, str], str] | None = None) -> str:
    """DOT source; ``links(kind, name)`` gives the page of a service ("s") or topic ("t")."""
    ids = {("s", s): f"s{i}" for i, s in enumerate(view.services)}
    ids.update({("t", t): f"t{i}" for i, t in enumerate(view.topics)})
    out = ["digraph evtctl {",
           '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.25, '
           'ranksep=0.6, bgcolor="transparent"];',
           '  node [fontname="Helvetica", fontsize=10];',
           '  edge [fontname="Helvetica", fontsize=8, arrowsize=0.7];']
    for n, space in enumerate(view.namespaces()):
        out.append(f"  subgraph cluster_{n} {{")
        out.append(f'    label={quote(space)}; style="rounded,dashed"; color="#8c959f"; '
                   f'id={quote("ns-" + css(space))};')
        out.extend(_nodes(view, ids, space, links, "    "))
        out.append("  }")
    out.extend(_nodes(view, ids, None, links, "  "))
    for arrow in view.arrows:
        out.append("  " + _edge(arrow, ids))
    out.append("}")
    return "\n".join(out) + "\n"


def _nodes(view: View, ids: dict[tuple[str, str], str], space: str | None,
           links: Callable[[str, str], str] | None, indent: str) -> list[str]:
    out: list[str] = []
    for s in view.services:
        if view.namespace_of_service(s) != space:
            continue
        node = view.graph.services.get(s)
        label = (node.service.name if node else s) + (
            f"\n{node.owner}" if node and node.owner else "")
        attrs = [f"label={quote(label)}", "shape=box", 'style="rounded,filled"',
                 'fillcolor="#eef2ff"', 'color="#4f46e5"', f"tooltip={quote(s)}",
                 f'id={quote("svc-" + css(s))}', f'class={quote("svc ns-" + css(space or ""))}']
        if links:
            attrs.append(f"href={quote(links('s', s))}")
        out.append(f"{indent}{ids[('s', s)]} [{', '.join(attrs)}];")
    for t in view.topics:
        if view.namespace_of_topic(t) != space:
            continue
        topic = view.graph.topics[t]
        label = "\n".join([short_topic(topic), *topic_notes(topic)])
        fill = "#f6f8fa" if topic.declared else "#fff8c5"
        attrs = [f"label={quote(label)}", "shape=cylinder", 'style="filled"',
                 f'fillcolor="{fill}"', f"tooltip={quote(t)}",
                 f'id={quote("topic-" + css(t))}', f'class={quote("topic ns-" + css(space or ""))}']
        if not topic.declared:
            attrs.append("style=\"filled,dashed\"")
        if links:
            attrs.append(f"href={quote(links('t', t))}")
        out.append(f"{indent}{ids[('t', t)]} [{', '.join(attrs)}];")
    return out


def _edge(arrow: Arrow, ids: dict[tuple[str, str], str]) -> str:
    s, t = ids[("s", arrow.service)], ids[("t", arrow.topic)]
    src, dst = (s, t) if arrow.writes else (t, s)
    style = _MARK.get(arrow.mark or "") or ('color="#cf222e", penwidth=2'
                                           if arrow.deprecated else _EDGE[arrow.flow])
    label = arrow.label if arrow.flow != "reply" else f"reply: {arrow.label}"
    if arrow.mark in ("added", "removed"):
        label = f"{arrow.mark}: {label}"
    label_attr = f"label={quote(label)}, " if label else ""
    cls = f"edge {arrow.flow} e-{css(arrow.service)} e-{css(arrow.topic)}"
    return (f"{src} -> {dst} [{label_attr}{style}, class={quote(cls)}, "
            f"tooltip={quote(arrow.kind.value + ': ' + label)}];")
