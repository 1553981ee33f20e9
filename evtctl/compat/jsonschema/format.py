"""JSON Schema behind the contract-format seam (:mod:`evtctl.compat.formats`).

Imported the first time a JSON Schema version is met; it imports the engine right away, so
that lint's worker processes, forked after the first import, inherit it loaded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

import jsonschema.validators  # noqa: F401 - what loading a schema file uses

import evtctl.compat.jsonschema.checker
import evtctl.compat.jsonschema.examples
import evtctl.compat.jsonschema.metacheck
import evtctl.compat.jsonschema.schemafile  # noqa: F401 - the engine, loaded before any fork
from evtctl.compat import Change, CompatResult
from evtctl.compat.formats import ContractFormat, LoadedSchema, LoadOptions, RegistrySchema
from evtctl.compat.jsonschema import SchemaVersion
from evtctl.compat.realpaths import RealPaths


class JsonSchemaFormat:
    schema_type = "JSON"
    title = "JSON Schema"
    # Confluent's two policies; evtctl's default is lenient (DESIGN.md, "Compatibility").
    policies: tuple[str, ...] = ("lenient", "strict")

    @property
    def change_kinds(self) -> Mapping[str, str]:
        from evtctl.compat.jsonschema.kinds import EMITTED_KINDS
        from evtctl.compat.jsonschema.wording import describe

        return {kind: describe(kind) for kind in sorted(EMITTED_KINDS)}

    def identity(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            library = version("jsonschema")
        except PackageNotFoundError:  # pragma: no cover - a dependency
            library = "?"
        return f"JSON\0jsonschema {library}"

    def load(self, path: Path, version: int, options: LoadOptions, *,
             paths: RealPaths | None = None, data: bytes | None = None) -> LoadedSchema:
        from evtctl.compat.jsonschema.schemafile import load_tracked

        paths = paths if paths is not None else RealPaths()
        main = Path(paths.real(path))
        digests: dict[str, str] = {}
        loaded = load_tracked(main, version, options.root, options.allow_remote, digests,
                              paths=paths, data=data)
        files = {main: digests.get(loaded.base_uri, "")}
        if len(digests) > 1:
            files.update((_file(uri), sha) for uri, sha in digests.items()
                         if uri != loaded.base_uri)
        return LoadedSchema("JSON", loaded.version, main, files, loaded,
                            tuple(loaded.diagnostics))

    def check(self, versions: Sequence[LoadedSchema], mode: str, policy: str, *,
              chain: bool, examples: bool) -> CompatResult:
        from evtctl.compat.jsonschema.checker import check

        return check([v.content for v in versions], mode, policy, examples=examples, chain=chain)

    def describe(self, change: Change) -> str:
        from evtctl.compat.jsonschema.wording import describe

        return change.description or describe(change.type)

    def fingerprint(self, schema: LoadedSchema, relative: Callable[[Path], str]) -> str:
        content: SchemaVersion = schema.content
        documents = {_document_key(uri, relative): doc for uri, doc in content.documents.items()}
        return json.dumps({"schema": content.schema, "documents": documents},
                          sort_keys=True, default=repr)

    def render(self, schema: LoadedSchema) -> str:
        return json.dumps(schema.content.schema, indent=2, ensure_ascii=False)

    def registry_schema(self, schema: LoadedSchema) -> RegistrySchema:
        """The main document as compact JSON (key order kept; YAML becomes JSON), each local
        file its ``$ref``s reach a reference named as the ``$ref`` spells it (without the
        fragment), recursively; ``record_name`` is the ``title``, as Confluent's serializers
        name a JSON Schema record. Files that refer to each other in a cycle cannot be
        registered (each reference must exist before its referrer): a SchemaFileError."""
        from evtctl.compat.jsonschema.registered import registry_form

        return registry_form(schema.content)

    def load_registered(self, schema: RegistrySchema, version: int,
                        source: str) -> LoadedSchema:
        """Parse the registry's text and its references' (bounded like files are); ``$ref``s
        resolve to the references by name, against a virtual base URI."""
        from evtctl.compat.jsonschema.registered import load_form

        loaded, digests = load_form(schema, version, source)
        files = {Path(where): sha for where, sha in digests.items()}
        return LoadedSchema("JSON", version, Path(source), files, loaded)


def _file(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path))


def _document_key(uri: str, relative: Callable[[Path], str]) -> str:
    return relative(_file(uri)) if urlparse(uri).scheme == "file" else uri


FORMAT: ContractFormat = JsonSchemaFormat()
