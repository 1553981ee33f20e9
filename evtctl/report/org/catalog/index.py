"""The index page (everything, grouped, with search), its search data, and the findings page."""

from __future__ import annotations

import json
from collections import defaultdict

from evtctl.report.org.catalog.html import badge, esc, link, page, section, table
from evtctl.report.org.catalog.pages import findings_table
from evtctl.report.org.catalog.sitemap import Site


def search_data(site: Site) -> str:
    """``search.js``: the search index as a script (``fetch`` is not allowed on file://)."""
    g = site.graph
    items: list[dict[str, str]] = []
    for sid, node in sorted(g.services.items()):
        s = node.service
        items.append({"k": "service", "n": sid, "u": site.service_url(sid),
                      "d": " ".join(x for x in (s.owner, s.description) if x)})
    for name, topic in sorted(g.topics.items()):
        items.append({"k": "topic", "n": name, "u": site.topic_url(name),
                      "d": topic.kind.value if topic.kind else ""})
        for c in topic.contracts:
            items.append({"k": "event", "n": c.name, "u": site.contract_url(name, c.name),
                          "d": f"on {name}" + (f" — {c.contract.description}"
                                               if c.contract.description else "")})
    for owner, sids in sorted(_owners(site).items()):
        items.append({"k": "owner", "n": owner, "u": f"index.html#{site.owner_anchor(owner)}",
                      "d": ", ".join(sids)})
    data = json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    # "</" cannot end a script that is not in a <script> element, but stay safe anyway.
    return "window.EVTCTL_SEARCH = " + data.replace("</", "<\\/") + ";\n"


def _owners(site: Site) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for sid, node in sorted(site.graph.services.items()):
        if node.owner:
            out[node.owner].append(sid)
    return out


def index_page(site: Site) -> str:
    g = site.graph
    topics = [t for t in g.topics.values()]
    contracts = [c for t in topics for c in t.contracts]
    summary = (f"{len(g.services)} services, {len(topics)} topics, {len(contracts)} events "
               f"(contracts), {len(_owners(site))} owners.")
    body = [f'<p class="lead">{esc(summary)}</p>',
            '<div class="search"><label for="q">Search</label> '
            '<input id="q" type="search" autocomplete="off" autofocus '
            'placeholder="services, topics, events, owners"> '
            '<ul id="results" role="listbox"></ul></div>',
            '<noscript><p class="muted">Search needs JavaScript; everything is listed '
            'below.</p></noscript>']
    if site.with_lint:
        errors = sum(1 for f in site.findings if f.severity.value == "error")
        warnings = len(site.findings) - errors
        cls = "bad" if errors else "warn" if warnings else "ok"
        body.append(f'<p class="callout {cls}">Lint: {errors} error(s), {warnings} '
                    f'warning(s). {link("findings.html", "See every finding")}</p>')
    by_ns: dict[str, list[str]] = defaultdict(list)
    for sid, node in sorted(g.services.items()):
        by_ns[node.namespace].append(sid)
    parts = []
    for ns, sids in sorted(by_ns.items()):
        rows = [[link(site.service_url(sid), sid), esc(g.services[sid].owner or ""),
                 esc(g.services[sid].service.description or "")] for sid in sids]
        parts.append(f'<h3 id="ns-{esc(ns)}">{esc(ns)} '
                     f'<span class="muted">({len(sids)})</span> '
                     f'{link(site.flow_url(ns), "flow", "small")}</h3>'
                     + table(["Service", "Owner", "Description"], rows))
    body.append(section("Services", "".join(parts), "services"))
    rows = [[link(site.topic_url(t.name), t.name),
             esc(t.kind.value if t.kind else "—") + (" " + badge("undeclared", "bad")
                                                      if not t.declared else ""),
             link(site.service_url(t.owner), t.owner) if t.owner else "",
             ", ".join(link(site.contract_url(t.name, c.name), c.name) for c in t.contracts)]
            for t in sorted(topics, key=lambda t: t.name)]
    body.append(section("Topics", _long(table(["Topic", "Kind", "Owner", "Events"], rows),
                                        len(rows), "topics"), "topics"))
    rows = []
    for c in sorted(contracts, key=lambda c: (c.name, c.topic)):
        doc = site.docs.get(c.key)
        deprecated = ", ".join(f"v{v.version}" for v in c.deprecated)
        rows.append([link(site.contract_url(c.topic, c.name), c.name),
                     link(site.topic_url(c.topic), c.topic),
                     esc(", ".join(f"v{v.version}" for v in c.versions)),
                     esc(deprecated) if deprecated else "",
                     esc(doc.mode) if doc else ""])
    body.append(section("Events", _long(table(["Event", "Topic", "Versions", "Deprecated",
                                               "Compatibility"], rows), len(rows), "events"),
                        "events"))
    parts = []
    for owner, sids in sorted(_owners(site).items()):
        parts.append(f'<li id="{esc(site.owner_anchor(owner))}"><strong>{esc(owner)}</strong>: '
                     + ", ".join(link(site.service_url(s), s) for s in sids) + "</li>")
    body.append(section("Owners", f'<ul class="owners">{"".join(parts)}</ul>'
                        if parts else '<p class="empty">no service names an owner</p>',
                        "owners"))
    return page("Event catalogue", "".join(body), "", (), site.with_lint,
                ("search.js", "assets/catalog.js"))


# Longer lists are folded (search finds everything in them; one click unfolds them).
FOLD_FROM = 100


def _long(html: str, count: int, what: str) -> str:
    if count < FOLD_FROM:
        return html
    return f'<details class="long"><summary>Show all {count} {what}</summary>{html}</details>'


def findings_page(site: Site) -> str:
    body = findings_table(site, site.findings, with_file=True)
    return page("Lint findings", body, "", [("Lint findings", "")], True)
