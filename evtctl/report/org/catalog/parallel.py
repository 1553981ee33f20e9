"""The catalogue's contracts, shared between worker processes and the build's own.

A contract's doc (every version loaded and rendered, the history compared) is the costly
part of a catalogue with nothing cached, and contracts are independent. As lint does
(:mod:`evtctl.contracts.prefetch`), the build forks one worker per core but one; the
workers inherit the site (graph, page names, lint findings) and the output folder, take
batches of contracts from the front of the queue, write each contract's page themselves
and send back the docs (for the catalogue's cache) and the rows their contract store added
to lint's cache. The build's own process writes the other pages meanwhile, then takes
batches from the end of the queue that no worker has started, so every process runs out
of work at about the same time. The docs are returned in the order of the contracts, as a
serial build makes them. A doc the catalogue's cache held is not computed again, but its
page is still written, by the workers too when there are many (an unchanged organisation
of 1,000 services: 3,000 contract pages).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from evtctl.report.org.catalog.contracts import ContractDoc, Unit, document

if TYPE_CHECKING:
    from evtctl.contracts.store import ContractStore

# Below this many contracts, starting worker processes costs more than it saves.
PARALLEL_FROM = 60
# Contracts per batch: small, so the queue can be shared to the end; large enough to
# amortise a round trip (a contract takes a few milliseconds).
BATCH = 8

# Contracts whose doc is known (from the catalogue's cache) only have their page written:
# below this many of those, and PARALLEL_FROM docs to compute, one process does it all.
PAGES_PARALLEL_FROM = 600

# What a batch sends back: (index, doc) pairs of the docs it computed, and lint's cache
# rows (files, chains, histories).
Result = tuple[list[tuple[int, ContractDoc]], list[tuple[str, str]], list[tuple[str, str]],
               list[tuple[str, str]]]
# Writes a contract's page: (unit, doc) -> None.
PageWriter = Callable[[Unit, ContractDoc], None]
# What a forked worker inherits: the units, the docs already known, the page writer,
# whether to use lint's cache.
_FORKED: list[tuple[Sequence[Unit], Sequence[ContractDoc | None], PageWriter, bool]] = []
_WORKER_STORE: list[ContractStore] = []


def document_all(units: Sequence[Unit], store: ContractStore, write_page: PageWriter,
                 own_work: Callable[[], None], jobs: int | None = None,
                 known: Sequence[ContractDoc | None] | None = None) -> list[ContractDoc]:
    """Every unit's doc, in order, each page written; ``own_work`` runs in this process
    while the workers start. A doc in ``known`` (by position) is not computed again, only
    its page written. ``store`` is this process's (its cache takes the workers' rows)."""
    from evtctl.contracts import prefetch

    known = known if known is not None else [None] * len(units)
    workers = jobs if jobs is not None else prefetch.jobs()
    missing = sum(1 for doc in known if doc is None)
    worth = missing >= PARALLEL_FROM or len(units) >= PAGES_PARALLEL_FROM
    if not worth or workers < 2 or not _can_fork():
        own_work()
        return [_one(unit, store, write_page, doc) for unit, doc in zip(units, known,
                                                                        strict=True)]
    return _in_workers(units, known, store, write_page, own_work, workers)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _one(unit: Unit, store: ContractStore, write_page: PageWriter,
         known: ContractDoc | None = None) -> ContractDoc:
    doc = known if known is not None else document(unit, store)
    write_page(unit, doc)
    return doc


def _in_workers(units: Sequence[Unit], known: Sequence[ContractDoc | None],
                store: ContractStore, write_page: PageWriter, own_work: Callable[[], None],
                workers: int) -> list[ContractDoc]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from evtctl.contracts.cache import identity

    spans = [(start, min(start + BATCH, len(units))) for start in range(0, len(units), BATCH)]
    for schema_type in {s.schema_type for u, doc in zip(units, known, strict=True)
                        if doc is None for s in u.specs}:
        if schema_type is not None:
            # Imported and identified once here, not per worker (a format whose library
            # is missing: each of its versions says so).
            with contextlib.suppress(ImportError):
                identity(schema_type)
    store.close()  # no cache connection may be inherited: each process opens its own
    _FORKED.append((units, known, write_page, store.use_cache))
    docs: list[ContractDoc | None] = list(known)
    pool = ProcessPoolExecutor(max_workers=workers - 1,
                               mp_context=multiprocessing.get_context("fork"))
    gc.freeze()  # what exists now is the workers' read-only inheritance (see prefetch)
    try:
        futures = [pool.submit(_work_span, span) for span in spans]  # forks every worker
        gc.unfreeze()
        own_work()
        # Then batches from the end, one at a time, as long as no worker has started them
        # (the workers take theirs from the front: they meet in the middle).
        k = len(futures) - 1
        while k >= 0 and futures[k].cancel():
            for i in range(*spans[k]):
                docs[i] = _one(units[i], store, write_page, known[i])
                store.forget(units[i].specs)
            k -= 1
        results = [future.result() for future in futures[:k + 1]]
    finally:
        gc.unfreeze()
        pool.shutdown(wait=True, cancel_futures=True)
        _FORKED.clear()
    for found, file_rows, chain_rows, history_rows in results:
        for i, doc in found:
            docs[i] = doc
        store.cache.adopt({}, file_rows, chain_rows, history_rows)
    return [d for d in docs if d is not None]


def _work_span(span: tuple[int, int]) -> Result:
    """In a worker: the docs of ``units[start:end]``, their pages written."""
    from evtctl.contracts.store import ContractStore

    units, known, write_page, use_cache = _FORKED[0]
    if not _WORKER_STORE:
        _WORKER_STORE.append(ContractStore(units[0].config, use_cache=use_cache,
                                           check_histories=False))
    store = _WORKER_STORE[0]
    found = []
    for i in range(*span):
        doc = _one(units[i], store, write_page, known[i])
        if known[i] is None:
            found.append((i, doc))  # a known doc need not travel back
        store.forget(units[i].specs)  # the page is written: the loaded versions can go
    # The worker never writes lint's cache: lint's process does.
    _chains, file_rows, chain_rows, history_rows = store.cache.take_pending()
    return found, file_rows, chain_rows, history_rows
