"""Turn a JSON Schema document into typed nodes, the way Confluent's loaders see it.

Confluent compares schemas after loading them into one class per kind of schema (string,
number, object, array, combined, enum, const, not, ...). Which class a schema becomes decides
which change kinds can be reported, so this module reproduces that classification:

* drafts 4, 6 and 7 (and schemas without ``$schema``, as in Confluent, which defaults to
  draft 7): ``$ref`` wins over its siblings; ``type`` picks the class; keywords of other types
  are "sniffed" into extra classes; several classes form a synthetic ``allOf``;
* drafts 2019-09 and 2020-12: every keyword contributes on its own and compatible parts merge;
  ``prefixItems``/``items``, ``dependentRequired``/``dependentSchemas`` and
  ``unevaluated*`` are mapped onto the same fields.

Nodes reached through the same ``$ref`` target are the same object, so recursion in the diff
can be detected by identity.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evtctl.compat.jsonschema.dialects import dialect_of
from evtctl.compat.jsonschema.refs import (
    References,
    UnresolvableRef,
    id_keyword,
    pointer,
    scope_of,
)

__all__ = ["Loader", "Node", "UnresolvableRef", "canonical", "deref", "pointer"]

MODERN_DRAFTS = ("2019-09", "2020-12")

ARRAY_KEYWORDS = ("items", "additionalItems", "maxItems", "minItems", "uniqueItems", "contains")
OBJECT_KEYWORDS = (
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependencies",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
)
NUMBER_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
STRING_KEYWORDS = ("minLength", "maxLength", "pattern", "format")
MODERN_ARRAY_KEYWORDS = (
    "items",
    "prefixItems",
    "additionalItems",
    "maxItems",
    "minItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
)
MODERN_OBJECT_KEYWORDS = (
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "unevaluatedProperties",
)
MODERN_STRING_KEYWORDS = ("minLength", "maxLength", "pattern")


def canonical(value: Any) -> str:
    """A canonical text for a JSON value: key order ignored, 1 and 1.0 equal."""
    return json.dumps(_norm_numbers(value), sort_keys=True, separators=(",", ":"))


def _norm_numbers(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _norm_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm_numbers(v) for v in value]
    return value


@dataclass(eq=False)
class Node:
    """One loaded schema. ``kind`` plays the role of the Java class."""

    # empty true false string number boolean null object array combined enum const not
    # conditional ref
    kind: str
    raw: Any = None
    title: Any = None
    description: Any = None
    id: Any = None
    has_default: bool = False
    default: Any = None
    connect_type: Any = None
    # string
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    # number
    integer: bool = False
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    exclusive_minimum_flag: bool = False  # draft 4 boolean form
    exclusive_maximum_flag: bool = False
    multiple_of: Any = None
    # object
    properties: dict[str, Node] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    permits_additional: bool = True
    additional: Node | None = None
    pattern_properties: list[tuple[str, Node]] = field(default_factory=list)
    property_dependencies: dict[str, frozenset[str]] = field(default_factory=dict)
    schema_dependencies: dict[str, Node] = field(default_factory=dict)
    min_properties: int | None = None
    max_properties: int | None = None
    unevaluated: Node | None = None
    # array
    all_items: Node | None = None
    item_schemas: list[Node] | None = None
    unique_items: bool = False
    min_items: int | None = None
    max_items: int | None = None
    min_contains: int | None = None
    max_contains: int | None = None
    # combined / enum / const / not / ref
    criterion: str = ""
    subschemas: list[Node] = field(default_factory=list)
    values: frozenset[str] = frozenset()
    const: str = ""
    negated: Node | None = None
    target: Callable[[], Node] | None = None
    # Built from a subtree without $ref or "not" (see Loader._shared_key): such a node is
    # shared between every schema of the same draft that holds an equal subtree, and a
    # node compared with itself then has no changes.
    inert: bool = False
    _key: str | None = field(default=None, repr=False)
    _unique: list[Node] | None = field(default=None, repr=False)  # see diff.unique_of
    _deref: Node | None = field(default=None, repr=False)  # see deref
    # Where ``raw`` sits: its base URI and document (example events follow its references).
    base: str = field(default="", repr=False)
    doc: Any = field(default=None, repr=False)

    @property
    def key(self) -> str:
        """Structural identity used to collapse duplicate subschemas of a combined schema."""
        if self._key is None:
            self._key = canonical(self.raw)
        return self._key


def _draft_of(root: Any) -> str:
    """The dialect Schema Registry reads a document in (see :mod:`.dialects`)."""
    return dialect_of(root).name


class Loader:
    """Loads the documents of one schema version into nodes, resolving ``$ref`` lazily."""

    def __init__(self, resolve: References | None = None, draft: str | None = None) -> None:
        self._resolve = resolve
        self._draft = draft
        self._cache: dict[tuple[int, str], Node] = {}
        self._keep: list[Any] = []
        self._id_key = "$id"

    def load(self, root: Any, base_uri: str = "") -> Node:
        if self._draft is None:
            self._draft = _draft_of(root)
        self._id_key = id_keyword(self._draft)
        self._root = root
        self._base = base_uri
        # The document a node is read from: its URI when references are resolved, else the
        # root itself (fragment-only pointers into it).
        return self._node(root, base_uri, base_uri if self._resolve is not None else root)

    @property
    def modern(self) -> bool:
        return self._draft in MODERN_DRAFTS

    # -- dispatch ---------------------------------------------------------------------------
    def _node(self, raw: Any, base: str, doc: Any) -> Node:
        if self._resolve is not None and type(raw) is dict:
            base = scope_of(raw, base, self._id_key, not self.modern)
        key = (id(raw), base)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        self._keep.append(raw)
        # A document's root is seldom repeated elsewhere: not worth the key.
        shared_key = (
            _shared_key(raw, self._draft)
            if isinstance(raw, dict) and raw is not self._root
            else None
        )
        if shared_key is not None:
            node = _SHARED.get(shared_key)
            if node is None:
                node = self._build(raw, base, doc)
                node.inert = True
                if len(_SHARED) >= _SHARED_LIMIT:
                    _SHARED.clear()
                _SHARED[shared_key] = node
        else:
            node = self._build(raw, base, doc)
            node.base, node.doc = base, doc
        self._cache[key] = node
        return node

    def _build(self, raw: Any, base: str, doc: Any) -> Node:
        if raw is True:
            return Node("true", raw=True)
        if raw is False:
            return Node("false", raw=False)
        if not isinstance(raw, dict):
            return Node("empty", raw=raw)
        parts = self._parts(raw, base, doc)
        if not parts:
            node = Node("empty", raw=raw)
        elif len(parts) == 1:
            node = parts[0]
            node.raw = raw
        else:
            node = Node("combined", raw=raw, criterion="allOf", subschemas=parts)
        self._common(node, raw)
        return node

    def _common(self, node: Node, raw: dict[str, Any]) -> None:
        if not self.modern and "$ref" not in raw:
            id_key = "id" if self._draft == "draft4" else "$id"
            node.id = raw.get(id_key) if isinstance(raw.get(id_key), str) else None
        if "$ref" in raw and not self.modern:
            return
        node.title = raw.get("title")
        node.description = raw.get("description")
        if "default" in raw:
            node.has_default, node.default = True, canonical(raw["default"])
        node.connect_type = raw.get("connect.type")

    def _parts(self, raw: dict[str, Any], base: str, doc: Any) -> list[Node]:
        if "$ref" in raw and isinstance(raw["$ref"], str) and not self.modern:
            return [self._ref(raw["$ref"], base, doc)]
        parts: list[Node] = []
        if isinstance(raw.get("enum"), list):
            parts.append(
                Node(
                    "enum",
                    raw={"enum": raw["enum"]},
                    values=frozenset(canonical(v) for v in raw["enum"]),
                )
            )
        combined = [c for c in ("allOf", "anyOf", "oneOf") if isinstance(raw.get(c), list)]
        for crit in combined:
            subs = [self._node(s, base, doc) for s in raw[crit]]
            parts.append(Node("combined", raw={crit: raw[crit]}, criterion=crit, subschemas=subs))
        if "not" in raw:
            parts.append(
                Node("not", raw={"not": raw["not"]}, negated=self._node(raw["not"], base, doc))
            )
        if "const" in raw and self._draft != "draft4":
            parts.append(Node("const", raw={"const": raw["const"]}, const=canonical(raw["const"])))
        if "$ref" in raw and isinstance(raw["$ref"], str):
            parts.append(self._ref(raw["$ref"], base, doc))
        # 2020-12's $dynamicRef and 2019-09's $recursiveRef name a schema as $ref does, and
        # combine with their siblings the same way (see evtctl.compat.jsonschema.refs).
        if isinstance(raw.get("$dynamicRef"), str) and self._draft == "2020-12":
            parts.append(self._ref(raw["$dynamicRef"], base, doc, "dynamic"))
        if isinstance(raw.get("$recursiveRef"), str) and self._draft == "2019-09":
            parts.append(self._ref(raw["$recursiveRef"], base, doc, "recursive"))
        parts.extend(self._typed(raw, base, doc))
        return parts

    def _typed(self, raw: dict[str, Any], base: str, doc: Any) -> list[Node]:
        typ = raw.get("type")
        parts: list[Node] = []
        consumed: set[str] = set()
        if isinstance(typ, str):
            parts.append(self._explicit(typ, raw, base, doc, consumed))
        elif isinstance(typ, list):
            subs = [self._explicit(t, raw, base, doc, consumed) for t in typ if isinstance(t, str)]
            parts.append(Node("combined", raw={"type": typ}, criterion="anyOf", subschemas=subs))
        rest = {k: v for k, v in raw.items() if k not in consumed}
        array_kw, object_kw, string_kw = (
            (MODERN_ARRAY_KEYWORDS, MODERN_OBJECT_KEYWORDS, MODERN_STRING_KEYWORDS)
            if self.modern
            else (ARRAY_KEYWORDS, OBJECT_KEYWORDS, STRING_KEYWORDS)
        )
        if self.modern and rest.get("properties") == {}:
            del rest["properties"]
        sniffed: list[tuple[tuple[str, ...], Callable[[], Node]]] = [
            (array_kw, lambda: self._array(rest, base, doc)),
            (object_kw, lambda: self._object(rest, base, doc)),
            (NUMBER_KEYWORDS, lambda: self._number(rest, integer=False)),
            (string_kw, lambda: self._string(rest)),
        ]
        for keywords, build in sniffed:
            if any(k in rest for k in keywords):
                node = build()
                node.raw = _project(rest, keywords)
                parts.append(node)
        if (
            self._draft != "draft4"
            and self._draft != "draft6"
            and any(k in rest for k in ("if", "then", "else"))
        ):
            parts.append(Node("conditional", raw={k: rest.get(k) for k in ("if", "then", "else")}))
        return parts

    def _explicit(
        self, typ: str, raw: dict[str, Any], base: str, doc: Any, consumed: set[str]
    ) -> Node:
        keywords: tuple[str, ...] = ()
        if typ == "string":
            keywords = MODERN_STRING_KEYWORDS if self.modern else STRING_KEYWORDS
            node = self._string(raw)
        elif typ in ("number", "integer"):
            keywords = NUMBER_KEYWORDS
            node = self._number(raw, integer=typ == "integer")
        elif typ == "array":
            keywords = MODERN_ARRAY_KEYWORDS if self.modern else ARRAY_KEYWORDS
            node = self._array(raw, base, doc)
        elif typ == "object":
            keywords = MODERN_OBJECT_KEYWORDS if self.modern else OBJECT_KEYWORDS
            node = self._object(raw, base, doc)
        else:
            node = Node(typ if typ in ("boolean", "null") else "empty")
        consumed.update(keywords)
        node.raw = _project(raw, keywords, type=typ)
        return node

    # -- typed builders -----------------------------------------------------------------------
    def _string(self, raw: dict[str, Any]) -> Node:
        pattern = raw.get("pattern")
        return Node(
            "string",
            raw=raw,
            min_length=_int(raw.get("minLength")),
            max_length=_int(raw.get("maxLength")),
            pattern=pattern if isinstance(pattern, str) else None,
        )

    def _number(self, raw: dict[str, Any], *, integer: bool) -> Node:
        node = Node(
            "number",
            raw=raw,
            integer=integer,
            minimum=_num(raw.get("minimum")),
            maximum=_num(raw.get("maximum")),
            multiple_of=_num(raw.get("multipleOf")),
        )
        for side in ("Minimum", "Maximum"):
            value = raw.get(f"exclusive{side}")
            attr = f"exclusive_{side.lower()}"
            if isinstance(value, bool):
                setattr(node, attr + "_flag", value)
            else:
                setattr(node, attr, _num(value))
        return node

    def _object(self, raw: dict[str, Any], base: str, doc: Any) -> Node:
        node = Node("object", raw=raw)
        props = raw.get("properties")
        if isinstance(props, dict):
            node.properties = {k: self._node(v, base, doc) for k, v in props.items()}
        req = raw.get("required")
        if isinstance(req, list):
            node.required = [r for r in req if isinstance(r, str)]
        node.min_properties = _int(raw.get("minProperties"))
        node.max_properties = _int(raw.get("maxProperties"))
        addl = raw.get("additionalProperties")
        if addl is False:
            node.permits_additional = False
        elif isinstance(addl, dict):
            node.additional = self._node(addl, base, doc)
        pats = raw.get("patternProperties")
        if isinstance(pats, dict):
            node.pattern_properties = [(p, self._node(s, base, doc)) for p, s in pats.items()]
        deps: dict[str, Any] = {}
        if isinstance(raw.get("dependencies"), dict):
            deps.update(raw["dependencies"])
        if self.modern:
            if isinstance(raw.get("dependentRequired"), dict):
                deps.update(raw["dependentRequired"])
            if isinstance(raw.get("dependentSchemas"), dict):
                deps.update(raw["dependentSchemas"])
        for name, dep in deps.items():
            if isinstance(dep, list):
                node.property_dependencies[name] = frozenset(d for d in dep if isinstance(d, str))
            elif isinstance(dep, (dict, bool)):
                node.schema_dependencies[name] = self._node(dep, base, doc)
        if self.modern and "unevaluatedProperties" in raw:
            node.unevaluated = self._node(raw["unevaluatedProperties"], base, doc)
        return node

    def _array(self, raw: dict[str, Any], base: str, doc: Any) -> Node:
        node = Node("array", raw=raw)
        items = raw.get("items")
        prefix = raw.get("prefixItems") if self.modern else None
        if isinstance(prefix, list):
            node.item_schemas = [self._node(s, base, doc) for s in prefix]
            self._additional_items(node, items, base, doc)
        elif isinstance(items, list):
            node.item_schemas = [self._node(s, base, doc) for s in items]
            self._additional_items(node, raw.get("additionalItems"), base, doc)
        else:
            if self.modern:
                if items is False:
                    node.permits_additional = False
                elif isinstance(items, dict):
                    node.all_items = self._node(items, base, doc)
            elif items is not None:
                node.all_items = self._node(items, base, doc)
            if not self.modern:
                self._additional_items(node, raw.get("additionalItems"), base, doc)
        node.min_items = _int(raw.get("minItems"))
        node.max_items = _int(raw.get("maxItems"))
        node.unique_items = raw.get("uniqueItems") is True
        node.min_contains = _int(raw.get("minContains"))
        node.max_contains = _int(raw.get("maxContains"))
        if self.modern and "contains" in raw and node.min_contains is None:
            node.min_contains = 1  # the 2019-09+ default, made explicit by Confluent's loader
        if self.modern and "unevaluatedItems" in raw:
            node.unevaluated = self._node(raw["unevaluatedItems"], base, doc)
        return node

    def _additional_items(self, node: Node, value: Any, base: str, doc: Any) -> None:
        if value is False:
            node.permits_additional = False
        elif isinstance(value, dict):
            node.additional = self._node(value, base, doc)

    # -- references -----------------------------------------------------------------------------
    def _ref(self, ref: str, base: str, doc: Any, how: str = "static") -> Node:
        node = Node("ref", raw={"$ref": ref})
        cell: list[Node] = []

        def target() -> Node:
            if not cell:
                cell.append(self._follow(ref, base, doc, how))
            return cell[0]

        node.target = target
        return node

    def _follow(self, ref: str, base: str, doc: Any, how: str) -> Node:
        # An unresolvable reference (a remote document the user allowed but evtctl does not
        # fetch) constrains nothing that evtctl can see: it compares as the empty schema.
        try:
            if self._resolve is not None:
                # ``doc`` is the URI of the document being read.
                if how == "dynamic":
                    raw, new_base, new_doc = self._resolve.locate_dynamic(ref, base, doc)
                elif how == "recursive":
                    raw, new_base, new_doc = self._resolve.locate_recursive(ref, base, doc)
                else:
                    raw, new_base, new_doc = self._resolve.locate(ref, base, doc)
                return self._node(raw, new_base, new_doc)
            if not ref.startswith("#"):
                raise UnresolvableRef(ref)
            return self._node(pointer(doc, ref[1:], ref), base, doc)
        except UnresolvableRef:
            return Node("empty", raw={"$ref": ref})


# Nodes of inert subtrees by (draft, repr text), shared across loads: the versions of a
# contract repeat most of their properties, and so do contracts of one organisation.
_SHARED: dict[tuple[str | None, str], Node] = {}
_SHARED_LIMIT = 100_000
# In repr text: a key (or string) naming a reference or ``not``, or a NaN or infinity as
# repr writes it (a string holding such text only costs the sharing). One scan.
_NOT_INERT = re.compile(r"'(?:\$ref|not|\$recursiveRef|\$dynamicRef)'|[ \[]-?(?:nan|inf)[,\]}]")


def _shared_key(raw: dict[str, Any], draft: str | None) -> tuple[str | None, str] | None:
    """A key for an inert subtree, or None.

    Inert: nothing in it depends on the document around it (no reference of any kind)
    and comparing it with an equal copy yields no change (``not`` always reports one;
    NaN is unequal to itself). The test is textual and conservative: a property *named*
    ``not`` also makes a subtree ineligible, which only costs the sharing.

    The key is ``repr``, half the cost of a sorted JSON encoding: for JSON values (str
    keys; str, int, float, bool, None, list and dict values; what the schema readers
    produce) equal text means equal values of equal types in the same key order.
    """
    text = repr(raw)
    if _NOT_INERT.search(text) is not None:
        return None
    return (draft, text)


def _project(raw: dict[str, Any], keywords: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    """The part of a schema object that one loaded class stands for (its identity)."""
    part = {k: raw[k] for k in keywords if k in raw}
    part.update(extra)
    return part


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def deref(node: Node) -> Node:
    """Follow references until a non-reference node; a reference cycle yields an empty schema.
    The answer is remembered on the reference (targets never change once resolved)."""
    if node.kind != "ref" or node.target is None:
        return node
    if node._deref is not None:
        return node._deref
    start = node
    seen: set[int] = set()
    target: Callable[[], Node] | None = node.target
    while node.kind == "ref" and target is not None:
        if id(node) in seen:
            node = Node("empty", raw={})
            break
        seen.add(id(node))
        node = target()
        target = node.target
    start._deref = node
    return node
