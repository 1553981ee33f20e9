"""protoc's ``FileDescriptorSet`` → :mod:`evtctl.compat.protobuf.model` (runs in the worker).

The model keeps what Confluent's ``SchemaDiff`` and buf's wire rules look at, resolved the
way the protobuf runtime resolves it (features of editions files included), with source
locations from ``--include_source_info``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evtctl.compat.protobuf.model import (
    Enum,
    EnumValue,
    Field,
    FieldType,
    Loc,
    Message,
    Method,
    ProtoFile,
    Service,
)

# Field numbers in descriptor.proto, for source-info paths.
_FILE_PACKAGE, _FILE_DEPENDENCY, _FILE_MESSAGE = 2, 3, 4
_FILE_ENUM, _FILE_SERVICE, _FILE_EXTENSION = 5, 6, 7
_MSG_FIELD, _MSG_NESTED, _MSG_ENUM, _MSG_EXTENSION = 2, 3, 4, 6
_FIELD_NAME, _FIELD_TYPE, _FIELD_TYPE_NAME, _FIELD_DEFAULT, _FIELD_JSON_NAME = 1, 5, 6, 7, 10
_ENUM_VALUE, _SERVICE_METHOD = 2, 2
# options.features.json_format: DescriptorProto.options=7, MessageOptions.features=12;
# EnumDescriptorProto.options=3, EnumOptions.features=7; FeatureSet.json_format=6.
_MSG_JSON_FORMAT, _ENUM_JSON_FORMAT = (7, 12, 6), (3, 7, 6)
_METHOD_INPUT, _METHOD_OUTPUT, _METHOD_OPTIONS, _IDEMPOTENCY = 2, 3, 4, 34

_TYPE_NAMES = {
    1: "double", 2: "float", 3: "int64", 4: "uint64", 5: "int32", 6: "fixed64", 7: "fixed32",
    8: "bool", 9: "string", 10: "group", 11: "message", 12: "bytes", 13: "uint32", 14: "enum",
    15: "sfixed32", 16: "sfixed64", 17: "sint32", 18: "sint64",
}
_LABELS = {1: "optional", 2: "required", 3: "repeated"}
_IDEMPOTENCY_NAMES = {0: "IDEMPOTENCY_UNKNOWN", 1: "NO_SIDE_EFFECTS", 2: "IDEMPOTENT"}
# FeatureSet enum values (descriptor.proto).
_PRESENCE_EXPLICIT, _PRESENCE_IMPLICIT, _PRESENCE_LEGACY_REQUIRED = 1, 2, 3
_ENCODING_DELIMITED = 2
_JSON_ALLOW = 1


class _Features:
    """The features that matter here, resolved down the scopes of an element."""

    def __init__(self, presence: int, json_format: int, delimited: bool) -> None:
        self.presence = presence
        self.json_format = json_format
        self.delimited = delimited

    def under(self, options: Any) -> _Features:
        if options is None or not options.HasField("features"):
            return self
        f = options.features
        return _Features(
            f.field_presence if f.HasField("field_presence") else self.presence,
            f.json_format if f.HasField("json_format") else self.json_format,
            (f.message_encoding == _ENCODING_DELIMITED) if f.HasField("message_encoding")
            else self.delimited,
        )


def _file_defaults(syntax: str) -> _Features:
    if syntax == "proto2":
        return _Features(_PRESENCE_EXPLICIT, 2, False)
    if syntax == "proto3":
        return _Features(_PRESENCE_IMPLICIT, _JSON_ALLOW, False)
    return _Features(_PRESENCE_EXPLICIT, _JSON_ALLOW, False)  # editions 2023 and 2024


def _json_format(value: int) -> str:
    return "ALLOW" if value == _JSON_ALLOW else "LEGACY_BEST_EFFORT"


def _default_json_name(name: str) -> str:
    out: list[str] = []
    upper = False
    for ch in name:
        if ch == "_":
            upper = True
        elif upper:
            out.append(ch.upper())
            upper = False
        else:
            out.append(ch)
    return "".join(out)


class _FileBuilder:
    def __init__(self, proto: Any, map_entries: Mapping[str, Any],
                 origin: str | None) -> None:
        self.proto = proto
        self.name: str = proto.name
        self.syntax = proto.syntax or "proto2"
        if self.syntax not in ("proto2", "proto3"):
            self.syntax = "editions"
        self.map_entries = map_entries  # map entry full name -> (key field, value field) ids
        self.origin = origin
        self.spans: dict[tuple[int, ...], Sequence[int]] = {}
        for location in proto.source_code_info.location:
            self.spans.setdefault(tuple(location.path), location.span)
        self.package: str = proto.package
        self.group_types: set[str] = set()

    def loc(self, path: tuple[int, ...]) -> Loc:
        span = self.spans.get(path)
        if not span:
            return Loc(self.name)
        return Loc(self.name, span[0] + 1, span[1] + 1)

    def maybe_loc(self, path: tuple[int, ...]) -> Loc | None:
        return self.loc(path) if path in self.spans else None

    def build(self) -> ProtoFile:
        p = self.proto
        features = _file_defaults(self.syntax).under(p.options)
        prefix = f"{p.package}." if p.package else ""
        messages = tuple(
            self.message(m, prefix, (_FILE_MESSAGE, i), features)
            for i, m in enumerate(p.message_type)
        )
        enums = tuple(
            self.enum(e, prefix, (_FILE_ENUM, i), features) for i, e in enumerate(p.enum_type)
        )
        services = tuple(self.service(s, prefix, (_FILE_SERVICE, i))
                         for i, s in enumerate(p.service))
        extensions = tuple(
            self.field(f, prefix, (_FILE_EXTENSION, i), features, None, ())
            for i, f in enumerate(p.extension)
        )
        edition = _edition_name(p) if self.syntax == "editions" else ""
        return ProtoFile(
            name=self.name, package=p.package, syntax=self.syntax, edition=edition,
            messages=messages, enums=enums, services=services, extensions=extensions,
            dependencies=tuple(p.dependency),
            dependency_locs=tuple(self.loc((_FILE_DEPENDENCY, i))
                                  for i in range(len(p.dependency))),
            package_loc=self.loc((_FILE_PACKAGE,)),
            origin=self.origin,
        )

    def message(self, m: Any, prefix: str, path: tuple[int, ...],
                parent: _Features) -> Message:
        full = prefix + m.name
        features = parent.under(m.options)
        oneof_names = [o.name for o in m.oneof_decl]
        synthetic = {f.oneof_index for f in m.field if f.proto3_optional
                     and f.HasField("oneof_index")}
        fields = tuple(
            self.field(f, full + ".", (*path, _MSG_FIELD, i), features, m, oneof_names)
            for i, f in enumerate(m.field)
        )
        nested = tuple(
            self.message(n, full + ".", (*path, _MSG_NESTED, i), features)
            for i, n in enumerate(m.nested_type)
        )
        enums = tuple(
            self.enum(e, full + ".", (*path, _MSG_ENUM, i), features)
            for i, e in enumerate(m.enum_type)
        )
        extensions = tuple(
            self.field(f, full + ".", (*path, _MSG_EXTENSION, i), features, None, ())
            for i, f in enumerate(m.extension)
        )
        return Message(
            name=m.name, full_name=full, fields=fields,
            oneofs=tuple(n for i, n in enumerate(oneof_names) if i not in synthetic),
            messages=nested, enums=enums, extensions=extensions,
            reserved_ranges=tuple((r.start, r.end - 1) for r in m.reserved_range),
            reserved_names=tuple(m.reserved_name),
            json_format=_json_format(features.json_format), loc=self.loc(path),
            map_entry=bool(m.options.map_entry), group=full in self.group_types,
            json_format_loc=self.maybe_loc(path + _MSG_JSON_FORMAT),
        )

    def field(self, f: Any, prefix: str, path: tuple[int, ...], parent: _Features,
              message: Any, oneof_names: Sequence[str]) -> Field:
        features = parent.under(f.options)
        type_name = f.type_name.removeprefix(".")
        type_code = f.type
        label = _LABELS.get(f.label, "optional")
        in_oneof = f.HasField("oneof_index") and not f.proto3_optional
        oneof = oneof_names[f.oneof_index] if in_oneof else None
        ftype: FieldType
        if type_code == 11 and type_name in self.map_entries and label == "repeated":
            key, value = self.map_entries[type_name]
            ftype = FieldType("map", type_name, key=key, value=_scalar_or_named(value))
        elif type_code == 10 or (type_code == 11 and features.delimited):
            ftype = FieldType("group", type_name)
        elif type_code == 11:
            ftype = FieldType("message", type_name)
        elif type_code == 14:
            ftype = FieldType("enum", type_name)
        else:
            ftype = FieldType("scalar", _TYPE_NAMES[type_code])
        group_syntax = type_code == 10 and self.syntax == "proto2"
        if group_syntax:
            self.group_types.add(type_name)
        # Confluent's view of the label (its descriptor → text conversion, which agrees
        # with its parser on text): none in a oneof; proto3 shows only what is written.
        confluent_label: str | None
        if in_oneof:
            confluent_label = None
        elif f.proto3_optional:
            confluent_label = "optional"
        elif self.syntax == "proto3":
            confluent_label = "repeated" if label == "repeated" else None
        else:
            confluent_label = label
        if ftype.kind == "map":
            cardinality = "map"
        elif label == "repeated":
            cardinality = "repeated"
        elif label == "required" or features.presence == _PRESENCE_LEGACY_REQUIRED:
            cardinality = "required"
        elif (ftype.kind in ("message", "group") or in_oneof or f.proto3_optional
              or (self.syntax != "proto3" and features.presence != _PRESENCE_IMPLICIT)):
            cardinality = "optional-explicit"
        else:
            cardinality = "optional-implicit"
        type_loc = self.loc(path + ((_FIELD_TYPE_NAME,) if f.type_name else (_FIELD_TYPE,)))
        if not type_loc.line:
            type_loc = self.loc(path)
        return Field(
            name=f.name, number=f.number, type=ftype, label=confluent_label, oneof=oneof,
            json_name=f.json_name if f.HasField("json_name") else _default_json_name(f.name),
            cardinality=cardinality,
            default=f.default_value if f.HasField("default_value") else None,
            loc=self.loc(path), type_loc=type_loc, name_loc=self.loc((*path, _FIELD_NAME)),
            json_name_loc=self.maybe_loc((*path, _FIELD_JSON_NAME)),
            default_loc=self.maybe_loc((*path, _FIELD_DEFAULT)),
            extendee=f.extendee.removeprefix(".") if f.extendee else "",
            full_name=prefix + f.name if f.extendee else "",
            group_syntax=group_syntax,
        )

    def enum(self, e: Any, prefix: str, path: tuple[int, ...], parent: _Features) -> Enum:
        features = parent.under(e.options)
        return Enum(
            name=e.name, full_name=prefix + e.name,
            values=tuple(EnumValue(v.name, v.number, self.loc((*path, _ENUM_VALUE, i)))
                         for i, v in enumerate(e.value)),
            reserved_ranges=tuple((r.start, r.end) for r in e.reserved_range),
            reserved_names=tuple(e.reserved_name),
            json_format=_json_format(features.json_format), loc=self.loc(path),
            json_format_loc=self.maybe_loc(path + _ENUM_JSON_FORMAT),
        )

    def service(self, s: Any, prefix: str, path: tuple[int, ...]) -> Service:
        methods = []
        for i, m in enumerate(s.method):
            mp = (*path, _SERVICE_METHOD, i)
            methods.append(Method(
                name=m.name, input=m.input_type.removeprefix("."),
                output=m.output_type.removeprefix("."),
                client_streaming=m.client_streaming, server_streaming=m.server_streaming,
                idempotency=_IDEMPOTENCY_NAMES.get(m.options.idempotency_level, "?"),
                loc=self.loc(mp), input_loc=self.loc((*mp, _METHOD_INPUT)),
                output_loc=self.loc((*mp, _METHOD_OUTPUT)),
                idempotency_loc=self.maybe_loc((*mp, _METHOD_OPTIONS, _IDEMPOTENCY)),
            ))
        return Service(s.name, prefix + s.name, tuple(methods), self.loc(path))


def _edition_name(p: Any) -> str:
    from google.protobuf import descriptor_pb2

    name: str = descriptor_pb2.Edition.Name(p.edition)
    return name.removeprefix("EDITION_")


def _scalar_or_named(value: tuple[int, str]) -> FieldType:
    code, name = value
    if code == 11:
        return FieldType("message", name)
    if code == 14:
        return FieldType("enum", name)
    if code == 10:
        return FieldType("group", name)
    return FieldType("scalar", _TYPE_NAMES[code])


def build_files(descriptor_set: Any, origins: Mapping[str, str | None]) -> list[ProtoFile]:
    """Every file of the set, in the set's order (imports before the files using them)."""
    map_entries: dict[str, Any] = {}

    def collect(messages: Any, prefix: str) -> None:
        for m in messages:
            full = prefix + m.name
            if m.options.map_entry:
                key = next(f for f in m.field if f.number == 1)
                value = next(f for f in m.field if f.number == 2)
                map_entries[full] = (_TYPE_NAMES[key.type],
                                     (value.type, value.type_name.removeprefix(".")))
            collect(m.nested_type, full + ".")

    for proto in descriptor_set.file:
        collect(proto.message_type, f"{proto.package}." if proto.package else "")
    return [_FileBuilder(p, map_entries, origins.get(p.name)).build()
            for p in descriptor_set.file]
