"""Values shared by planning, applying and the registry adapter (no HTTP here): what a
registry holds, the small protocol the only registry-speaking module implements, and the
errors it raises."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class RegistryError(Exception):
    """Bad usage, unreadable input or an unusable registry: one line for the user, exit 2."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class RegistryUnavailable(RegistryError):
    """The registry cannot be used at all: unreachable, refusing us, or not a registry."""


class RequestFailed(Exception):
    """One request was answered with an error (the others may still succeed)."""

    def __init__(self, message: str, status: int = 0, code: int = 0,
                 unreachable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.status = status  # HTTP status (0: no answer)
        self.code = code  # the registry's error_code, when it gave one
        self.unreachable = unreachable  # no answer at all: stop, do not try the rest


@dataclass(frozen=True, slots=True, order=True)
class Reference:
    """A schema reference as the registry stores it."""

    name: str
    subject: str
    version: int


@dataclass(frozen=True, slots=True)
class Payload:
    """A schema as sent to, or read from, a registry."""

    schema_type: str  # "JSON", "AVRO", "PROTOBUF"
    text: str
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True, slots=True)
class RegisteredVersion:
    subject: str
    version: int
    id: int
    payload: Payload


@dataclass(frozen=True, slots=True)
class Verdict:
    """A registry's own compatibility verdict, with its messages (Confluent: ``messages``;
    Apicurio: ``reason``)."""

    compatible: bool
    messages: tuple[str, ...] = ()


class SchemaRegistry(Protocol):
    """What evtctl needs from a Schema Registry (Confluent's REST API)."""

    @property
    def url(self) -> str:
        """Where it is, for messages (never with credentials)."""
        ...

    def subjects(self, *, deleted: bool = False) -> list[str]:
        """Every subject (with ``deleted``, soft-deleted ones too)."""
        ...

    def versions(self, subject: str, *, deleted: bool = False) -> list[int] | None:
        """The subject's version numbers (with ``deleted``, soft-deleted ones too); None when
        the registry has no such subject."""
        ...

    def version(self, subject: str, version: int, *, deleted: bool = False) -> RegisteredVersion:
        ...

    def lookup(self, subject: str, payload: Payload) -> int | None:
        """The version of ``subject`` the registry holds ``payload`` as, after its own
        normalisation (``POST /subjects/S?normalize=true``); None when it holds it as none."""
        ...

    def compatibility(self, subject: str) -> str | None:
        """The subject's own compatibility level; None when it has none (the global one
        applies)."""
        ...

    def global_compatibility(self) -> str: ...

    def register(self, subject: str, payload: Payload) -> tuple[int, int | None]:
        """Register a version: (schema id, version number if the registry said)."""
        ...

    def set_compatibility(self, subject: str, level: str) -> None: ...

    def delete_version(self, subject: str, version: int, *, permanent: bool) -> None: ...

    def delete_subject(self, subject: str, *, permanent: bool) -> None: ...

    def test_compatibility(self, subject: str, payload: Payload) -> Verdict:
        """The registry's verdict on ``payload`` against the subject's versions, under the
        subject's level (``POST /compatibility/subjects/S/versions?verbose=true``)."""
        ...

    def close(self) -> None: ...


def references_of(versions: Sequence[RegisteredVersion]) -> set[tuple[str, int]]:
    """Every (subject, version) the given versions refer to."""
    return {(r.subject, r.version) for v in versions for r in v.payload.references}
