"""Build the catalogue: read every contract, lay out the flow, write every page.

The output folder holds only what this build writes: an existing folder is refused unless
it is empty or an earlier catalogue (it has the marker file), so ``--out .`` cannot wipe a
project. Pages link with relative paths only and load nothing from the network.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from evtctl.report.org.catalog import contracts as contract_docs
from evtctl.report.org.catalog.sitemap import Site
from evtctl.report.org.source import OrgInputError, OrgSource

if TYPE_CHECKING:
    from evtctl.report.org.catalog.cache import CatalogCache

MARKER = ".evtctl-catalog"
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


def prepare_out(out: Path) -> None:
    """Make ``out`` ready for a fresh build. Raises OrgInputError."""
    if out.exists() and not out.is_dir():
        raise OrgInputError(f"--out {out}: is a file, not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise OrgInputError(f"--out {out}: the folder is not empty and holds no earlier "
                                "catalogue; give a new or empty folder")
        for child in out.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("built by evtctl catalog; the next build replaces this folder\n")


def units(source: OrgSource) -> list[contract_docs.Unit]:
    store = contract_docs.store_for(source.config, fresh=True)
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
    from evtctl.report.org.catalog.cache import CatalogCache

    prepare_out(out)
    site = Site(source.graph, source.config, out, options.today or date.today())
    cache = CatalogCache.open(options.use_cache)
    try:
        return _build(source, site, options, cache)
    finally:
        cache.close()


def _documents(source: OrgSource, options: CatalogOptions,
               cache: CatalogCache) -> list[contract_docs.ContractDoc]:
    """Every contract's doc: from the cache when nothing it is made of changed."""
    todo = units(source)
    keys = [cache.doc_key(u) for u in todo]
    found = [cache.doc(k) for k in keys]
    missing = [i for i, d in enumerate(found) if d is None]
    computed = contract_docs.document_all([todo[i] for i in missing], options.jobs)
    for i, doc in zip(missing, computed, strict=True):
        found[i] = doc
        cache.put_doc(keys[i], doc)
    return [d for d in found if d is not None]


def _build(source: OrgSource, site: Site, options: CatalogOptions,
           cache: CatalogCache) -> CatalogResult:
    from evtctl.report.org.catalog import flowpage, index, pages

    out = site.out
    docs = _documents(source, options, cache)
    site.docs = {(d.topic, d.contract): d for d in docs}
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
        (out / folder).mkdir(exist_ok=True)
    for name in ASSETS:
        data = resources.files("evtctl.report.org.catalog").joinpath("assets", name)
        (out / "assets" / name).write_bytes(data.read_bytes())
    views = flowpage.plan(site)
    notes += flowpage.write(site, views, cache)
    count = 0

    def write(path: str, text: str) -> None:
        nonlocal count
        (out / path).write_text(text, encoding="utf-8")
        count += 1

    for sid in sorted(site.graph.services):
        write(site.service_url(sid), pages.service_page(site, sid))
    for name in sorted(site.graph.topics):
        write(site.topic_url(name), pages.topic_page(site, name))
    for c in site.graph.contracts():
        write(site.contract_url(c.topic, c.name), pages.contract_page(site, c.topic, c.name))
    write("search.js", index.search_data(site))
    write("index.html", index.index_page(site))
    if site.with_lint:
        write("findings.html", index.findings_page(site))
    unread = sum(1 for d in docs for v in d.versions if v.error)
    if unread:
        notes.append(f"{unread} schema version{'s' if unread != 1 else ''} could not be read; "
                     "their pages say why")
    return CatalogResult(count + len(views), tuple(notes), lint_errors)
