"""Loading every contract version's schema once, for the contract rules.

On a large organisation the first contract rule loads every schema and compares every
contract's history up front (:func:`prepare`), split over worker processes when there are
several cores: contracts are independent, and the workers send back small values (schema
handles, errors, the incompatible changes of each history, cache rows). This process
writes the cache and the rules report in the same order as a serial run, with the same
findings.

While lint reads the manifests, :class:`Prefetch` keeps one core per worker busy with
schemas and leaves one to lint's own process; once the manifests are read, lint's process
takes its share of the contracts not yet sent instead of waiting for the workers.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from evtctl.config import ProjectConfig
from evtctl.manifest.model import Contract, ContractVersion, Organisation, Service, Topic
from evtctl.rules.base import Context

# Below this many schema versions a worker pool costs more than it saves.
PARALLEL_MIN_VERSIONS = 400
# Work units per worker: small enough to balance, large enough to amortise a round trip.
BATCHES_PER_WORKER = 4


@dataclass(frozen=True)
class LoadedVersion:
    service: Service
    topic: Topic
    contract: Contract
    version: ContractVersion
    schema: Any | None  # a compat_cache.SchemaHandle, or None when it could not be loaded
    error: Any | None  # a SchemaFileError, or a missing/outside-the-project message
    missing: bool = False


def _paths(ctx: Context) -> Any:
    """The run's ``RealPaths`` (each folder resolved once)."""
    paths = ctx.memo.get("real-paths")
    if paths is None:
        from evtctl.compat.realpaths import RealPaths

        paths = ctx.memo["real-paths"] = RealPaths()
    return paths


def load_version(ctx: Context, version: ContractVersion) -> tuple[Any | None, Any | None, bool]:
    """(schema, error, missing) for one version, memoised per file and version number."""
    return _load(ctx, version.schema_path, version.version, version.schema)


def _load(ctx: Context, path: Path, number: int,
          schema: str) -> tuple[Any | None, Any | None, bool]:
    key = ("schema", path, number)
    if key in ctx.memo:
        return ctx.memo[key]  # type: ignore[no-any-return]
    root = ctx.config.root
    result: tuple[Any | None, Any | None, bool]
    if not _paths(ctx).contains(root, path):
        result = (None, f"schema {schema!r} is outside the project folder {root}; "
                  "keep schemas inside the project", True)
    elif not path.is_file():
        result = (None, f"schema file {schema!r} does not exist "
                  f"(looked for {path.as_posix()})", True)
    else:
        from evtctl.compat.formats import SchemaFileError

        try:
            loaded = compat_cache(ctx).load_schema(path, number, root,
                                                   ctx.config.allow_remote_refs)
            result = (loaded, None, False)
        except SchemaFileError as exc:
            result = (None, exc, False)
    ctx.memo[key] = result
    return result


def compat_cache(ctx: Context) -> Any:
    """The run's ``CompatCache`` (opened once; off with ``--no-cache``)."""
    cache = ctx.memo.get("compat-cache")
    if cache is None:
        from evtctl.compat_cache import CompatCache

        cache = ctx.memo["compat-cache"] = CompatCache.open(enabled=ctx.use_cache,
                                                            paths=_paths(ctx))
    return cache


def history_mode(ctx: Context, topic: Topic, contract: Contract) -> str | None:
    """The mode a contract's history is checked under, or None when it is not checked."""
    return _mode(ctx.config, topic, contract)


def _mode(config: ProjectConfig, topic: Topic, contract: Contract) -> str | None:
    if len(contract.versions) < 2:
        return None
    mode = config.mode_for(topic.name, topic.kind.value if topic.kind else None,
                           contract.name, contract.compatibility)
    return None if mode == "NONE" else mode


def history_inputs(ctx: Context, contract: Contract) -> list[Any] | None:
    """The loaded versions of a contract to compare, or None when another rule reports why
    they cannot be (a schema that did not load: EVT502/EVT503; versions out of order: EVT501)."""
    return _inputs(ctx, [(v.schema_path, v.version, v.schema) for v in contract.versions])


def _inputs(ctx: Context, versions: Sequence[tuple[Path, int, str]]) -> list[Any] | None:
    loaded = [_load(ctx, *v)[0] for v in versions]
    if any(s is None for s in loaded):
        return None
    numbers = [v[1] for v in versions]
    if numbers != sorted(set(numbers)):
        return None
    return loaded


def loaded_versions(ctx: Context) -> Iterator[LoadedVersion]:
    """Every contract version with its schema, in organisation order (built by the first
    rule that asks, shared by the others)."""
    known = ctx.memo.get("loaded-versions")
    if known is not None:
        yield from known
        return
    prepare(ctx)
    built: list[LoadedVersion] = []
    for service, topic in ctx.org.topics():
        for contract in topic.contracts:
            for version in contract.versions:
                schema, error, missing = load_version(ctx, version)
                lv = LoadedVersion(service, topic, contract, version, schema, error, missing)
                built.append(lv)
                yield lv
    ctx.memo["loaded-versions"] = built
    compat_cache(ctx).flush()  # what this pass learnt is kept even if a later rule fails


# -- loading and comparing in worker processes ------------------------------------------------

# A contract as a worker needs it: its versions as (schema file, number, schema as written),
# and the mode to check its history in (None: not checked). Small and cheap to pickle.
Unit = tuple[tuple[tuple[str, int, str], ...], str | None]
Result = tuple[list[tuple[Any, Any]], dict[str, Any], list[tuple[str, str]], list[tuple[str, str]]]
# What a forked worker inherits: the configuration, whether the cache is on, and the units of
# a pool started after loading (a prefetching pool sends its units with each batch).
_FORKED: list[tuple[ProjectConfig, bool, list[Unit]]] = []
# The rules that read what prepare() loads (EVT502-EVT505).
SCHEMA_RULES = ("EVT502", "EVT503", "EVT504", "EVT505")
# Contracts per batch of a prefetching pool: batches go out while manifests are still read.
PREFETCH_BATCH = 40
# Once the manifests are read: contracts per batch still sent to a worker, and per turn of
# lint's own process. Small, so that every process runs out of work at about the same time.
TAIL_BATCH = 10
OWN_TURN = 4
# Batches queued per worker, so that none waits for its next one.
IN_FLIGHT = 2


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


def _unit(config: ProjectConfig, topic: Topic, contract: Contract, histories: bool) -> Unit:
    return (tuple((str(v.schema_path), v.version, v.schema) for v in contract.versions),
            _mode(config, topic, contract) if histories else None)


def prepare(ctx: Context) -> None:
    """Load every schema and compare every history now, in worker processes, when it pays.

    Serial runs (one core, ``EVTCTL_JOBS=1``, no ``fork``, a small organisation) do nothing
    here: the rules load lazily as before. When lint started a :class:`Prefetch` while it read
    the manifests, its workers have done (or are doing) the work: collect it."""
    if ctx.memo.get("prepared"):
        return
    ctx.memo["prepared"] = True
    prefetch = ctx.memo.pop("prefetch", None)
    if isinstance(prefetch, Prefetch) and prefetch.started:
        prefetch.finish(ctx)
        return
    workers = _workers()
    if workers < 2:
        return
    histories = _rule_active(ctx.config, "EVT505")
    units = [_unit(ctx.config, topic, contract, histories)
             for _service, topic in ctx.org.topics() for contract in topic.contracts]
    if sum(len(u[0]) for u in units) < max(PARALLEL_MIN_VERSIONS, 1):
        return
    _run_workers(ctx, units, min(workers, len(units)))


def _rule_active(config: ProjectConfig, rule_id: str) -> bool:
    from evtctl.lint import severity_for
    from evtctl.rules import find_rule

    spec = find_rule(rule_id)
    return spec is not None and severity_for(spec, config) is not None


def _run_workers(ctx: Context, units: list[Unit], workers: int) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Workers open their own connection to the cache file: none may be inherited.
    open_cache = ctx.memo.pop("compat-cache", None)
    if open_cache is not None:
        open_cache.close()
    size = max(1, -(-len(units) // (workers * BATCHES_PER_WORKER)))
    batches = [(start, min(start + size, len(units))) for start in range(0, len(units), size)]
    _import_engine()  # once here, not once per worker
    _FORKED.append((ctx.config, ctx.use_cache, units))
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
    _adopt(ctx, results)


def _adopt(ctx: Context, results: list[Result]) -> None:
    cache = compat_cache(ctx)
    for versions, chains, file_rows, chain_rows in results:  # in order: as a serial run
        for key, result in versions:
            ctx.memo.setdefault(key, result)
        cache.adopt(chains, file_rows, chain_rows)


class Prefetch:
    """Schemas loaded and histories compared while lint is still reading the manifests.

    Lint feeds it the services of each manifest file as they are built. Once they hold
    ``PARALLEL_MIN_VERSIONS`` schema versions (and there are two usable cores and ``fork``),
    it forks one worker per core but one (lint's process reads the manifests on that one:
    more processes than cores would only slow every one of them down) and keeps each worker
    ``IN_FLIGHT`` batches of contracts ahead, in manifest order. The first contract rule
    (:func:`prepare`) calls :meth:`finish`: lint's process then works through the contracts
    not yet sent, a few at a time, while it keeps the workers fed with small batches, and
    adopts what the workers sent back. Manifest loading and schema work overlap, and no
    process idles while another still has a queue. Fed nothing, or too little, it does
    nothing and the rules run as without it.
    """

    def __init__(self, config: ProjectConfig, use_cache: bool) -> None:
        self.config = config
        self.use_cache = use_cache
        self.workers = _workers()  # processes, lint's own included
        self.histories: bool | None = None
        self.waiting: deque[Unit] = deque()
        self.versions = 0
        self.pool: Any = None
        self.futures: list[Any] = []  # every batch sent, in order
        self.busy: list[Any] = []  # the batches not done yet

    @property
    def started(self) -> bool:
        return self.pool is not None

    def feed(self, services: Sequence[Service]) -> None:
        if self.workers < 2:
            return
        if self.histories is None:
            self.histories = _rule_active(self.config, "EVT505")
            if not any(_rule_active(self.config, r) for r in SCHEMA_RULES):
                self.workers = 1  # no rule would collect the work
                return
        for service in services:
            for topic in service.topics:
                for contract in topic.contracts:
                    self.waiting.append(_unit(self.config, topic, contract, self.histories))
                    self.versions += len(contract.versions)
        if self.pool is None and self.versions >= max(PARALLEL_MIN_VERSIONS, 1):
            self._start()
        elif self.pool is not None:
            self._send(PREFETCH_BATCH, whole=True)

    def _start(self) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        _import_engine()  # once here, not once per worker
        _FORKED.append((self.config, self.use_cache, []))
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

    def finish(self, ctx: Context) -> None:
        """Work through the contracts not yet sent, alongside the workers; adopt their
        results. Lint's process takes its turns from the end of the queue, the workers
        their batches from the front."""
        try:
            while self.waiting:
                self._send(TAIL_BATCH, whole=False)
                turn = [self.waiting.pop() for _ in range(min(OWN_TURN, len(self.waiting)))]
                _work(ctx, turn)
            results = [future.result() for future in self.futures]
        finally:
            self.close()
        _adopt(ctx, results)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
            self.futures = []
            self.busy = []


def _import_engine() -> None:
    import jsonschema.validators  # noqa: F401 - what loading a schema file uses

    import evtctl.compat.jsonschema.checker
    import evtctl.compat.jsonschema.diff
    import evtctl.compat.jsonschema.examples
    import evtctl.compat.jsonschema.metacheck
    import evtctl.compat.jsonschema.schemafile
    import evtctl.compat_cache  # noqa: F401


_WORKER_CTX: list[Context] = []


def _work_span(batch: tuple[int, int]) -> Result:
    """In a worker of :func:`_run_workers`: the contracts ``batch`` spans."""
    return _work_units(_FORKED[0][2][batch[0]:batch[1]])


def _work_units(units: Sequence[Unit]) -> Result:
    """In a worker: load and compare ``units``; return what was learnt."""
    if not _WORKER_CTX:
        config, use_cache, _units = _FORKED[0]
        _WORKER_CTX.append(Context(org=Organisation(()), config=config, today=date.today(),
                                   use_cache=use_cache))
    ctx = _WORKER_CTX[0]
    cache = compat_cache(ctx)
    versions = _work(ctx, units)
    for key, _result in versions:
        ctx.memo.pop(key, None)  # sent back: the loaded schemas need not stay in this process
    chains = dict(cache.known_chains)
    cache.known_chains.clear()
    # This worker never writes the cache file: its rows go to lint's process.
    file_rows, chain_rows = list(cache.pending_files), list(cache.pending_chains)
    cache.pending_files.clear()
    cache.pending_chains.clear()
    return versions, chains, file_rows, chain_rows


def _work(ctx: Context, units: Iterable[Unit]) -> list[tuple[Any, Any]]:
    """Load and compare ``units`` in this process: every version's (memo key, result); the
    histories' changes are in the cache's ``known_chains``."""
    cache = compat_cache(ctx)
    versions: list[tuple[Any, Any]] = []
    for raw_versions, mode in units:
        inputs = [(Path(path), number, schema) for path, number, schema in raw_versions]
        for path, number, schema in inputs:
            key = ("schema", path, number)
            versions.append((key, _load(ctx, path, number, schema)))
        if mode is None:
            continue
        loaded = _inputs(ctx, inputs)
        if loaded is not None:
            cache.incompatible_changes(loaded, mode, ctx.config.policy)
    return versions
