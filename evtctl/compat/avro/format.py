"""Avro behind the contract-format seam (:mod:`evtctl.compat.formats`).

Verdicts are Apache Avro's reader/writer resolution as Confluent Schema Registry runs it
(:mod:`evtctl.compat.avro.checker`); Avro has no strict/lenient policy, so ``policies`` is
empty and ``check`` ignores the policy it is given (results carry ``""``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from evtctl.compat import Change, CompatResult
from evtctl.compat.formats import (
    Diagnostic,
    LoadedSchema,
    LoadOptions,
    RegistrySchema,
    SchemaErrorKind,
    SchemaFileError,
)
from evtctl.compat.realpaths import RealPaths

# Bumped when a verdict of this engine can change for the same files (cache keys).
ENGINE = "avro-engine 2 (Apache Avro 1.12 SchemaCompatibility)"
# Java's list can grow exponentially (a shared type that breaks, used twice at every level);
# past this many entries for one pair, each distinct incompatibility is listed once, with
# how many times Java lists it.
MAX_LISTED = 10_000
# Examples are built and proven for this many incompatibilities of one pair at most (each
# writes and reads a whole record): enough to show what breaks, bounded on a huge break.
MAX_EXAMPLES = 50


class AvroFormat:
    schema_type = "AVRO"
    title = "Avro"
    policies: tuple[str, ...] = ()

    @property
    def change_kinds(self) -> Mapping[str, str]:
        from evtctl.compat.avro.wording import KINDS

        return dict(KINDS)

    def identity(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            library = version("fastavro")
        except PackageNotFoundError:  # pragma: no cover - a dependency
            library = "?"
        return f"AVRO\0fastavro {library}\0{ENGINE}"

    # -- loading -----------------------------------------------------------------------------

    def load(self, path: Path, version: int, options: LoadOptions, *,
             paths: RealPaths | None = None, data: bytes | None = None) -> LoadedSchema:
        from evtctl.compat.avro.loader import build, read_file

        main = read_file(path, SchemaErrorKind.MISSING, SchemaErrorKind.OUTSIDE, options.root,
                         "schema file", paths=paths, data=data)
        references = []
        seen = {main.path}
        for ref in options.references:
            source = read_file(ref, SchemaErrorKind.REFERENCE_MISSING,
                               SchemaErrorKind.REFERENCE_OUTSIDE, options.root, "reference",
                               paths=paths)
            if source.path not in seen:
                seen.add(source.path)
                references.append(source)
        loaded, diagnostics = build(main, references)
        return self._wrap(loaded, version, diagnostics)

    def load_registered(self, schema: RegistrySchema, version: int,
                        source: str) -> LoadedSchema:
        """As Confluent reads back a registered schema: references first, defaults not
        validated (the registry accepted them once)."""
        from evtctl.compat.avro.loader import build, source_from_bytes

        if schema.schema_type != "AVRO":
            raise SchemaFileError(f"{source} is a {schema.schema_type} schema, not Avro", source,
                                  kind=SchemaErrorKind.INVALID)
        documents: list[tuple[str, RegistrySchema]] = []
        seen: set[int] = set()

        def walk(name: str, doc: RegistrySchema) -> None:
            if id(doc) in seen:
                return
            seen.add(id(doc))
            for ref_name, ref in doc.references:
                walk(ref_name, ref)
            documents.append((name, doc))

        for ref_name, ref in schema.references:
            walk(ref_name, ref)
        refs = [source_from_bytes(doc.text.encode(), Path(f"{source} reference {name}"),
                                  f"{source} reference {name}") for name, doc in documents]
        main = source_from_bytes(schema.text.encode(), Path(source), source)
        loaded, diagnostics = build(main, refs, validate_defaults=False)
        return self._wrap(loaded, version, diagnostics)

    def _wrap(self, loaded: Any, version: int,
              diagnostics: tuple[Diagnostic, ...]) -> LoadedSchema:
        files = {loaded.main.path: loaded.main.sha256}
        for ref in loaded.references:
            files.setdefault(ref.path, ref.sha256)
        return LoadedSchema("AVRO", version, loaded.main.path, files, loaded, diagnostics)

    # -- comparing ---------------------------------------------------------------------------

    def check(self, versions: Sequence[LoadedSchema], mode: str, policy: str, *,
              chain: bool, examples: bool) -> CompatResult:
        from evtctl.compat.modes import pairs, parse_mode

        del policy  # Avro has none (see the module docstring)
        directions, transitive = parse_mode(mode)
        changes: list[Change] = []
        for i, k in pairs(len(versions), transitive, chain) if directions else []:
            for direction in directions:
                w, r = (i, k) if direction == "backward" else (k, i)
                changes.extend(_pair_changes(versions[w], versions[r], versions[i].version,
                                             versions[k].version, direction, examples))
        return CompatResult(not changes, mode.upper(), "", tuple(changes), "AVRO")

    def describe(self, change: Change) -> str:
        from evtctl.compat.avro.wording import describe

        return describe(change.type, change.path, change.description)

    # -- showing -----------------------------------------------------------------------------

    def fingerprint(self, schema: LoadedSchema, relative: Callable[[Path], str]) -> str:
        content = schema.content
        documents = {relative(ref.path): ref.value for ref in content.references}
        return json.dumps({"schema": content.main.value, "documents": documents},
                          sort_keys=True, ensure_ascii=False)

    def render(self, schema: LoadedSchema) -> str:
        return json.dumps(schema.content.main.value, indent=2, ensure_ascii=False)

    def registry_schema(self, schema: LoadedSchema) -> RegistrySchema:
        """The main file's text, and each reference file as a document of its own under the
        full name of the type it defines (Confluent's convention for Avro references), each
        with the references it needs itself."""
        from evtctl.compat.avro.model import Named

        content = schema.content
        built: dict[int, RegistrySchema] = {}

        def document(index: int) -> RegistrySchema:
            if index in built:
                return built[index]
            source = content.file(index)
            refs = tuple((_reference_name(content, j), document(j))
                         for j in sorted(content.uses.get(index, ())))
            root = content.root if index == 0 else None
            record_name = root.full if isinstance(root, Named) and root.kind == "record" else None
            built[index] = RegistrySchema("AVRO", source.text.strip(), refs, record_name)
            return built[index]

        return document(0)


def _reference_name(content: Any, index: int) -> str:
    """The full name of the first named type a reference file defines (its top-level one
    when the file's root is a named type)."""
    value = content.file(index).value
    from evtctl.compat.avro.loader import defined_names

    if isinstance(value, dict) and isinstance(value.get("name"), str):
        name: str = value["name"]
        space = value.get("namespace")
        if "." not in name and isinstance(space, str) and space:
            return f"{space}.{name}"
        return name
    names = sorted(defined_names(value))
    return names[0] if names else str(content.file(index).path.name)


def _pair_changes(writer: LoadedSchema, reader: LoadedSchema, earlier: int, later: int,
                  direction: str, examples: bool) -> list[Change]:
    from evtctl.compat.avro.checker import (
        AMBIGUOUS_FIELD,
        AmbiguousField,
        Checker,
        Incompatibility,
        count,
        distinct,
        flatten,
    )

    w_root, r_root = writer.content.root, reader.content.root
    try:
        result = Checker().check(r_root, w_root)
    except AmbiguousField as exc:
        item = Incompatibility(AMBIGUOUS_FIELD, exc.location,
                               f"the reader's field {exc.field.name!r} matches the writer's "
                               f"fields {exc.names} by name and alias; Apache Avro's checker "
                               "throws and Schema Registry rejects the schema (\"Unexpected "
                               "exception during compatibility check\"); keep one alias that "
                               "names one writer field", r_root, w_root, None)
        listed: list[tuple[Incompatibility, int]] = [(item, 1)]
    else:
        if not result:
            return []
        total = count(result)
        listed = ([(i, 1) for i in flatten(result, MAX_LISTED)] if total <= MAX_LISTED
                  else distinct(result))
    prover = None
    if examples:
        from evtctl.compat.avro.examples import Prover

        prover = Prover(w_root, r_root)
    places = _places(reader.content, [item for item, _ in listed])
    out: list[Change] = []
    for rank, (item, times) in enumerate(listed):
        proof = prover.example(item) if prover is not None and rank < MAX_EXAMPLES else None
        note = None
        if prover is not None and rank >= MAX_EXAMPLES:
            note = (f"no example built: examples are proven for the first {MAX_EXAMPLES} "
                    "incompatibilities of a pair")
        if proof is not None:
            note = (f"written with v{writer.version}, this record cannot be read with "
                    f"v{reader.version} (fastavro: {proof[1]})")
            if item.type == "NAME_MISMATCH":
                note += ("; Apache Avro's Java decoder compares names only to pick a union "
                         "branch, so a Java consumer may still read it, but the registry "
                         "refuses the change")
        description = item.message if times == 1 else (
            f"{item.message} (Apache Avro lists this {times} times: the type is used at "
            "several places)")
        file, line, column = places[id(item)]
        out.append(Change(
            type=item.type, path=item.pointer, compatible=False, from_version=earlier,
            to_version=later, example=proof[0] if proof else None, example_note=note,
            direction=direction, has_example=proof is not None, description=description,
            file=file, line=line, column=column))
    return out


def _places(content: Any, items: list[Any]) -> dict[int, tuple[str | None, int, int]]:
    """Where each incompatibility is in the reader's files — the reader's type (its name,
    size or symbols for those kinds), or the reader's field for a missing default — found
    in one pass over each file."""
    from evtctl.compat.avro import jsontext
    from evtctl.compat.avro.model import Record

    wanted: dict[int, tuple[int, tuple[Any, ...], bool]] = {}
    for item in items:
        node = item.reader
        at, key = node.at, False
        if item.type == "READER_FIELD_MISSING_DEFAULT_VALUE" and isinstance(node, Record):
            field = node.by_name.get(item.message)
            if field is not None:
                at = field.at
        elif item.type in _LEAF:
            at, key = (*at, _LEAF[item.type]), True
        wanted[id(item)] = (node.file, at, key)
    out: dict[int, tuple[str | None, int, int]] = {}
    for index in {w[0] for w in wanted.values()}:
        try:
            source = content.file(index)
        except IndexError:
            continue
        found = jsontext.locate_many(source.text, [(w[1], w[2]) for w in wanted.values()
                                                   if w[0] == index])
        for ident, (file, at, key) in wanted.items():
            if file == index:
                out[ident] = (str(source.path), *found[(tuple(at), key)])
    return {ident: out.get(ident, (None, 0, 0)) for ident in wanted}


_LEAF = {"NAME_MISMATCH": "name", "FIXED_SIZE_MISMATCH": "size",
         "MISSING_ENUM_SYMBOLS": "symbols"}


FORMAT = AvroFormat()
