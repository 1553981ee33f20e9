"""Registered versions in the format seam's registry form, with their references' documents
filled in from what the registry holds — the shape ``ContractFormat.load_registered`` reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from evtctl.compat.formats import RegistrySchema
from evtctl.registry.model import Reference, RegisteredVersion


class DanglingReference(Exception):
    """A registered version refers to a version the registry does not have."""

    def __init__(self, subject: str, version: int, target: Reference) -> None:
        super().__init__(f"{subject} v{version} refers to {target.subject} v{target.version}, "
                         "which the registry does not have")
        self.subject = subject
        self.version = version


class RegisteredForms:
    """Builds (and remembers) registry forms over every version read in a run."""

    def __init__(self, versions: Mapping[tuple[str, int], RegisteredVersion]) -> None:
        self._versions = versions
        self._forms: dict[tuple[str, int], RegistrySchema] = {}

    def form(self, registered: RegisteredVersion, record_name: str | None = None,
             depth: int = 0) -> RegistrySchema:
        """Raises DanglingReference when a reference (at any depth) is missing.

        ``record_name`` is what the contract names as its record (Protobuf: the message,
        when the manifest says ``message:``); the registry does not store it, so a
        registered version is read with the same one as the version from git."""
        key = (registered.subject, registered.version)
        found = self._forms.get(key)
        if found is not None:
            return replace(found, record_name=record_name) if record_name else found
        if depth > 64:
            raise DanglingReference(registered.subject, registered.version,
                                    Reference("(references nested too deeply)", "?", 0))
        references: list[tuple[str, RegistrySchema]] = []
        for ref in registered.payload.references:
            target = self._versions.get((ref.subject, ref.version))
            if target is None:
                raise DanglingReference(registered.subject, registered.version, ref)
            references.append((ref.name, self.form(target, depth=depth + 1)))
        form = RegistrySchema(registered.payload.schema_type, registered.payload.text,
                              tuple(references))
        self._forms[key] = form
        return replace(form, record_name=record_name) if record_name else form
