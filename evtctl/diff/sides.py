"""One side of a diff: the manifests of a tree, its project config and its schemas.

A side is read like ``evtctl lint`` reads a tree, with one difference: a manifest that does
not load at all (bad YAML, unreadable file, unsupported ``apiVersion``) stops the diff with
a clear message instead of becoming a finding, because its services would otherwise show up
as removed (or added) and the verdicts would be wrong.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evtctl.compat.formats import LoadedSchema, SchemaErrorKind
from evtctl.config import ConfigError, ProjectConfig, find_config, load_config, parse_config
from evtctl.contracts.store import ContractStore
from evtctl.findings import Location
from evtctl.manifest.loader import (
    STRUCTURE,
    YAML_INVALID,
    YAML_TAG,
    LoadResult,
    RuleProblem,
    load_organisation,
)
from evtctl.manifest.model import Contract, ContractVersion, Organisation

# Loading problems after which a file's services are missing from the model.
_FATAL_RULES = frozenset({YAML_INVALID, YAML_TAG})


class DiffInputError(Exception):
    """Input that cannot be compared (one line for the user; exit status 2)."""


@dataclass(frozen=True, slots=True)
class Where:
    """A place in one side's tree, with the file relative to that tree's root."""

    side: str  # "old" or "new"
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


@dataclass
class Side:
    """The organisation of one tree, with lazy, memoised schema loading."""

    name: str  # "old" or "new"
    label: str  # what the user sees: a folder, "working tree", "origin/main (1a2b3c4)"
    root: Path  # file paths are shown relative to this; schemas must stay inside it
    org: Organisation
    config: ProjectConfig
    problems: tuple[RuleProblem, ...] = ()  # loading problems lint reports; the diff goes on
    notes: tuple[str, ...] = ()
    _store: ContractStore | None = None

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError):
            return path.as_posix()

    def where(self, loc: Location) -> Where:
        return Where(self.name, self.relative(loc.file), loc.line, loc.column)

    @property
    def store(self) -> ContractStore:
        """The side's contract store (no cache: a diff reads each version once)."""
        if self._store is None:
            self._store = ContractStore(self.config, use_cache=False, root=self.root.resolve())
        return self._store

    def schema(self, contract: Contract, version: ContractVersion) -> LoadedSchema | str:
        """The loaded schema of a version, or why it cannot be loaded (memoised)."""
        spec = self.store.spec(contract, version)
        if spec.schema_type is None:
            return f"{contract.name} v{version.version}: {spec.skipped}"
        state = self.store.state(spec)
        error = state.error
        if error is None:
            assert state.handle is not None
            return state.handle.loaded()
        if error.kind == SchemaErrorKind.OUTSIDE:
            return f"schema {version.schema!r} is outside the tree"
        if error.kind == SchemaErrorKind.MISSING:
            return f"schema file {self.relative(spec.path)} ({self.label}) does not exist"
        where = f":{error.line}:{error.column}" if error.line else ""
        return f"{self.relative(error.path)}{where} ({self.label}): {error.message}"

    def fingerprint(self, schema: LoadedSchema) -> str:
        """The version's content, independent of where the tree lives."""
        from evtctl.compat.formats import get_format

        content = get_format(schema.schema_type).fingerprint(schema, self.relative)
        return f"{schema.schema_type}\0{content}"


def read_config(explicit: Path | None, paths: Sequence[Path], label: str,
                bounded_by: Path | None) -> ProjectConfig:
    """The side's project config; ``bounded_by`` keeps the search inside a tree."""
    try:
        if explicit is not None:
            return parse_config(explicit)
        if bounded_by is None:
            return load_config(None, list(paths))
        found = find_config(paths, within=bounded_by)
        if found is None:
            return ProjectConfig(None, bounded_by.resolve())
        return parse_config(found)
    except ConfigError as exc:
        raise DiffInputError(f"{label}: {exc}") from None


def load_side(name: str, label: str, root: Path, paths: Sequence[Path],
              config: ProjectConfig) -> Side:
    """Load the manifests below ``paths`` (missing paths give an empty organisation)."""
    existing = [p for p in paths if p.exists()]
    notes = tuple(f"{_rel(p, root)} does not exist in {label}" for p in paths if not p.exists())
    loaded = load_organisation(existing) if existing else LoadResult(Organisation(()), [])
    side = Side(name, label, root, loaded.org, config, notes=notes)
    fatal = [p for p in loaded.problems if p.rule in _FATAL_RULES]
    if fatal:
        raise DiffInputError(_unreadable(side, fatal[0].problem.location,
                                         fatal[0].problem.message, len(fatal)))
    side.problems = tuple(loaded.problems)
    return side


def check_dropped(old: Side, new: Side) -> None:
    """A manifest with problems that lost services the other side has cannot be compared.

    (For example an unsupported ``apiVersion``: the loader reports it and skips the
    document, and the diff would show the service as removed.)
    """
    for this, other in ((old, new), (new, old)):
        if not this.problems:
            continue
        mine = Counter(this.relative(s.file) for s in this.org.services)
        theirs = Counter(other.relative(s.file) for s in other.org.services)
        for problem in this.problems:
            if not _drops_services(problem):
                continue
            file = this.relative(problem.problem.location.file)
            if mine[file] < theirs[file]:
                raise DiffInputError(_unreadable(this, problem.problem.location,
                                                 problem.problem.message, 1))


def _drops_services(problem: RuleProblem) -> bool:
    """Problems after which the loader leaves a document out: apiVersion, metadata, root."""
    anchor = problem.problem.anchor
    return problem.rule == STRUCTURE and (anchor == "" or anchor.startswith(("metadata", ":")))


def _unreadable(side: Side, loc: Location, message: str, count: int) -> str:
    more = f" (and {count - 1} more)" if count > 1 else ""
    return (f"cannot compare: a manifest in {side.label} does not load: "
            f"{side.relative(loc.file)}:{loc.line}:{loc.column}: {message}{more}; "
            "`evtctl lint` shows every problem")


def _rel(path: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:
        return path.as_posix()


def org_counts(org: Organisation) -> dict[str, Any]:
    topics = list(org.topics())
    return {
        "services": len(org.services),
        "topics": len(topics),
        "contracts": sum(len(t.contracts) for _s, t in topics),
    }
