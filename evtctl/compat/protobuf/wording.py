"""Plain sentences for Protobuf changes: one per change type (docs, ``change_kinds``) and
one per change, naming what changed."""

from __future__ import annotations

KINDS: dict[str, str] = {
    # Confluent's SchemaDiff
    "PACKAGE_CHANGED": "the file's package changed, so every type in it has a new full name",
    "MESSAGE_ADDED": "a message type was added",
    "MESSAGE_REMOVED": "a message type was removed; events written as that type (by message "
                       "index) have no type to be read as",
    "MESSAGE_MOVED": "a message type moved to another place in the file (its message index "
                     "changed); allowed, since indexes are relative to the writer's schema id",
    "ENUM_ADDED": "an enum type was added",
    "ENUM_REMOVED": "an enum type was removed",
    "ENUM_CONST_ADDED": "an enum constant was added",
    "ENUM_CONST_CHANGED": "an enum constant was renamed (same number)",
    "ENUM_CONST_REMOVED": "an enum constant was removed",
    "FIELD_ADDED": "a field was added",
    "FIELD_REMOVED": "a field was removed",
    "FIELD_NAME_CHANGED": "a field was renamed (same number)",
    "FIELD_KIND_CHANGED": "a field changed between scalar, message and map: the two sides "
                          "encode it differently",
    "FIELD_SCALAR_KIND_CHANGED": "a field changed to a scalar type that is encoded "
                                 "differently: the value is read wrongly or lost",
    "FIELD_NAMED_TYPE_CHANGED": "a field's message type changed to another message, or to an "
                                "incompatible version of it",
    "FIELD_NUMERIC_LABEL_CHANGED": "a numeric field changed label (optional, required, "
                                   "repeated)",
    "FIELD_STRING_OR_BYTES_LABEL_CHANGED": "a string or bytes field changed label (optional, "
                                           "repeated); allowed",
    "REQUIRED_FIELD_ADDED": "a required field was added: events written without it are "
                            "rejected",
    "REQUIRED_FIELD_REMOVED": "a required field was removed: readers of the earlier version "
                              "reject events without it",
    "ONEOF_ADDED": "a oneof was added",
    "ONEOF_REMOVED": "a oneof was removed",
    "ONEOF_FIELD_ADDED": "a field was added to a oneof",
    "ONEOF_FIELD_REMOVED": "a field was removed from a oneof while the oneof stayed: events "
                           "that chose it read as if nothing was chosen",
    "ONEOF_FIELD_MOVED_TO_TOP_LEVEL": "a field moved out of its oneof to the top level; allowed",
    "MULTIPLE_FIELDS_MOVED_TO_ONEOF": "several independent fields moved into one oneof: an "
                                      "event that set more than one keeps only the last",
    "FIELD_MOVED_TO_EXISTING_ONEOF": "fields that could be set together are now in one oneof: "
                                     "an event that set both keeps only the last",
    # buf's WIRE / WIRE_JSON rules (policies "wire" and "wire-json")
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED": "an enum value was deleted without "
                                                   "reserving its number (buf WIRE)",
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED": "an enum value was deleted without reserving "
                                                 "its name (buf WIRE_JSON)",
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED": "a field was deleted without reserving its "
                                              "number, which can then be reused with another "
                                              "type (buf WIRE)",
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED": "a field was deleted without reserving its name "
                                            "(buf WIRE_JSON: JSON names it by name)",
    "FIELD_SAME_DEFAULT": "a field's default value changed (buf WIRE)",
    "FIELD_SAME_ONEOF": "a field moved into, out of or between oneofs (buf WIRE)",
    "FILE_SAME_PACKAGE": "the file's package changed (buf WIRE)",
    "MESSAGE_SAME_REQUIRED_FIELDS": "a required field was added or deleted (buf WIRE)",
    "RESERVED_ENUM_NO_DELETE": "a reserved range or name was deleted from an enum (buf WIRE)",
    "RESERVED_MESSAGE_NO_DELETE": "a reserved range or name was deleted from a message "
                                  "(buf WIRE)",
    "RPC_SAME_CLIENT_STREAMING": "an RPC changed client streaming (buf WIRE)",
    "RPC_SAME_SERVER_STREAMING": "an RPC changed server streaming (buf WIRE)",
    "RPC_SAME_REQUEST_TYPE": "an RPC changed its request type (buf WIRE)",
    "RPC_SAME_RESPONSE_TYPE": "an RPC changed its response type (buf WIRE)",
    "RPC_SAME_IDEMPOTENCY_LEVEL": "an RPC changed its idempotency level (buf WIRE)",
    "FIELD_WIRE_COMPATIBLE_CARDINALITY": "a field changed cardinality in a way the binary "
                                         "encoding does not carry over (buf WIRE)",
    "FIELD_WIRE_COMPATIBLE_TYPE": "a field changed to a type whose binary encoding differs "
                                  "(buf WIRE)",
    "ENUM_SAME_JSON_FORMAT": "an enum lost JSON format support (buf WIRE_JSON)",
    "ENUM_VALUE_SAME_NAME": "an enum value was renamed: JSON carries the name (buf WIRE_JSON)",
    "FIELD_SAME_JSON_NAME": "a field's JSON name changed (buf WIRE_JSON)",
    "FIELD_SAME_NAME": "a field was renamed: JSON carries the name (buf WIRE_JSON)",
    "MESSAGE_SAME_JSON_FORMAT": "a message lost JSON format support (buf WIRE_JSON)",
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY": "a field changed cardinality in a way the binary "
                                              "or JSON encoding does not carry over "
                                              "(buf WIRE_JSON)",
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE": "a field changed to a type whose binary or JSON "
                                       "encoding differs (buf WIRE_JSON)",
}


def describe(kind: str) -> str:
    return KINDS.get(kind, kind.replace("_", " ").lower())


def sentence(kind: str, messages: tuple[str, str], number: int, detail: str) -> str:
    """One change in a sentence: what and where first, then what the kind means."""
    where = messages[1] or messages[0]
    subject = ""
    if number and where:
        noun = "constant" if kind.startswith("ENUM_CONST") else "field"
        subject = f"{noun} {number} of {where}"
    elif where:
        subject = where
    if detail:
        subject = f"{subject}, {detail}" if subject else detail
    return f"{subject}: {describe(kind)}" if subject else describe(kind)
