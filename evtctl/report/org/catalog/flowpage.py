"""The event flow: SVGs laid out by Graphviz, filtered by namespace and service.

A small organisation gets one drawing of everything, and every organisation one drawing per
namespace (its services, the topics they own or use, and the services on those topics),
because a single layout of hundreds of services is neither fast nor readable. On each
page, choosing a service dims everything but its neighbourhood; choosing a namespace opens
that namespace's page. Without Graphviz the pages say how to get it, and the DOT source is
still written next to them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from evtctl.report.org import dot
from evtctl.report.org.catalog import layout
from evtctl.report.org.catalog.html import esc, link, page
from evtctl.report.org.catalog.sitemap import Site
from evtctl.report.org.view import Filters, View, select

if TYPE_CHECKING:
    from evtctl.report.org.catalog.cache import CatalogCache

# Up to this many services, one drawing shows the whole organisation.
WHOLE_UP_TO = 60


def plan(site: Site) -> dict[str, View]:
    """Page key ("" for everything, else a namespace) → the view drawn there."""
    g = site.graph
    spaces = sorted({n.namespace for n in g.services.values()})
    views: dict[str, View] = {}
    if len(g.services) <= WHOLE_UP_TO:
        views[""] = select(g)
    if len(spaces) > 1 or "" not in views:
        for ns in spaces:
            views[ns] = select(g, Filters(namespaces=(ns,), depth=0))
    return views


def write(site: Site, views: dict[str, View], cache: CatalogCache | None = None) -> list[str]:
    """Write flow.html and the namespace pages; returns notes for the user."""
    site.flow_pages = {key: "flow.html" if key == "" else
                       f"flow/{site.slugs.get('flow', key)}.html" for key in views}
    if "" not in views:
        site.flow_pages[""] = "flow.html"
    (site.out / "flow").mkdir(exist_ok=True)
    program, why = layout.find_dot()
    sources = {key: dot.render(v, _links(site, key)) for key, v in views.items()}
    for key, source in sources.items():
        (site.out / _dot_file(site, key)).write_text(source, encoding="utf-8")
    notes: list[str] = []
    svgs: dict[str, str] = {}
    if program is None:
        site.flow_note = f"{why}: the event flow is left out; {layout.HOW_TO_GET}."
        notes.append(site.flow_note)
    else:
        version = layout.version(program)
        cache_keys = {k: cache.svg_key(version, src) if cache else "" for k, src in
                      sources.items()}
        for key in sources:
            hit = cache.svg(cache_keys[key]) if cache else None
            if hit is not None:
                svgs[key] = hit
        keys = [k for k in sources if k not in svgs]
        for key, result in zip(keys, layout.svgs(program, [sources[k] for k in keys]),
                               strict=True):
            if isinstance(result, layout.LayoutError):
                notes.append(f"the flow of {key or 'the organisation'} is left out: {result}")
            else:
                svgs[key] = result
                if cache:
                    cache.put_svg(cache_keys[key], result)
    for key, view in views.items():
        rel = "" if key == "" else "../"
        (site.out / site.flow_pages[key]).write_text(
            _page(site, key, view, svgs.get(key), rel, notes), encoding="utf-8")
    if "" not in views:
        (site.out / "flow.html").write_text(_overview(site, views), encoding="utf-8")
    return notes


def _dot_file(site: Site, key: str) -> str:
    """The DOT source of a page, beside it: flow.dot, flow/<namespace>.dot."""
    return "flow.dot" if key == "" else f"flow/{site.slugs.get('flow', key)}.dot"


def _links(site: Site, key: str) -> Callable[[str, str], str]:
    rel = "" if key == "" else "../"

    def url(kind: str, name: str) -> str:
        return site.service_url(name, rel) if kind == "s" else site.topic_url(name, rel)

    return url


def _controls(site: Site, key: str, view: View, rel: str) -> str:
    spaces = sorted(k for k in site.flow_pages if k)
    ns_opts = "".join(f'<option value="{esc(rel + site.flow_pages[k])}"'
                      f'{" selected" if k == key else ""}>{esc(k)}</option>' for k in spaces)
    ns_select = (f'<label>Namespace <select id="flow-ns"><option value="{esc(rel)}flow.html"'
                 f'{" selected" if key == "" else ""}>all</option>{ns_opts}</select></label>'
                 if spaces else "")
    mine = [s for s in view.services
            if key == "" or view.namespace_of_service(s) == key]
    svc_opts = "".join(f'<option value="{esc(s)}">{esc(s)}</option>' for s in mine)
    return (f'<div class="controls">{ns_select} <label>Service <select id="flow-service">'
            f'<option value="">all</option>{svc_opts}</select></label> '
            '<button type="button" id="flow-zoom">Actual size</button> '
            '<span class="legend"><span class="l fact">fact</span> '
            '<span class="l command">command</span> <span class="l reply">reply</span> '
            '<span class="l deprecated">pins a deprecated version</span></span></div>')


def _data(site: Site, view: View) -> str:
    arrows = [[a.service, a.topic] for a in view.arrows]
    services = {s: dot.css(s) for s in view.services}
    topics = {t: dot.css(t) for t in view.topics}
    urls = {s: site.service_url(s) for s in view.services}
    data = {"arrows": arrows, "services": services, "topics": topics, "urls": urls}
    return ('<script>window.EVTCTL_FLOW = '
            + json.dumps(data, separators=(",", ":")).replace("</", "<\\/") + ";</script>")


def _page(site: Site, key: str, view: View, svg: str | None, rel: str,
          notes: list[str]) -> str:
    title = "Event flow" + (f": {key}" if key else "")
    body = [_controls(site, key, view, rel)]
    if svg is not None:
        body.append(f'<div class="flow" id="flow">{svg}</div>')
    else:
        why = site.flow_note or next((n for n in notes if (key or "the organisation") in n),
                                     "the layout failed")
        body.append(f'<p class="callout warn" id="flow-missing">{esc(why)}</p>')
    dot_file = _dot_file(site, key)
    body.append(f'<p class="muted">Graphviz source: '
                f'{link(rel + dot_file, dot_file.rsplit("/", 1)[-1])}</p>')
    return page(title, "".join(body) + _data(site, view), rel,
                [("Event flow", "" if key == "" else f"{rel}flow.html")] +
                ([(key, "")] if key else []), site.with_lint, ("assets/catalog.js",))


def _overview(site: Site, views: dict[str, View]) -> str:
    rows = "".join(f"<li>{link(site.flow_pages[k], k)} "
                   f'<span class="muted">({_count(v, k)} services)</span></li>'
                   for k, v in sorted(views.items()))
    body = (f"<p>{len(site.graph.services)} services are too many for one readable drawing: "
            "each namespace has its own, with the services it talks to.</p>"
            f'<ul class="namespaces">{rows}</ul>')
    if site.flow_note:
        body += f'<p class="callout warn" id="flow-missing">{esc(site.flow_note)}</p>'
    return page("Event flow", body, "", [("Event flow", "")], site.with_lint)


def _count(view: View, namespace: str) -> int:
    return sum(1 for s in view.services if view.namespace_of_service(s) == namespace)
