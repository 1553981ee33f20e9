"""JSON Schema contracts: compatibility with Confluent Schema Registry's semantics.

Public surface (kept cheap to import: jsonschema and yaml load lazily where needed):

* :class:`SchemaVersion`, :class:`Change`, :class:`CompatResult`
* :func:`diff_schemas` — Confluent's ``SchemaDiff.compare``: a list of (change kind, path)
* :func:`check_versions` — the candidate (last version) against its predecessor(s) under a mode
* :func:`check_chain` — every version against its predecessor(s), for linting a whole history
* :func:`load_schema_file` — read a schema file (JSON or YAML) with its local ``$ref`` documents
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evtctl.compat import MODES, Change, CompatResult, Mode, Policy
from evtctl.compat.formats import Diagnostic


@dataclass(frozen=True)
class SchemaVersion:
    """One version of a contract's schema, with the local documents its ``$ref``s reach."""

    version: int
    schema: Any
    base_uri: str = ""
    documents: Mapping[str, Any] = field(default_factory=dict)
    # Problems that leave the version comparable (see evtctl.compat.formats.Diagnostic).
    diagnostics: tuple[Diagnostic, ...] = ()


def diff_schemas(
    original: SchemaVersion | Any, update: SchemaVersion | Any, policy: str = "strict"
) -> list[tuple[str, str]]:
    """Confluent's ``SchemaDiff.compare(original, update)``: every (change kind, JSON path)."""
    from evtctl.compat.jsonschema.engine import raw_diff

    return raw_diff(_as_version(original, 1), _as_version(update, 2), policy)


def check_versions(
    versions: Sequence[SchemaVersion], mode: str, policy: str = "lenient", *, examples: bool = True
) -> CompatResult:
    """Check the last version against the previous one (all earlier ones if transitive)."""
    from evtctl.compat.jsonschema.checker import check

    return check(versions, mode, policy, examples=examples, chain=False)


def check_chain(
    versions: Sequence[SchemaVersion], mode: str, policy: str = "lenient", *, examples: bool = True
) -> CompatResult:
    """Check every version after the first against its predecessor(s) under ``mode``."""
    from evtctl.compat.jsonschema.checker import check

    return check(versions, mode, policy, examples=examples, chain=True)


def load_schema_file(
    path: Path, version: int = 1, root: Path | None = None, allow_remote: bool = False
) -> SchemaVersion:
    """Read a JSON or YAML schema file; see :mod:`evtctl.compat.jsonschema.schemafile`."""
    from evtctl.compat.jsonschema.schemafile import load_schema_file as _load

    return _load(path, version, root=root, allow_remote=allow_remote)


def _as_version(value: SchemaVersion | Any, number: int) -> SchemaVersion:
    return value if isinstance(value, SchemaVersion) else SchemaVersion(number, value)


__all__ = [
    "MODES", "Change", "CompatResult", "Mode", "Policy", "SchemaVersion",
    "check_chain", "check_versions", "diff_schemas", "load_schema_file",
]
