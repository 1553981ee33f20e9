"""What the catalogue shows of a contract's versions: each schema as a person reads it, and
the changes from one version to the next with the verdict under the contract's mode.

Versions are read through the contract store (:class:`evtctl.contracts.store.ContractStore`,
the run's one loading path: the same specs, errors and limits as lint), and everything
format-specific goes through the format seam (:mod:`evtctl.compat.formats`): ``render``
shows a version, ``check`` compares the history (every difference, allowed or not, which
lint's cache does not keep), ``describe`` words a change.

A large organisation's contracts are worked on by a pool of processes (one per core but
one, as lint does); each returns plain values, so nothing heavy crosses a process boundary.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evtctl.compat.formats import TITLES
from evtctl.config import ProjectConfig

if TYPE_CHECKING:
    from evtctl.compat.formats import LoadedSchema
    from evtctl.contracts.store import ContractStore, VersionSpec

# Below this many contracts, starting worker processes costs more than it saves.
PARALLEL_FROM = 60


@dataclass(frozen=True)
class VersionDoc:
    version: int
    schema_file: str  # as written in the manifest
    schema_type: str | None  # "JSON", "AVRO", "PROTOBUF"; None when it cannot be told
    rendered: str | None = None
    error: str | None = None  # why the version could not be read or shown
    # Every file the version is made of (resolved, main first), with the SHA-256 of its bytes.
    files: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ChangeDoc:
    type: str
    path: str
    allowed: bool
    from_version: int
    to_version: int
    direction: str
    description: str


@dataclass(frozen=True)
class StepDoc:
    """Version ``version`` against what its mode compares it with."""

    version: int
    against: tuple[int, ...]
    compatible: bool | None  # None: not checked (see ``note``)
    changes: tuple[ChangeDoc, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class ContractDoc:
    topic: str
    contract: str
    mode: str
    policy: str
    versions: tuple[VersionDoc, ...]
    steps: tuple[StepDoc, ...] = field(default=())
    error: str | None = None  # the history could not be compared at all


@dataclass(frozen=True)
class Unit:
    """One contract to document, as plain values (picklable)."""

    topic: str
    contract: str
    mode: str
    specs: tuple[VersionSpec, ...]
    config: ProjectConfig


_STORE: list[ContractStore] = []


def store_for(config: ProjectConfig, fresh: bool = False) -> ContractStore:
    """This process's contract store for ``config`` (one per run, and one per worker);
    ``fresh`` starts a new one (files may have changed since the last run)."""
    from evtctl.contracts.store import ContractStore

    if fresh or not _STORE or _STORE[0].config != config:
        _STORE[:] = [ContractStore(config, use_cache=False, check_histories=False)]
    return _STORE[0]


def load_version(spec: VersionSpec, config: ProjectConfig) -> LoadedSchema:
    """One version through the store; raises the SchemaFileError the store reports."""
    state = store_for(config).state(spec)
    if state.error is not None:
        raise state.error
    if state.handle is None:
        from evtctl.compat.formats import SchemaFileError

        raise SchemaFileError(spec.skipped or "no format could be chosen", spec.path)
    return state.handle.loaded()


def document_all(units: Sequence[Unit], jobs: int | None = None) -> list[ContractDoc]:
    """Every unit documented, in order; in worker processes when there are many."""
    workers = jobs if jobs is not None else max(1, (os.cpu_count() or 1) - 1)
    if len(units) < PARALLEL_FROM or workers < 2:
        return [document(u) for u in units]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, len(units) // (workers * 4))
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(document, units, chunksize=chunk))


def document(unit: Unit) -> ContractDoc:
    from evtctl.compat.formats import SchemaFileError, get_format

    loaded: list[LoadedSchema] = []
    docs: list[VersionDoc] = []
    types: set[str] = set()
    for spec in unit.specs:
        if spec.schema_type is None:
            docs.append(VersionDoc(spec.number, spec.schema, None, error=spec.skipped))
            continue
        types.add(spec.schema_type)
        try:
            schema = load_version(spec, unit.config)
            rendered = get_format(spec.schema_type).render(schema)
        except SchemaFileError as exc:
            docs.append(VersionDoc(spec.number, spec.schema, spec.schema_type, error=str(exc)))
            continue
        except (ImportError, OSError, ValueError, RecursionError) as exc:
            docs.append(VersionDoc(spec.number, spec.schema, spec.schema_type,
                                   error=f"cannot be read: {exc}"))
            continue
        loaded.append(schema)
        docs.append(VersionDoc(spec.number, spec.schema, spec.schema_type, rendered,
                               files=tuple((str(p), sha) for p, sha in schema.files.items())))
    policy = unit.config.policy_for(next(iter(types))) if len(types) == 1 else ""
    if len(types) > 1:
        return ContractDoc(unit.topic, unit.contract, unit.mode, policy, tuple(docs),
                           error="its versions are in different formats ("
                           + ", ".join(TITLES.get(t, t) for t in sorted(types))
                           + "), which cannot be compared")
    if not loaded:
        return ContractDoc(unit.topic, unit.contract, unit.mode, policy, tuple(docs))
    fmt = get_format(loaded[0].schema_type)
    steps = _steps(fmt, loaded, unit.mode, policy, len(docs) != len(loaded))
    return ContractDoc(unit.topic, unit.contract, unit.mode, policy, tuple(docs), steps)


def _steps(fmt: Any, loaded: list[LoadedSchema], mode: str, policy: str,
           missing: bool) -> tuple[StepDoc, ...]:
    from evtctl.compat.modes import parse_mode

    if len(loaded) < 2:
        return ()
    gap = ("; versions that could not be read are left out of the comparison"
           if missing else "")
    try:
        directions, _transitive = parse_mode(mode)
    except ValueError:
        return tuple(StepDoc(v.version, (), None, note=f"not checked: {mode!r} is not a "
                             "compatibility mode") for v in loaded[1:])
    try:
        if directions:
            result = fmt.check(loaded, mode, policy, chain=True, examples=False)
        else:
            # NONE allows every change; a FULL comparison still says what changed.
            result = fmt.check(loaded, "FULL", policy, chain=True, examples=False)
    except RecursionError:
        return tuple(StepDoc(v.version, (), None, note="not checked: the schemas are nested "
                             "too deeply to compare") for v in loaded[1:])
    except Exception as exc:  # a format's engine failing must not stop the catalogue
        return tuple(StepDoc(v.version, (), None, note=f"not checked: the compatibility "
                             f"engine failed: {type(exc).__name__}: {exc}")
                     for v in loaded[1:])
    steps: list[StepDoc] = []
    for k, later in enumerate(loaded[1:], start=1):
        mine = [c for c in result.changes if c.to_version == later.version]
        changes = tuple(ChangeDoc(c.type, c.path, c.compatible or not directions,
                                  c.from_version, c.to_version, c.direction, fmt.describe(c))
                        for c in mine)
        against = tuple(sorted({c.from_version for c in mine} or {loaded[k - 1].version}))
        if not directions:
            steps.append(StepDoc(later.version, against, True, changes,
                                 note="NONE: every change is allowed" + gap))
        else:
            steps.append(StepDoc(later.version, against, all(c.allowed for c in changes),
                                 changes, note=gap[2:] if gap else None))
    return tuple(steps)
