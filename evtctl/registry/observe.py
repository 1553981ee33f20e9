"""What the registry holds for the subjects a plan is about, read in parallel.

Each desired subject is asked for directly (not only looked up in the subject listing,
which some registries cap), then every live version's schema, then every version those
schemas reference. Soft-deleted version numbers are read only for subjects where versions
will be registered or deleted: they decide the numbers the registry will give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

from evtctl.registry.desired import DesiredState, DesiredSubject
from evtctl.registry.model import RegisteredVersion, RequestFailed, SchemaRegistry

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


def parallel(work: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[work(i) for i in items]`` over a thread pool (requests wait on the network)."""
    if len(items) <= 1 or workers <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(work, items))


def observe(registry: SchemaRegistry, desired: DesiredState, *,
            workers: int = DEFAULT_WORKERS, deleted: bool = False) -> RegistryState:
    """Read what the plan needs (with ``deleted``, what hard deletes need: soft-deleted
    versions and subjects too). Raises RegistryUnavailable / RequestFailed."""
    listed = tuple(registry.subjects())
    live = set(listed)
    # Soft-deleted subjects still number their next version after the deleted ones.
    soft = tuple(s for s in registry.subjects(deleted=True) if s not in live)
    global_level = registry.global_compatibility()
    unknown = [s for s in (*listed, *(soft if deleted else ()))
               if s not in desired.by_name and _managed(s, desired)]
    names = [s.name for s in desired.subjects if s.name not in desired.blocked] + unknown

    def head(name: str) -> tuple[list[int] | None, str | None]:
        versions = registry.versions(name)
        if versions is None:
            return None, None
        return versions, registry.compatibility(name)

    heads = dict(zip(names, parallel(head, names, workers), strict=True))
    wanted = [(name, number) for name, (versions, _level) in heads.items()
              for number in versions or ()]
    fetched = parallel(lambda item: registry.version(*item), wanted, workers)
    by_subject: dict[str, dict[int, RegisteredVersion]] = {}
    for (name, number), version in zip(wanted, fetched, strict=True):
        by_subject.setdefault(name, {})[number] = version
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
