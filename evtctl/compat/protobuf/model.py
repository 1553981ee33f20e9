"""A compiled Protobuf version as plain, picklable values (no ``protobuf`` import).

The compiler worker (:mod:`evtctl.compat.protobuf.worker`) turns protoc's
``FileDescriptorSet`` into these; everything else in the package — Confluent's diff, the
wire rules, wording, lint — reads only these, so a run that checks compatibility never
imports the protobuf runtime in the main process.

Locations are 1-based (line, column) in the file named by :attr:`Loc.file`, the name the
file has for protoc (its import path); 0 when unknown.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

SCALARS = frozenset({
    "double", "float", "int64", "uint64", "int32", "fixed64", "fixed32", "bool", "string",
    "bytes", "uint32", "sfixed32", "sfixed64", "sint32", "sint64",
})


@dataclass(frozen=True)
class Loc:
    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}" if self.line else self.file


@dataclass(frozen=True)
class FieldType:
    """What a field holds. ``kind``: scalar, enum, message, group (a proto2 group or an
    editions field with delimited encoding) or map; ``name``: the scalar's name or the
    full name (no leading dot) of the enum, message or group; maps have ``key`` (a scalar
    name) and ``value``."""

    kind: str
    name: str = ""
    key: str = ""
    value: FieldType | None = None

    def __str__(self) -> str:
        if self.kind == "map":
            return f"map<{self.key}, {self.value}>"
        return self.name


@dataclass(frozen=True)
class Field:
    name: str
    number: int
    type: FieldType
    # The label as Confluent's parser sees the text: "optional", "required", "repeated"
    # or None (a proto3 field without label, a oneof member, a map).
    label: str | None
    oneof: str | None  # the real (not synthetic) oneof it belongs to
    json_name: str
    # buf's cardinality: "optional-explicit", "optional-implicit", "required", "repeated", "map"
    cardinality: str
    default: str | None  # the explicit default, as protoc prints it
    loc: Loc = field(compare=False)
    type_loc: Loc = field(compare=False)
    name_loc: Loc = field(compare=False)
    json_name_loc: Loc | None = None  # set when json_name is explicit
    default_loc: Loc | None = None
    extendee: str = ""  # full name of the extended message, for extensions
    full_name: str = ""  # for extensions: their full name
    group_syntax: bool = False  # a proto2 ``group``: Confluent's parser does not see it


@dataclass(frozen=True)
class EnumValue:
    name: str
    number: int
    loc: Loc = field(compare=False)


@dataclass(frozen=True)
class Enum:
    name: str
    full_name: str
    values: tuple[EnumValue, ...]
    reserved_ranges: tuple[tuple[int, int], ...]  # inclusive
    reserved_names: tuple[str, ...]
    json_format: str  # resolved feature: "ALLOW" or "LEGACY_BEST_EFFORT"
    loc: Loc = field(compare=False)
    json_format_loc: Loc | None = None  # where the feature is set on the enum itself

    def by_number(self) -> dict[int, list[EnumValue]]:
        out: dict[int, list[EnumValue]] = {}
        for v in self.values:
            out.setdefault(v.number, []).append(v)
        return out


@dataclass(frozen=True)
class Message:
    name: str
    full_name: str
    fields: tuple[Field, ...]  # declaration order, oneof members included
    oneofs: tuple[str, ...]  # real oneofs, declaration order (synthetic ones left out)
    messages: tuple[Message, ...]  # nested, map entries and group types included (flagged)
    enums: tuple[Enum, ...]
    extensions: tuple[Field, ...]
    reserved_ranges: tuple[tuple[int, int], ...]  # inclusive
    reserved_names: tuple[str, ...]
    json_format: str
    loc: Loc = field(compare=False)
    map_entry: bool = False
    group: bool = False  # the type of a proto2 group
    json_format_loc: Loc | None = None  # where the feature is set on the message itself


@dataclass(frozen=True)
class Method:
    name: str
    input: str
    output: str
    client_streaming: bool
    server_streaming: bool
    idempotency: str
    loc: Loc = field(compare=False)
    input_loc: Loc = field(compare=False)
    output_loc: Loc = field(compare=False)
    idempotency_loc: Loc | None


@dataclass(frozen=True)
class Service:
    name: str
    full_name: str
    methods: tuple[Method, ...]
    loc: Loc = field(compare=False)


@dataclass(frozen=True)
class ProtoFile:
    name: str  # as protoc knows it (the import path)
    package: str
    syntax: str  # "proto2", "proto3" or "editions"
    edition: str  # "2023", ... for editions files, else ""
    messages: tuple[Message, ...]
    enums: tuple[Enum, ...]
    services: tuple[Service, ...]
    extensions: tuple[Field, ...]
    dependencies: tuple[str, ...]
    dependency_locs: tuple[Loc, ...]  # where each ``import`` is written
    package_loc: Loc = field(compare=False)
    # Where the file comes from: "" for the version's own file; for a project file it
    # imports, its name and digest; None for files evtctl supplies (well-known types).
    origin: str | None = None


@dataclass(frozen=True)
class TypeInfo:
    """A message or enum with the file it is declared in."""

    element: Message | Enum
    package: str
    origin: str | None


@dataclass(frozen=True)
class ProtoSchema:
    """One compiled version: its file, every file it imports, and what was read from disk."""

    main: str  # the main file's name for protoc
    files: tuple[ProtoFile, ...]  # the main file first, then its imports
    message: str  # full name of the contract's message
    descriptor_set: bytes  # protoc's FileDescriptorSet, for examples and the registry
    sources: Mapping[str, str]  # file name -> text, for the project's own files
    disk: Mapping[str, Path]  # file name -> resolved path, for the project's own files

    @property
    def main_file(self) -> ProtoFile:
        return self.files[0]

    @cached_property
    def types(self) -> dict[str, TypeInfo]:
        out: dict[str, TypeInfo] = {}
        for f in self.files:
            for element in _walk(f.messages, f.enums):
                out[element.full_name] = TypeInfo(element, f.package, f.origin)
        return out

    def messages(self) -> Iterator[Message]:
        for f in self.files:
            for element in _walk(f.messages, ()):
                if isinstance(element, Message):
                    yield element

    def enums(self) -> Iterator[Enum]:
        for f in self.files:
            for element in _walk(f.messages, f.enums):
                if isinstance(element, Enum):
                    yield element

    def extensions(self) -> Iterator[Field]:
        for f in self.files:
            yield from f.extensions
            for m in _walk(f.messages, ()):
                if isinstance(m, Message):
                    yield from m.extensions

    def __getstate__(self) -> dict[str, object]:  # the cached index is not sent
        state = dict(self.__dict__)
        state.pop("types", None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)


def _walk(messages: tuple[Message, ...], enums: tuple[Enum, ...]) -> Iterator[Message | Enum]:
    stack: list[Message | Enum] = [*reversed(enums), *reversed(messages)]
    while stack:
        element = stack.pop()
        yield element
        if isinstance(element, Message):
            stack.extend(reversed(element.enums))
            stack.extend(reversed(element.messages))
