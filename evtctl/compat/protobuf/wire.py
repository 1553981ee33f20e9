"""The stricter wire view: buf's breaking rules of its WIRE and WIRE_JSON categories.

Confluent's ``SchemaDiff`` lets through changes that are safe for the events already
written but break later ones or other encodings: a field deleted without reserving its
number (the number can be reused with another type), a field moved into or out of a
oneof, a JSON name changed (JSON consumers stop seeing the field). buf's ``breaking``
categories WIRE (binary encoding) and WIRE_JSON (binary and JSON) flag them; this module
applies the same rules, under the same ids, to two versions (the earlier one first, as
``buf breaking --against`` does), pairing messages, enums and services by full name and
fields by number. Rule ids and category membership follow buf's v2 configuration.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evtctl.compat.protobuf.model import (
    Enum,
    EnumValue,
    Field,
    Loc,
    Message,
    ProtoFile,
    ProtoSchema,
)

BOTH = (
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
    "FIELD_SAME_DEFAULT", "FIELD_SAME_ONEOF", "FILE_SAME_PACKAGE",
    "MESSAGE_SAME_REQUIRED_FIELDS", "RESERVED_ENUM_NO_DELETE", "RESERVED_MESSAGE_NO_DELETE",
    "RPC_SAME_CLIENT_STREAMING", "RPC_SAME_IDEMPOTENCY_LEVEL", "RPC_SAME_REQUEST_TYPE",
    "RPC_SAME_RESPONSE_TYPE", "RPC_SAME_SERVER_STREAMING",
)
WIRE = frozenset((*BOTH, "FIELD_WIRE_COMPATIBLE_CARDINALITY", "FIELD_WIRE_COMPATIBLE_TYPE"))
WIRE_JSON = frozenset((
    *BOTH, "ENUM_SAME_JSON_FORMAT", "ENUM_VALUE_SAME_NAME", "FIELD_SAME_JSON_NAME",
    "FIELD_SAME_NAME", "MESSAGE_SAME_JSON_FORMAT", "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED", "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
))
RULES = {"wire": WIRE, "wire-json": WIRE_JSON}

# buf's groups of kinds that read each other's encoding (binary; binary and JSON).
_WIRE_GROUP = {
    "int32": 1, "int64": 1, "uint32": 1, "uint64": 1, "bool": 1, "sint32": 2, "sint64": 2,
    "string": 3, "bytes": 4, "fixed32": 5, "sfixed32": 5, "fixed64": 6, "sfixed64": 6,
    "double": 7, "float": 8, "group": 9, "message": 10, "enum": 11,
}
_WIRE_JSON_GROUP = {
    "int32": 1, "uint32": 1, "int64": 2, "uint64": 2, "fixed32": 3, "sfixed32": 3,
    "fixed64": 4, "sfixed64": 4, "bool": 5, "sint32": 6, "sint64": 7, "string": 8, "bytes": 9,
    "double": 10, "float": 11, "group": 12, "message": 13, "enum": 14,
}
_CARDINALITY_WIRE = {"optional-explicit": 1, "optional-implicit": 1, "required": 2,
                     "repeated": 3, "map": 3}
_CARDINALITY_WIRE_JSON = {"optional-explicit": 1, "optional-implicit": 1, "required": 2,
                          "repeated": 3, "map": 4}
_CARDINALITY_WORDS = {"optional-explicit": "optional with explicit presence",
                      "optional-implicit": "optional with implicit presence",
                      "required": "required", "repeated": "repeated", "map": "map"}


@dataclass(frozen=True)
class Finding:
    rule: str
    path: str  # "#/Message/3", like Confluent's, from names local to the file's package
    loc: Loc  # in the later version (or the earlier, for what it no longer has)
    message: str


def wire_kind(f: Field) -> str:
    """The kind protobuf's runtime gives the field (a map is a repeated message)."""
    return "message" if f.type.kind == "map" else (
        f.type.kind if f.type.kind in ("enum", "message", "group") else f.type.name)


def _type_name(f: Field) -> str:
    return f.type.name if f.type.kind in ("enum", "message", "group", "map") else ""


class _Checker:
    def __init__(self, prev: ProtoSchema, cur: ProtoSchema, rules: frozenset[str]) -> None:
        self.prev, self.cur, self.rules = prev, cur, rules
        self.out: list[Finding] = []
        self.packages = {m.full_name: f.package for f in cur.files for m in _all_messages(f)}
        self.packages.update({m.full_name: f.package for f in prev.files
                              for m in _all_messages(f)})
        self.map_field_locs: dict[str, Loc] = {}
        for schema in (cur,):
            for m in schema.messages():
                for fld in m.fields:
                    if fld.type.kind == "map":
                        self.map_field_locs[fld.type.name] = fld.loc

    def add(self, rule: str, path: str, loc: Loc, message: str) -> None:
        if rule in self.rules:
            self.out.append(Finding(rule, path, loc, message))

    def path(self, full_name: str, *rest: object) -> str:
        package = self.packages.get(full_name, "")
        local = full_name[len(package) + 1:] if package and full_name.startswith(
            package + ".") else full_name
        return "#/" + "/".join([*local.split("."), *(str(r) for r in rest)])

    def run(self) -> list[Finding]:
        self.files()
        cur_messages = {m.full_name: m for m in self.cur.messages()}
        for pm in self.prev.messages():
            cm = cur_messages.get(pm.full_name)
            if cm is not None:
                self.message(pm, cm)
        cur_enums = {e.full_name: e for e in self.cur.enums()}
        for pe in self.prev.enums():
            ce = cur_enums.get(pe.full_name)
            if ce is not None:
                self.enum(pe, ce)
        cur_ext = {(x.extendee, x.number): x for x in self.cur.extensions()}
        for px in self.prev.extensions():
            cx = cur_ext.get((px.extendee, px.number))
            if cx is not None:
                self.field(px, cx, None, None)
        self.services()
        return self.out

    def files(self) -> None:
        pairs = [(self.prev.main_file, self.cur.main_file)]
        cur = {f.name: f for f in self.cur.files[1:]}
        pairs += [(f, cur[f.name]) for f in self.prev.files[1:] if f.name in cur]
        for pf, cf in pairs:
            if pf.package != cf.package:
                self.add("FILE_SAME_PACKAGE", "#/", cf.package_loc,
                         f'File package changed from "{pf.package}" to "{cf.package}".')

    def message(self, pm: Message, cm: Message) -> None:
        if pm is cm:  # one definition shared by both versions (an unchanged import)
            return
        name = cm.full_name
        prev_fields = {f.number: f for f in pm.fields}
        cur_fields = {f.number: f for f in cm.fields}
        for number, pf in prev_fields.items():
            if number in cur_fields:
                self.field(pf, cur_fields[number], pm, cm)
                continue
            what = f'field "{number}" with name "{pf.name}" on message "{cm.name}"'
            if not _in_ranges(number, cm.reserved_ranges):
                self.add("FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", self.path(name, number),
                         cm.loc, f'Previously present {what} was deleted without reserving '
                         f'the number "{number}".')
            if pf.name not in cm.reserved_names:
                self.add("FIELD_NO_DELETE_UNLESS_NAME_RESERVED", self.path(name, number),
                         cm.loc, f'Previously present {what} was deleted without reserving '
                         f'the name "{pf.name}".')
        # buf reads the declared label here (an editions LEGACY_REQUIRED field is declared
        # optional); its cardinality rules see the resolved presence.
        prev_required = {n for n, f in prev_fields.items() if f.label == "required"}
        cur_required = {n for n, f in cur_fields.items() if f.label == "required"}
        for number in sorted(prev_required - cur_required):
            self.add("MESSAGE_SAME_REQUIRED_FIELDS", self.path(name, number), cm.loc,
                     f'Message "{pm.name}" had required field "{number}" deleted.')
        for number in sorted(cur_required - prev_required):
            self.add("MESSAGE_SAME_REQUIRED_FIELDS", self.path(name, number),
                     cur_fields[number].loc,
                     f'Message "{cm.name}" had required field "{number}" added.')
        self.reserved(pm.reserved_ranges, cm.reserved_ranges, pm.reserved_names,
                      cm.reserved_names, "RESERVED_MESSAGE_NO_DELETE", "message", cm.name,
                      self.path(name), cm.loc)
        if pm.json_format == "ALLOW" and cm.json_format != "ALLOW":
            self.add("MESSAGE_SAME_JSON_FORMAT", self.path(name), cm.json_format_loc or cm.loc,
                     f'Message "{cm.name}" JSON format support changed from ALLOW to '
                     f"{cm.json_format}.")

    def field_loc(self, loc: Loc, message: Message | None) -> Loc:
        if loc.line == 0 and message is not None and message.map_entry:
            return self.map_field_locs.get(message.full_name, loc)
        return loc

    def field(self, pf: Field, cf: Field, pm: Message | None, cm: Message | None) -> None:
        if pf == cf and pf.type.kind != "enum":
            return  # equal apart from places: no rule can tell them apart
        owner = cm.full_name if cm is not None else cf.extendee
        path = self.path(owner, cf.number) if cm is not None else "#/" + cf.full_name
        what = (f'Field "{cf.number}" with name "{cf.name}" on message "{cm.name}"'
                if cm is not None else f'Extension "{cf.number}" with name "{cf.full_name}"')
        loc = self.field_loc(cf.loc, cm)
        type_loc = self.field_loc(cf.type_loc, cm)
        both_entries = pm is not None and cm is not None and pm.map_entry and cm.map_entry
        for rule, groups in (("FIELD_WIRE_COMPATIBLE_CARDINALITY", _CARDINALITY_WIRE),
                             ("FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY", _CARDINALITY_WIRE_JSON)):
            if not both_entries and groups[pf.cardinality] != groups[cf.cardinality]:
                self.add(rule, path, loc, f'{what} changed cardinality from '
                         f'"{_CARDINALITY_WORDS[pf.cardinality]}" to '
                         f'"{_CARDINALITY_WORDS[cf.cardinality]}".')
        self.types(pf, cf, path, what, type_loc)
        if not cf.extendee:
            po, co = pf.oneof, cf.oneof
            if po is not None and co is not None and po != co:
                self.add("FIELD_SAME_ONEOF", path, loc,
                         f'{what} moved from oneof "{po}" to oneof "{co}".')
            elif (po is None) != (co is None):
                before, after = ("inside", "outside") if po is not None else ("outside", "inside")
                self.add("FIELD_SAME_ONEOF", path, loc,
                         f"{what} moved from {before} to {after} a oneof.")
            if pf.json_name != cf.json_name:
                self.add("FIELD_SAME_JSON_NAME", path, cf.json_name_loc or loc,
                         f'{what} changed option "json_name" from "{pf.json_name}" to '
                         f'"{cf.json_name}".')
        prev_name = pf.full_name if pf.extendee else pf.name
        cur_name = cf.full_name if cf.extendee else cf.name
        if prev_name != cur_name:
            self.add("FIELD_SAME_NAME", path, self.field_loc(cf.name_loc, cm),
                     f'{what} changed name from "{prev_name}" to "{cur_name}".')
        self.default(pf, cf, path, what, cf.default_loc or loc)

    def types(self, pf: Field, cf: Field, path: str, what: str, loc: Loc) -> None:
        pk, ck = wire_kind(pf), wire_kind(cf)
        for rule, groups in (("FIELD_WIRE_COMPATIBLE_TYPE", _WIRE_GROUP),
                             ("FIELD_WIRE_JSON_COMPATIBLE_TYPE", _WIRE_JSON_GROUP)):
            if rule not in self.rules:
                continue
            if groups[pk] != groups[ck]:
                if rule == "FIELD_WIRE_COMPATIBLE_TYPE" and pk == "string" and ck == "bytes":
                    continue  # string may become bytes
                self.add(rule, path, loc, f'{what} changed type from "{pk}" to "{ck}".')
            elif ck == "enum" and _type_name(pf) != _type_name(cf):
                if not self.enum_compatible(_type_name(pf), _type_name(cf)):
                    self.add(rule, path, loc, f'{what} changed type from '
                             f'"{_type_name(pf)}" to "{_type_name(cf)}".')
            elif ck in ("message", "group") and _type_name(pf) != _type_name(cf):
                self.add(rule, path, loc,
                         f'{what} changed type from "{_type_name(pf)}" to "{_type_name(cf)}".')

    def enum_compatible(self, prev_name: str, cur_name: str) -> bool:
        pi, ci = self.prev.types.get(prev_name), self.cur.types.get(cur_name)
        if pi is None or ci is None:  # pragma: no cover - protoc resolved both
            return False
        pe, ce = pi.element, ci.element
        if not isinstance(pe, Enum) or not isinstance(ce, Enum) or pe.name != ce.name:
            return False
        cur_values = {(v.number, v.name) for v in ce.values}
        return all((v.number, v.name) in cur_values for v in pe.values)

    def default(self, pf: Field, cf: Field, path: str, what: str, loc: Loc) -> None:
        if "FIELD_SAME_DEFAULT" not in self.rules:
            return
        if not (_can_have_default(pf) and _can_have_default(cf)):
            return
        pv, cv = self.default_value(pf, self.prev), self.default_value(cf, self.cur)
        if _is_zero(pv) and _is_zero(cv):
            return
        if not _defaults_equal(pv, cv):
            self.add("FIELD_SAME_DEFAULT", path, loc,
                     f"{what} changed default value from {pf.default} to {cf.default}.")

    def default_value(self, f: Field, schema: ProtoSchema) -> object:
        text = f.default
        kind = wire_kind(f)
        if kind in ("string", "bytes"):
            return text or ""
        if kind == "enum":
            info = schema.types.get(f.type.name)
            values = info.element.values if info and isinstance(info.element, Enum) else ()
            if text is None:
                return values[0].number if values else 0
            return next((v.number for v in values if v.name == text), 0)
        if kind == "bool":
            return text == "true"
        if kind in ("float", "double"):
            value = float(text) if text is not None else 0.0
            if kind == "float" and not math.isnan(value) and not math.isinf(value):
                value = _float32(value)
            return ("float32" if kind == "float" else "float64", value)
        return int(text) if text is not None else 0

    def enum(self, pe: Enum, ce: Enum) -> None:
        path = self.path_enum(ce)
        prev_numbers, cur_numbers = pe.by_number(), ce.by_number()
        for number, values in prev_numbers.items():
            if number in cur_numbers:
                self.enum_names(ce, values, cur_numbers[number])
                continue
            if not _in_ranges(number, ce.reserved_ranges):
                self.add("ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED", f"{path}/{number}",
                         ce.loc, f'Previously present enum value "{number}" on enum '
                         f'"{ce.name}" was deleted without reserving the number "{number}".')
            if not all(v.name in ce.reserved_names for v in values):
                self.add("ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED", f"{path}/{number}",
                         ce.loc, f'Previously present enum value "{number}" on enum '
                         f'"{ce.name}" was deleted without reserving its name.')
        self.reserved(pe.reserved_ranges, ce.reserved_ranges, pe.reserved_names,
                      ce.reserved_names, "RESERVED_ENUM_NO_DELETE", "enum", ce.name, path,
                      ce.loc)
        if pe.json_format == "ALLOW" and ce.json_format != "ALLOW":
            self.add("ENUM_SAME_JSON_FORMAT", path, ce.json_format_loc or ce.loc,
                     f'Enum "{ce.name}" JSON format '
                     f"support changed from ALLOW to {ce.json_format}.")

    def path_enum(self, e: Enum) -> str:
        package = next((f.package for f in self.cur.files
                        if any(x.full_name == e.full_name for x in _all_enums(f))), "")
        local = e.full_name[len(package) + 1:] if package else e.full_name
        return "#/" + "/".join(local.split("."))

    def enum_names(self, ce: Enum, prev: Sequence[EnumValue], cur: Sequence[EnumValue],
                   ) -> None:
        prev_names = sorted(v.name for v in prev)
        cur_names = sorted(v.name for v in cur)
        if set(prev_names) <= set(cur_names):  # every earlier name still names the number
            return
        for v in cur:
            number = v.number
            self.add("ENUM_VALUE_SAME_NAME", f"{self.path_enum(ce)}/{number}",
                     v.loc, f'Enum value "{number}" on enum "{ce.name}" '
                     f"changed name from {', '.join(prev_names)} to {', '.join(cur_names)}.")

    def reserved(self, prev_ranges: tuple[tuple[int, int], ...],
                 cur_ranges: tuple[tuple[int, int], ...], prev_names: Iterable[str],
                 cur_names: tuple[str, ...], rule: str, kind: str, name: str, path: str,
                 loc: Loc) -> None:
        collapsed = _collapse(cur_ranges)
        for start, end in prev_ranges:
            if not _covered(start, end, collapsed):
                self.add(rule, path, loc, f'Previously present reserved range "{start} to '
                         f'{end}" on {kind} "{name}" is missing values.')
        for reserved in prev_names:
            if reserved not in cur_names:
                self.add(rule, path, loc, f'Previously present reserved name "{reserved}" on '
                         f'{kind} "{name}" was deleted.')

    def services(self) -> None:
        cur = {s.full_name: s for f in self.cur.files for s in f.services}
        for pf in self.prev.files:
            for ps in pf.services:
                cs = cur.get(ps.full_name)
                if cs is None:
                    continue
                methods = {m.name: m for m in cs.methods}
                for pm in ps.methods:
                    cm = methods.get(pm.name)
                    if cm is None:
                        continue
                    path = f"#/{cs.name}/{cm.name}"
                    what = f'RPC "{cm.name}" on service "{cs.name}"'
                    for rule, a, b, word in (
                        ("RPC_SAME_CLIENT_STREAMING", pm.client_streaming, cm.client_streaming,
                         "client"),
                        ("RPC_SAME_SERVER_STREAMING", pm.server_streaming, cm.server_streaming,
                         "server"),
                    ):
                        if a != b:
                            self.add(rule, path, cm.loc, f"{what} changed {word} streaming.")
                    if pm.input != cm.input:
                        self.add("RPC_SAME_REQUEST_TYPE", path, cm.input_loc,
                                 f'{what} changed request type from "{pm.input}" to '
                                 f'"{cm.input}".')
                    if pm.output != cm.output:
                        self.add("RPC_SAME_RESPONSE_TYPE", path, cm.output_loc,
                                 f'{what} changed response type from "{pm.output}" to '
                                 f'"{cm.output}".')
                    if pm.idempotency != cm.idempotency:
                        self.add("RPC_SAME_IDEMPOTENCY_LEVEL", path,
                                 cm.idempotency_loc or cm.loc,
                                 f'{what} changed option "idempotency_level" from '
                                 f'"{pm.idempotency}" to "{cm.idempotency}".')


def _all_messages(f: ProtoFile) -> Iterable[Message]:
    stack = list(f.messages)
    while stack:
        m = stack.pop()
        yield m
        stack.extend(m.messages)


def _all_enums(f: ProtoFile) -> Iterable[Enum]:
    yield from f.enums
    for m in _all_messages(f):
        yield from m.enums


def _in_ranges(number: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(start <= number <= end for start, end in ranges)


def _collapse(ranges: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def _covered(start: int, end: int, collapsed: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in collapsed)


def _can_have_default(f: Field) -> bool:
    return f.cardinality not in ("repeated", "map") and f.type.kind not in (
        "message", "group", "map")


def _float32(value: float) -> float:
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


def _is_zero(value: object) -> bool:
    if isinstance(value, tuple):
        return value[1] == 0.0 and not math.copysign(1.0, value[1]) < 0
    return value in ("", 0, False) and not isinstance(value, float)


def _defaults_equal(prev: object, cur: object) -> bool:
    if isinstance(prev, str) or isinstance(cur, str):
        return prev == cur
    if isinstance(prev, tuple) and isinstance(cur, tuple):
        (pk, pv), (ck, cv) = prev, cur
        if math.isnan(pv) and math.isnan(cv):
            return True
        if pk != ck and not (math.isinf(pv) or math.isinf(cv)):
            return _float32(pv) == _float32(cv)
        return bool(pv == cv)
    pv = prev[1] if isinstance(prev, tuple) else prev
    cv = cur[1] if isinstance(cur, tuple) else cur
    if (isinstance(pv, float) and math.isnan(pv)) or (isinstance(cv, float) and math.isnan(cv)):
        return False
    return bool(pv == cv)


def check(prev: ProtoSchema, cur: ProtoSchema, policy: str) -> list[Finding]:
    """buf's findings for ``cur`` against ``prev`` under the policy's category."""
    return _Checker(prev, cur, RULES[policy]).run()
