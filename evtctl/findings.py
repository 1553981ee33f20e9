"""The one problem type every check produces, and the result that reporters render."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evtctl.manifest.model import FailedManifest


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.ERROR else 1


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a file; line and column are 1-based (0 when unknown)."""

    file: Path
    line: int = 0
    column: int = 0

    def display_file(self, cwd: Path | None = None) -> str:
        return display_path(self.file, cwd)


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a finding (the other declaration in a conflict)."""

    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    location: Location
    related: tuple[Related, ...] = ()
    json_path: str | None = None
    hint: str | None = None
    # A stable key that does not depend on line numbers (used by baselines).
    anchor: str = ""

    @property
    def file(self) -> Path:
        return self.location.file

    @property
    def line(self) -> int:
        return self.location.line

    @property
    def column(self) -> int:
        return self.location.column

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (str(self.location.file), self.line, self.column, self.rule, self.message)


@dataclass(frozen=True, slots=True)
class Problem:
    """What a rule yields: the engine adds the rule id and the severity."""

    message: str
    location: Location
    related: tuple[Related, ...] = ()
    hint: str | None = None
    json_path: str | None = None
    anchor: str = ""


@dataclass(frozen=True)
class Summary:
    files: int  # manifest files checked
    services: int  # distinct services in them
    errors: int
    warnings: int
    suppressed: int = 0
    files_read: int = 0  # YAML files looked at, the files only read for references included
    manifests_loaded: int = 0  # manifests (documents) loaded from the files checked
    manifests_failed: int = 0  # manifests that did not load, in any file read
    read_only: int = 0  # manifest files read for references only, not checked


@dataclass(frozen=True)
class LintResult:
    findings: tuple[Finding, ...]
    files: tuple[Path, ...]  # the manifest files checked (findings are reported for these)
    services: int  # distinct services declared in them (a copied manifest counts once)
    suppressed: int = 0
    extra: dict[str, object] = field(default_factory=dict)
    files_read: int = 0
    manifests_loaded: int = 0
    # Manifests that did not load, in any file read (those in read-only files included: the
    # references into them could not be checked).
    failed: tuple[FailedManifest, ...] = ()
    # Manifest files read to resolve references but not checked (linting part of a project).
    read_only: tuple[Path, ...] = ()

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def summary(self) -> Summary:
        return Summary(
            files=len(self.files),
            services=self.services,
            errors=self.errors,
            warnings=self.warnings,
            suppressed=self.suppressed,
            files_read=self.files_read,
            manifests_loaded=self.manifests_loaded,
            manifests_failed=len(self.failed),
            read_only=len(self.read_only),
        )


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Sort and de-duplicate in one place."""
    unique: dict[tuple[object, ...], Finding] = {}
    for f in findings:
        unique.setdefault((f.rule, f.location, f.message), f)
    return tuple(sorted(unique.values(), key=Finding.sort_key))


def display_path(path: Path, cwd: Path | None = None) -> str:
    """A path relative to the current directory when it is below it, else as given."""
    base = cwd if cwd is not None else Path.cwd()
    try:
        rel = os.path.relpath(path, base)
    except ValueError:
        return path.as_posix()
    return Path(rel).as_posix()
