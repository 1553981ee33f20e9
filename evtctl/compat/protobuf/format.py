"""Protobuf behind the contract-format seam (:mod:`evtctl.compat.formats`).

Nothing here imports protobuf or grpc_tools at module level: protoc runs in the compiler
worker, and the protobuf runtime is imported only to build and prove example events.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from evtctl.compat import Change, CompatResult
from evtctl.compat.formats import ContractFormat, LoadedSchema, LoadOptions, RegistrySchema
from evtctl.compat.realpaths import RealPaths


class ProtobufFormat:
    schema_type = "PROTOBUF"
    title = "Protobuf"
    # confluent: Schema Registry's verdict (the default); wire / wire-json: plus buf's WIRE
    # or WIRE_JSON breaking rules (docs/protobuf.md explains the choice).
    policies: tuple[str, ...] = ("confluent", "wire", "wire-json")

    @property
    def change_kinds(self) -> Mapping[str, str]:
        from evtctl.compat.protobuf.wording import KINDS

        return dict(sorted(KINDS.items()))

    def identity(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        def of(name: str) -> str:
            try:
                return version(name)
            except PackageNotFoundError:
                return "-"

        from evtctl.compat.protobuf.schemafile import MAX_FILE_BYTES

        return (f"PROTOBUF\0grpcio-tools {of('grpcio-tools')}\0protobuf {of('protobuf')}\0"
                f"googleapis-common-protos {of('googleapis-common-protos')}\0"
                f"confluent-kafka {of('confluent-kafka')}\0limit {MAX_FILE_BYTES}")

    def load(self, path: Path, version: int, options: LoadOptions, *,
             paths: RealPaths | None = None, data: bytes | None = None) -> LoadedSchema:
        from evtctl.compat.protobuf.schemafile import load_version

        paths = paths if paths is not None else RealPaths()
        schema, digests, diagnostics = load_version(path, version, options, paths=paths,
                                                    data=data)
        return LoadedSchema("PROTOBUF", version, Path(paths.real(path)), digests, schema,
                            tuple(diagnostics))

    def check(self, versions: Sequence[LoadedSchema], mode: str, policy: str, *,
              chain: bool, examples: bool) -> CompatResult:
        from evtctl.compat.protobuf.checker import check

        return check(versions, mode, policy, chain=chain, examples=examples)

    def describe(self, change: Change) -> str:
        from evtctl.compat.protobuf.wording import describe

        return change.description or describe(change.type)

    def fingerprint(self, schema: LoadedSchema, relative: Callable[[Path], str]) -> str:
        content = schema.content
        files = {relative(content.disk[name]): text for name, text in content.sources.items()}
        return json.dumps({"message": content.message, "main": relative(schema.path),
                           "files": files}, sort_keys=True)

    def render(self, schema: LoadedSchema) -> str:
        text: str = schema.content.sources[schema.content.main]
        return text

    def registry_schema(self, schema: LoadedSchema) -> RegistrySchema:
        from evtctl.compat.protobuf.registry import registry_schema

        return registry_schema(schema.content)

    def load_registered(self, schema: RegistrySchema, version: int,
                        source: str) -> LoadedSchema:
        from evtctl.compat.protobuf.registry import load_registered

        return load_registered(schema, version, source)


FORMAT: ContractFormat = ProtobufFormat()
