"""The contract store: every contract version of a run, loaded once, through the format seam.

Lint's contract rules, ``evtctl diff`` and ``evtctl compat`` read versions here and nowhere
else. A version is described by a :class:`VersionSpec` (file, number, format, load options:
small and picklable), and loading it gives a :class:`VersionState` (a handle on the loaded
version, or the typed error, plus non-fatal diagnostics). Rules see :class:`LoadedVersion`
(a version with its place in the organisation) and :class:`ContractHistory` (a contract's
versions with the mode and policy they are checked under), never the cache or the workers.

The cache (:mod:`evtctl.contracts.cache`) and the parallel prefetch
(:mod:`evtctl.contracts.prefetch`) live beside the store: lint hands the loader's
``on_services`` callback to :meth:`ContractStore.expect`, and the store decides whether
worker processes pay off.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from evtctl.compat import Change
from evtctl.compat.formats import (
    TITLES,
    Diagnostic,
    LoadOptions,
    SchemaErrorKind,
    SchemaFileError,
    choose_format,
)
from evtctl.compat.realpaths import RealPaths
from evtctl.config import ProjectConfig
from evtctl.manifest.model import Contract, ContractVersion, Organisation, Service, Topic

if TYPE_CHECKING:
    from evtctl.contracts.cache import ContractCache, SchemaHandle
    from evtctl.contracts.prefetch import Prefetch

# Errors that say the schema file itself is absent (EVT502), not that it is wrong (EVT503).
MISSING_KINDS = frozenset({SchemaErrorKind.MISSING, SchemaErrorKind.OUTSIDE})


@dataclass(frozen=True, slots=True)
class VersionSpec:
    """What loading one version needs: small, hashable, cheap to send to a worker."""

    path: Path  # the schema file (the manifest's folder joined with what it names)
    number: int
    schema: str  # the file as the manifest names it, for messages
    schema_type: str | None  # None: no format could be chosen (see ``skipped``)
    options: LoadOptions
    assumed: bool = False  # read as JSON Schema because the extension names no format
    skipped: str | None = None  # why it is not loaded (reported by another rule)


@dataclass(frozen=True, slots=True)
class VersionState:
    """What loading a version gave: a handle, or the reason it cannot be used."""

    handle: SchemaHandle | None = None
    error: SchemaFileError | None = None
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def missing(self) -> bool:
        return self.error is not None and self.error.kind in MISSING_KINDS


@dataclass(frozen=True)
class LoadedVersion:
    """A contract version with its place in the organisation and what loading it gave."""

    service: Service
    topic: Topic
    contract: Contract
    version: ContractVersion
    spec: VersionSpec
    state: VersionState

    @property
    def error(self) -> SchemaFileError | None:
        return self.state.error

    @property
    def missing(self) -> bool:
        return self.state.missing

    @property
    def anchor(self) -> str:
        return f"{self.topic.name}/{self.contract.name}@{self.version.version}"


@dataclass(frozen=True)
class ContractHistory:
    """A contract's versions, oldest first, and how they are checked."""

    service: Service
    topic: Topic
    contract: Contract
    versions: tuple[LoadedVersion, ...]
    mode: str  # the effective mode (NONE: not checked)
    policy: str  # the format's policy ("" for formats without one)
    schema_type: str | None  # the format all versions share; None when they differ

    @property
    def formats(self) -> tuple[str, ...]:
        """The formats of the versions, in order of first use."""
        return tuple(dict.fromkeys(v.spec.schema_type for v in self.versions
                                   if v.spec.schema_type is not None))


def history_handles(specs: Sequence[VersionSpec], states: Sequence[VersionState],
                    mode: str | None) -> tuple[str, list[SchemaHandle]] | None:
    """(format, handles) of a history to compare, or None when it is not compared: fewer
    than two versions, mode NONE or unchecked, a version that did not load (EVT502/EVT503
    say why), versions out of order (EVT501) or in different formats (EVT506)."""
    if mode is None or mode == "NONE" or len(specs) < 2:
        return None
    numbers = [s.number for s in specs]
    if numbers != sorted(set(numbers)):
        return None
    types = {s.schema_type for s in specs}
    if len(types) != 1 or None in types:
        return None
    handles = [state.handle for state in states]
    if any(h is None for h in handles):
        return None
    (schema_type,) = types
    assert schema_type is not None
    return schema_type, [h for h in handles if h is not None]


class EarlierVersions(Protocol):
    """Where a history's earlier versions come from instead of git (``lint --registry``:
    :class:`evtctl.registry.lint.RegistryLint`): the changes of the versions production
    does not have yet, judged against the ones it has."""

    def incompatible_changes(self, store: ContractStore,
                             history: ContractHistory) -> tuple[Change, ...] | None: ...


@dataclass
class ContractStore:
    """Contract versions loaded once per run. ``root`` bounds every file a version may be
    made of (the project folder unless given); ``check_histories`` and ``load_versions`` say
    whether any rule will read histories or versions (workers are not started for nothing)."""

    config: ProjectConfig
    use_cache: bool = True
    root: Path | None = None
    check_histories: bool = True
    load_versions: bool = True
    paths: RealPaths = field(default_factory=RealPaths)
    _states: dict[VersionSpec, VersionState] = field(default_factory=dict)
    # Specs by id() of the manifest's version object (kept alive beside it).
    _specs: dict[int, tuple[ContractVersion, VersionSpec]] = field(default_factory=dict)
    _cache: ContractCache | None = None
    _prefetch: Prefetch | None = None
    _prepared: bool = False
    _versions: tuple[Organisation, list[LoadedVersion]] | None = None
    _histories: tuple[Organisation, list[ContractHistory]] | None = None
    registry: EarlierVersions | None = None  # lint --registry: earlier versions from there

    def __post_init__(self) -> None:
        if self.root is None:
            self.root = self.config.root

    # -- what a version is -------------------------------------------------------------------
    def spec(self, contract: Contract, version: ContractVersion) -> VersionSpec:
        """How to load ``version`` of ``contract`` (memoised per version object)."""
        known = self._specs.get(id(version))
        if known is not None and known[0] is version:
            return known[1]
        spec = self._make_spec(contract, version)
        self._specs[id(version)] = (version, spec)
        return spec

    def _make_spec(self, contract: Contract, version: ContractVersion) -> VersionSpec:
        choice = choose_format(version.schema, contract.schema_type)
        options = LoadOptions(
            root=self.root,
            allow_remote=self.config.allow_remote_refs,
            include_paths=self.config.proto_include_paths,
            message=contract.message,
            references=version.reference_paths,
        )
        return VersionSpec(version.schema_path, version.version, version.schema,
                           choice.schema_type, options, choice.assumed,
                           skipped=choice.reason)

    def mode(self, topic: Topic, contract: Contract) -> str:
        kind = topic.kind.value if topic.kind else None
        return self.config.mode_for(topic.name, kind, contract.name,
                                    contract.compatibility).upper()

    def policy(self, schema_type: str | None) -> str:
        return self.config.policy_for(schema_type) if schema_type else ""

    # -- loading ----------------------------------------------------------------------------
    @property
    def cache(self) -> ContractCache:
        """The run's cache (opened on first use; off with ``use_cache=False``)."""
        if self._cache is None:
            from evtctl.contracts.cache import ContractCache

            self._cache = ContractCache.open(enabled=self.use_cache, paths=self.paths)
        return self._cache

    def release_cache(self) -> None:
        """Close the cache's connection, writing what it learnt (it opens again on next use):
        before worker processes fork, which must not inherit it."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def state(self, spec: VersionSpec) -> VersionState:
        """Load one version (memoised)."""
        found = self._states.get(spec)
        if found is None:
            found = self._states[spec] = self._load(spec)
        return found

    def _load(self, spec: VersionSpec) -> VersionState:
        if spec.schema_type is None:
            return VersionState()  # not loaded: spec.skipped says why, and EVT004 reports it
        root = self.root
        assert root is not None
        if not self.paths.contains(root, spec.path):
            return VersionState(error=SchemaFileError(
                f"schema {spec.schema!r} is outside the project folder {root}; keep schemas "
                "inside the project", spec.path, kind=SchemaErrorKind.OUTSIDE))
        if not spec.path.is_file():
            return VersionState(error=SchemaFileError(
                f"schema file {spec.schema!r} does not exist (looked for "
                f"{spec.path.as_posix()})", spec.path, kind=SchemaErrorKind.MISSING))
        try:
            handle, diagnostics = self.cache.load(spec.schema_type, spec.path, spec.number,
                                                  spec.options)
        except ImportError as exc:  # a format whose library is not installed
            return VersionState(error=SchemaFileError(
                f"cannot read {TITLES.get(spec.schema_type)} contracts: {exc}; install evtctl "
                "with its dependencies", spec.path, kind=SchemaErrorKind.INVALID))
        except SchemaFileError as exc:
            if spec.assumed and exc.kind == SchemaErrorKind.SYNTAX:
                exc = SchemaFileError(
                    f"{exc.message} (read as JSON Schema: the file's extension names no "
                    "format; set the contract's schemaType)", exc.path, exc.line, exc.column,
                    exc.kind)
            return VersionState(error=exc)
        except RecursionError:
            return VersionState(error=SchemaFileError(
                "the schema is nested too deeply to load", spec.path,
                kind=SchemaErrorKind.LIMIT))
        except (OSError, ValueError) as exc:  # hostile files must not crash the run
            return VersionState(error=SchemaFileError(
                f"cannot be read: {exc}", spec.path, kind=SchemaErrorKind.UNREADABLE))
        return VersionState(handle, None, diagnostics)

    def forget(self, specs: Iterable[VersionSpec]) -> None:
        """Drop what was loaded for ``specs`` (a caller done with them frees the memory)."""
        for spec in specs:
            self._states.pop(spec, None)

    def adopt(self, states: Iterable[tuple[VersionSpec, VersionState]]) -> None:
        """Take over versions another process loaded (first result wins, as serially)."""
        for spec, state in states:
            self._states.setdefault(spec, state)

    # -- what rules read ----------------------------------------------------------------------
    def versions(self, org: Organisation) -> list[LoadedVersion]:
        """Every contract version with its state, in organisation order (built once per
        organisation; every rule that asks shares the list)."""
        if self._versions is not None and self._versions[0] is org:
            return self._versions[1]
        self.prepare(org)
        out = [LoadedVersion(service, topic, contract, version, spec, self.state(spec))
               for service, topic, contract, version, spec in self._walk(org)]
        self.cache.flush()  # what this pass learnt is kept even if a later rule fails
        self._versions = (org, out)
        return out

    def histories(self, org: Organisation) -> list[ContractHistory]:
        """Every contract with its versions, mode and policy (built once per organisation)."""
        if self._histories is not None and self._histories[0] is org:
            return self._histories[1]
        self.prepare(org)
        out: list[ContractHistory] = []
        for service, topic in org.topics():
            for contract in topic.contracts:
                out.append(self.history(service, topic, contract))
        self._histories = (org, out)
        return out

    def history(self, service: Service, topic: Topic, contract: Contract) -> ContractHistory:
        versions = tuple(
            LoadedVersion(service, topic, contract, v, spec, self.state(spec))
            for v in contract.versions for spec in (self.spec(contract, v),))
        types = {lv.spec.schema_type for lv in versions}
        schema_type = next(iter(types)) if len(types) == 1 else None
        return ContractHistory(service, topic, contract, versions, self.mode(topic, contract),
                               self.policy(schema_type), schema_type)

    def incompatible_changes(self, history: ContractHistory) -> tuple[Change, ...] | None:
        """The history's incompatible changes, or None when it is not compared (see
        :func:`history_handles`)."""
        if self.registry is not None:
            return self.registry.incompatible_changes(self, history)
        return self.git_incompatible_changes(history)

    def git_incompatible_changes(self, history: ContractHistory) -> tuple[Change, ...] | None:
        """:meth:`incompatible_changes` with every version taken from the files."""
        found = history_handles([v.spec for v in history.versions],
                                [v.state for v in history.versions], history.mode)
        if found is None:
            return None
        schema_type, handles = found
        return self.cache.incompatible_changes(schema_type, handles, history.mode,
                                               history.policy)

    def _walk(self, org: Organisation) -> Iterator[
            tuple[Service, Topic, Contract, ContractVersion, VersionSpec]]:
        for service, topic in org.topics():
            for contract in topic.contracts:
                for version in contract.versions:
                    yield service, topic, contract, version, self.spec(contract, version)

    # -- parallel work ------------------------------------------------------------------------
    def expect(self, services: Sequence[Service]) -> None:
        """The services of one more manifest file, while the loader still reads the rest:
        workers may start on their schemas now (see :class:`~evtctl.contracts.prefetch.
        Prefetch`)."""
        if not self.load_versions:
            return
        if self._prefetch is None:
            from evtctl.contracts.prefetch import Prefetch

            self._prefetch = Prefetch(self)
        self._prefetch.feed(services)

    def prepare(self, org: Organisation) -> None:
        """Load every version and compare every history now, in worker processes, when it
        pays (once per run); otherwise versions load lazily as rules ask."""
        if self._prepared:
            return
        self._prepared = True
        from evtctl.contracts import prefetch

        if self._prefetch is not None and self._prefetch.started:
            self._prefetch.finish()
        elif self._prefetch is not None and self._prefetch.serial:
            pass  # a warm cache: versions load as rules ask
        elif self.load_versions:
            prefetch.after_loading(self, org)
        if self._prefetch is not None:
            self._prefetch.close()

    def close(self) -> None:
        if self._prefetch is not None:
            self._prefetch.close()
        if self._cache is not None:
            self._cache.close()
            self._cache = None
