"""Example events for Protobuf breaks, proven with the protobuf runtime before shown.

For a change that shows on the wire, an event is built with the writer's descriptors
(dynamic message classes from its ``FileDescriptorSet``), encoded, and decoded with the
reader's. It is attached only if the reader rejects the bytes or reads the changed field
differently from what was written. Where no single event can show a rule (a package
change, a deleted message type, a number left unreserved), the note says so plainly.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evtctl.compat.formats import LoadedSchema
    from evtctl.compat.protobuf.confluent import Difference

_Result = tuple[Any, str | None, bool]  # (example, note, proven)

NO_EVENT: dict[str, str] = {
    "PACKAGE_CHANGED": "no event shows this: the binary encoding carries no type names; the "
                       "break is for everything that names the types (google.protobuf.Any "
                       "type URLs, generated code, subject naming by record name)",
    "MESSAGE_REMOVED": "no single event shows this with the protobuf runtime alone: events "
                       "written as the removed type carry its message index in Confluent's "
                       "framing, which the later schema no longer resolves",
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED": "no event shows this today: the break comes "
                                              "when the unreserved number is reused with "
                                              "another type",
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED": "no event shows this today: the break "
                                                   "comes when the number is reused",
    "RESERVED_MESSAGE_NO_DELETE": "no event shows this: it frees numbers or names for reuse",
    "RESERVED_ENUM_NO_DELETE": "no event shows this: it frees numbers or names for reuse",
    "FILE_SAME_PACKAGE": "no event shows this: the binary encoding carries no type names",
}


@lru_cache(maxsize=64)
def _pool(data: bytes) -> Any:
    from google.protobuf import descriptor_pb2, descriptor_pool

    pool = descriptor_pool.DescriptorPool()
    for f in descriptor_pb2.FileDescriptorSet.FromString(data).file:
        pool.Add(f)
    return pool


def _class(schema: LoadedSchema, full_name: str) -> Any:
    from google.protobuf import message_factory

    descriptor = _pool(schema.content.descriptor_set).FindMessageTypeByName(full_name)
    return message_factory.GetMessageClass(descriptor)


def _scalar_sample(fd: Any) -> Any:
    from google.protobuf.descriptor import FieldDescriptor as F

    t = fd.type
    if t == F.TYPE_STRING:
        return "evtctl"
    if t == F.TYPE_BYTES:
        return b"\x0a\x03abc"
    if t == F.TYPE_BOOL:
        return True
    if t in (F.TYPE_FLOAT, F.TYPE_DOUBLE):
        return 1.5
    if t == F.TYPE_ENUM:
        values = [v.number for v in fd.enum_type.values]
        return next((v for v in values if v != 0), values[0])
    return 1 if t not in (F.TYPE_SINT32, F.TYPE_SINT64) else -1


def _fill(message: Any, depth: int = 0) -> None:
    """Set every field of ``message`` (the first member of each oneof), 3 levels deep."""
    seen_oneofs: set[str] = set()
    for fd in message.DESCRIPTOR.fields:
        oneof = fd.containing_oneof
        if oneof is not None:
            if oneof.name in seen_oneofs:
                continue
            seen_oneofs.add(oneof.name)
        _set(message, fd, depth)


def _set(message: Any, fd: Any, depth: int = 0) -> None:
    from google.protobuf.descriptor import FieldDescriptor as F

    is_message = fd.type in (F.TYPE_MESSAGE, F.TYPE_GROUP)
    if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
        key_fd, value_fd = fd.message_type.fields_by_number[1], fd.message_type.fields_by_number[2]
        target = getattr(message, fd.name)
        key = _scalar_sample(key_fd)
        if value_fd.message_type is not None:
            if depth < 3:
                _fill(target[key], depth + 1)
        else:
            target[key] = _scalar_sample(value_fd)
        return
    repeated = bool(fd.is_repeated)
    message.ClearField(fd.name)
    if is_message:
        if depth >= 3:
            return
        if repeated:
            _fill(getattr(message, fd.name).add(), depth + 1)
        else:
            getattr(message, fd.name).SetInParent()
            _fill(getattr(message, fd.name), depth + 1)
    elif repeated:
        getattr(message, fd.name).extend([_scalar_sample(fd), _scalar_sample(fd)])
    else:
        setattr(message, fd.name, _scalar_sample(fd))


def _to_dict(message: Any) -> dict[str, Any]:
    from google.protobuf.json_format import MessageToDict

    out: dict[str, Any] = MessageToDict(message, preserving_proto_field_name=True)
    return out


def _value(message: Any, number: int) -> tuple[bool, Any]:
    fd = message.DESCRIPTOR.fields_by_number.get(number)
    if fd is None:
        return False, None
    return True, getattr(message, fd.name)


def _same(written: Any, read: Any) -> bool:
    """Whether ``read`` (the reader's value) is what ``written`` was, field by field."""
    from google.protobuf.message import Message

    if isinstance(written, Message) or isinstance(read, Message):
        if not (isinstance(written, Message) and isinstance(read, Message)):
            return False
        for fd, value in written.ListFields():
            present, other = _value(read, fd.number)
            if present and not _same(value, other):
                return False
        return True
    if hasattr(written, "items") or hasattr(read, "items"):
        if not (hasattr(written, "items") and hasattr(read, "items")):
            return False
        return len(written) == len(read) and all(
            k in read and _same(v, read[k]) for k, v in written.items())
    if isinstance(written, (list, tuple)) or hasattr(written, "extend"):
        seq = list(written)
        other = list(read) if hasattr(read, "__iter__") and not isinstance(
            read, (str, bytes)) else [read]
        return len(seq) == len(other) and all(_same(a, b) for a, b in zip(seq, other,
                                                                          strict=True))
    if hasattr(read, "extend"):  # one value read into a repeated field
        return list(read) == [written]
    return (bool(written == read) and type(written) is not str) or written == read


def _decode(reader_cls: Any, data: bytes, required: str | None = None,
            ) -> tuple[Any, str | None]:
    """The reader's message, or why it rejects ``data``. Required fields are checked only
    for ``required`` (the field a change is about), so another break of the same pair
    cannot pass for this one's proof."""
    from google.protobuf.message import DecodeError

    message = reader_cls()
    try:
        message.ParseFromString(data)
    except DecodeError as exc:
        return None, str(exc) or "rejected"
    if required is not None and required in message.FindInitializationErrors():
        return None, f"missing required field {required}"
    return message, None


def _example(writer: LoadedSchema, reader: LoadedSchema, w_msg: Any, r_msg: Any | None,
             error: str | None, data: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {
        "writer": {"version": writer.version, "message": w_msg.DESCRIPTOR.full_name,
                   "event": _to_dict(w_msg)},
        "bytes": data.hex(),
    }
    reader_part: dict[str, Any] = {"version": reader.version}
    if error is not None:
        reader_part["error"] = error
    else:
        assert r_msg is not None
        reader_part["message"] = r_msg.DESCRIPTOR.full_name
        reader_part["decoded"] = _to_dict(r_msg)
    out["reader"] = reader_part
    return out


def for_difference(writer: LoadedSchema, reader: LoadedSchema, d: Difference) -> _Result:
    try:
        return _for_difference(writer, reader, d)
    except Exception as exc:  # an example is a help: never let it hide the verdict
        return None, f"no example: building one failed ({type(exc).__name__})", False


def _for_difference(writer: LoadedSchema, reader: LoadedSchema, d: Difference) -> _Result:
    if d.type in NO_EVENT:
        return None, NO_EVENT[d.type], False
    w_name, r_name = d.messages
    if not w_name or not r_name:
        return None, "no example for this change", False
    w_cls, r_cls = _class(writer, w_name), _class(reader, r_name)
    w_msg = w_cls()
    if d.type in ("FIELD_SCALAR_KIND_CHANGED", "FIELD_KIND_CHANGED",
                  "FIELD_NAMED_TYPE_CHANGED", "FIELD_NUMERIC_LABEL_CHANGED"):
        fd = w_cls.DESCRIPTOR.fields_by_number[d.number]
        _fill(w_msg)
        _set(w_msg, fd)
        data = w_msg.SerializePartialToString()
        r_msg, error = _decode(r_cls, data)
        r_fd = r_cls.DESCRIPTOR.fields_by_number[d.number]
        if error is None and _same(getattr(w_msg, fd.name), getattr(r_msg, r_fd.name)):
            return None, (f"an event with field {d.number} set reads back the same on "
                          f"v{reader.version}; the rule rejects the change by its declared "
                          "types, not by what this event shows"), False
        read = f"rejects it ({error})" if error else (
            f"reads field {d.number} ({r_fd.name}) as {_short(getattr(r_msg, r_fd.name))}")
        note = (f"written with v{writer.version}, field {d.number} ({fd.name}) = "
                f"{_short(getattr(w_msg, fd.name))}; v{reader.version} {read}")
        return _example(writer, reader, w_msg, r_msg, error, data), note, True
    if d.type == "REQUIRED_FIELD_ADDED":
        _fill(w_msg)
        data = w_msg.SerializePartialToString()
        r_msg, error = _decode(r_cls, data, r_cls.DESCRIPTOR.fields_by_number[d.number].name)
        if error is None:
            return None, "the reader accepted an event without the field", False
        note = (f"an event written with v{writer.version} has no field {d.number}; "
                f"v{reader.version} rejects it ({error})")
        return _example(writer, reader, w_msg, None, error, data), note, True
    if d.type == "REQUIRED_FIELD_REMOVED":
        return None, (f"no event shows this in this direction: v{reader.version} reads "
                      f"v{writer.version}'s events, which carry the field; readers of "
                      f"v{writer.version} reject events without it"), False
    if d.type == "ONEOF_FIELD_REMOVED":
        fd = w_cls.DESCRIPTOR.fields_by_number[d.number]
        _fill(w_msg)
        _set(w_msg, fd)
        data = w_msg.SerializePartialToString()
        r_msg, error = _decode(r_cls, data)
        oneof = fd.containing_oneof.name
        chosen = r_msg.WhichOneof(oneof) if error is None and oneof in \
            r_cls.DESCRIPTOR.oneofs_by_name else None
        if error is None and chosen is not None:
            return None, "the reader still sees a choice in the oneof", False
        note = (f"written with v{writer.version}, oneof {oneof} = {fd.name}; "
                f"v{reader.version} reads the oneof as unset")
        return _example(writer, reader, w_msg, r_msg, error, data), note, True
    if d.type in ("MULTIPLE_FIELDS_MOVED_TO_ONEOF", "FIELD_MOVED_TO_EXISTING_ONEOF"):
        oneof = r_cls.DESCRIPTOR.oneofs_by_name.get(d.detail)
        if oneof is None:
            return None, "no example for this change", False
        numbers = [f.number for f in oneof.fields if f.number in w_cls.DESCRIPTOR.fields_by_number]
        _fill(w_msg)
        for number in numbers:
            _set(w_msg, w_cls.DESCRIPTOR.fields_by_number[number])
        present = {fd.number for fd, _ in w_msg.ListFields()}
        written = [n for n in numbers if n in present]
        data = w_msg.SerializePartialToString()
        r_msg, error = _decode(r_cls, data)
        if error is None and len(written) < 2:
            return None, "no example for this change", False
        kept = r_msg.WhichOneof(oneof.name) if error is None else None
        note = (f"written with v{writer.version} with fields {', '.join(map(str, written))} "
                f"all set; v{reader.version} keeps only {kept} of oneof {oneof.name}")
        return _example(writer, reader, w_msg, r_msg, error, data), note, True
    return None, None, False


def _short(value: Any) -> str:
    from google.protobuf.message import Message

    if isinstance(value, Message):
        return "{" + ", ".join(f"{fd.name}: {_short(v)}" for fd, v in value.ListFields()) + "}"
    if hasattr(value, "items"):
        return "{" + ", ".join(f"{k!r}: {_short(v)}" for k, v in value.items()) + "}"
    if hasattr(value, "extend"):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return repr(value)


_BINARY_FIELD_RULES = frozenset({
    "FIELD_WIRE_COMPATIBLE_TYPE", "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
    "FIELD_WIRE_COMPATIBLE_CARDINALITY", "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
})


def for_wire_rule(earlier: LoadedSchema, later: LoadedSchema, rule: str, path: str) -> _Result:
    if rule in NO_EVENT:
        return None, NO_EVENT[rule], False
    try:
        if rule in ("FIELD_SAME_NAME", "FIELD_SAME_JSON_NAME"):
            found = _json_rename(earlier, later, path)
            if found[2]:
                return found
        elif rule in _BINARY_FIELD_RULES:
            from evtctl.compat.protobuf.confluent import Difference

            name, number = _message_and_number(earlier, path)
            probe = Difference("FIELD_KIND_CHANGED", path, messages=(name, name), number=number)
            found = _for_difference(earlier, later, probe)
            if found[2]:
                return found
            return None, found[1], False
    except Exception as exc:  # an example is a help: never let it hide the verdict
        return None, f"no example: building one failed ({type(exc).__name__})", False
    return None, ("no example event is built for this rule: buf judges it from the "
                  "declarations"), False


def _message_and_number(schema: LoadedSchema, path: str) -> tuple[str, int]:
    parts = path.removeprefix("#/").split("/")
    package = schema.content.main_file.package
    local = ".".join(parts[:-1])
    return (f"{package}.{local}" if package else local), int(parts[-1])


def _json_rename(earlier: LoadedSchema, later: LoadedSchema, path: str) -> _Result:
    from google.protobuf import json_format

    name, number = _message_and_number(earlier, path)
    w_cls, r_cls = _class(earlier, name), _class(later, name)
    w_msg = w_cls()
    fd = w_cls.DESCRIPTOR.fields_by_number[number]
    _set(w_msg, fd)
    text = json_format.MessageToJson(w_msg, indent=None)
    try:
        json_format.Parse(text, r_cls())
    except json_format.ParseError as exc:
        note = (f"JSON written with v{earlier.version} is rejected by v{later.version}: "
                f"{str(exc).splitlines()[0]}")
        return {"writer": {"version": earlier.version, "message": name, "json": text},
                "reader": {"version": later.version, "error": str(exc).splitlines()[0]}}, \
            note, True
    return None, None, False
