"""Every way a JSON Schema names a subschema, resolved over one version's documents.

A ``$ref`` is joined with the base URI of the schema it sits in (the document's URI, changed
by each enclosing ``$id`` — ``id`` in draft 4), then split into a resource and a fragment:

* the resource is a loaded document, the ``$id`` of a document's root, or a subschema with
  an ``$id`` of its own (an embedded resource);
* the fragment is empty (the resource itself), a JSON pointer evaluated from the resource
  (``#/definitions/Name``), or a plain name: ``$anchor`` and ``$dynamicAnchor`` (2019-09,
  2020-12) or an ``$id`` ending in ``#Name`` (drafts 4-7).

``$dynamicRef`` (2020-12) and ``$recursiveRef`` (2019-09) resolve statically first; when
that target declares the matching dynamic anchor (``$recursiveAnchor: true``), the
outermost schema of the dynamic scope that declares it wins. The outermost scope of any
evaluation is the version's root document, so evtctl looks there (the dynamic scope in
between, entered through other resources, is not tracked: such schemas are rare, and the
static target is then used). Like Schema Registry, a pointer ``#/$defs/X`` that finds
nothing in a document also looks in that document's top-level ``definitions``.

Fast path: a pointer into a loaded document needs no index. The index of embedded
resources and anchors is built on the first reference that needs it (one walk).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

from evtctl.compat.jsonschema.dialects import MODERN, dialect_of
from evtctl.compat.jsonschema.uris import document, split_ref

# Values of these keywords are data, not schemas: nothing inside them is a resource.
NOT_SCHEMAS = frozenset(("enum", "const", "default", "examples"))
# Keywords whose value maps names to schemas: a name there ("enum", "$ref") is not a keyword.
NAME_MAPS = frozenset(("properties", "patternProperties", "definitions", "$defs",
                       "dependentSchemas", "dependencies"))
_INDEX = re.compile(r"0|[1-9][0-9]*")


class UnresolvableRef(Exception):
    """A ``$ref`` that cannot be followed."""


def id_keyword(dialect: str) -> str:
    return "id" if dialect == "draft4" else "$id"


def scope_of(raw: Any, base: str, id_key: str, legacy: bool) -> str:
    """The base URI inside ``raw``: ``base`` changed by its ``$id`` when it has one that
    names a resource (drafts 4-7 ignore every sibling of ``$ref``, ``$id`` included)."""
    if type(raw) is not dict:
        return base
    sid = raw.get(id_key)
    if type(sid) is not str or not sid or sid[0] == "#" or (legacy and "$ref" in raw):
        return base
    return urldefrag(urljoin(base, sid) if base else sid)[0]


# What a reference names: the schema, the base URI it sits in (before its own $id is
# applied, by whoever reads it), and the URI of the document that holds it.
Found = tuple[Any, str, str]


class _Index:
    """Embedded resources, anchors and dynamic anchors of every document (one walk)."""

    def __init__(self, docs: Mapping[str, Found]) -> None:
        # uri -> (schema, base URI before that schema's own $id is applied, its document)
        self.resources: dict[str, Found] = {}
        self.anchors: dict[tuple[str, str], Found] = {}
        self.dynamic: dict[tuple[str, str], Found] = {}
        seen: set[int] = set()
        for doc, parent, doc_uri in docs.values():
            if id(doc) in seen:
                continue  # an alias of a document already walked
            seen.add(id(doc))
            dialect = dialect_of(doc).name
            self._walk(doc, parent, doc_uri, dialect)

    def _walk(self, doc: Any, parent: str, doc_uri: str, dialect: str) -> None:
        id_key = id_keyword(dialect)
        legacy = dialect not in MODERN
        # (value, base before its $id, the resource it belongs to if it has no $id, whether
        # it is a map of names to schemas)
        stack: list[tuple[Any, str, str, bool]] = [(doc, parent, doc_uri, False)]
        while stack:
            item, before, resource, names = stack.pop()
            if type(item) is list:
                stack.extend((v, before, resource, False) for v in item
                             if type(v) in (dict, list))
                continue
            if type(item) is not dict:
                continue
            if names:
                stack.extend((v, before, resource, False) for v in item.values()
                             if type(v) in (dict, list))
                continue
            base = scope_of(item, before, id_key, legacy)
            if base != before:
                resource = base
                self.resources.setdefault(base, (item, before, doc_uri))
            sid = item.get(id_key)
            if legacy and type(sid) is str and "#" in sid and "$ref" not in item:
                target, frag = urldefrag(urljoin(before, sid) if before else sid)
                if frag and not frag.startswith("/"):
                    self.anchors.setdefault((target or resource, frag), (item, before, doc_uri))
            if not legacy:
                for key in ("$anchor", "$dynamicAnchor"):
                    name = item.get(key)
                    if type(name) is str:
                        self.anchors.setdefault((resource, name), (item, before, doc_uri))
                        if key == "$dynamicAnchor":
                            self.dynamic.setdefault((resource, name), (item, before, doc_uri))
            for key, value in item.items():
                if key not in NOT_SCHEMAS and type(value) in (dict, list):
                    stack.append((value, base, resource, key in NAME_MAPS))


class References:
    """Resolves ``$ref``, ``$dynamicRef`` and ``$recursiveRef`` within one version.

    ``documents`` maps each document's URI to its content (aliases allowed); ``root_uri``
    names the version's root document."""

    def __init__(self, documents: Mapping[str, Any], root_uri: str) -> None:
        self._docs: dict[str, Found] = {}
        for uri, doc in documents.items():
            self._docs.setdefault(uri, (doc, uri, uri))
        for uri, doc in documents.items():
            # A document's root $id names the document too.
            dialect = dialect_of(doc).name
            own = scope_of(doc, uri, id_keyword(dialect), dialect not in MODERN)
            if own != uri:
                self._docs.setdefault(own, (doc, uri, uri))
        self.root_uri = root_uri
        self._index: _Index | None = None

    @property
    def index(self) -> _Index:
        if self._index is None:
            self._index = _Index(self._docs)
        return self._index

    def __call__(self, ref: str, base: str) -> tuple[Any, str]:
        return self.resolve(ref, base)

    def resolve(self, ref: str, base: str, doc: str | None = None) -> tuple[Any, str]:
        """(the schema ``ref`` names, the base URI that schema sits in — before its own
        ``$id``, which whoever reads the schema applies). ``doc``: the URI of the document
        the reference is written in."""
        found = self.locate(ref, base, doc)
        return found[0], found[1]

    def locate(self, ref: str, base: str, doc: str | None = None) -> Found:
        """:meth:`resolve`, with the URI of the document that holds the target.

        In drafts 4-7, a fragment-only reference that names nothing where its base URI
        points (an ``$id`` such as ``/properties/x`` moved the base away from every
        definition) is read in the document it is written in, as Schema Registry's
        loader (everit) reads it."""
        try:
            return self._locate(ref, base)
        except UnresolvableRef:
            if doc is None or not ref.startswith("#"):
                raise
            found = self._docs.get(doc)
            if found is None or dialect_of(found[0]).name in MODERN:
                raise
            frag = unquote(ref[1:])
            if frag == "":
                return found
            if frag[0] != "/":
                anchored = self.index.anchors.get((doc, frag))
                if anchored is None:
                    raise
                return anchored
            return self._pointer(found, doc, ref[1:], ref)

    def _locate(self, ref: str, base: str) -> Found:
        uri, frag = split_ref(base, ref)
        if not uri:
            uri = document(base) if base else ""
        found = self._docs.get(uri)
        if found is None:
            found = self.index.resources.get(uri)
        if found is None:
            raise UnresolvableRef(ref)
        if frag == "":
            return found
        if frag[0] == "/":
            return self._pointer(found, uri, frag, ref)
        anchored = self.index.anchors.get((uri, unquote(frag)))
        if anchored is None:
            raise UnresolvableRef(ref)
        return anchored

    def locate_dynamic(self, ref: str, base: str, doc: str | None = None) -> Found:
        """``$dynamicRef``: the static target, or the root's schema with the same dynamic
        anchor when the static target declares it."""
        found = self.locate(ref, base, doc)
        name = unquote(urldefrag(ref)[1])
        if type(found[0]) is dict and found[0].get("$dynamicAnchor") == name:
            outer = self.index.dynamic.get((self._root_resource(), name))
            if outer is not None:
                return outer
        return found

    def locate_recursive(self, ref: str, base: str, doc: str | None = None) -> Found:
        """``$recursiveRef`` (2019-09): the static target, or the root document when both
        declare ``$recursiveAnchor: true``."""
        found = self.locate(ref, base, doc)
        if type(found[0]) is dict and found[0].get("$recursiveAnchor") is True:
            root = self._docs.get(self.root_uri)
            if root is not None and type(root[0]) is dict and root[0].get("$recursiveAnchor"):
                return root
        return found

    def _root_resource(self) -> str:
        root, parent, _doc = self._docs.get(self.root_uri, (None, self.root_uri, ""))
        dialect = dialect_of(root).name
        return scope_of(root, parent, id_keyword(dialect), dialect not in MODERN)

    def _pointer(self, found: Found, uri: str, frag: str, ref: str) -> Found:
        resource, _parent, doc = found
        try:
            target, base = _walk_pointer(resource, uri, frag, ref)
        except UnresolvableRef:
            # Schema Registry copies a document's top-level definitions into $defs.
            if not (frag.startswith("/$defs/") and resource is self._docs.get(uri, (None,))[0]):
                raise
            bridged_frag = "/definitions/" + frag[len("/$defs/"):]
            target, base = _walk_pointer(resource, uri, bridged_frag, ref)
        return target, base, doc

    def documents(self) -> Iterator[tuple[str, Any]]:
        for uri, (doc, _parent, _doc) in self._docs.items():
            yield uri, doc


def bridged(doc: Any, frag: str) -> bool:
    """Whether ``#<frag>`` finds nothing in ``doc`` itself and resolves only through Schema
    Registry's ``definitions`` → ``$defs`` bridge."""
    if not frag.startswith("/$defs/"):
        return False
    try:
        _walk_pointer(doc, "", frag, frag)
        return False
    except UnresolvableRef:
        pass
    try:
        _walk_pointer(doc, "", "/definitions/" + frag[len("/$defs/"):], frag)
        return True
    except UnresolvableRef:
        return False


def _walk_pointer(resource: Any, uri: str, frag: str, ref: str) -> tuple[Any, str]:
    """Follow a JSON pointer from ``resource`` (whose base is ``uri``), applying the
    ``$id`` of every schema passed on the way (not the target's own)."""
    dialect = dialect_of(resource).name if type(resource) is dict else "draft7"
    id_key = id_keyword(dialect)
    legacy = dialect not in MODERN
    current = resource
    base = uri
    tokens = frag[1:].split("/")
    for i, raw_token in enumerate(tokens):
        token = raw_token
        if "~" in token or "%" in token:
            token = unquote(token).replace("~1", "/").replace("~0", "~")
        if i and type(current) is dict:
            base = scope_of(current, base, id_key, legacy)
        if type(current) is dict and token in current:
            current = current[token]
        elif type(current) is list and _INDEX.fullmatch(token) and int(token) < len(current):
            current = current[int(token)]
        else:
            raise UnresolvableRef(ref)
    return current, base


def pointer(doc: Any, frag: str, ref: str) -> Any:
    """The value a JSON pointer fragment (``/definitions/Foo``) names in ``doc``."""
    if frag == "":
        return doc
    if not frag.startswith("/"):
        raise UnresolvableRef(ref)
    return _walk_pointer(doc, "", frag, ref)[0]
