"""Confluent Schema Registry's protobuf ``SchemaDiff``, on evtctl's model.

The same walk as Confluent's (``SchemaDiff``, ``MessageSchemaDiff``, ``FieldSchemaDiff``,
``EnumSchemaDiff``), reimplemented from its documented behaviour and test vectors, with the
same difference types, the same location strings (``#/Message/Nested/3``) and the same
set of compatible types. Where Confluent works on the text as its parser sees it and
resolves type names itself, evtctl starts from protoc's descriptors: map fields are maps
(their synthetic entry messages are not messages), proto3 ``optional`` is a label (not a
oneof), proto2 groups are invisible (Confluent's parser keeps them apart and its diff never
looks at them), and type names are protoc's resolved full names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from evtctl.compat.protobuf.model import Enum, Field, FieldType, Loc, Message, ProtoSchema

COMPATIBLE = frozenset({
    "MESSAGE_ADDED", "MESSAGE_MOVED",
    "ENUM_ADDED", "ENUM_REMOVED", "ENUM_CONST_ADDED", "ENUM_CONST_CHANGED", "ENUM_CONST_REMOVED",
    "FIELD_ADDED", "FIELD_REMOVED", "FIELD_NAME_CHANGED", "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
    "ONEOF_ADDED", "ONEOF_REMOVED", "ONEOF_FIELD_ADDED", "ONEOF_FIELD_MOVED_TO_TOP_LEVEL",
})
TYPES = (
    "PACKAGE_CHANGED", "MESSAGE_ADDED", "MESSAGE_REMOVED", "MESSAGE_MOVED",
    "ENUM_ADDED", "ENUM_REMOVED", "ENUM_CONST_ADDED", "ENUM_CONST_CHANGED",
    "ENUM_CONST_REMOVED", "FIELD_ADDED", "FIELD_REMOVED", "FIELD_NAME_CHANGED",
    "FIELD_KIND_CHANGED", "FIELD_SCALAR_KIND_CHANGED", "FIELD_NAMED_TYPE_CHANGED",
    "FIELD_NUMERIC_LABEL_CHANGED", "FIELD_STRING_OR_BYTES_LABEL_CHANGED",
    "REQUIRED_FIELD_ADDED", "REQUIRED_FIELD_REMOVED",
    "ONEOF_ADDED", "ONEOF_REMOVED", "ONEOF_FIELD_ADDED", "ONEOF_FIELD_REMOVED",
    "ONEOF_FIELD_MOVED_TO_TOP_LEVEL", "MULTIPLE_FIELDS_MOVED_TO_ONEOF",
    "FIELD_MOVED_TO_EXISTING_ONEOF",
)

# Scalars that are the same on the wire, as Confluent groups them (enums count as numbers).
SCALAR_GROUPS = {
    "int32": "GENERAL_NUMBER", "int64": "GENERAL_NUMBER", "uint32": "GENERAL_NUMBER",
    "uint64": "GENERAL_NUMBER", "bool": "GENERAL_NUMBER",
    "sint32": "SIGNED_NUMBER", "sint64": "SIGNED_NUMBER",
    "string": "STRING_OR_BYTES", "bytes": "STRING_OR_BYTES",
    "fixed32": "FIXED32", "sfixed32": "FIXED32", "fixed64": "FIXED64", "sfixed64": "FIXED64",
    "float": "FLOAT", "double": "DOUBLE",
}


@dataclass(frozen=True)
class Difference:
    """One difference, as Confluent names and places it, with what evtctl knows besides:
    the messages and field on each side (for wording and examples) and source places."""

    type: str
    path: str
    original: Loc | None = None
    update: Loc | None = None
    messages: tuple[str, str] = ("", "")  # full names of the message on each side
    number: int = 0  # the field or enum constant number, where there is one
    detail: str = ""  # names and types, for the sentence

    @property
    def compatible(self) -> bool:
        return self.type in COMPATIBLE


@dataclass
class _Context:
    original: ProtoSchema
    update: ProtoSchema
    path: list[str] = field(default_factory=list)
    schemas: set[str] = field(default_factory=set)  # original messages being compared
    diffs: list[Difference] = field(default_factory=list)

    def sub(self, path: list[str]) -> _Context:
        return _Context(self.original, self.update, list(path), set(self.schemas))

    @contextmanager
    def enter(self, *parts: str) -> Iterator[None]:
        self.path.extend(parts)
        try:
            yield
        finally:
            del self.path[len(self.path) - len(parts):]

    def add_at(self, parts: tuple[str, ...], kind: str, original: Loc | None = None,
               update: Loc | None = None, *, messages: tuple[str, str] = ("", ""),
               number: int = 0, detail: str = "") -> None:
        """``add`` at the current path extended by ``parts`` (no context manager: hot)."""
        path = "#/" + "/".join([*self.path, *parts])
        self.diffs.append(Difference(kind, path, original, update, messages, number, detail))

    def add(self, kind: str, original: Loc | None = None, update: Loc | None = None, *,
            messages: tuple[str, str] = ("", ""), number: int = 0, detail: str = "") -> None:
        self.diffs.append(Difference(kind, "#/" + "/".join(self.path), original, update,
                                     messages, number, detail))

    @property
    def compatible(self) -> bool:
        return all(d.compatible for d in self.diffs)


def compare(original: ProtoSchema, update: ProtoSchema) -> list[Difference]:
    """Every difference Confluent's ``SchemaDiff.compare(original, update)`` reports."""
    ctx = _Context(original, update)
    a, b = original.main_file, update.main_file
    if a.package != b.package:
        ctx.add("PACKAGE_CHANGED", a.package_loc, b.package_loc,
                detail=f"{a.package or '(none)'} → {b.package or '(none)'}")
    _compare_types(ctx, a.messages, a.enums, b.messages, b.enums)
    return ctx.diffs


def _visible(messages: tuple[Message, ...]) -> list[Message]:
    return [m for m in messages if not m.map_entry and not m.group]


def _compare_types(ctx: _Context, om: tuple[Message, ...], oe: tuple[Enum, ...],
                   um: tuple[Message, ...], ue: tuple[Enum, ...]) -> None:
    o_msgs = {m.name: (i, m) for i, m in enumerate(_visible(om))}
    u_msgs = {m.name: (i, m) for i, m in enumerate(_visible(um))}
    for name in [*o_msgs, *(n for n in u_msgs if n not in o_msgs)]:
        with ctx.enter(name):
            o, u = o_msgs.get(name), u_msgs.get(name)
            if u is None:
                assert o is not None
                ctx.add("MESSAGE_REMOVED", o[1].loc, None, messages=(o[1].full_name, ""))
            elif o is None:
                ctx.add("MESSAGE_ADDED", None, u[1].loc, messages=("", u[1].full_name))
            else:
                _compare_message(ctx, o[1], u[1])
                if o[0] != u[0]:
                    # Moving or reordering a message is compatible: serialized message
                    # indexes are relative to the schema of the id they were written with.
                    ctx.add("MESSAGE_MOVED", o[1].loc, u[1].loc,
                            messages=(o[1].full_name, u[1].full_name),
                            detail=f"index {o[0]} → {u[0]}")
    o_enums = {e.name: e for e in oe}
    u_enums = {e.name: e for e in ue}
    for name in [*o_enums, *(n for n in u_enums if n not in o_enums)]:
        with ctx.enter(name):
            oen, uen = o_enums.get(name), u_enums.get(name)
            if uen is None:
                assert oen is not None
                ctx.add("ENUM_REMOVED", oen.loc, None)
            elif oen is None:
                ctx.add("ENUM_ADDED", None, uen.loc)
            else:
                _compare_enum(ctx, oen, uen)


def _compare_enum(ctx: _Context, original: Enum, update: Enum) -> None:
    o = {v.number: v for v in original.values}  # with aliases, the last one wins
    u = {v.number: v for v in update.values}
    for number in [*o, *(n for n in u if n not in o)]:
        with ctx.enter(str(number)):
            ov, uv = o.get(number), u.get(number)
            names = (original.full_name, update.full_name)
            if uv is None:
                assert ov is not None
                ctx.add("ENUM_CONST_REMOVED", ov.loc, update.loc, messages=names,
                        number=number, detail=ov.name)
            elif ov is None:
                ctx.add("ENUM_CONST_ADDED", original.loc, uv.loc, messages=names,
                        number=number, detail=uv.name)
            elif ov.name != uv.name:
                ctx.add("ENUM_CONST_CHANGED", ov.loc, uv.loc, messages=names, number=number,
                        detail=f"{ov.name} → {uv.name}")


def _fields(m: Message) -> tuple[dict[int, Field], dict[int, str], dict[str, list[Field]]]:
    by_number: dict[int, Field] = {}
    oneof_of: dict[int, str] = {}
    oneofs: dict[str, list[Field]] = {name: [] for name in m.oneofs}
    for f in m.fields:
        if f.group_syntax:
            continue
        by_number[f.number] = f
        if f.oneof is not None:
            oneof_of[f.number] = f.oneof
            oneofs[f.oneof].append(f)
    return by_number, oneof_of, oneofs


def _compare_message(ctx: _Context, original: Message, update: Message) -> None:
    if original is update:  # one definition shared by both versions: nothing differs
        return
    names = (original.full_name, update.full_name)
    if original.full_name not in ctx.schemas:
        ctx.schemas.add(original.full_name)
        try:
            _compare_fields(ctx, original, update, names)
        finally:
            ctx.schemas.discard(original.full_name)
    _compare_types(ctx, original.messages, original.enums, update.messages, update.enums)


def _compare_fields(ctx: _Context, original: Message, update: Message,
                    names: tuple[str, str]) -> None:
    o_by, o_oneof, o_oneofs = _fields(original)
    u_by, u_oneof, u_oneofs = _fields(update)
    # A oneof removed by name none of whose members survive anywhere is a deletion.
    deleted = {name for name, members in o_oneofs.items()
               if name not in u_oneofs and not any(f.number in u_by for f in members)}
    # Fields that were independent and are now in one oneof.
    for name in update.oneofs:
        with ctx.enter(name):
            groups: set[str] = set()
            moved_in = 0
            for f in u_oneofs[name]:
                if f.number in o_oneof:
                    groups.add("oneof:" + o_oneof[f.number])
                elif f.number in o_by:
                    groups.add(f"field:{f.number}")
                    moved_in += 1
            if len(groups) > 1:
                kind = ("MULTIPLE_FIELDS_MOVED_TO_ONEOF" if moved_in > 1
                        else "FIELD_MOVED_TO_EXISTING_ONEOF")
                ctx.add(kind, original.loc, update.loc, messages=names, detail=name)
    for name in sorted({*o_oneofs, *u_oneofs}):
        with ctx.enter(name):
            if name not in u_oneofs:
                ctx.add("ONEOF_REMOVED", original.loc, update.loc, messages=names, detail=name)
            elif name not in o_oneofs:
                ctx.add("ONEOF_ADDED", original.loc, update.loc, messages=names, detail=name)
    for number in sorted({*o_by, *u_by}):
        of, uf = o_by.get(number), u_by.get(number)
        oo, uo = o_oneof.get(number), u_oneof.get(number)
        if uf is None:
            assert of is not None
            if oo is not None:
                if oo not in deleted:
                    ctx.add_at((oo, str(number)), "ONEOF_FIELD_REMOVED", of.loc, update.loc,
                               messages=names, number=number, detail=of.name)
            else:
                kind = "REQUIRED_FIELD_REMOVED" if of.label == "required" else "FIELD_REMOVED"
                ctx.add_at((str(number),), kind, of.loc, update.loc, messages=names,
                           number=number, detail=of.name)
        elif of is None:
            if uo is not None:
                ctx.add_at((uo, str(number)), "ONEOF_FIELD_ADDED", original.loc, uf.loc,
                           messages=names, number=number, detail=uf.name)
            else:
                kind = "REQUIRED_FIELD_ADDED" if uf.label == "required" else "FIELD_ADDED"
                ctx.add_at((str(number),), kind, original.loc, uf.loc, messages=names,
                           number=number, detail=uf.name)
        else:
            if oo is not None and uo is None:
                ctx.add_at((str(number),), "ONEOF_FIELD_MOVED_TO_TOP_LEVEL", of.loc, uf.loc,
                           messages=names, number=number, detail=f"{uf.name} out of {oo}")
            if of == uf and oo == uo and of.type.kind in ("scalar", "enum"):
                continue  # the same scalar field: nothing Confluent compares differs
            where = (uo, str(number)) if uo is not None else (str(number),)
            ctx.path.extend(where)
            try:
                _compare_field(ctx, of, uf, names)
            finally:
                del ctx.path[len(ctx.path) - len(where):]


def _compare_field(ctx: _Context, original: Field, update: Field,
                   names: tuple[str, str]) -> None:
    def add(kind: str, detail: str) -> None:
        ctx.add(kind, original.loc, update.loc, messages=names, number=update.number,
                detail=detail)

    if original.name != update.name:
        add("FIELD_NAME_CHANGED", f"{original.name} → {update.name}")
    _compare_labels_and_types(ctx, original.label, update.label, original.type, update.type,
                              add)


_Add = Callable[[str, str], None]  # adds a difference at the current field


def _kind(t: FieldType) -> str:
    if t.kind in ("scalar", "enum"):
        return "SCALAR"
    if t.kind == "map":
        return "MAP"
    return "MESSAGE"


def _scalar_group(t: FieldType) -> str:
    return "GENERAL_NUMBER" if t.kind == "enum" else SCALAR_GROUPS[t.name]


def _compare_labels_and_types(ctx: _Context, ol: str | None, ul: str | None, ot: FieldType,
                              ut: FieldType, add: _Add) -> None:
    ok, uk = _kind(ot), _kind(ut)
    if ok != uk:
        add("FIELD_KIND_CHANGED", f"{ot} → {ut}")
    elif ok == "SCALAR":
        og, ug = _scalar_group(ot), _scalar_group(ut)
        if og != ug:
            add("FIELD_SCALAR_KIND_CHANGED", f"{ot} → {ut}")
        elif ol is not None and ul is not None and ol != ul:
            if og == "STRING_OR_BYTES":
                add("FIELD_STRING_OR_BYTES_LABEL_CHANGED", f"{ol} → {ul}")
            else:
                add("FIELD_NUMERIC_LABEL_CHANGED", f"{ol} → {ul}")
    elif ok == "MESSAGE":
        _compare_message_types(ctx, ot, ut, add)
    else:
        assert ot.value is not None and ut.value is not None
        _compare_labels_and_types(ctx, None, None, FieldType("scalar", ot.key),
                                  FieldType("scalar", ut.key), add)
        _compare_labels_and_types(ctx, None, None, ot.value, ut.value, add)


def _local_name(full: str, package: str) -> str:
    return full[len(package) + 1:] if package and full.startswith(package + ".") else full


def _compare_message_types(ctx: _Context, ot: FieldType, ut: FieldType, add: _Add) -> None:
    oi, ui = ctx.original.types.get(ot.name), ctx.update.types.get(ut.name)
    if oi is None or ui is None:  # pragma: no cover - protoc resolved every name
        if ot.name != ut.name:
            add("FIELD_NAMED_TYPE_CHANGED", f"{ot} → {ut}")
        return
    o_local, u_local = _local_name(ot.name, oi.package), _local_name(ut.name, ui.package)
    if o_local != u_local:
        add("FIELD_NAMED_TYPE_CHANGED", f"{ot} → {ut}")
        return
    # Both from the version's own file, or from the same file content: Confluent does not
    # look inside (the version's own types are compared where they are declared).
    if oi.origin is not None and ui.origin is not None and oi.origin == ui.origin:
        return
    om, um = oi.element, ui.element
    if not isinstance(om, Message) or not isinstance(um, Message):  # pragma: no cover
        return
    sub = ctx.sub(o_local.split("."))
    _compare_message(sub, om, um)
    ctx.diffs.extend(sub.diffs)
    if not sub.compatible:
        add("FIELD_NAMED_TYPE_CHANGED", f"{ot} → {ut}")
