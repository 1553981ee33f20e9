"""One side of a diff: the manifests of a tree, its project config and its schemas.

A side is read like ``evtctl lint`` reads a tree, with one difference: a manifest that does
not load at all (bad YAML, unreadable file, unsupported ``apiVersion``) stops the diff with
a clear message instead of becoming a finding, because its services would otherwise show up
as removed (or added) and the verdicts would be wrong.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from evtctl.compat.realpaths import RealPaths
from evtctl.config import ConfigError, ProjectConfig, find_config, load_config, parse_config
from evtctl.findings import Location
from evtctl.manifest.loader import (
    STRUCTURE,
    YAML_INVALID,
    YAML_TAG,
    LoadResult,
    RuleProblem,
    load_organisation,
)
from evtctl.manifest.model import ContractVersion, Organisation

if TYPE_CHECKING:
    from evtctl.compat.jsonschema import SchemaVersion

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
    _schemas: dict[tuple[Path, int], SchemaVersion | str] = field(default_factory=dict)

    def relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError):
            return path.as_posix()

    def where(self, loc: Location) -> Where:
        return Where(self.name, self.relative(loc.file), loc.line, loc.column)

    def schema(self, version: ContractVersion) -> SchemaVersion | str:
        """The loaded schema of a version, or why it cannot be loaded (memoised)."""
        path = version.schema_path
        key = (path, version.version)
        if key not in self._schemas:
            self._schemas[key] = self._load(version, path)
        return self._schemas[key]

    def _load(self, version: ContractVersion, path: Path) -> SchemaVersion | str:
        shown = f"{self.relative(path)} ({self.label})"
        if not RealPaths().contains(self.root, path):
            return f"schema {version.schema!r} is outside the tree"
        if not path.is_file():
            return f"schema file {shown} does not exist"
        from evtctl.compat.formats import SchemaFileError
        from evtctl.compat.jsonschema.schemafile import load_schema_file

        try:
            return load_schema_file(path, version.version, root=self.root.resolve(),
                                    allow_remote=self.config.allow_remote_refs)
        except SchemaFileError as exc:
            where = f":{exc.line}:{exc.column}" if exc.line else ""
            return f"{self.relative(exc.path)}{where} ({self.label}): {exc.message}"
        except (OSError, ValueError, RecursionError) as exc:
            # Hostile files must not crash the diff; the reason is shown instead.
            return f"schema file {shown} cannot be read: {exc}"

    def fingerprint(self, schema: SchemaVersion) -> str:
        """The schema and the documents it refers to, independent of where the tree lives."""
        documents = {self._uri_key(uri): doc for uri, doc in schema.documents.items()}
        return json.dumps({"schema": schema.schema, "documents": documents},
                          sort_keys=True, default=repr)

    def _uri_key(self, uri: str) -> str:
        parsed = urlparse(uri)
        if parsed.scheme == "file":
            return self.relative(Path(unquote(parsed.path)))
        return uri


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
