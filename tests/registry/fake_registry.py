"""An in-memory Schema Registry with Confluent's numbering rules, for planning tests only.

Every behaviour planned against it is also tested on a real registry (Apicurio) in
``test_registry_real.py``; this fake exists so the pure planning can be tested quickly and
in cases a real registry is slow to set up (dangling references, lost versions).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evtctl.registry.model import (
    Payload,
    RegisteredVersion,
    RequestFailed,
    Verdict,
)


@dataclass
class _Subject:
    versions: dict[int, RegisteredVersion] = field(default_factory=dict)
    deleted: dict[int, RegisteredVersion] = field(default_factory=dict)
    level: str | None = None
    highest: int = 0


class FakeRegistry:
    def __init__(self, global_level: str = "BACKWARD") -> None:
        self.global_level = global_level
        self.data: dict[str, _Subject] = {}
        self.ids: dict[Payload, int] = {}
        self.calls: list[tuple[str, str]] = []
        self.refuse: dict[str, str] = {}  # subject -> the message a registration gets
        self.verdicts: dict[str, Verdict] = {}

    @property
    def url(self) -> str:
        return "http://fake-registry"

    # -- the protocol --------------------------------------------------------------------
    def subjects(self, *, deleted: bool = False) -> list[str]:
        self.calls.append(("subjects", ""))
        return [name for name, s in self.data.items() if s.versions or (deleted and s.deleted)]

    def versions(self, subject: str, *, deleted: bool = False) -> list[int] | None:
        self.calls.append(("versions", subject))
        found = self.data.get(subject)
        if found is None or not (found.versions or (deleted and found.deleted)):
            return None
        numbers = set(found.versions) | (set(found.deleted) if deleted else set())
        return sorted(numbers)

    def version(self, subject: str, version: int, *, deleted: bool = False) -> RegisteredVersion:
        self.calls.append(("version", f"{subject}/{version}"))
        found = self.data.get(subject)
        if found is not None:
            if version in found.versions:
                return found.versions[version]
            if deleted and version in found.deleted:
                return found.deleted[version]
        raise RequestFailed("version not found", 404, 40402)

    def lookup(self, subject: str, payload: Payload) -> int | None:
        self.calls.append(("lookup", subject))
        found = self.data.get(subject)
        if found is None:
            return None
        return next((n for n, v in sorted(found.versions.items())
                     if self.normalise(v.payload) == self.normalise(payload)), None)

    @staticmethod
    def normalise(payload: Payload) -> Payload:
        """Like Confluent's canonical form, for tests: whitespace does not count."""
        return Payload(payload.schema_type, " ".join(payload.text.split()), payload.references)

    def compatibility(self, subject: str) -> str | None:
        self.calls.append(("compatibility", subject))
        found = self.data.get(subject)
        return found.level if found is not None else None

    def global_compatibility(self) -> str:
        return self.global_level

    def register(self, subject: str, payload: Payload) -> tuple[int, int | None]:
        self.calls.append(("register", subject))
        if subject in self.refuse:
            raise RequestFailed(self.refuse[subject], 409, 409)
        for ref in payload.references:
            target = self.data.get(ref.subject)
            if target is None or ref.version not in target.versions:
                raise RequestFailed("Unresolved reference", 422, 42201)
        found = self.data.setdefault(subject, _Subject())
        for number, existing in found.versions.items():
            if existing.payload == payload:
                return existing.id, number
        schema_id = self.ids.setdefault(payload, len(self.ids) + 1)
        found.highest += 1
        found.versions[found.highest] = RegisteredVersion(subject, found.highest, schema_id,
                                                          payload)
        return schema_id, found.highest

    def set_compatibility(self, subject: str, level: str) -> None:
        self.calls.append(("set_compatibility", subject))
        self.data.setdefault(subject, _Subject()).level = level

    def delete_version(self, subject: str, version: int, *, permanent: bool) -> None:
        self.calls.append(("delete_version", f"{subject}/{version}/{permanent}"))
        found = self.data[subject]
        if permanent:
            if version not in found.deleted:
                raise RequestFailed("must soft-delete first", 404, 40407)
            del found.deleted[version]
        else:
            found.deleted[version] = found.versions.pop(version)

    def delete_subject(self, subject: str, *, permanent: bool) -> None:
        self.calls.append(("delete_subject", f"{subject}/{permanent}"))
        found = self.data[subject]
        if permanent:
            del self.data[subject]
        else:
            found.deleted.update(found.versions)
            found.versions.clear()

    def test_compatibility(self, subject: str, payload: Payload) -> Verdict:
        self.calls.append(("test_compatibility", subject))
        return self.verdicts.get(subject, Verdict(True))

    def close(self) -> None:
        pass

    # -- test helpers --------------------------------------------------------------------
    def put(self, subject: str, text: str, schema_type: str = "JSON", level: str | None = None,
            references: tuple[object, ...] = ()) -> int:
        """Register directly (as another tool would), returning the version number."""
        refs = tuple(references)  # of Reference
        _id, number = self.register(subject, Payload(schema_type, text, refs))  # type: ignore[arg-type]
        if level is not None:
            self.data[subject].level = level
        assert number is not None
        return number

    def writes(self) -> list[tuple[str, str]]:
        return [c for c in self.calls if c[0] in ("register", "set_compatibility",
                                                  "delete_version", "delete_subject")]
