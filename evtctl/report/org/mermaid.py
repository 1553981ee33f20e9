"""A view as a Mermaid flowchart that GitHub renders as is (a README, a PR comment).

Only syntax GitHub's Mermaid has long supported: ``flowchart LR``, ``subgraph`` per
namespace, quoted labels, ``-->`` / ``-.->`` links with quoted labels, ``classDef``,
``class`` and ``linkStyle``. Every label comes from manifests, so every character that
could end a label, open HTML or start Mermaid markup is written as an entity code
(``#quot;``, ``#60;``...). Node ids are generated (``s0``, ``t0``), never names.

Facts are solid arrows, commands dotted purple, replies dotted amber; a pin to a
deprecated version is red and says "(deprecated)"; a topic no manifest declares has a
dashed border. Diff marks: added green, removed red dashed, changed or affected orange.
"""

from __future__ import annotations

import re

from evtctl.report.org.view import Arrow, View, short_topic, topic_notes

_UNSAFE = re.compile(r"[^A-Za-z0-9 ._@:/,()+\-=*'!?\u00a0-\uffff]")
_STYLES = {
    "command": "stroke:#8250df,stroke-width:1.5px",
    "reply": "stroke:#bf8700,stroke-width:1.5px",
    "deprecated": "stroke:#cf222e,stroke-width:2px",
    "added": "stroke:#1a7f37,stroke-width:3px",
    "removed": "stroke:#cf222e,stroke-width:3px,stroke-dasharray:4 3",
    "changed": "stroke:#d4a72c,stroke-width:3px",
    "affected": "stroke:#fb8500,stroke-width:3px",
}
_CLASSES = (
    "classDef service fill:#eef2ff,stroke:#4f46e5,color:#111",
    "classDef topic fill:#f6f8fa,stroke:#57606a,color:#111",
    "classDef undeclared fill:#fff8c5,stroke:#9a6700,stroke-dasharray:4 3,color:#111",
    "classDef marked fill:#ffefd5,stroke:#fb8500,stroke-width:2px,color:#111",
)


def text(value: str) -> str:
    """A label's text, safe inside ``"..."`` in Mermaid and in GitHub's sanitiser."""
    s = " ".join(value.split())
    return _UNSAFE.sub(lambda m: f"#{ord(m.group())};", s)


def render(view: View, marked_nodes: frozenset[str] = frozenset()) -> str:
    """The Mermaid source of ``view`` (no code fence). ``marked_nodes``: ids to highlight."""
    ids = {("s", s): f"s{i}" for i, s in enumerate(view.services)}
    ids.update({("t", t): f"t{i}" for i, t in enumerate(view.topics)})
    lines = ["flowchart LR"]
    for n, space in enumerate(view.namespaces()):
        lines.append(f'  subgraph ns{n}["{text(space)}"]')
        lines.extend(_nodes(view, ids, space, "    "))
        lines.append("  end")
    lines.extend(_nodes(view, ids, None, "  "))
    styles: dict[str, list[int]] = {}
    for i, arrow in enumerate(view.arrows):
        lines.append("  " + _link(arrow, ids))
        style = arrow.mark or ("deprecated" if arrow.deprecated else
                               arrow.flow if arrow.flow != "fact" else None)
        if style:
            styles.setdefault(style, []).append(i)
    for style, indexes in styles.items():
        lines.append(f"  linkStyle {','.join(map(str, indexes))} {_STYLES[style]}")
    lines.extend("  " + c for c in _CLASSES)
    by_class: dict[str, list[str]] = {}
    for s in view.services:
        by_class.setdefault("marked" if s in marked_nodes else "service", []).append(ids[("s", s)])
    for t in view.topics:
        node = view.graph.topics[t]
        cls = ("marked" if t in marked_nodes else "topic" if node.declared else "undeclared")
        by_class.setdefault(cls, []).append(ids[("t", t)])
    for cls, members in by_class.items():
        lines.append(f"  class {','.join(members)} {cls}")
    return "\n".join(lines) + "\n"


def _nodes(view: View, ids: dict[tuple[str, str], str], space: str | None,
           indent: str) -> list[str]:
    out: list[str] = []
    for s in view.services:
        if view.namespace_of_service(s) != space:
            continue
        node = view.graph.services.get(s)
        name = node.service.name if node else s
        owner = f"<br/>{text(node.owner)}" if node and node.owner else ""
        out.append(f'{indent}{ids[("s", s)]}("{text(name)}{owner}")')
    for t in view.topics:
        if view.namespace_of_topic(t) != space:
            continue
        topic = view.graph.topics[t]
        notes = "".join(f"<br/>{text(n)}" for n in topic_notes(topic))
        out.append(f'{indent}{ids[("t", t)]}[("{text(short_topic(topic))}{notes}")]')
    return out


def _link(arrow: Arrow, ids: dict[tuple[str, str], str]) -> str:
    s, t = ids[("s", arrow.service)], ids[("t", arrow.topic)]
    src, dst = (s, t) if arrow.writes else (t, s)
    line = "-->" if arrow.flow == "fact" else "-.->"
    label = arrow.label if arrow.flow != "reply" else f"reply: {arrow.label}"
    if arrow.mark in ("added", "removed"):
        label = f"{arrow.mark}: {label}"
    if not label:
        return f"{src} {line} {dst}"
    return f'{src} {line}|"{text(label)}"| {dst}'
