"""What the catalogue shows of a contract's versions: each schema as a person reads it, and
the changes from one version to the next with the verdict under the contract's mode.

Versions are read through the contract store (:class:`evtctl.contracts.store.ContractStore`,
the run's one loading path: the same specs, errors and limits as lint) and its cache, which
is lint's: a version loaded here is known to lint's next run, and a history lint would
compare is compared once, with the incompatible changes kept for lint
(:meth:`~evtctl.contracts.cache.ContractCache.check_history`). Everything format-specific
goes through the format seam (:mod:`evtctl.compat.formats`): ``render`` shows a version,
``check`` compares the history (every difference, allowed or not), ``describe`` words a
change. Worker processes share the work (:mod:`evtctl.report.org.catalog.parallel`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evtctl.compat.formats import TITLES
from evtctl.config import ProjectConfig

if TYPE_CHECKING:
    from evtctl.compat import CompatResult
    from evtctl.compat.formats import LoadedSchema
    from evtctl.contracts.store import ContractStore, VersionSpec, VersionState

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
    # When its files were first read (time.time_ns()); the cache's file signatures are only
    # trusted for files not changed since (not stored in the cache).
    read_ns: int = 0


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
    return _loaded(spec, store_for(config).state(spec))


def unit_policy(unit: Unit) -> str:
    """The policy a contract is judged under ("" when its versions are in no single
    format)."""
    types = {s.schema_type for s in unit.specs if s.schema_type is not None}
    return unit.config.policy_for(next(iter(types))) if len(types) == 1 else ""


def document(unit: Unit, store: ContractStore | None = None) -> ContractDoc:
    """The doc of one contract, its versions loaded through ``store`` (this process's
    :func:`store_for` when not given)."""
    from evtctl.compat.formats import SchemaFileError, get_format
    from evtctl.contracts.store import history_handles

    store = store if store is not None else store_for(unit.config)
    read_ns = time.time_ns()
    loaded: list[LoadedSchema] = []
    docs: list[VersionDoc] = []
    types: set[str] = set()
    states: list[VersionState] = []
    for spec in unit.specs:
        state = store.state(spec)
        states.append(state)
        if spec.schema_type is None:
            docs.append(VersionDoc(spec.number, spec.schema, None, error=spec.skipped))
            continue
        types.add(spec.schema_type)
        try:
            schema = _loaded(spec, state)
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
    policy = unit_policy(unit)
    if len(types) > 1:
        return ContractDoc(unit.topic, unit.contract, unit.mode, policy, tuple(docs),
                           error="its versions are in different formats ("
                           + ", ".join(TITLES.get(t, t) for t in sorted(types))
                           + "), which cannot be compared", read_ns=read_ns)
    if not loaded:
        return ContractDoc(unit.topic, unit.contract, unit.mode, policy, tuple(docs),
                           read_ns=read_ns)
    fmt = get_format(loaded[0].schema_type)

    def compare(versions: list[LoadedSchema], mode: str) -> CompatResult:
        # A history lint compares (every version loaded, in order, one format, a mode that
        # checks) is compared through lint's cache, which keeps its verdict for lint.
        found = history_handles(unit.specs, states, mode) if mode == unit.mode else None
        if found is not None and len(versions) == len(found[1]):
            return store.cache.check_history(found[0], found[1], mode, policy)
        return fmt.check(versions, mode, policy, chain=True, examples=False)

    steps = _steps(fmt, compare, loaded, unit.mode, len(docs) != len(loaded))
    return ContractDoc(unit.topic, unit.contract, unit.mode, policy, tuple(docs), steps,
                       read_ns=read_ns)


def _loaded(spec: VersionSpec, state: VersionState) -> LoadedSchema:
    """The loaded version; raises the SchemaFileError the store reports."""
    if state.error is not None:
        raise state.error
    if state.handle is None:
        from evtctl.compat.formats import SchemaFileError

        raise SchemaFileError(spec.skipped or "no format could be chosen", spec.path)
    return state.handle.loaded()


def _steps(fmt: Any, compare: Callable[[list[LoadedSchema], str], CompatResult],
           loaded: list[LoadedSchema], mode: str, missing: bool) -> tuple[StepDoc, ...]:
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
        # NONE allows every change; a FULL comparison still says what changed.
        result = compare(loaded, mode if directions else "FULL")
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
