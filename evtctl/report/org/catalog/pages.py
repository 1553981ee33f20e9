"""The pages of services, topics and contracts."""

from __future__ import annotations

from evtctl.findings import Finding
from evtctl.graph import Edge, EdgeKind, TopicNode
from evtctl.manifest.model import ContractVersion, EventRef
from evtctl.report.org.catalog.contracts import StepDoc
from evtctl.report.org.catalog.html import badge, esc, link, page, section, table
from evtctl.report.org.catalog.sitemap import Site

REL = "../"
_TITLES = {"JSON": "JSON Schema", "AVRO": "Avro", "PROTOBUF": "Protobuf"}


def _events(site: Site, topic: str, events: tuple[EventRef, ...] | None) -> str:
    if events is None:
        return '<span class="muted">every event</span>'
    node = site.graph.topic(topic)
    out: list[str] = []
    for ref in events:
        contract = node.contract(ref.name) if node else None
        label = str(ref)
        if contract is None:
            out.append(esc(label) + " " + badge("unknown", "bad"))
            continue
        html = link(site.contract_url(topic, ref.name, REL), label)
        version = contract.contract.version(ref.version) if ref.version is not None else None
        if version is not None and version.deprecated is not None:
            html += " " + badge(_deprecation_word(site, version), "warn")
        elif ref.version is not None and version is None:
            html += " " + badge("no such version", "bad")
        out.append(html)
    return ", ".join(out) or '<span class="muted">no events</span>'


def _deprecation_word(site: Site, version: ContractVersion) -> str:
    d = version.deprecated
    if d is None:
        return ""
    if d.sunset:
        retired = d.sunset < site.today.isoformat()
        return f"{'retired' if retired else 'deprecated'}, sunset {d.sunset}"
    return "deprecated"


def _topic_link(site: Site, name: str) -> str:
    node = site.graph.topic(name)
    text = link(site.topic_url(name, REL), name)
    if node is not None and not node.declared:
        text += " " + badge("undeclared", "bad")
    return text


def _service_link(site: Site, sid: str) -> str:
    if sid in site.graph.services:
        return link(site.service_url(sid, REL), sid)
    return esc(sid)


def _findings(site: Site, kind: str, key: str) -> str:
    if site.placement is None:
        return ""
    found = site.placement.on(kind, key)
    return section("Lint findings", findings_table(site, found, with_file=True), "findings")


def findings_table(site: Site, found: list[Finding], with_file: bool) -> str:
    rows = []
    for f in found:
        where = f"{site.relative_file(f.file)}:{f.line}:{f.location.column}"
        rows.append([badge(f.severity.value, "bad" if f.severity.value == "error" else "warn"),
                     esc(f.rule), esc(f.message) + (
                         f'<div class="muted">{esc(f.hint)}</div>' if f.hint else ""),
                     f"<code>{esc(where)}</code>" if with_file else ""])
    return table(["", "Rule", "Finding", "Where"], rows,
                 empty="no findings: evtctl lint passes here")


def _kind_badge(node: TopicNode) -> str:
    if node.is_reply:
        return badge("private.reply", "reply")
    return badge(node.kind.value if node.kind else "unrecognised name",
                 node.kind.value if node.kind else "bad")


def service_page(site: Site, sid: str) -> str:
    g = site.graph
    node = g.services[sid]
    s = node.service
    facts = [("Owner", esc(s.owner) if s.owner else '<span class="muted">not set</span>'),
             ("Namespace", esc(s.namespace)),
             ("Manifest", f"<code>{esc(site.relative_file(s.file))}</code>")]
    body = [f'<p class="lead">{esc(s.description)}</p>' if s.description else "",
            _facts(facts),
            f'<p>{link(site.flow_url(s.namespace, REL, sid), "See it in the event flow")}</p>']
    own = []
    for t in s.topics:
        topic = g.topic(t.name)
        if topic is None or topic.owner != sid:
            continue
        contracts = ", ".join(link(site.contract_url(t.name, c.name, REL), c.name)
                              for c in t.contracts) or '<span class="muted">none</span>'
        own.append([_topic_link(site, t.name), _kind_badge(topic), contracts,
                    esc(t.partitions if t.partitions is not None else "default")])
    body.append(section("Topics it owns", table(["Topic", "Kind", "Contracts", "Partitions"],
                                                own, "owns no topics")))
    consumes = [[_topic_link(site, e.topic), _owner_cell(site, e.topic),
                 _events(site, e.topic, e.events), f"<code>{esc(e.group)}</code>"]
                for e in g.of_service(sid) if e.kind is EdgeKind.CONSUME and e.entry]
    body.append(section("Consumes", table(["Topic", "Owner", "Events", "Consumer group"],
                                          consumes, "consumes nothing")))
    sends = [[_topic_link(site, e.topic), _owner_cell(site, e.topic), badge(e.kind.value,
              e.kind.value), _events(site, e.topic, e.events),
              _topic_link(site, e.reply_topic) if e.reply_topic else ""]
             for e in g.of_service(sid) if e.kind.writes and e.entry]
    body.append(section("Sends and writes to other topics",
                        table(["Topic", "Owner", "As", "Events", "Replies to"], sends,
                              "writes to no topic of another service")))
    users = []
    for t in s.topics:
        for e in g.users(t.name):
            users.append([_service_link(site, e.service.id), _topic_link(site, e.topic),
                          badge(e.kind.value, e.kind.value), _events(site, e.topic, e.events)])
    body.append(section("Used by", table(["Service", "Topic", "As", "Events"], users,
                                         "no other service uses its topics")))
    body.append(_findings(site, "service", sid))
    return page(sid, "".join(body), REL, [("Services", ""), (sid, "")], site.with_lint)


def _owner_cell(site: Site, topic: str) -> str:
    owner = site.graph.owner_of(topic)
    return _service_link(site, owner) if owner else '<span class="muted">nobody</span>'


def _facts(rows: list[tuple[str, str]]) -> str:
    return '<dl class="facts">' + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>"
                                         for k, v in rows) + "</dl>"


def topic_page(site: Site, name: str) -> str:
    g = site.graph
    node = g.topics[name]
    t = node.declaration
    body: list[str] = []
    if t is None:
        body.append('<p class="callout bad">No manifest declares this topic; the services '
                    'below use it anyway (evtctl lint reports them).</p>')
    facts = [("Kind", _kind_badge(node)),
             ("Owner", _owner_cell(site, name))]
    if t is not None:
        facts += [("Partitions", esc(t.partitions) if t.partitions is not None
                   else '<span class="muted">from the environment defaults</span>'),
                  ("Replication factor", esc(t.replication_factor)
                   if t.replication_factor is not None
                   else '<span class="muted">from the environment defaults</span>')]
    body.append(_facts(facts))
    if t is not None:
        configs = [[f"<code>{esc(k)}</code>", f"<code>{esc(v)}</code>"]
                   for k, v in sorted(t.config.items())]
        body.append(section("Configuration", table(["Key", "Value"], configs,
                                                   "no topic configs (environment defaults)")))
        rows = []
        for c in node.contracts:
            latest = max((v.version for v in c.versions), default=None)
            deprecated = ", ".join(f"v{v.version}" for v in c.deprecated)
            rows.append([link(site.contract_url(name, c.name, REL), c.name),
                         esc(", ".join(f"v{v.version}" for v in c.versions)),
                         esc(f"v{latest}" if latest else "—"), esc(deprecated or "—"),
                         esc(_doc_mode(site, name, c.name))])
        body.append(section("Contracts", table(["Event", "Versions", "Latest", "Deprecated",
                                                "Compatibility"], rows, "no contracts")))
    edges = g.on_topic(name)
    writers = [[_service_link(site, e.service.id), badge(e.kind.value, e.kind.value),
                _edge_events(site, e), esc("ownership" if e.implied else "manifest")]
               for e in edges if e.kind.writes]
    readers = [[_service_link(site, e.service.id), f"<code>{esc(e.group)}</code>",
                _edge_events(site, e), esc("ownership" if e.implied else "manifest")]
               for e in edges if not e.kind.writes]
    body.append(section("Writers", table(["Service", "As", "Events", "Declared by"], writers,
                                         "nobody writes to it")))
    body.append(section("Consumers", table(["Service", "Consumer group", "Events",
                                            "Declared by"], readers, "nobody consumes it")))
    body.append(_findings(site, "topic", name))
    return page(name, "".join(body), REL, [("Topics", ""), (name, "")], site.with_lint)


def _edge_events(site: Site, e: Edge) -> str:
    if e.implied:
        node = site.graph.topic(e.topic)
        names = ", ".join(link(site.contract_url(e.topic, c.name, REL), c.name)
                          for c in (node.contracts if node else ()))
        return names or '<span class="muted">—</span>'
    return _events(site, e.topic, e.events)


def _doc_mode(site: Site, topic: str, contract: str) -> str:
    doc = site.docs.get((topic, contract))
    return f"{doc.mode} ({doc.policy})" if doc and doc.policy else doc.mode if doc else ""


def contract_page(site: Site, topic: str, name: str) -> str:
    g = site.graph
    node = g.topics[topic]
    contract = node.contract(name)
    assert contract is not None
    doc = site.docs[(topic, name)]
    formats = sorted({_TITLES.get(v.schema_type, v.schema_type)
                      for v in doc.versions if v.schema_type})
    facts = [("Topic", _topic_link(site, topic)), ("Owner", _owner_cell(site, topic)),
             ("Compatibility", esc(doc.mode) + (f" ({esc(doc.policy)} policy)"
                                                 if doc.policy else "")),
             ("Format", esc(", ".join(formats) or "unknown"))]
    body = [f'<p class="lead">{esc(contract.contract.description)}</p>'
            if contract.contract.description else "", _facts(facts)]
    if doc.error:
        body.append(f'<p class="callout bad">{esc(doc.error)}</p>')
    pins = g.pins(topic, name)
    rows = []
    for v in contract.versions:
        state = (badge(_deprecation_word(site, v), "warn") if v.deprecated else
                 badge("current", "ok"))
        reason = esc(v.deprecated.reason) if v.deprecated and v.deprecated.reason else ""
        who = ", ".join(_service_link(site, e.service.id) for e in pins.get(v.version, []))
        rows.append([link(f"#v{v.version}", f"v{v.version}"), f"<code>{esc(v.schema)}</code>",
                     state, reason, who or '<span class="muted">nobody</span>'])
    body.append(section("Versions", table(["Version", "Schema", "State", "Reason",
                                           "Pinned by"], rows, "no versions")))
    unpinned = pins.get(None, [])
    stale = [(ver, es) for ver, es in pins.items()
             if ver is not None and contract.contract.version(ver) is None]
    extra = [[_service_link(site, e.service.id), badge(e.kind.value, e.kind.value),
              esc("the latest version (no pin)")] for e in unpinned]
    extra += [[_service_link(site, e.service.id), badge(e.kind.value, e.kind.value),
               badge(f"v{ver}: no such version", "bad")] for ver, es in stale for e in es]
    body.append(section("Who uses it", table(["Service", "As", "Version"], extra,
                                             "no service uses it without a pin")))
    steps = {s.version: s for s in doc.steps}
    for vd in doc.versions:
        parts = [f'<h2 id="v{vd.version}">v{vd.version} <code>{esc(vd.schema_file)}</code></h2>']
        step = steps.get(vd.version)
        if step is not None:
            parts.append(_step(step))
        if vd.error:
            parts.append(f'<p class="callout bad">Cannot show this version: {esc(vd.error)}</p>')
        elif vd.rendered is not None:
            parts.append(f'<pre class="schema"><code>{esc(vd.rendered)}</code></pre>')
        body.append("<section>" + "".join(parts) + "</section>")
    body.append(_findings(site, "contract", f"{topic}\0{name}"))
    return page(f"{name}", "".join(body), REL,
                [("Topics", ""), (topic, site.topic_url(topic, REL)), (name, "")],
                site.with_lint)


def _step(step: StepDoc) -> str:
    against = ", ".join(f"v{n}" for n in step.against)
    if step.compatible is None:
        head = f'<p class="callout warn">{esc(step.note or "not checked")}</p>'
    elif step.compatible:
        head = (f'<p class="callout ok">{badge("compatible", "ok")} with {esc(against)}'
                + (f" — {esc(step.note)}" if step.note else "") + "</p>")
    else:
        bad = sum(1 for c in step.changes if not c.allowed)
        head = (f'<p class="callout bad">{badge("incompatible", "bad")} with {esc(against)}: '
                f"{bad} change{'s' if bad != 1 else ''} not allowed"
                + (f" — {esc(step.note)}" if step.note else "") + "</p>")
    rows = [[badge("allowed", "ok") if c.allowed else badge("not allowed", "bad"),
             f"<code>{esc(c.type)}</code>", f"<code>{esc(c.path)}</code>",
             esc(f"v{c.from_version} → v{c.to_version} ({c.direction})"), esc(c.description)]
            for c in step.changes]
    return head + table(["", "Change", "Where", "Versions", "What it means"], rows,
                        "no differences from the earlier version")

