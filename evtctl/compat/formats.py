"""The contract-format seam: what every format of contract (JSON Schema, Avro, Protobuf)
provides, and how evtctl finds the format of a version.

A contract version is one schema file (plus the local files it references) in one format.
Lint, diff, ``evtctl compat``, the cache, the registry and the catalogue ask a
:class:`ContractFormat` for everything format-specific — how to load a version, compare
versions under a mode, word a change, show a schema, hand it to a Schema Registry — and
never import a format's modules or libraries themselves, never test file extensions or
``isinstance``. Each format lives in its own package (``evtctl.compat.jsonschema``,
``evtctl.compat.avro``, ``evtctl.compat.protobuf``) whose ``format`` module exposes
``FORMAT``; it is imported the first time a version of that format is met, so a run that
sees no ``.proto`` file never pays for the Protobuf compiler.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from evtctl.compat import Change, CompatResult
from evtctl.compat.realpaths import RealPaths

# Confluent's names for the formats (the registry's ``schemaType``), in the order users meet them.
SCHEMA_TYPES: tuple[str, ...] = ("JSON", "AVRO", "PROTOBUF")
# What users call each format.
TITLES: Mapping[str, str] = {"JSON": "JSON Schema", "AVRO": "Avro", "PROTOBUF": "Protobuf"}
# File name suffixes that pick a format when a contract does not say ``schemaType``.
EXTENSIONS: Mapping[str, str] = {
    ".json": "JSON",
    ".yaml": "JSON",
    ".yml": "JSON",
    ".avsc": "AVRO",
    ".proto": "PROTOBUF",
}
# Where each format's ``FORMAT`` lives; imported on first use only.
_MODULES: Mapping[str, str] = {
    "JSON": "evtctl.compat.jsonschema.format",
    "AVRO": "evtctl.compat.avro.format",
    "PROTOBUF": "evtctl.compat.protobuf.format",
}


class SchemaErrorKind(StrEnum):
    """Why a version cannot be used. Rules choose their finding from the kind, never from
    the wording of the message."""

    MISSING = "missing"  # the schema file named in the manifest does not exist
    OUTSIDE = "outside"  # the schema file is outside the project folder
    UNREADABLE = "unreadable"  # cannot be read, or is not UTF-8
    SYNTAX = "syntax"  # does not parse (JSON/YAML syntax, a .proto the compiler rejects)
    INVALID = "invalid"  # parses, but is not a valid schema of its format
    REFERENCE_MISSING = "reference-missing"  # a local file it references does not exist
    REFERENCE_OUTSIDE = "reference-outside"  # a local file it references is outside the project
    REFERENCE_UNRESOLVED = "reference-unresolved"  # what a reference names is not there
    REMOTE_REFERENCE = "remote-reference"  # a remote reference, which the project does not allow
    LIMIT = "limit"  # too large, too deeply nested, too many names: refused to protect the run


class SchemaFileError(Exception):
    """A version that cannot be used, with where the problem is (1-based; 0 if unknown)."""

    def __init__(self, message: str, path: Path | str, line: int = 0, column: int = 0,
                 kind: SchemaErrorKind = SchemaErrorKind.INVALID) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path)
        self.line = line
        self.column = column
        self.kind = kind

    def __reduce__(self) -> tuple[Any, ...]:  # picklable: lint's worker processes send it
        return (type(self), (self.message, self.path, self.line, self.column, self.kind))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Diagnostic:
    """A problem found while loading that does not stop the version from being compared —
    something the registry would still accept (a JSON Schema keyword that violates its
    draft's metaschema, say). Lint reports it; the comparison goes on."""

    kind: str  # a short, stable name: "metaschema", "protoc-warning", ...
    message: str
    path: Path
    line: int = 0
    column: int = 0
    # A note about the schema (a compiler warning, a construct the registry's checker does
    # not compare) rather than a problem with it: EVT507 (a warning by default) reports it,
    # where EVT503 reports the others.
    advisory: bool = False


@dataclass(frozen=True)
class LoadOptions:
    """What the project says about loading versions; a format reads the fields it knows."""

    root: Path | None = None  # every file a version is made of must stay inside it
    allow_remote: bool = False  # JSON Schema: accept (never fetch) remote ``$ref``s
    include_paths: tuple[Path, ...] = ()  # Protobuf: import roots besides the file's folder
    message: str | None = None  # Protobuf: the message the contract is (default: the first)
    references: tuple[Path, ...] = ()  # Avro: files defining named types the schema uses


@dataclass(frozen=True)
class LoadedSchema:
    """One version of a contract, loaded: what any layer may know about it.

    ``content`` is the format's own parsed form; only the format reads it. ``files`` names
    every file the version was made of, the main file first, each with the SHA-256 of the
    bytes that were read (the cache keys on them, the registry registers them)."""

    schema_type: str  # "JSON", "AVRO" or "PROTOBUF"
    version: int
    path: Path  # the main file, resolved
    files: Mapping[Path, str]  # resolved path -> sha256 hex of its bytes, main file first
    content: Any
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class RegistrySchema:
    """A version as a Schema Registry stores it: its text, and the documents it refers to
    under the names the text uses for them (each registered as a subject of its own)."""

    schema_type: str
    text: str
    references: tuple[tuple[str, RegistrySchema], ...] = ()  # (name used in the text, document)
    record_name: str | None = None  # the full name the record/topic-record strategies use
    # The file the document was read from, when it came from one: the registry names the
    # subject of a referenced document after it (a name as spelled differs per referrer).
    path: Path | None = None


class ContractFormat(Protocol):
    """One format of contract. Implementations are stateless singletons (``FORMAT``)."""

    schema_type: str  # Confluent's name: "JSON", "AVRO", "PROTOBUF"
    title: str  # what users call it: "JSON Schema", "Avro", "Protobuf"
    policies: tuple[str, ...]  # the policies it knows; the first is its default

    @property
    def change_kinds(self) -> Mapping[str, str]:
        """Every change type the format reports, with one plain sentence each (docs)."""
        ...

    def identity(self) -> str:
        """The format and the versions of every library its verdicts rest on (cache keys)."""
        ...

    def load(self, path: Path, version: int, options: LoadOptions, *,
             paths: RealPaths | None = None, data: bytes | None = None) -> LoadedSchema:
        """Load ``path`` as version ``version``, with the local files it references.

        Raises :class:`SchemaFileError` with the place and kind of the first fatal problem;
        problems that leave the version comparable are ``diagnostics``. Never fetches
        anything remote; bounded in time and memory on hostile input. ``paths`` is the run's
        memo of resolved paths (share it: resolving is a large part of loading many small
        files); ``data`` is the main file's bytes when the caller has read them already (the
        digest in ``files`` must then be of exactly these bytes)."""
        ...

    def check(self, versions: Sequence[LoadedSchema], mode: str, policy: str, *,
              chain: bool, examples: bool) -> CompatResult:
        """Compare versions (oldest first) under ``mode`` (see :mod:`evtctl.compat.modes`).

        ``chain``: every version against its predecessor(s), as lint checks a history;
        otherwise only the last against the earlier ones, as ``evtctl compat`` checks a
        candidate. ``changes`` lists what the format's registry checker reports (JSON
        Schema and Protobuf: every difference, allowed or not; Avro: every
        incompatibility), each with its type, location, direction and, with ``examples``,
        a proven example where one exists."""
        ...

    def describe(self, change: Change) -> str:
        """One plain sentence for a change, naming what changed where it can."""
        ...

    def fingerprint(self, schema: LoadedSchema, relative: Callable[[Path], str]) -> str:
        """The version's content, independent of where the tree lives (``relative`` names
        files): equal fingerprints mean the same contract, for diff's "edited in place"."""
        ...

    def render(self, schema: LoadedSchema) -> str:
        """The schema as a person reads it (pretty JSON, IDL), for the catalogue."""
        ...

    def registry_schema(self, schema: LoadedSchema) -> RegistrySchema:
        """The version as a Schema Registry should hold it, references included."""
        ...

    def load_registered(self, schema: RegistrySchema, version: int,
                        source: str) -> LoadedSchema:
        """A version read back from a Schema Registry (``source`` names it for messages,
        e.g. ``registry subject orders-value v3``), comparable with versions from files.
        Raises :class:`SchemaFileError` as :meth:`load` does."""
        ...


@dataclass(frozen=True)
class FormatChoice:
    """The format a contract version is in, or why none could be chosen."""

    schema_type: str | None
    reason: str | None = None  # why ``schema_type`` is None
    assumed: bool = False  # no schemaType and an extension no format claims: read as JSON Schema


def choose_format(schema_file: str, schema_type: str | None) -> FormatChoice:
    """The format of a version: the contract's ``schemaType`` when given, else the file's
    extension. A file whose extension no format claims is read as JSON Schema, the only
    format of evtctl's first release (``assumed``), so existing manifests keep working.
    Cheap: imports no format."""
    if schema_type is not None:
        name = schema_type.upper()
        if name in SCHEMA_TYPES:
            return FormatChoice(name)
        return FormatChoice(None, f"schemaType {schema_type!r} is not one of "
                            f"{', '.join(SCHEMA_TYPES)}")
    found = EXTENSIONS.get(Path(schema_file).suffix.lower())
    if found is not None:
        return FormatChoice(found)
    return FormatChoice("JSON", assumed=True)


_LOADED: dict[str, ContractFormat] = {}


def get_format(schema_type: str) -> ContractFormat:
    """The format named ``schema_type`` (Confluent's name), imported on first use."""
    found = _LOADED.get(schema_type)
    if found is None:
        module = importlib.import_module(_MODULES[schema_type])
        found = _LOADED[schema_type] = module.FORMAT
    return found


__all__ = [
    "EXTENSIONS", "SCHEMA_TYPES", "TITLES", "ContractFormat", "Diagnostic", "FormatChoice",
    "LoadOptions", "LoadedSchema", "RegistrySchema", "SchemaErrorKind", "SchemaFileError",
    "choose_format", "get_format",
]
