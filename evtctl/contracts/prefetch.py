"""Loading contract versions and comparing histories in worker processes, for the store.

On a large organisation the versions are loaded and every contract's history compared up
front, split over worker processes when there are several cores: contracts are independent,
and the workers send back small values (version states, the incompatible changes of each
history, cache rows). The store adopts them in the order of a serial run, so the findings
are the same.

While lint reads the manifests, :class:`Prefetch` keeps one core per worker busy with
schemas and leaves one to lint's own process; once the manifests are read, lint's process
takes its share of the contracts not yet sent instead of waiting for the workers. Started
after loading instead (:func:`after_loading`), the workers share the whole list.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from evtctl.compat import Change
from evtctl.config import ProjectConfig
from evtctl.contracts.store import (
    ContractStore,
    VersionSpec,
    VersionState,
    history_handles,
)
from evtctl.manifest.model import Organisation, Service

# Below this many schema versions a worker pool costs more than it saves.
PARALLEL_MIN_VERSIONS = 400
# Work units per worker: small enough to balance, large enough to amortise a round trip.
BATCHES_PER_WORKER = 4
# Contracts per batch of a prefetching pool: batches go out while manifests are still read.
PREFETCH_BATCH = 40
# Once the manifests are read: contracts per batch still sent to a worker, and per turn of
# lint's own process. Small, so that every process runs out of work at about the same time.
TAIL_BATCH = 10
OWN_TURN = 4
# Batches queued per worker, so that none waits for its next one.
IN_FLIGHT = 2
# A warm cache: when at least CACHED_SHARE of SAMPLE versions spread over the first
# contracts have a row in the cache, no worker is started and lint's process answers every
# version itself. A hit costs little (read and hash the file, look up its row); handing it to
# a worker and adopting the answer costs more than that (1,000 services, warm: +1.7 s of CPU
# and a slower run with a worker than without).
SAMPLE = 16
CACHED_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class Unit:
    """One contract as a worker needs it: its versions, and the mode and policy to check its
    history in (mode None: not checked)."""

    specs: tuple[VersionSpec, ...]
    mode: str | None
    policy: str


# What one batch sends back: version states, known chains, file rows, chain rows, history
# rows.
Result = tuple[list[tuple[VersionSpec, VersionState]], dict[str, tuple[Change, ...]],
               list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]
# What a forked worker inherits: the configuration, the store's settings, and the units of a
# pool started after loading (a prefetching pool sends its units with each batch).
_FORKED: list[tuple[ProjectConfig, bool, Any, list[Unit]]] = []
_WORKER_STORE: list[ContractStore] = []


def jobs() -> int:
    """Worker processes to use: ``EVTCTL_JOBS``, else the cores this process may run on."""
    value = os.environ.get("EVTCTL_JOBS", "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            pass
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _workers() -> int:
    """Worker processes to use, or 1 when the pool cannot ``fork``."""
    import multiprocessing

    return jobs() if "fork" in multiprocessing.get_all_start_methods() else 1


def _units(store: ContractStore, services: Iterable[Service]) -> Iterable[Unit]:
    for service in services:
        for topic in service.topics:
            for contract in topic.contracts:
                specs = tuple(store.spec(contract, v) for v in contract.versions)
                types = {s.schema_type for s in specs}
                schema_type = next(iter(types)) if len(types) == 1 else None
                mode = store.mode(topic, contract) if store.check_histories else None
                yield Unit(specs, mode, store.policy(schema_type))


def _prepare_formats(units: Iterable[Unit]) -> None:
    """Import every format the units use, and learn its identity for the cache keys (read
    from package metadata: tens of milliseconds), once, before the workers fork."""
    from evtctl.contracts.cache import identity

    for schema_type in {s.schema_type for u in units for s in u.specs}:
        if schema_type is not None:
            # A format whose library is missing: each of its versions says so.
            with contextlib.suppress(ImportError):
                identity(schema_type)


def mostly_cached(store: ContractStore, units: Sequence[Unit]) -> bool:
    """Whether the cache is warm for ``units``: at least ``CACHED_SHARE`` of a sample of
    their versions (``SAMPLE``, spread evenly) has a row for the file as it is now. Nothing
    is loaded; an empty or disabled cache answers at once."""
    if not store.use_cache or not store.cache.holds_any():
        return False
    specs = [s for u in units for s in u.specs if s.schema_type is not None]
    if not specs:
        return False
    sample = specs[::max(1, len(specs) // SAMPLE)][:SAMPLE]
    cache = store.cache
    held = sum(1 for s in sample if s.schema_type is not None
               and cache.holds(s.schema_type, s.path, s.options))
    return held >= CACHED_SHARE * len(sample)


def after_loading(store: ContractStore, org: Organisation) -> None:
    """Load and compare every contract of ``org`` in worker processes, when it pays."""
    workers = _workers()
    if workers < 2:
        return
    units = list(_units(store, org.services))
    if sum(len(u.specs) for u in units) < max(PARALLEL_MIN_VERSIONS, 1):
        return
    if mostly_cached(store, units):
        return  # versions load as rules ask, from the cache
    _run_workers(store, units, min(workers, len(units)))


def _run_workers(store: ContractStore, units: list[Unit], workers: int) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Workers open their own connection to the cache file: none may be inherited.
    store.close()
    size = max(1, -(-len(units) // (workers * BATCHES_PER_WORKER)))
    batches = [(start, min(start + size, len(units))) for start in range(0, len(units), size)]
    _prepare_formats(units)  # once here, not once per worker
    _FORKED.append((store.config, store.use_cache, store.root, units))
    # Objects that exist now are the workers' read-only inheritance: keep the collector from
    # walking them (and copying their pages) in every worker.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_work_span, batches))
    finally:
        gc.unfreeze()
        _FORKED.clear()
    _adopt(store, results)


def _adopt(store: ContractStore, results: Sequence[Result]) -> None:
    for states, chains, file_rows, chain_rows, history_rows in results:  # as a serial run
        store.adopt(states)
        store.cache.adopt(chains, file_rows, chain_rows, history_rows)


class Prefetch:
    """Versions loaded and histories compared while lint is still reading the manifests.

    The store feeds it the services of each manifest file as they are built. Once they hold
    ``PARALLEL_MIN_VERSIONS`` versions (and there are two usable cores and ``fork``), it forks
    one worker per core but one (lint's process reads the manifests on that one: more
    processes than cores would only slow every one of them down) and keeps each worker
    ``IN_FLIGHT`` batches of contracts ahead, in manifest order. When the rules first ask,
    :meth:`finish` has lint's process work through the contracts not yet sent, a few at a
    time, while it keeps the workers fed with small batches, and the store adopts what the
    workers sent back. Fed too little, it does nothing and versions load as rules ask.
    """

    def __init__(self, store: ContractStore) -> None:
        self.store = store
        self.workers = _workers()  # processes, lint's own included
        self.waiting: deque[Unit] = deque()
        self.versions = 0
        self.pool: Any = None
        self.futures: list[Any] = []  # every batch sent, in order
        self.busy: list[Any] = []  # the batches not done yet
        self.serial = False  # decided: the cache is warm, lint's process does it all

    @property
    def started(self) -> bool:
        return self.pool is not None

    def feed(self, services: Sequence[Service]) -> None:
        if self.workers < 2 or self.serial:
            return
        for unit in _units(self.store, services):
            self.waiting.append(unit)
            self.versions += len(unit.specs)
        if self.pool is None and self.versions >= max(PARALLEL_MIN_VERSIONS, 1):
            self._start()
        elif self.pool is not None:
            self._send(PREFETCH_BATCH, whole=True)

    def _start(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if mostly_cached(self.store, self.waiting):
            self.serial = True
            self.waiting.clear()
            return
        self.store.release_cache()  # workers open their own connection: none is inherited
        _prepare_formats(self.waiting)  # once here, not once per worker
        _FORKED.append((self.store.config, self.store.use_cache, self.store.root, []))
        self.pool = ProcessPoolExecutor(max_workers=self.workers - 1,
                                        mp_context=multiprocessing.get_context("fork"))
        gc.freeze()  # as in _run_workers
        try:
            self._send(PREFETCH_BATCH, whole=False)  # the first submission forks every worker
        finally:
            gc.unfreeze()
            _FORKED.clear()  # the workers have their copy

    def _send(self, size: int, whole: bool) -> None:
        """Top every worker up to ``IN_FLIGHT`` batches of ``size`` contracts (only full
        batches when ``whole``: more contracts are on their way)."""
        self.busy = [future for future in self.busy if not future.done()]
        room = (self.workers - 1) * IN_FLIGHT - len(self.busy)
        while room > 0 and self.waiting and (len(self.waiting) >= size or not whole):
            batch = [self.waiting.popleft() for _ in range(min(size, len(self.waiting)))]
            future = self.pool.submit(_work_units, batch)
            self.futures.append(future)
            self.busy.append(future)
            room -= 1

    def finish(self) -> None:
        """Work through the contracts not yet sent, alongside the workers; adopt their
        results. Lint's process takes its turns from the end of the queue, the workers
        their batches from the front."""
        try:
            while self.waiting:
                self._send(TAIL_BATCH, whole=False)
                turn = [self.waiting.pop() for _ in range(min(OWN_TURN, len(self.waiting)))]
                _work(self.store, turn)
            results = [future.result() for future in self.futures]
        finally:
            self.close()
        _adopt(self.store, results)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
            self.futures = []
            self.busy = []


def _work_span(batch: tuple[int, int]) -> Result:
    """In a worker of :func:`_run_workers`: the contracts ``batch`` spans."""
    return _work_units(_FORKED[0][3][batch[0]:batch[1]])


def _work_units(units: Sequence[Unit]) -> Result:
    """In a worker: load and compare ``units``; return what was learnt."""
    if not _WORKER_STORE:
        config, use_cache, root, _units_list = _FORKED[0]
        _WORKER_STORE.append(ContractStore(config, use_cache=use_cache, root=root))
    store = _WORKER_STORE[0]
    states = _work(store, units)
    for spec, _state in states:
        store._states.pop(spec, None)  # sent back: the loaded versions need not stay here
    # This worker never writes the cache file: its rows go to lint's process.
    chains, file_rows, chain_rows, history_rows = store.cache.take_pending()
    return states, chains, file_rows, chain_rows, history_rows


def _work(store: ContractStore, units: Iterable[Unit]) -> list[tuple[VersionSpec, VersionState]]:
    """Load and compare ``units`` in this process: every version's (spec, state); the
    histories' changes are in the cache's ``known_chains``."""
    out: list[tuple[VersionSpec, VersionState]] = []
    for unit in units:
        states = [store.state(spec) for spec in unit.specs]
        out.extend(zip(unit.specs, states, strict=True))
        found = history_handles(unit.specs, states, unit.mode)
        if found is not None:
            schema_type, handles = found
            assert unit.mode is not None
            store.cache.incompatible_changes(schema_type, handles, unit.mode, unit.policy)
    return out
