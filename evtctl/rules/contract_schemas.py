"""Loading every contract version's schema once, for the contract rules.

On a large organisation the first contract rule loads every schema and compares every
contract's history up front (:func:`prepare`), split over worker processes when there are
several cores: contracts are independent, and the workers send back small values (schema
handles, errors, the incompatible changes of each history, cache rows). This process
writes the cache and the rules report in the same order as a serial run, with the same
findings.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from evtctl.manifest.model import Contract, ContractVersion, Service, Topic
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
    path = version.schema_path
    key = ("schema", path, version.version)
    if key in ctx.memo:
        return ctx.memo[key]  # type: ignore[no-any-return]
    root = ctx.config.root
    result: tuple[Any | None, Any | None, bool]
    if not _paths(ctx).contains(root, path):
        result = (None, f"schema {version.schema!r} is outside the project folder {root}; "
                  "keep schemas inside the project", True)
    elif not path.is_file():
        result = (None, f"schema file {version.schema!r} does not exist "
                  f"(looked for {path.as_posix()})", True)
    else:
        from evtctl.compat.schemafile import SchemaFileError

        try:
            schema = compat_cache(ctx).load_schema(path, version.version, root,
                                                   ctx.config.allow_remote_refs)
            result = (schema, None, False)
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
    if len(contract.versions) < 2:
        return None
    mode = ctx.config.mode_for(topic.name, topic.kind.value if topic.kind else None,
                               contract.name, contract.compatibility)
    return None if mode == "NONE" else mode


def history_inputs(ctx: Context, contract: Contract) -> list[Any] | None:
    """The loaded versions of a contract to compare, or None when another rule reports why
    they cannot be (a schema that did not load: EVT502/EVT503; versions out of order: EVT501)."""
    loaded = [load_version(ctx, v)[0] for v in contract.versions]
    if any(s is None for s in loaded):
        return None
    numbers = [v.version for v in contract.versions]
    if numbers != sorted(set(numbers)):
        return None
    return loaded


def loaded_versions(ctx: Context) -> Iterator[LoadedVersion]:
    prepare(ctx)
    for service, topic in ctx.org.topics():
        for contract in topic.contracts:
            for version in contract.versions:
                schema, error, missing = load_version(ctx, version)
                yield LoadedVersion(service, topic, contract, version, schema, error, missing)
    compat_cache(ctx).flush()  # what this pass learnt is kept even if a later rule fails


# -- loading and comparing in worker processes ------------------------------------------------

Unit = tuple[Topic, Contract, str | None]  # a contract, and the mode to check its history in
_FORKED: list[tuple[Context, list[Unit]]] = []  # what a forked worker inherits


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


def prepare(ctx: Context) -> None:
    """Load every schema and compare every history now, in worker processes, when it pays.

    Serial runs (one core, ``EVTCTL_JOBS=1``, no ``fork``, a small organisation) do nothing
    here: the rules load lazily as before."""
    if ctx.memo.get("prepared"):
        return
    ctx.memo["prepared"] = True
    import multiprocessing

    workers = jobs()
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return
    units: list[Unit] = []
    count = 0
    check_histories = _rule_active(ctx, "EVT505")
    for _service, topic in ctx.org.topics():
        for contract in topic.contracts:
            units.append((topic, contract,
                          history_mode(ctx, topic, contract) if check_histories else None))
            count += len(contract.versions)
    if count < max(PARALLEL_MIN_VERSIONS, 1):
        return
    _run_workers(ctx, units, min(workers, len(units)))


def _rule_active(ctx: Context, rule_id: str) -> bool:
    from evtctl.lint import severity_for
    from evtctl.rules import find_rule

    spec = find_rule(rule_id)
    return spec is not None and severity_for(spec, ctx.config) is not None


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
    _FORKED.append((ctx, units))
    # Objects that exist now are the workers' read-only inheritance: keep the collector from
    # walking them (and copying their pages) in every worker.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            results = list(pool.map(_work, batches))
    finally:
        gc.unfreeze()
        _FORKED.clear()
    cache = compat_cache(ctx)
    for versions, chains, file_rows, chain_rows in results:  # in order: as a serial run
        for key, result in versions:
            ctx.memo.setdefault(key, result)
        cache.adopt(chains, file_rows, chain_rows)


def _import_engine() -> None:
    import jsonschema.validators  # noqa: F401 - what loading a schema file uses

    import evtctl.compat.diff
    import evtctl.compat.examples
    import evtctl.compat.metacheck
    import evtctl.compat.modes
    import evtctl.compat.schemafile
    import evtctl.compat_cache  # noqa: F401


def _work(batch: tuple[int, int]) -> tuple[list[tuple[Any, Any]], dict[str, Any],
                                            list[tuple[str, str]], list[tuple[str, str]]]:
    """In a worker: load and compare the contracts ``batch`` spans; return what was learnt."""
    ctx, units = _FORKED[0]
    from evtctl.compat_cache import _chain_key

    cache = compat_cache(ctx)
    versions: list[tuple[Any, Any]] = []
    chains: dict[str, Any] = {}
    for _topic, contract, mode in units[batch[0]:batch[1]]:
        for version in contract.versions:
            key = ("schema", version.schema_path, version.version)
            versions.append((key, load_version(ctx, version)))
        if mode is None:
            continue
        loaded = history_inputs(ctx, contract)
        if loaded is not None:
            changes = cache.incompatible_changes(loaded, mode, ctx.config.policy)
            chains[_chain_key(loaded, mode, ctx.config.policy)] = changes
    # This worker never writes the cache file: its rows go to lint's process.
    file_rows, chain_rows = list(cache.pending_files), list(cache.pending_chains)
    cache.pending_files.clear()
    cache.pending_chains.clear()
    return versions, chains, file_rows, chain_rows
