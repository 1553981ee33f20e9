"""Protobuf versions as a Schema Registry holds them: the file's text, and each project file
it imports as a reference named by its import path (registered as a subject of its own).
Google's well-known and common types and Confluent's own files are not references: the
registry knows them, as evtctl does."""

from __future__ import annotations

import tempfile
from pathlib import Path

from evtctl.compat.formats import (
    LoadedSchema,
    LoadOptions,
    RegistrySchema,
    SchemaErrorKind,
    SchemaFileError,
)
from evtctl.compat.protobuf.model import ProtoSchema


def registry_schema(schema: ProtoSchema) -> RegistrySchema:
    files = {f.name: f for f in schema.files}

    def build(name: str, seen: tuple[str, ...]) -> RegistrySchema:
        refs: list[tuple[str, RegistrySchema]] = []
        for dep in files[name].dependencies:
            if dep in schema.sources and dep not in seen:
                refs.append((dep, build(dep, (*seen, dep))))
        return RegistrySchema("PROTOBUF", schema.sources[name], tuple(refs))

    main = build(schema.main, (schema.main,))
    return RegistrySchema("PROTOBUF", main.text, main.references, schema.message)


def _write(folder: Path, name: str, schema: RegistrySchema, source: str) -> None:
    target = (folder / name).resolve()
    if folder.resolve() not in target.parents:
        raise SchemaFileError(f"reference name {name!r} leaves the schema's folder", source,
                              kind=SchemaErrorKind.REFERENCE_OUTSIDE)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(schema.text, encoding="utf-8")
    for ref_name, ref in schema.references:
        if not (folder / ref_name).exists():
            _write(folder, ref_name, ref, source)


def load_registered(schema: RegistrySchema, version: int, source: str) -> LoadedSchema:
    from evtctl.compat.protobuf.schemafile import load_version

    with tempfile.TemporaryDirectory(prefix="evtctl-registered-") as tmp:
        folder = Path(tmp)
        _write(folder, "registered.proto", RegistrySchema("PROTOBUF", schema.text,
                                                         schema.references), source)
        try:
            loaded, digests, diagnostics = load_version(
                folder / "registered.proto", version,
                LoadOptions(root=folder, message=schema.record_name), origin_prefix="registry:")
        except SchemaFileError as exc:
            inner = Path(exc.path).resolve()
            part = (inner.relative_to(folder.resolve()).as_posix()
                    if folder.resolve() in inner.parents else inner.name)
            where = source if part == "registered.proto" else f"{source}, reference {part}"
            raise SchemaFileError(exc.message, where, exc.line, exc.column, exc.kind) from None
    return LoadedSchema("PROTOBUF", version, Path(source), digests, loaded, tuple(diagnostics))
