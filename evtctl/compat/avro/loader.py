"""Load one Avro contract version: its ``.avsc`` file and the local files that define named
types it uses (``LoadOptions.references``), as one set of names.

Reference files are parsed before the schema, as Confluent Schema Registry parses a schema's
references before the schema. Their order is worked out here: a file that uses a type
another reference defines is parsed after it, whatever order they were listed in, and two
files that need each other are a clear error (Avro resolves names across files only in one
direction). Each file is read once, its SHA-256 kept; every finding names a file, line and
column.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evtctl.compat.avro import jsontext
from evtctl.compat.avro.model import NAMED, Node
from evtctl.compat.avro.parser import DocumentParser, Names, Note, ParseProblem
from evtctl.compat.formats import Diagnostic, SchemaErrorKind, SchemaFileError
from evtctl.compat.realpaths import RealPaths

MAX_BYTES = 16 * 1024 * 1024


@dataclass
class SourceFile:
    path: Path  # resolved
    text: str
    value: Any  # the JSON value
    sha256: str
    label: str = ""  # how messages name it (the path, or a registry subject)


@dataclass
class AvroVersion:
    """A loaded version: the root type, and the files it was made of (main file first,
    then the references in the order they were parsed)."""

    root: Node
    main: SourceFile
    references: list[SourceFile]
    uses: dict[int, set[int]] = field(default_factory=dict)  # file index -> files it uses
    names: dict[str, Node] = field(default_factory=dict)
    fastavro_schema: Any = None  # fastavro's parsed form, made on first use
    fastavro_error: str | None = None

    def file(self, index: int) -> SourceFile:
        return self.main if index == 0 else self.references[index - 1]


def read_file(path: Path, kind_missing: SchemaErrorKind, kind_outside: SchemaErrorKind,
              root: Path | None, what: str, *, paths: RealPaths | None = None,
              data: bytes | None = None) -> SourceFile:
    """Read and parse one JSON file, with every error placed. ``paths``: the run's memo of
    resolved paths; ``data``: the file's bytes when the caller has read them already."""
    try:
        real = paths.real(path) if paths is not None else os.path.realpath(path)
    except (OSError, RuntimeError, ValueError) as exc:
        raise SchemaFileError(f"cannot resolve {what} {path}: {exc}", path,
                              kind=SchemaErrorKind.UNREADABLE) from None
    if root is not None:
        top = paths.real(root) if paths is not None else _real_root(str(root))
        if real != top and not real.startswith(top.rstrip(os.sep) + os.sep):
            raise SchemaFileError(f"{what} {path} is outside the project folder {top}", path,
                                  kind=kind_outside)
    if data is not None:
        return source_from_bytes(data, Path(real), real)
    try:
        with open(real, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_BYTES:
                raise SchemaFileError(f"file is too large ({size} bytes; limit {MAX_BYTES})",
                                      real, kind=SchemaErrorKind.LIMIT)
            data = fh.read(MAX_BYTES + 1)
    except SchemaFileError:
        raise
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        raise SchemaFileError(f"{what} {path} not found", path, kind=kind_missing) from None
    except OSError as exc:
        raise SchemaFileError(f"cannot read file: {exc.strerror or exc}", real,
                              kind=SchemaErrorKind.UNREADABLE) from None
    return source_from_bytes(data, Path(real), real)


@functools.lru_cache(maxsize=64)
def _real_root(root: str) -> str:
    return os.path.realpath(root)


def source_from_bytes(data: bytes, path: Path, label: str) -> SourceFile:
    if len(data) > MAX_BYTES:
        raise SchemaFileError(f"file is too large ({len(data)} bytes; limit {MAX_BYTES})", label,
                              kind=SchemaErrorKind.LIMIT)
    sha = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SchemaFileError("file is not valid UTF-8", label, line, column,
                              SchemaErrorKind.UNREADABLE) from None
    if not text.strip():
        raise SchemaFileError("file is empty: an Avro schema is a JSON value", label, 1, 1,
                              SchemaErrorKind.SYNTAX)
    try:
        value = jsontext.parse(text)
    except jsontext.JsonTextError as exc:
        kind = SchemaErrorKind.LIMIT if exc.limit else SchemaErrorKind.SYNTAX
        raise SchemaFileError(exc.message, label, exc.line, exc.column, kind) from None
    return SourceFile(path, text, value, sha, label)


def build(main: SourceFile, references: list[SourceFile], *, validate_defaults: bool = True
          ) -> tuple[AvroVersion, tuple[Diagnostic, ...]]:
    """Parse the files as one set of names: references first, in an order where every file
    comes after the files whose types it uses."""
    order = list(range(len(references)))
    defined = [defined_names(ref.value) for ref in references]
    needs: dict[int, set[int]] = {}
    for _attempt in range(len(references) ** 2 + 1):
        names = Names()
        files = [main, *(references[i] for i in order)]
        try:
            notes, root = _parse_all(files, names, validate_defaults)
        except ParseProblem as problem:
            moved = _reorder(problem, order, defined, needs, files, references)
            if moved:
                continue
            raise _error(problem, files) from None
        version = AvroVersion(root, main, [references[i] for i in order], names.used,
                              dict(names.table))
        diagnostics = [_diagnostic(n, files) for n in notes]
        diagnostics.extend(_unused(version, files))
        return version, tuple(diagnostics)
    raise AssertionError("reference ordering did not settle")  # pragma: no cover


def _parse_all(files: list[SourceFile], names: Names, validate_defaults: bool
               ) -> tuple[list[Note], Node]:
    notes: list[Note] = []
    root: Node | None = None
    # references (file 1..n) first, the main schema (file 0) last
    for index in [*range(1, len(files)), 0]:
        parser = DocumentParser(names, index, validate_defaults=validate_defaults)
        try:
            node = parser.document(files[index].value)
        except (ParseProblem, RecursionError) as exc:
            # a duplicate key explains more than what it broke: report it first
            duplicate = jsontext.duplicate(files[index].text, -1)
            if duplicate is not None:
                raise SchemaFileError(duplicate.message, files[index].label, duplicate.line,
                                      duplicate.column, SchemaErrorKind.SYNTAX) from None
            if isinstance(exc, RecursionError):
                raise ParseProblem("schema is nested too deeply to read", index, (),
                                   kind=SchemaErrorKind.LIMIT) from None
            raise
        duplicate = jsontext.duplicate(files[index].text, parser.keys)
        if duplicate is not None:
            raise SchemaFileError(duplicate.message, files[index].label, duplicate.line,
                                  duplicate.column, SchemaErrorKind.SYNTAX)
        notes.extend(parser.notes)
        if index == 0:
            root = node
    assert root is not None
    return notes, root


def _reorder(problem: ParseProblem, order: list[int], defined: list[set[str]],
             needs: dict[int, set[int]], files: list[SourceFile],
             references: list[SourceFile]) -> bool:
    """Move the reference that defines the unresolved name before the file that needs it;
    raise a cycle error when the two need each other. False when no reference defines it."""
    if problem.kind != SchemaErrorKind.REFERENCE_UNRESOLVED or problem.file == 0:
        return False
    target = problem.name
    user = order[problem.file - 1]
    provider = next((i for i in order if target in defined[i] and i != user), None)
    if provider is None:
        return False
    needs.setdefault(user, set()).add(provider)
    cycle = _path(needs, provider, user)
    if cycle is not None:
        chain = " -> ".join(str(references[i].label) for i in [user, *cycle])
        raise SchemaFileError(
            f"references need each other ({chain}): {references[user].label} uses "
            f"{target!r} from {references[provider].label}, which itself needs "
            f"{references[user].label}; Avro resolves named types across files in one "
            "direction only: move the shared types into one file",
            references[user].label, *_place(files[problem.file], problem),
            SchemaErrorKind.REFERENCE_UNRESOLVED)
    order.remove(provider)
    order.insert(order.index(user), provider)
    return True


def _path(needs: dict[int, set[int]], start: int, goal: int) -> list[int] | None:
    """A path start -> ... -> goal in ``needs``, if any (the files after ``start``)."""
    stack: list[tuple[int, list[int]]] = [(start, [start])]
    seen: set[int] = set()
    while stack:
        here, trail = stack.pop()
        if here == goal:
            return trail
        if here in seen:
            continue
        seen.add(here)
        stack.extend((nxt, [*trail, nxt]) for nxt in needs.get(here, ()))
    return None


def defined_names(value: Any) -> set[str]:
    """Full names of the named types a document defines (a cheap walk, no validation)."""
    out: set[str] = set()
    stack: list[tuple[Any, str | None]] = [(value, None)]
    while stack:
        node, space = stack.pop()
        if isinstance(node, list):
            stack.extend((v, space) for v in node)
            continue
        if not isinstance(node, dict):
            continue
        kind = node.get("type")
        if kind in NAMED or kind == "error":
            name = node.get("name")
            own = node.get("namespace") if isinstance(node.get("namespace"), str) else space
            if isinstance(name, str):
                if "." in name:
                    own = name[: name.rfind(".")]
                    name = name[name.rfind(".") + 1:]
                own = own or None
                out.add(name if own is None else f"{own}.{name}")
            for f in node.get("fields") or () if isinstance(node.get("fields"), list) else ():
                if isinstance(f, dict):
                    stack.append((f.get("type"), own))
        elif kind in ("array", "map"):
            stack.append((node.get("items" if kind == "array" else "values"), space))
        elif isinstance(kind, (dict, list)):
            stack.append((kind, space))
    return out


def _place(source: SourceFile, problem: ParseProblem | Note) -> tuple[int, int]:
    return jsontext.locate(source.text, problem.at, key=problem.key)


def _error(problem: ParseProblem, files: list[SourceFile]) -> SchemaFileError:
    source = files[problem.file]
    line, column = _place(source, problem)
    message = problem.message
    if problem.kind == SchemaErrorKind.REFERENCE_UNRESOLVED and len(files) == 1:
        message += " (if another file defines it, list that file in the contract's references)"
    return SchemaFileError(message, source.label, line, column, problem.kind)


# Notes about a schema that is fine for the registry and for readers (EVT507, a warning):
# a portable-name or old-reader caveat, an attribute Avro ignores, an unused reference. The
# others (a default a reader cannot use, an empty union) are problems (EVT503).
ADVISORY = frozenset(("name", "union-default", "ignored", "unused-reference"))


def _diagnostic(note: Note, files: list[SourceFile]) -> Diagnostic:
    source = files[note.file]
    line, column = _place(source, note)
    return Diagnostic(note.kind, note.message, source.path, line, column,
                      advisory=note.kind in ADVISORY)


def _unused(version: AvroVersion, files: list[SourceFile]) -> list[Diagnostic]:
    reached = {0}
    stack = [0]
    while stack:
        for nxt in version.uses.get(stack.pop(), ()):
            if nxt not in reached:
                reached.add(nxt)
                stack.append(nxt)
    return [Diagnostic("unused-reference", f"reference {files[i].label} defines no type this "
                       "schema uses", files[0].path, 1, 1, advisory=True)
            for i in range(1, len(files)) if i not in reached]
