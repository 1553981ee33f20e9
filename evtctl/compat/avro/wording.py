"""How Avro's incompatibilities are worded for people (the six of Apache Avro's
``SchemaIncompatibilityType``, and the one evtctl adds for Java's exception)."""

from __future__ import annotations

import re

KINDS: dict[str, str] = {
    "NAME_MISMATCH": "A record, enum or fixed type has another name in the reader than in the "
                     "writer, and none of the reader's aliases is the writer's full name.",
    "FIXED_SIZE_MISMATCH": "A fixed type has another size in the reader than in the writer.",
    "MISSING_ENUM_SYMBOLS": "The writer's enum has symbols the reader's lacks, and the reader's "
                            "enum has no default symbol to read them as.",
    "READER_FIELD_MISSING_DEFAULT_VALUE": "The reader has a field the writer does not write "
                                          "(by name or alias) and the field has no default.",
    "TYPE_MISMATCH": "The reader expects another type than the writer writes, and Avro cannot "
                     "promote one to the other (int→long→float→double, string↔bytes).",
    "MISSING_UNION_BRANCH": "The writer can write a type (a union branch) that the reader's "
                            "union, or the reader's type, cannot read.",
    "AMBIGUOUS_FIELD": "A reader field matches two writer fields (by its name and an alias): "
                       "Apache Avro's checker throws, and Schema Registry rejects the schema.",
}

_MISMATCH = re.compile(r"reader type: (\w+) not compatible with writer type: (\w+)")


def describe(kind: str, path: str, message: str | None) -> str:
    """One plain sentence for an incompatibility, from Java's message where there is one."""
    where = "the schema's root" if path == "/" else path
    text = message or ""
    if kind == "TYPE_MISMATCH" and (m := _MISMATCH.fullmatch(text)):
        return (f"at {where} the reader expects {m[1].lower()} but the writer writes "
                f"{m[2].lower()}, which Avro cannot promote to it")
    if kind == "MISSING_UNION_BRANCH" and text.startswith("reader union lacking writer type: "):
        written = text.rsplit(": ", 1)[1].lower()
        return f"at {where} the writer can write {written}, which the reader cannot read"
    if kind == "NAME_MISMATCH" and text.startswith("expected: "):
        return (f"at {where} the writer's type is {text[10:]}; the reader's has another name "
                "and no alias for it")
    if kind == "FIXED_SIZE_MISMATCH" and (m := re.fullmatch(r"expected: (\d+), found: (\d+)",
                                                           text)):
        return (f"at {where} the writer's fixed has {m[1]} bytes, the reader's {m[2]}")
    if kind == "MISSING_ENUM_SYMBOLS":
        return (f"at {where} the writer's enum has {text}, which the reader's lacks (and it "
                "has no default symbol)")
    if kind == "READER_FIELD_MISSING_DEFAULT_VALUE":
        return (f"at {where} the reader's field {text!r} is not written by the writer and has "
                "no default")
    if kind == "AMBIGUOUS_FIELD":
        return f"at {where} {text}"
    return KINDS.get(kind, kind) if not text else f"{kind} at {where}: {text}"
