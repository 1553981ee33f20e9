"""Parse Avro schema JSON into :mod:`evtctl.compat.avro.model` nodes, judging it as Apache
Avro 1.12's Java parser does for a schema being registered (Confluent Schema Registry's
parse of a *new* schema: name validation and default validation on).

Every rule Java enforces is an error here, raised as :class:`ParseProblem` with the file and
JSON pointer of the culprit (the loader turns it into a positioned ``SchemaFileError``):
names and namespaces, names that are primitives, duplicate fields and symbols, enum defaults
outside the symbols, defaults of the wrong type, unknown or undefined type names, redefined
names, unions that nest or repeat a type, fixed sizes, bad ``order`` values, a schema that is
a number, a boolean or null. What Java accepts but would surprise a reader becomes a
diagnostic instead (a non-portable name, a union default that is not the first branch, an
ignored attribute), so evtctl never refuses what the registry takes.

Several documents share one set of names, in order, as Confluent parses a schema's
references before the schema itself; within a document a name may be used before it is
defined (Avro 1.12), across documents it may not.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from evtctl.compat.avro.defaults import (
    FieldsNotSet,
    default_notes,
    union_default_branch,
    valid_default,
)
from evtctl.compat.avro.jsontext import MAX_DEPTH, Pointer, nested_keys
from evtctl.compat.avro.model import (
    MISSING,
    NAMED,
    PRIMITIVES,
    Array,
    Enum,
    FieldDef,
    Fixed,
    Map,
    Named,
    Node,
    Record,
    Ref,
    Union,
    java_name_problem,
    portable_name,
    union_key,
)
from evtctl.compat.formats import SchemaErrorKind

_SCHEMA_RESERVED = frozenset(
    ("doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type",
     "aliases"))
_ENUM_RESERVED = _SCHEMA_RESERVED | {"default"}
_FIELD_RESERVED = frozenset(("default", "doc", "name", "order", "type", "aliases"))
_KNOWN_PROPS = frozenset(("logicalType", "precision", "scale", "java-class", "avro.java.string",
                          "connect.name", "connect.doc", "connect.version", "connect.default",
                          "connect.parameters", "javaAnnotation"))
_ORDERS = ("ASCENDING", "DESCENDING", "IGNORE")
_DESCENDED = frozenset(("type", "fields", "items", "values"))  # the parser visits these
_FIELD_PLAIN = frozenset(("name", "type", "doc", "order"))  # keys without nested objects
_ASCII_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KINDS_WORD = ('a primitive type name or one of "record", "error", "enum", "fixed", '
               '"array", "map"')


class ParseProblem(Exception):
    """A schema Java's parser refuses: the message, and where (file index, JSON pointer)."""

    def __init__(self, message: str, file: int, at: Pointer, *, key: bool = False,
                 kind: SchemaErrorKind = SchemaErrorKind.INVALID, name: str = "") -> None:
        super().__init__(message)
        self.name = name  # the undefined type's full name, for REFERENCE_UNRESOLVED
        self.message = message
        self.file = file
        self.at = at
        self.key = key  # point at the key of ``at`` rather than its value
        self.kind = kind


@dataclass(frozen=True)
class Note:
    """Something Java accepts that evtctl reports as a diagnostic."""

    kind: str
    message: str
    file: int
    at: Pointer
    key: bool = False


@dataclass
class Names:
    """The names known to one parse (Java's ``ParseContext``), across documents."""

    table: dict[str, Named] = field(default_factory=dict)
    origin: dict[str, int] = field(default_factory=dict)  # full name -> defining file
    used: dict[int, set[int]] = field(default_factory=dict)  # file -> files it takes names from


class DocumentParser:
    """Parses one document into the shared :class:`Names`."""

    def __init__(self, names: Names, file: int, *, validate_defaults: bool = True) -> None:
        self.names = names
        self.file = file
        self.validate_defaults = validate_defaults
        self.notes: list[Note] = []
        self.keys = 0  # keys of every JSON object in the document (for the duplicate check)
        self._refs: list[tuple[Ref, Any, Any]] = []  # (placeholder, holder, slot)
        self._unions_with_refs: list[Union] = []
        self._enclosing: list[Record] = []  # records being parsed, outermost first
        # fields with a default whose type held a forward reference, with their enclosing
        # records: Java checks those defaults again once the references are resolved
        self._recheck: list[tuple[FieldDef, tuple[Record, ...]]] = []

    # -- entry point -------------------------------------------------------------------------

    def document(self, value: Any) -> Node:
        root = self.parse(value, None, ())
        holder: list[Node] = [root]
        if isinstance(root, Ref):
            self._refs.append((root, holder, 0))
        self._resolve()
        return holder[0]

    # -- one schema --------------------------------------------------------------------------

    def parse(self, value: Any, space: str | None, at: Pointer) -> Node:
        if isinstance(value, str):
            return self._find(value, space, at)
        if len(at) > MAX_DEPTH:
            raise self._problem(f"schema is nested more than {MAX_DEPTH} levels deep",
                                at, kind=SchemaErrorKind.LIMIT)
        if isinstance(value, dict):
            self._count(value)
            kind = value.get("type")
            if not isinstance(kind, str):
                raise self._problem(
                    'a schema object needs "type" as a string ('
                    + _KINDS_WORD + ")"
                    + ("" if "type" not in value else
                       f", not {_json_kind(kind)}; a union is written as the array itself, "
                       'a nested type as the value of a field\'s "type"'),
                    (*at, "type") if "type" in value else at)
            if kind in PRIMITIVES:
                node = Node(kind, self.file, at)
                self._props(node, value, _SCHEMA_RESERVED, at)
                return node
            if kind in ("record", "error"):
                return self._record(value, space, at, kind == "error")
            if kind == "enum":
                return self._enum(value, space, at)
            if kind == "array":
                return self._array(value, space, at)
            if kind == "map":
                return self._map(value, space, at)
            if kind == "fixed":
                return self._fixed(value, space, at)
            hint = ""
            if self._lookup(kind, space) is not None:
                hint = (f"; {kind!r} is a named type: refer to it by name, as the string "
                        f'"{kind}", not as {{"type": "{kind}"}}')
            raise self._problem(f"unknown type {kind!r}: \"type\" must be {_KINDS_WORD}{hint}",
                                (*at, "type"))
        if isinstance(value, list):
            return self._union(value, space, at)
        raise self._problem(
            f"a schema must be a type name (a JSON string), an object or a union (an array), "
            f"not {_json_kind(value)}", at)

    def _find(self, name: str, space: str | None, at: Pointer) -> Node:
        if name in PRIMITIVES:
            return Node(name, self.file, at)
        found = self._lookup(name, space)
        if found is not None:
            origin = self.names.origin.get(found.full, self.file)
            if origin != self.file:
                self.names.used.setdefault(self.file, set()).add(origin)
            return found
        full = f"{space}.{name}" if space is not None and "." not in name else name
        return Ref("ref", self.file, at, target=full)

    def _lookup(self, name: str, space: str | None) -> Named | None:
        full = f"{space}.{name}" if space is not None and "." not in name else name
        table = self.names.table
        return table.get(full) or table.get(name)

    # -- named types -------------------------------------------------------------------------

    def _name(self, value: dict[str, Any], space: str | None, at: Pointer
              ) -> tuple[str, str | None]:
        raw = value.get("name")
        if not isinstance(raw, str):
            raise self._problem('a named type needs "name" as a string'
                                + ("" if "name" not in value else f", not {_json_kind(raw)}"),
                                (*at, "name") if "name" in value else at)
        given_space = value.get("namespace")
        if "namespace" in value and given_space is not None and not isinstance(given_space, str):
            self._note("ignored", f'"namespace" is {_json_kind(given_space)}, not a string: Avro '
                       "ignores it and the type takes the enclosing namespace", (*at, "namespace"))
        if isinstance(given_space, str):
            space = given_space
        dot = raw.rfind(".")
        simple = raw if dot < 0 else raw[dot + 1:]
        if dot >= 0:
            space = raw[:dot]
        problem = java_name_problem(simple)
        if problem is not None:
            raise self._problem(f"invalid name {raw!r}: {problem}", (*at, "name"))
        if space == "":
            space = None
        full = simple if space is None else f"{space}.{simple}"
        if full in PRIMITIVES:
            raise self._problem(f"a named type may not be called {full!r}: that is a primitive "
                                "type's name (give it a namespace or another name)",
                                (*at, "name"))
        if space is not None:
            part_problem = _namespace_problem(space)
            if part_problem is not None:
                key = "namespace" if dot < 0 and "namespace" in value else "name"
                raise self._problem(f"invalid namespace {space!r}: {part_problem}", (*at, key))
        if not (portable_name(simple) and (space is None or _portable_space(space))):
            self._note("name", f"name {full!r} is not portable: the Avro specification "
                       "allows only [A-Za-z_][A-Za-z0-9_]* (Java accepts other letters, "
                       "other libraries reject them)", (*at, "name"))
        return simple, space

    def _aliases(self, value: dict[str, Any], at: Pointer) -> list[str]:
        if "aliases" not in value:
            return []
        raw = value["aliases"]
        if not isinstance(raw, list):
            raise self._problem(f'"aliases" must be an array of strings, not {_json_kind(raw)}',
                                (*at, "aliases"))
        out: list[str] = []
        for i, alias in enumerate(raw):
            if not isinstance(alias, str):
                raise self._problem(f"an alias must be a string, not {_json_kind(alias)}",
                                    (*at, "aliases", i))
            if alias not in out:
                out.append(alias)
        return out

    def _named_aliases(self, value: dict[str, Any], space: str | None, at: Pointer
                       ) -> tuple[tuple[str, str | None], ...]:
        out: list[tuple[str, str | None]] = []
        for i, alias in enumerate(self._aliases(value, at)):
            dot = alias.rfind(".")
            simple = alias if dot < 0 else alias[dot + 1:]
            alias_space = space if dot < 0 else alias[:dot]
            problem = java_name_problem(simple)
            if problem is not None:
                raise self._problem(f"invalid alias {alias!r}: {problem}", (*at, "aliases", i))
            if alias_space == "":
                alias_space = None
            if (simple, alias_space) not in out:
                out.append((simple, alias_space))
        return tuple(out)

    def _define(self, node: Named, at: Pointer) -> None:
        full = node.full
        table = self.names.table
        known = table.get(full)
        if known is None:
            table[full] = node
            self.names.origin[full] = self.file
            return
        if not same_type(known, node, set()):
            where = ("" if self.names.origin.get(full) == self.file
                     else " (it is already defined in another file of this version)")
            raise self._problem(f"{full!r} is defined twice, differently{where}: a name "
                                "defines one type; rename one or refer to the first by name",
                                (*at, "name"), kind=SchemaErrorKind.INVALID)

    def _record(self, value: dict[str, Any], space: str | None, at: Pointer,
                error: bool) -> Record:
        name, own_space = self._name(value, space, at)
        doc = value.get("doc") if isinstance(value.get("doc"), str) else None
        node = Record("record", self.file, at, name=name, space=own_space, doc=doc, error=error)
        raw_fields = value.get("fields")
        if not isinstance(raw_fields, list):
            raise self._problem('a record needs "fields", an array of field objects'
                                + ("" if "fields" not in value
                                   else f", not {_json_kind(raw_fields)}"),
                                (*at, "fields") if "fields" in value else at)
        self._enclosing.append(node)
        for i, raw in enumerate(raw_fields):
            refs_before = len(self._refs)
            f = self._field(raw, own_space, (*at, "fields", i))
            if f.has_default and len(self._refs) > refs_before:
                self._recheck.append((f, tuple(self._enclosing)))
            if f.name in node.by_name:
                raise self._problem(f"duplicate field {f.name!r} in record {node.full}",
                                    (*at, "fields", i, "name"))
            node.by_name[f.name] = f
            node.fields.append(f)
        self._enclosing.pop()
        self._props(node, value, _SCHEMA_RESERVED, at)
        node.aliases = self._named_aliases(value, own_space, at)
        self._define(node, at)
        return node

    def _field(self, raw: Any, space: str | None, at: Pointer) -> FieldDef:
        if type(raw) is not dict:
            raise self._problem(f"a field must be an object with \"name\" and \"type\", not "
                                f"{_json_kind(raw)}", at)
        self.keys += len(raw)
        plain = raw.keys() <= _FIELD_PLAIN  # the everyday field: nothing unusual to look at
        if not plain:
            for key, inner in raw.items():
                if key != "type" and type(inner) in (dict, list):
                    self.keys += nested_keys(inner)
        given_name = raw.get("name")
        if type(given_name) is not str or _ASCII_NAME.fullmatch(given_name) is None:
            self._field_name(raw, given_name, at)
        name = str(given_name)  # a str: _field_name raised otherwise
        if "type" not in raw:
            raise self._problem(f'field {name!r} has no "type"', at)
        node = self.parse(raw["type"], space, (*at, "type"))
        order = "ascending"
        default = MISSING
        doc = None
        aliases: tuple[str, ...] = ()
        if not plain or len(raw) > 2:
            if "order" in raw:
                given = raw["order"]
                if not isinstance(given, str) or given.upper() not in _ORDERS:
                    raise self._problem(f'"order" must be "ascending", "descending" or '
                                        f'"ignore", not {given!r}', (*at, "order"))
                order = given.lower()
            if "default" in raw:
                default = self._check_default(name, node, raw["default"], (*at, "default"))
            if "logicalType" in raw and node.logical is None:
                self._note("ignored", f'"logicalType" on field {name!r} is ignored (as Java '
                           'warns): it belongs inside the field\'s "type"',
                           (*at, "logicalType"), key=True)
            given_doc = raw.get("doc")
            doc = given_doc if isinstance(given_doc, str) else None
            if "aliases" in raw:
                aliases = tuple(self._aliases(raw, at))
            if not plain:
                self._typos(raw, _FIELD_RESERVED, at)
        f = FieldDef(name, node, at, default, aliases, order, doc)
        if type(node) is Ref:
            self._refs.append((node, f, "type"))
        return f

    def _field_name(self, raw: dict[str, Any], name: Any, at: Pointer) -> None:
        """A field name that is not a plain ASCII name: an error, or a note (Java accepts
        other Unicode letters)."""
        if not isinstance(name, str):
            raise self._problem('a field needs "name" as a string'
                                + ("" if "name" not in raw else f", not {_json_kind(name)}"),
                                (*at, "name") if "name" in raw else at)
        problem = java_name_problem(name)
        if problem is not None:
            raise self._problem(f"invalid field name {name!r}: {problem}", (*at, "name"))
        self._note("name", f"field name {name!r} is not portable: the Avro specification "
                   "allows only [A-Za-z_][A-Za-z0-9_]*", (*at, "name"))

    def _check_default(self, name: str, node: Node, default: Any, at: Pointer) -> Any:
        if node.kind in ("float", "double") and isinstance(default, str):
            number = _java_double(default)
            if number is None:
                raise self._problem(f"default of field {name!r} is {default!r}, which is not a "
                                    f"number ({node.kind} defaults may be numbers or numeric "
                                    "strings such as \"NaN\")", at)
            default = number
        if not self.validate_defaults:
            return default
        if not valid_default(node, default):
            if isinstance(node, Ref) or (isinstance(node, Union) and any(
                    isinstance(b, Ref) for b in node.branches)):
                raise self._problem(
                    f"default of field {name!r} is {_show(default)}, but its type is defined "
                    "further down the file, and Avro's Java parser checks such a default as "
                    "if the type were a record (a JSON object); define the type before this "
                    "field, or drop the default", at)
            raise self._problem(f"default of field {name!r} is {_show(default)}, not a valid "
                                f"{_describe(node)}", at)
        if isinstance(node, Union) and node.branches:
            branch = union_default_branch(node, default)
            if branch:
                self._note("union-default", f"default of field {name!r} matches union branch "
                           f"{branch} ({_describe(node.branches[branch])}), not the first: "
                           "Avro 1.12 accepts this, older readers take a union's default as its "
                           "first branch", at)
        else:
            note = default_notes(node, default)
            if note is not None:
                self._note("default", f"field {name!r}: {note}", at)
        return default

    def _enum(self, value: dict[str, Any], space: str | None, at: Pointer) -> Enum:
        name, own_space = self._name(value, space, at)
        raw = value.get("symbols")
        if not isinstance(raw, list):
            raise self._problem('an enum needs "symbols", an array of names'
                                + ("" if "symbols" not in value else f", not {_json_kind(raw)}"),
                                (*at, "symbols") if "symbols" in value else at)
        symbols: list[str] = []
        seen: set[str] = set()
        for i, symbol in enumerate(raw):
            problem = java_name_problem(symbol)
            if problem is not None:
                raise self._problem(f"invalid enum symbol {_show(symbol)}: {problem}",
                                    (*at, "symbols", i))
            if symbol in seen:
                raise self._problem(f"duplicate enum symbol {symbol!r}", (*at, "symbols", i))
            seen.add(symbol)
            symbols.append(symbol)
        default: str | None = None
        if "default" in value:
            given = value["default"]
            if isinstance(given, str):
                if given not in seen:
                    raise self._problem(f"enum default {given!r} is not one of the symbols "
                                        f"{symbols}", (*at, "default"))
                default = given
            elif given is not None:
                self._note("ignored", f"enum default is {_json_kind(given)}, not a symbol: Avro "
                           "ignores it", (*at, "default"))
        doc = value.get("doc") if isinstance(value.get("doc"), str) else None
        node = Enum("enum", self.file, at, name=name, space=own_space, doc=doc,
                    symbols=tuple(symbols), default=default)
        self._props(node, value, _ENUM_RESERVED, at)
        node.aliases = self._named_aliases(value, own_space, at)
        self._define(node, at)
        return node

    def _fixed(self, value: dict[str, Any], space: str | None, at: Pointer) -> Fixed:
        name, own_space = self._name(value, space, at)
        size = value.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or not (
                -(2**31) <= size < 2**31):
            raise self._problem('a fixed type needs "size", a whole number of bytes'
                                + ("" if "size" not in value else f", not {_show(size)}"),
                                (*at, "size") if "size" in value else at)
        if size < 0 or size > 2**31 - 9:
            raise self._problem(f"fixed size {size} is out of range (0 to {2**31 - 9})",
                                (*at, "size"))
        doc = value.get("doc") if isinstance(value.get("doc"), str) else None
        node = Fixed("fixed", self.file, at, name=name, space=own_space, doc=doc, size=size)
        self._props(node, value, _SCHEMA_RESERVED, at)
        node.aliases = self._named_aliases(value, own_space, at)
        self._define(node, at)
        return node

    # -- unnamed containers ------------------------------------------------------------------

    def _array(self, value: dict[str, Any], space: str | None, at: Pointer) -> Array:
        if "items" not in value:
            raise self._problem('an array needs "items", the type of its elements', at)
        items = self.parse(value["items"], space, (*at, "items"))
        node = Array("array", self.file, at, items=items)
        if isinstance(items, Ref):
            self._refs.append((items, node, "items"))
        self._props(node, value, _SCHEMA_RESERVED, at)
        return node

    def _map(self, value: dict[str, Any], space: str | None, at: Pointer) -> Map:
        if "values" not in value:
            raise self._problem('a map needs "values", the type of its values', at)
        values = self.parse(value["values"], space, (*at, "values"))
        node = Map("map", self.file, at, values=values)
        if isinstance(values, Ref):
            self._refs.append((values, node, "values"))
        self._props(node, value, _SCHEMA_RESERVED, at)
        return node

    def _union(self, value: list[Any], space: str | None, at: Pointer) -> Union:
        node = Union("union", self.file, at)
        if not value:
            self._note("empty-union", "an empty union: no value can be written with it", at)
        has_ref = False
        for i, raw in enumerate(value):
            branch = self.parse(raw, space, (*at, i))
            if isinstance(branch, Union):
                raise self._problem("a union may not contain a union directly", (*at, i))
            if isinstance(branch, Ref):
                has_ref = True
                self._refs.append((branch, node.branches, i))
            node.branches.append(branch)
        if has_ref:
            self._unions_with_refs.append(node)
        else:
            _check_union(node, self.file)
        return node

    # -- attributes --------------------------------------------------------------------------

    def _count(self, value: dict[str, Any]) -> None:
        self.keys += len(value)
        for key, inner in value.items():
            if key not in _DESCENDED and type(inner) in (dict, list):
                self.keys += nested_keys(inner)

    def _props(self, node: Node, value: dict[str, Any], reserved: frozenset[str],
               at: Pointer) -> None:
        logical = value.get("logicalType")
        if isinstance(logical, str):
            node.logical = logical
        self._typos(value, reserved, at)

    def _typos(self, value: dict[str, Any], reserved: frozenset[str], at: Pointer) -> None:
        for key in value:
            if key in reserved or key in _KNOWN_PROPS or len(key) < 4:
                continue
            close = difflib.get_close_matches(key, sorted(reserved), n=1, cutoff=0.8)
            if close:
                self._note("ignored", f"attribute {key!r} is not an Avro attribute and is kept "
                           f"as a custom property; did you mean {close[0]!r}?", (*at, key),
                           key=True)

    # -- forward references ------------------------------------------------------------------

    def _resolve(self) -> None:
        for ref, holder, slot in self._refs:
            found = self.names.table.get(ref.target)
            if found is None:
                raise self._problem(
                    f"unknown type {ref.target!r}: no type of that name is defined in this "
                    "schema or, before it, in its references", ref.at,
                    kind=SchemaErrorKind.REFERENCE_UNRESOLVED, name=ref.target)
            origin = self.names.origin.get(found.full, self.file)
            if origin != self.file:
                self.names.used.setdefault(self.file, set()).add(origin)
            if isinstance(holder, list):
                holder[slot] = found
            else:
                setattr(holder, slot, found)
        for union in self._unions_with_refs:
            _check_union(union, self.file)
        if self.validate_defaults:
            for f, enclosing in self._recheck:
                self._recheck_default(f, enclosing)

    def _recheck_default(self, f: FieldDef, enclosing: tuple[Record, ...]) -> None:
        at = (*f.at, "default")
        try:
            ok = valid_default(f.type, f.default, frozenset(id(r) for r in enclosing))
        except FieldsNotSet as exc:
            raise self._problem(
                f"default of field {f.name!r} holds a value of record {exc.record.full}, which "
                "encloses the field: Avro's Java parser cannot check it and refuses the schema "
                '("Schema fields not set yet"); drop the default or make it null', at) from None
        if not ok:
            raise self._problem(f"default of field {f.name!r} is {_show(f.default)}, not a valid "
                                f"{_describe(f.type)}", at)

    # -- helpers -----------------------------------------------------------------------------

    def _problem(self, message: str, at: Pointer, *, key: bool = False,
                 kind: SchemaErrorKind = SchemaErrorKind.INVALID, name: str = ""
                 ) -> ParseProblem:
        return ParseProblem(message, self.file, at, key=key, kind=kind, name=name)

    def _note(self, kind: str, message: str, at: Pointer, *, key: bool = False) -> None:
        self.notes.append(Note(kind, message, self.file, at, key))


@functools.lru_cache(maxsize=4096)
def _namespace_problem(space: str) -> str | None:
    """Java's check of each namespace part (``ParseContext.requireValidFullName``)."""
    for part in space.split("."):
        problem = java_name_problem(part)
        if problem is not None:
            return f"part {part!r}: {problem}"
    return None


@functools.lru_cache(maxsize=4096)
def _portable_space(space: str) -> bool:
    return all(portable_name(part) for part in space.split("."))


def _check_union(node: Union, file: int) -> None:
    seen: dict[str, int] = {}
    for i, branch in enumerate(node.branches):
        key = union_key(branch)
        if key in seen:
            what = f"the type {key!r}" if not isinstance(branch, Named) else f"{key!r}"
            raise ParseProblem(f"a union may hold {what} only once (branches {seen[key]} and "
                               f"{i}); two arrays or two maps count as the same type",
                               file, (*node.at, i))
        seen[key] = i


def same_type(a: Node, b: Node, seen: set[tuple[int, int]]) -> bool:
    """Java's ``Schema.equals``: name, kind, symbols/size/fields and custom properties;
    documentation and aliases do not count."""
    if a is b:
        return True
    if a.kind != b.kind or a.logical != b.logical:
        return False
    pair = (id(a), id(b))
    if pair in seen:
        return True
    seen.add(pair)
    if isinstance(a, Named) and isinstance(b, Named) and a.full != b.full:
        return False
    if isinstance(a, Enum) and isinstance(b, Enum):
        return a.symbols == b.symbols
    if isinstance(a, Fixed) and isinstance(b, Fixed):
        return a.size == b.size
    if isinstance(a, Record) and isinstance(b, Record):
        return len(a.fields) == len(b.fields) and all(
            x.name == y.name and x.order == y.order and _same_default(x.default, y.default)
            and same_type(x.type, y.type, seen) for x, y in zip(a.fields, b.fields, strict=True))
    if isinstance(a, Array) and isinstance(b, Array):
        assert a.items is not None and b.items is not None
        return same_type(a.items, b.items, seen)
    if isinstance(a, Map) and isinstance(b, Map):
        assert a.values is not None and b.values is not None
        return same_type(a.values, b.values, seen)
    if isinstance(a, Union) and isinstance(b, Union):
        return len(a.branches) == len(b.branches) and all(
            same_type(x, y, seen) for x, y in zip(a.branches, b.branches, strict=True))
    if isinstance(a, Ref) and isinstance(b, Ref):
        return a.target == b.target
    return not isinstance(a, (Named, Array, Map, Union, Ref))


def _same_default(x: Any, y: Any) -> bool:
    if x is MISSING or y is MISSING:
        return x is y
    return bool(x == y) and type(x) is type(y)


def _java_double(text: str) -> float | None:
    """``Double.parseDouble``: leading/trailing white space, NaN, [+-]Infinity, a trailing
    f/F/d/D, hexadecimal floating point."""
    s = text.strip()
    if s.endswith(("f", "F", "d", "D")) and not s.endswith(("Infinity",)):
        s = s[:-1]
    if s in ("NaN", "+NaN", "-NaN"):
        return float("nan")
    if s in ("Infinity", "+Infinity"):
        return float("inf")
    if s == "-Infinity":
        return float("-inf")
    if not s or "_" in s or any(c.isalpha() and c not in "eExXpPabcdefABCDEF" for c in s):
        return None
    try:
        if "x" in s.lower():
            return float.fromhex(s)
        return float(s)
    except ValueError:
        return None


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _show(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(node: Node) -> str:
    if isinstance(node, Union):
        return "value of any branch of the union [" + ", ".join(
            _describe(b) for b in node.branches[:6]) + (", ..." if len(node.branches) > 6
                                                        else "") + "]"
    if isinstance(node, Named):
        return f"{node.kind} {node.full}"
    if isinstance(node, Array):
        return "array"
    if isinstance(node, Map):
        return "map"
    if isinstance(node, Ref):
        return f"{node.target} (an object: the type is defined later)"
    return node.kind


__all__ = ["NAMED", "DocumentParser", "Names", "Note", "ParseProblem", "same_type"]
