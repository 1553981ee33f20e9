"""Avro schemas as evtctl holds them once parsed: one node per type, as Apache Avro's Java
library builds them.

A named type (record, enum, fixed) is one node however often it is referred to by name, and
every other type is a node of its own at each place it is written — the identity the Java
checker's memo rests on, which :mod:`evtctl.compat.avro.checker` reproduces. Each node knows
the file and JSON pointer it was written at, so any finding can name its line and column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from evtctl.compat.avro.jsontext import Pointer

PRIMITIVES: frozenset[str] = frozenset(
    ("null", "boolean", "int", "long", "float", "double", "bytes", "string"))
NAMED: frozenset[str] = frozenset(("record", "enum", "fixed"))

MISSING: Any = object()  # a field without "default"
_ASCII_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NO_ALIASES: frozenset[str] = frozenset()


@dataclass(eq=False)
class Node:
    """Any Avro type. ``kind`` is the lower-case Avro type name ("int", "record", ...)."""

    kind: str
    file: int  # index into the loaded version's files (the main file is 0)
    at: Pointer  # JSON pointer of the definition in that file
    logical: str | None = None

    @property
    def java_type(self) -> str:
        """The name of ``Schema.Type`` in Java's messages (``RECORD``, ``INT``, ...)."""
        return self.kind.upper()


@dataclass(eq=False)
class Named(Node):
    name: str = ""
    space: str | None = None
    aliases: tuple[tuple[str, str | None], ...] = ()  # (simple name, namespace) as Java's Name
    doc: str | None = None

    @property
    def full(self) -> str:
        return self.name if self.space is None else f"{self.space}.{self.name}"

    def java_aliases(self) -> frozenset[str]:
        """``Schema.getAliases()``: an alias without namespace on a type that has one reads
        as ``.name`` (so it can never equal a writer's full name)."""
        if not self.aliases:
            return _NO_ALIASES
        out = set()
        for name, space in self.aliases:
            if space is None and self.space is not None:
                out.add("." + name)
            else:
                out.add(name if space is None else f"{space}.{name}")
        return frozenset(out)


@dataclass(eq=False)
class FieldDef:
    name: str
    type: Node
    at: Pointer
    default: Any = MISSING
    aliases: tuple[str, ...] = ()
    order: str = "ascending"
    doc: str | None = None

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING


@dataclass(eq=False)
class Record(Named):
    fields: list[FieldDef] = field(default_factory=list)
    by_name: dict[str, FieldDef] = field(default_factory=dict)
    error: bool = False


@dataclass(eq=False)
class Enum(Named):
    symbols: tuple[str, ...] = ()
    default: str | None = None


@dataclass(eq=False)
class Fixed(Named):
    size: int = 0


@dataclass(eq=False)
class Array(Node):
    items: Node | None = None


@dataclass(eq=False)
class Map(Node):
    values: Node | None = None


@dataclass(eq=False)
class Union(Node):
    branches: list[Node] = field(default_factory=list)


@dataclass(eq=False)
class Ref(Node):
    """A name not defined yet where it is used (Avro 1.12 resolves forward references when
    the document ends). Replaced by the named node before anyone else sees the schema."""

    target: str = ""  # the full name looked up


def closed(node: Named) -> bool:
    """No named type below ``node`` (its fields hold only unnamed types): comparing it
    against another type meets no node that anything else can reach. Cached on the node."""
    cached = getattr(node, "_closed", None)
    if cached is not None:
        return bool(cached)
    result = True
    if isinstance(node, Record):
        stack: list[Node] = [f.type for f in node.fields]
        while stack and result:
            here = stack.pop()
            if isinstance(here, (Named, Ref)):
                result = False
            elif isinstance(here, Array):
                assert here.items is not None
                stack.append(here.items)
            elif isinstance(here, Map):
                assert here.values is not None
                stack.append(here.values)
            elif isinstance(here, Union):
                stack.extend(here.branches)
    node._closed = result  # type: ignore[attr-defined]
    return result


def union_key(node: Node) -> str:
    """What Java's union calls a branch's name: the full name of a named type, else its type."""
    return node.full if isinstance(node, Named) else node.kind


def java_name_problem(name: Any) -> str | None:
    """Java's default name check (``NameValidator.UTF_VALIDATOR``): ``None`` if valid."""
    if isinstance(name, str) and _ASCII_NAME.fullmatch(name):
        return None
    if not isinstance(name, str):
        return "Null name"
    if not name:
        return "Empty name"
    first = name[0]
    if not (_letter(first) or first == "_"):
        return f"Illegal initial character: {name}"
    for c in name[1:]:
        if not (_letter(c) or c == "_" or _digit(c)):
            return f"Illegal character in: {name}"
    return None


def portable_name(name: str) -> bool:
    """The Avro specification's names: ``[A-Za-z_][A-Za-z0-9_]*``."""
    return _ASCII_NAME.fullmatch(name) is not None


def _letter(c: str) -> bool:
    # Java tests UTF-16 chars: a character outside the BMP is two surrogates, never a letter.
    return ord(c) <= 0xFFFF and unicodedata.category(c)[0] == "L"


def _digit(c: str) -> bool:
    return ord(c) <= 0xFFFF and unicodedata.category(c) == "Nd"
