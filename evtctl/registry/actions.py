"""A registry plan: the actions that make the registry match the manifests, and the drift
and problems that no action can fix by itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from evtctl.compat.formats import RegistrySchema
from evtctl.registry.model import Payload, Reference

Detail = str | int | bool | None


class ActionKind(StrEnum):
    REGISTER = "register-version"
    SET_COMPATIBILITY = "set-compatibility"
    DELETE_VERSION = "delete-version"
    DELETE_SUBJECT = "delete-subject"

    @property
    def sign(self) -> str:
        return {"register-version": "+", "set-compatibility": "~"}.get(self.value, "-")


class Status(StrEnum):
    PLANNED = "planned"
    REFUSED = "refused"  # evtctl will not do it: incompatible, needs a flag, cannot be numbered
    APPLIED = "applied"
    FAILED = "failed"
    NOT_APPLIED = "not-applied"  # not attempted: an earlier step it depends on did not succeed


@dataclass(frozen=True, slots=True)
class Action:
    kind: ActionKind
    subject: str
    version: int | None = None  # the version registered or deleted
    details: Mapping[str, Detail] = field(default_factory=dict)
    status: Status = Status.PLANNED
    reason: str | None = None  # why refused, or the error when failed
    notes: tuple[str, ...] = ()  # warnings about it (the registry's own verdict, its policy)
    permanent: bool = False  # deletes: hard (after the soft delete)
    form: RegistrySchema | None = None  # register: the schema
    references: tuple[Reference, ...] = ()  # register: its references, numbers as planned
    key: str | None = None  # register: the content key of ``form``

    def with_status(self, status: Status, reason: str | None = None) -> Action:
        return replace(self, status=status, reason=reason)

    def with_note(self, note: str) -> Action:
        return replace(self, notes=(*self.notes, note))

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "action": self.kind.value,
            "subject": self.subject,
            "version": self.version,
            "details": dict(self.details),
            "status": self.status.value,
            "reason": self.reason,
            "notes": list(self.notes),
        }
        if self.kind in (ActionKind.DELETE_VERSION, ActionKind.DELETE_SUBJECT):
            data["permanent"] = self.permanent
        if self.kind is ActionKind.REGISTER:
            data["references"] = [{"name": r.name, "subject": r.subject, "version": r.version}
                                  for r in self.references]
        return data


class FindingKind(StrEnum):
    DRIFTED_VERSION = "drifted-version"  # a registered version differs from git
    UNDECLARED_VERSION = "undeclared-version"  # a registered version no manifest declares
    UNKNOWN_SUBJECT = "unknown-subject"  # a subject under a managed prefix no manifest makes
    DANGLING_REFERENCE = "dangling-reference"  # a registered version refers to a missing one
    PROBLEM = "problem"  # the manifests cannot be registered as they are


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
    subject: str | None
    message: str
    version: int | None = None
    hint: str | None = None
    diff: tuple[str, ...] = ()
    location: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind.value, "subject": self.subject, "version": self.version,
                "message": self.message, "hint": self.hint, "diff": list(self.diff),
                "location": self.location}


@dataclass(frozen=True, slots=True)
class DeprecatedVersion:
    subject: str
    version: int
    file: str
    sunset: str | None
    reason: str | None
    registered: bool

    def as_dict(self) -> dict[str, object]:
        return {"subject": self.subject, "version": self.version, "file": self.file,
                "sunset": self.sunset, "reason": self.reason, "registered": self.registered}


@dataclass(frozen=True, slots=True)
class SubjectLine:
    """How a subject is introduced in the text plan."""

    name: str
    role: str
    schema_type: str | None
    origin: str | None  # "service/topic/Contract at file:line", for contracts
    exists: bool
    stage: int = 0


@dataclass(frozen=True)
class Plan:
    registry: str
    actions: tuple[Action, ...]
    findings: tuple[Finding, ...] = ()
    deprecated: tuple[DeprecatedVersion, ...] = ()
    warnings: tuple[str, ...] = ()
    subjects: tuple[SubjectLine, ...] = ()
    contracts: int = 0
    # Lookups the plan needs the registry to answer (planning internals; not rendered).
    asked: tuple[tuple[str, Payload], ...] = field(default=(), compare=False)

    @property
    def planned(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.status is Status.PLANNED)

    @property
    def refused(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.status is Status.REFUSED)

    @property
    def in_sync(self) -> bool:
        """The registry matches the manifests: nothing to do, no drift, no problem."""
        return not self.actions and not self.findings

    @property
    def succeeded(self) -> bool:
        return all(a.status is Status.APPLIED for a in self.actions) and not self.findings

    def as_dict(self) -> dict[str, object]:
        return {
            "formatVersion": 1,
            "registry": self.registry,
            "inSync": self.in_sync,
            "actions": [a.as_dict() for a in self.actions],
            "findings": [f.as_dict() for f in self.findings],
            "deprecated": [d.as_dict() for d in self.deprecated],
            "warnings": list(self.warnings),
        }
