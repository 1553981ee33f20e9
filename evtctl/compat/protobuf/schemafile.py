"""Load one version: a ``.proto`` file compiled by protoc with the files it imports.

Import roots, in protoc's order: the project's include paths that contain the file (so the
file keeps the name other files import it by), the file's own folder, the other include
paths; then the types evtctl supplies offline (see :mod:`evtctl.compat.protobuf.worker`).
Every project file a version is made of must stay inside the project root.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from evtctl.compat.formats import Diagnostic, LoadOptions, SchemaErrorKind, SchemaFileError
from evtctl.compat.protobuf.errors import ProtocMessage
from evtctl.compat.protobuf.model import Field, Loc, Message, ProtoFile, ProtoSchema
from evtctl.compat.realpaths import RealPaths

MAX_FILE_BYTES = 1024 * 1024  # per .proto file: protoc and the model grow fast beyond it


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _read_text(path: Path, shown: Path, given: bytes | None = None) -> tuple[bytes, str]:
    try:
        size = len(given) if given is not None else path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SchemaFileError(
                f"file is {size / 1024 / 1024:.1f} MiB; evtctl compiles .proto files of up to "
                f"{MAX_FILE_BYTES // 1024 // 1024} MiB (split it into files that import "
                "each other)", shown, kind=SchemaErrorKind.LIMIT)
        data = given if given is not None else path.read_bytes()
    except OSError as exc:
        raise SchemaFileError(f"cannot read: {exc.strerror or exc}", shown,
                              kind=SchemaErrorKind.UNREADABLE) from None
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SchemaFileError("not UTF-8 text (protoc reads .proto files as UTF-8)", shown,
                              line, column, SchemaErrorKind.UNREADABLE) from None


def import_roots(main: Path, options: LoadOptions) -> list[Path]:
    base = options.root.resolve() if options.root else Path.cwd()
    includes = [(p if p.is_absolute() else base / p).resolve() for p in options.include_paths]
    ordered = [p for p in includes if _inside(main, p)] + [main.parent]
    ordered += [p for p in includes if not _inside(main, p)]
    out: list[Path] = []
    for p in ordered:
        if p not in out:
            out.append(p)
    return out


def _virtual_name(main: Path, roots: list[Path]) -> str:
    for r in roots:
        if _inside(main, r):
            return main.relative_to(r).as_posix()
    return main.name  # pragma: no cover - the file's folder is always a root


def _roots_text(roots: Iterable[Path], root: Path | None) -> str:
    def show(p: Path) -> str:
        if root is not None and _inside(p, root):
            rel = p.relative_to(root).as_posix()
            return rel if rel != "." else "."
        return str(p)

    return ", ".join(show(p) for p in roots)


def load_version(path: Path, version: int, options: LoadOptions,
                 origin_prefix: str = "", *, paths: RealPaths | None = None,
                 data: bytes | None = None,
                 ) -> tuple[ProtoSchema, dict[Path, str], list[Diagnostic]]:
    """Compile ``path``: the model, the digest of every project file read (the main file
    first), and the problems that do not stop it from being compared. ``data``: the main
    file's bytes when the caller has read them (digested as given; protoc reads the file
    itself, so a file rewritten while evtctl runs can differ, as for any two reads)."""
    from evtctl.compat.protobuf.compiler import TIMEOUT, CompileFailure, compile_files
    from evtctl.compat.protobuf.errors import first_problem, parse

    paths = paths if paths is not None else RealPaths()
    if data is None and not path.exists():
        raise SchemaFileError("schema file not found", path, kind=SchemaErrorKind.MISSING)
    try:
        main = Path(paths.real(path))
        root = Path(paths.real(options.root)) if options.root else None
    except (OSError, RuntimeError) as exc:  # a symlink loop, an unsearchable folder
        raise SchemaFileError(f"cannot resolve the path: {exc}", path,
                              kind=SchemaErrorKind.UNREADABLE) from None
    if root is not None and not _inside(main, root):
        raise SchemaFileError(f"schema file is outside the project folder {root}", path,
                              kind=SchemaErrorKind.OUTSIDE)
    if not main.is_file():
        raise SchemaFileError("not a file", path, kind=SchemaErrorKind.UNREADABLE)
    main_bytes, main_text = _read_text(main, path, data)
    roots = import_roots(main, options)
    result = compile_files(roots, [main])
    shown_roots = _roots_text(roots, root)
    if isinstance(result, CompileFailure):
        if result.reason == "timeout":
            raise SchemaFileError(f"protoc did not finish within {TIMEOUT:.0f} s; the file is "
                                  "too large or too complex to compile", path,
                                  kind=SchemaErrorKind.LIMIT)
        if result.reason == "memory":
            raise SchemaFileError("protoc ran out of the memory evtctl allows it", path,
                                  kind=SchemaErrorKind.LIMIT)
        if result.reason == "crash":
            raise SchemaFileError("protoc crashed compiling this file (a protoc bug on this "
                                  "input); simplify the file or report it", path,
                                  kind=SchemaErrorKind.INVALID)
        if result.reason == "start":
            raise SchemaFileError("cannot start protoc (the grpcio-tools package is missing "
                                  "or broken); reinstall evtctl", path,
                                  kind=SchemaErrorKind.UNREADABLE)
        if result.reason == "internal":
            last = result.stderr.strip().splitlines()[-1:] or ["?"]
            raise SchemaFileError(f"cannot read protoc's output: {last[0]}", path,
                                  kind=SchemaErrorKind.INVALID)
        problem = first_problem(parse(result.stderr), shown_roots)
        if problem is None:
            raise SchemaFileError("protoc rejected the file without saying why", path,
                                  kind=SchemaErrorKind.INVALID)
        where = Path(problem.file) if Path(problem.file).is_absolute() else path
        raise SchemaFileError(problem.message, where, problem.line, problem.column, problem.kind)

    name = _virtual_name(main, roots)
    by_name = {f.name: f for f in result.files}
    if name not in by_name:  # pragma: no cover - protoc names the input as computed
        raise SchemaFileError("protoc did not report the file it compiled", path)
    importer: dict[str, Loc] = {}
    for f in result.files:
        for dep, loc in zip(f.dependencies, f.dependency_locs, strict=False):
            importer.setdefault(dep, loc)
    sources: dict[str, str] = {name: main_text}
    disk: dict[str, Path] = {name: main}
    digests: dict[Path, str] = {main: hashlib.sha256(main_bytes).hexdigest()}
    files: list[ProtoFile] = [replace(by_name[name], origin="")]
    for f in result.files:
        if f.name == name:
            continue
        found = next((r / f.name for r in roots if (r / f.name).is_file()), None)
        if found is None:  # supplied by evtctl: a well-known, common or Confluent type
            files.append(f)
            continue
        real = Path(paths.real(found))
        at = importer.get(f.name, Loc(name))
        shown = disk.get(at.file, main)
        if root is not None and not _inside(real, root):
            raise SchemaFileError(f'imported file "{f.name}" resolves to {real}, outside the '
                                  f"project folder {root}", shown, at.line, at.column,
                                  SchemaErrorKind.REFERENCE_OUTSIDE)
        data, text = _read_text(real, real)
        sha = hashlib.sha256(data).hexdigest()
        digests[real] = sha
        sources[f.name] = text
        disk[f.name] = real
        files.append(replace(f, origin=f"{origin_prefix}{f.name}@{sha}"))
    files = _interned(files)
    message = choose_message(files[0], options.message, path)
    diagnostics = _diagnostics(parse(result.stderr), files, disk, path)
    schema = ProtoSchema(main=name, files=tuple(files), message=message,
                         descriptor_set=result.descriptor_set, sources=sources, disk=disk)
    return schema, digests, diagnostics


# Imported files already met in this process, shared by every version importing the same
# content: Confluent's diff then sees one definition on both sides and skips it at once.
_SHARED: dict[tuple[object, ...], ProtoFile] = {}


def _interned(files: list[ProtoFile]) -> list[ProtoFile]:
    by_name = {f.name: f for f in files}

    def closure(name: str, seen: set[str]) -> None:
        for dep in by_name[name].dependencies if name in by_name else ():
            if dep not in seen:
                seen.add(dep)
                closure(dep, seen)

    out = [files[0]]
    if len(_SHARED) > 10_000:
        _SHARED.clear()
    for f in files[1:]:
        deps: set[str] = set()
        closure(f.name, deps)
        key = (f.name, f.origin, tuple(sorted((d, by_name[d].origin) for d in deps
                                              if d in by_name)))
        out.append(_SHARED.setdefault(key, f))
    return out


def contract_messages(f: ProtoFile) -> list[Message]:
    """The messages of a file a contract can name, outer before inner, in file order."""
    out: list[Message] = []
    stack = list(reversed(f.messages))
    while stack:
        m = stack.pop()
        if m.map_entry or m.group:
            continue
        out.append(m)
        stack.extend(reversed(m.messages))
    return out


def choose_message(f: ProtoFile, wanted: str | None, path: Path) -> str:
    candidates = contract_messages(f)
    if wanted is None:
        top = [m for m in f.messages if not m.map_entry]
        if not top:
            raise SchemaFileError("defines no message; a contract's schema must define the "
                                  "message its events are", path, kind=SchemaErrorKind.INVALID)
        return top[0].full_name
    name = wanted.removeprefix(".")
    if any(m.full_name == name for m in candidates):
        return name
    near = [m.full_name for m in candidates if m.full_name.endswith("." + name)
            or m.name == name.rsplit(".", 1)[-1]]
    hint = (f"; did you mean {near[0]}?" if len(near) == 1 else
            f"; messages here: {', '.join(m.full_name for m in candidates[:8])}"
            + (", …" if len(candidates) > 8 else ""))
    first = candidates[0].loc if candidates else None  # where the file's messages start
    raise SchemaFileError(f"message {wanted!r} is not defined in this file{hint}", path,
                          first.line if first else 1, first.column if first else 1,
                          SchemaErrorKind.REFERENCE_UNRESOLVED)


def _diagnostics(messages: list[ProtocMessage], files: list[ProtoFile],
                 disk: dict[str, Path], path: Path) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for m in messages:
        if m.warning:
            where = Path(m.file) if m.file and Path(m.file).is_absolute() else path
            out.append(Diagnostic("protoc-warning", m.message, where, m.line, m.column,
                                  advisory=True))
    for f in files:
        if f.origin is None:
            continue
        shown = disk.get(f.name, path)
        if f.syntax == "editions":
            out.append(Diagnostic(
                "editions", f"edition {f.edition}: Confluent Schema Registry's parser may not "
                "accept editions files; evtctl compares it as Confluent's descriptor "
                "conversion does (labels as in proto2)", shown, 1, 1, advisory=True))
        for field in _all_fields(f):
            if field.group_syntax:
                out.append(Diagnostic(
                    "group", f"group {field.name!r}: Confluent's SchemaDiff does not compare "
                    "proto2 groups, so changes to it pass its check; policy 'wire' checks "
                    "them", shown, field.loc.line, field.loc.column, advisory=True))
    return out


def _all_fields(f: ProtoFile) -> Iterable[Field]:
    stack = list(f.messages)
    while stack:
        m = stack.pop()
        yield from m.fields
        stack.extend(m.messages)
