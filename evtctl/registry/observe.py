"""What the registry holds for the subjects a plan is about, read in parallel.

Each desired subject is asked for directly (not only looked up in the subject listing,
which some registries cap), then every live version's schema, then every version those
schemas reference. Soft-deleted version numbers are read only for subjects where versions
will be registered or deleted: they decide the numbers the registry will give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TypeVar

from evtctl.registry.desired import DesiredState, DesiredSubject
from evtctl.registry.model import Payload, RegisteredVersion, RequestFailed, SchemaRegistry

T = TypeVar("T")
R = TypeVar("R")
DEFAULT_WORKERS = 8


@dataclass(frozen=True)
class ObservedSubject:
    name: str
    exists: bool
    versions: Mapping[int, RegisteredVersion] = field(default_factory=dict)  # live versions
    compatibility: str | None = None  # the subject's own level (None: the global one applies)
    deleted: tuple[int, ...] | None = None  # soft-deleted numbers; None when not read

    @property
    def highest(self) -> int:
        """The highest number the subject has used (live or soft-deleted, when read)."""
        numbers = [*self.versions, *(self.deleted or ())]
        return max(numbers, default=0)


@dataclass(frozen=True)
class RegistryState:
    url: str
    global_compatibility: str
    subjects: Mapping[str, ObservedSubject]
    listed: tuple[str, ...]  # every subject the registry lists
    soft_deleted: tuple[str, ...] = ()  # listed only with deleted=true
    # Versions that registered schemas refer to, by (subject, version).
    referenced: Mapping[tuple[str, int], RegisteredVersion] = field(default_factory=dict)
    # The registry's own answer to "which version holds this schema?", asked where the
    # format cannot tell a registered version and git's apart (see evtctl.registry.plan).
    lookups: Mapping[tuple[str, Payload], int | None] = field(default_factory=dict)


def parallel(work: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[work(i) for i in items]`` over a thread pool (requests wait on the network)."""
    if len(items) <= 1 or workers <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(work, items))


_Read = tuple[list[int] | None, str | None, dict[int, RegisteredVersion]]


class SubjectReader:
    """Reads subjects on a thread pool as soon as their names are known — while the
    manifests' schemas are still being loaded (:func:`evtctl.registry.desired.desired_state`
    names each subject as it goes), so waiting on the registry overlaps with that work.

    A subject's read: its versions, its own level, then each version's schema."""

    def __init__(self, registry: SchemaRegistry, workers: int = DEFAULT_WORKERS) -> None:
        self.registry = registry
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers))
        self._reads: dict[str, Future[_Read]] = {}
        self._listing = self._pool.submit(self._lists)

    def want(self, name: str) -> None:
        if name not in self._reads:
            self._reads[name] = self._pool.submit(self._read, name)

    def read(self, name: str) -> _Read:
        self.want(name)
        return self._reads[name].result()

    def listing(self) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        """(live subjects, soft-deleted ones, the global level)."""
        return self._listing.result()

    def close(self) -> None:
        for future in self._reads.values():
            future.cancel()
        self._pool.shutdown(wait=True)

    def _lists(self) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        listed = tuple(self.registry.subjects())
        live = set(listed)
        # Soft-deleted subjects still number their next version after the deleted ones.
        soft = tuple(s for s in self.registry.subjects(deleted=True) if s not in live)
        return listed, soft, self.registry.global_compatibility()

    def _read(self, name: str) -> _Read:
        self._listing.result()  # raises when the registry is unusable: nothing more is sent
        registry = self.registry
        versions = registry.versions(name)
        if versions is None:
            return None, None, {}
        level = registry.compatibility(name)
        return versions, level, {n: registry.version(name, n) for n in versions}


def observe(registry: SchemaRegistry, desired: DesiredState, *,
            workers: int = DEFAULT_WORKERS, deleted: bool = False,
            reader: SubjectReader | None = None) -> RegistryState:
    """Read what the plan needs (with ``deleted``, what hard deletes need: soft-deleted
    versions and subjects too), through ``reader`` when one has been reading already.
    Raises RegistryUnavailable / RequestFailed."""
    own = reader is None
    reader = reader if reader is not None else SubjectReader(registry, workers)
    try:
        return _observe(registry, desired, workers, deleted, reader)
    finally:
        if own:
            reader.close()


def _observe(registry: SchemaRegistry, desired: DesiredState, workers: int, deleted: bool,
             reader: SubjectReader) -> RegistryState:
    listed, soft, global_level = reader.listing()
    unknown = [s for s in (*listed, *(soft if deleted else ()))
               if s not in desired.by_name and _managed(s, desired)]
    names = [s.name for s in desired.subjects if s.name not in desired.blocked] + unknown
    for name in names:
        reader.want(name)
    reads = {name: reader.read(name) for name in names}
    heads = {name: (versions, level) for name, (versions, level, _v) in reads.items()}
    by_subject = {name: fetched for name, (_n, _l, fetched) in reads.items() if fetched}
    soft_set = set(soft)
    numbering = [name for name, (versions, _level) in heads.items()
                 if (versions is None and name in soft_set) or (versions is not None and (
                     deleted or _needs_numbering(desired.by_name.get(name), versions)))]
    deleted_lists = dict(zip(numbering, parallel(
        lambda name: registry.versions(name, deleted=True) or [], numbering, workers),
        strict=True))
    subjects: dict[str, ObservedSubject] = {}
    for name, (versions, level) in heads.items():
        if versions is None:
            gone = tuple(sorted(deleted_lists.get(name, ())))
            subjects[name] = ObservedSubject(name, exists=False, deleted=gone or None)
            continue
        numbers = set(versions)
        soft_versions = (tuple(sorted(set(deleted_lists[name]) - numbers))
                         if name in deleted_lists else None)
        subjects[name] = ObservedSubject(name, True, by_subject.get(name, {}), level,
                                         soft_versions)
    referenced = read_referenced(registry, by_subject, workers)
    return RegistryState(registry.url, global_level, subjects, listed, soft_deleted=soft,
                         referenced=referenced)


def _managed(subject: str, desired: DesiredState) -> bool:
    return any(subject.startswith(p) for p in desired.managed_prefixes)


def _needs_numbering(wanted: DesiredSubject | None, live: Iterable[int]) -> bool:
    """Whether new versions may be registered here (then the registry's numbering matters),
    or versions deleted (undeclared ones): either way soft-deleted numbers count."""
    if wanted is None:
        return True  # an unknown subject: a delete may be planned
    numbers = {v.version for v in wanted.versions}
    live_set = set(live)
    if wanted.role == "reference":
        return True  # a changed document becomes a new version
    return bool(numbers - live_set) or bool(live_set - numbers)


def read_referenced(registry: SchemaRegistry,
                    versions: Mapping[str, Mapping[int, RegisteredVersion]],
                    workers: int) -> dict[tuple[str, int], RegisteredVersion]:
    """Every observed version, and every version they reference (transitively), by
    (subject, version); a reference to a version the registry does not have is absent."""
    out: dict[tuple[str, int], RegisteredVersion] = {
        (subject, number): version
        for subject, numbers in versions.items() for number, version in numbers.items()}
    missing: set[tuple[str, int]] = set()
    pending = _references(out.values()) - set(out)
    while pending:
        todo = sorted(pending)
        for item, version in zip(todo, parallel(lambda i: _fetch(registry, i), todo, workers),
                                 strict=True):
            if version is None:
                missing.add(item)
            else:
                out[item] = version
        fetched = [out[item] for item in todo if item in out]
        pending = _references(fetched) - set(out) - missing
    return out


def _references(versions: Iterable[RegisteredVersion]) -> set[tuple[str, int]]:
    return {(r.subject, r.version) for v in versions for r in v.payload.references}


def _fetch(registry: SchemaRegistry, item: tuple[str, int]) -> RegisteredVersion | None:
    try:
        return registry.version(item[0], item[1], deleted=True)
    except RequestFailed as error:
        if error.status == 404:
            return None  # a dangling reference: the plan says so
        raise


def with_lookups(registry: SchemaRegistry, state: RegistryState,
                 asked: Iterable[tuple[str, Payload]], workers: int) -> RegistryState:
    """``state`` with the registry's answers to the lookups a plan asked for."""
    todo = sorted({item for item in asked if item not in state.lookups},
                  key=lambda item: (item[0], item[1].text))
    if not todo:
        return state
    answers = parallel(lambda item: registry.lookup(*item), todo, workers)
    return replace(state, lookups={**state.lookups, **dict(zip(todo, answers, strict=True))})
