"""Build the catalogue: read every contract, lay out the flow, write every page.

The output folder holds only what this build writes (:mod:`evtctl.report.org.catalog.output`:
new, empty, or an earlier catalogue, brought up to date in place). Pages link with relative
paths only and load nothing from the network.

One build, in order: every page gets its file name; the contracts the cache holds are
taken from it; the flows' DOT sources are written; worker processes start on the other
contracts (:mod:`evtctl.report.org.catalog.parallel`) and Graphviz on the flows the cache
does not hold, while this process writes the service, topic and index pages; last, the
flow pages, and what was learnt goes to the caches (the catalogue's and lint's).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from evtctl.collector import fewer_collections
from evtctl.report.org.catalog import contracts as contract_docs
from evtctl.report.org.catalog.output import MARKER, OutputError, SiteOutput
from evtctl.report.org.catalog.sitemap import Site
from evtctl.report.org.source import OrgInputError, OrgSource

if TYPE_CHECKING:
    from evtctl.contracts.store import ContractStore
    from evtctl.report.org.catalog.cache import CatalogCache

__all__ = ["MARKER", "CatalogOptions", "CatalogResult", "build", "units"]

ASSETS = ("catalog.css", "catalog.js")


@dataclass(frozen=True)
class CatalogOptions:
    with_lint: bool = False
    today: date | None = None
    jobs: int | None = None
    use_cache: bool = True


@dataclass(frozen=True)
class CatalogResult:
    pages: int
    notes: tuple[str, ...]
    lint_errors: int = 0


def units(source: OrgSource, store: ContractStore) -> list[contract_docs.Unit]:
    """Every contract to document (the first declaration of a topic, the first contract of
    a name), with its versions as the store describes them."""
    out = []
    for _owner, topic in source.graph.org.topics():
        if source.graph.topics[topic.name].declaration is not topic:
            continue  # declared twice: the first declaration is the one documented
        for c in topic.contracts:
            if topic.contract(c.name) is not c:
                continue
            specs = tuple(store.spec(c, v) for v in c.versions)
            out.append(contract_docs.Unit(topic.name, c.name, store.mode(topic, c), specs,
                                          source.config))
    return out


def build(source: OrgSource, out: Path, options: CatalogOptions = CatalogOptions()
          ) -> CatalogResult:
    from evtctl.contracts.store import ContractStore
    from evtctl.report.org.catalog.cache import CatalogCache

    try:
        output = SiteOutput.open(out)
    except OutputError as exc:
        raise OrgInputError(str(exc)) from None
    site = Site(source.graph, source.config, out, options.today or date.today())
    site.name_pages()
    cache = CatalogCache.open(options.use_cache)
    # Lint's store and cache: versions loaded here are known to lint's next run.
    store = ContractStore(source.config, use_cache=options.use_cache, check_histories=False)
    try:
        with fewer_collections():
            return _build(source, site, output, options, cache, store)
    finally:
        store.close()
        cache.close()


def _build(source: OrgSource, site: Site, output: SiteOutput, options: CatalogOptions,
           cache: CatalogCache, store: ContractStore) -> CatalogResult:
    from evtctl.report.org.catalog import flowpage, index, pages, parallel

    todo = units(source, store)
    site.modes = {(u.topic, u.contract): (u.mode, contract_docs.unit_policy(u)) for u in todo}
    keys = [cache.doc_key(u) for u in todo]
    found = [cache.doc(k) for k in keys]
    notes: list[str] = list(source.notes)
    lint_errors = 0
    if options.with_lint:
        from evtctl.lint import LintOptions, lint_loaded
        from evtctl.report.org.catalog.findings import place

        result = lint_loaded(source.loaded, source.config, LintOptions(today=site.today))
        site.findings = list(result.findings)
        site.placement = place(site.findings, site.graph)
        lint_errors = result.errors
    for folder in ("services", "topics", "contracts", "assets"):
        output.folder(folder)
    flows = flowpage.Flows(site, output, cache)
    cache.release()  # no connection open while worker processes fork
    count = 0

    def write_contract(unit: contract_docs.Unit, doc: contract_docs.ContractDoc) -> None:
        output.write(site.contract_url(unit.topic, unit.contract),
                     pages.contract_page(site, unit.topic, unit.contract, doc))

    def own_pages() -> None:
        nonlocal count
        layouts.start()  # after the workers forked: Graphviz runs beside them
        for name in ASSETS:
            data = resources.files("evtctl.report.org.catalog").joinpath("assets", name)
            output.write_bytes(f"assets/{name}", data.read_bytes())
        for sid in sorted(site.graph.services):
            output.write(site.service_url(sid), pages.service_page(site, sid))
        for name in sorted(site.graph.topics):
            output.write(site.topic_url(name), pages.topic_page(site, name))
        for unit in todo:  # written by a worker, or by this process after this
            output.expect(site.contract_url(unit.topic, unit.contract))
        output.write("search.js", index.search_data(site))
        output.write("index.html", index.index_page(site))
        count = len(site.graph.services) + len(site.graph.topics) + 2
        if site.with_lint:
            output.write("findings.html", index.findings_page(site))
            count += 1

    layouts = _Background(flows.layout)
    docs = parallel.document_all(todo, store, write_contract, own_pages, options.jobs,
                                 known=found)
    for key, cached, doc in zip(keys, found, docs, strict=True):
        if cached is None:
            cache.put_doc(key, doc)
    layouts.wait()
    count += len(docs) + flows.write()
    notes += flows.notes
    output.finish()
    unread = sum(1 for d in docs for v in d.versions if v.error)
    if unread:
        notes.append(f"{unread} schema version{'s' if unread != 1 else ''} could not be read; "
                     "their pages say why")
    return CatalogResult(count, tuple(notes), lint_errors)


class _Background:
    """A function run in a thread; :meth:`wait` gives back what it raised."""

    def __init__(self, work: Callable[[], None]) -> None:
        self._work = work
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="evtctl-catalog", daemon=True)

    def _run(self) -> None:
        try:
            self._work()
        except BaseException as exc:  # handed to the main thread by wait()
            self._error = exc

    def start(self) -> None:
        self._thread.start()

    def wait(self) -> None:
        if self._thread.ident is None:
            self._work()  # never started (nothing ran before the contracts): run it here
        else:
            self._thread.join()
        if self._error is not None:
            raise self._error
