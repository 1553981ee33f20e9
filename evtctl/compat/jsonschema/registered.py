"""JSON Schema versions as a Schema Registry holds them, and back.

A registry stores a JSON Schema version as one document's text plus *references*: each a
name (what the text's ``$ref`` says), a subject and a version holding the referenced
document. :func:`registry_form` turns a loaded version (its main file and every local file
its ``$ref``s reach) into that shape, naming each reference as the ``$ref`` spells it —
without its fragment, as Confluent's documentation shows (``"$ref": "money.json#/x"`` →
reference ``money.json``). :func:`load_form` reads it back, with the referenced documents
placed where the ``$ref``s resolve (against a virtual base URI), so that a registered
version compares with a version loaded from files like any other.

Text from a registry is input like a file: parsed with the same limits (size, depth,
how many referenced documents), and every problem is a :class:`SchemaFileError` naming the
subject and version it came from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlparse

from evtctl.compat.formats import RegistrySchema, SchemaErrorKind, SchemaFileError
from evtctl.compat.jsonschema import SchemaVersion
from evtctl.compat.jsonschema.schemafile import json_reason

MAX_BYTES = 16 * 1024 * 1024  # per document, as for files
MAX_DEPTH = 256  # nesting of one document, as for files
MAX_DOCUMENTS = 10_000  # referenced documents of one version, all levels together
# Where a registered version's main document is placed: deep enough that references named
# ``../../x`` resolve without reaching the top (where different names would meet).
VIRTUAL_BASE = "https://registry.evtctl.invalid/" + "_/" * 32 + "schema.json"
_NOT_SCHEMAS = frozenset(("enum", "const", "default", "examples"))


# -- to the registry ----------------------------------------------------------------------------
def registry_form(content: SchemaVersion) -> RegistrySchema:
    """The registry form of a loaded version (see the module docstring)."""
    main_uri = urldefrag(content.base_uri)[0]
    docs: dict[str, Any] = {urldefrag(uri)[0]: doc for uri, doc in content.documents.items()}
    docs[main_uri] = content.schema
    by_id = _root_ids(docs)
    built: dict[str, RegistrySchema] = {}

    def build(uri: str, trail: tuple[str, ...]) -> RegistrySchema:
        done = built.get(uri)
        if done is not None:
            return done
        doc = docs[uri]
        references: list[tuple[str, RegistrySchema]] = []
        named: dict[str, str] = {}
        for ref, base in _refs(doc, uri):
            target = urldefrag(urljoin(base, ref))[0] if not ref.startswith("#") else uri
            target = target if target in docs else by_id.get(target, target)
            if target == uri or target not in docs:
                continue  # within the document, or an `$id` it declares itself
            name = urldefrag(ref)[0]
            if named.get(name, target) != target:
                raise SchemaFileError(
                    f"$ref {name!r} names two different files ({_path(named[name])} and "
                    f"{_path(target)}); a registry reference name must stand for one document",
                    _path(uri), kind=SchemaErrorKind.INVALID)
            if name in named:
                continue
            if target in trail or target == uri:
                cycle = " → ".join(str(_path(u).name) for u in (*trail, uri, target))
                raise SchemaFileError(
                    f"files refer to each other in a cycle ({cycle}); a Schema Registry "
                    "needs every referenced document registered before the one that refers "
                    "to it, so a cycle cannot be registered: move the shared definitions "
                    "into one file", _path(uri), kind=SchemaErrorKind.INVALID)
            named[name] = target
            references.append((name, build(target, (*trail, uri))))
        title = doc.get("title") if isinstance(doc, dict) else None
        form = RegistrySchema("JSON", _compact(doc, uri), tuple(references),
                              record_name=title if isinstance(title, str) else None,
                              path=_path(uri))
        built[uri] = form
        return form

    return build(main_uri, ())


def _compact(doc: Any, uri: str) -> str:
    try:
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError as exc:  # NaN or Infinity, which YAML and Python's JSON accept
        raise SchemaFileError(f"the schema cannot be written as JSON: {exc}", _path(uri),
                              kind=SchemaErrorKind.INVALID) from None


def _refs(doc: Any, uri: str) -> Iterator[tuple[str, str]]:
    """Every ``$ref`` of a document outside enum/const/default/examples values, with the
    base URI it resolves against (the document's URI joined with the ``$id``s around it)."""
    stack: list[tuple[Any, str, bool]] = [(doc, uri, True)]
    while stack:
        item, base, live = stack.pop()
        if isinstance(item, dict):
            if live:
                sid = item.get("$id")
                if isinstance(sid, str) and not sid.startswith("#"):
                    base = urljoin(base, sid)
                ref = item.get("$ref")
                if isinstance(ref, str):
                    yield ref, base
            for key, value in item.items():
                if isinstance(value, (dict, list)):
                    stack.append((value, base, live and key not in _NOT_SCHEMAS))
        elif isinstance(item, list):
            stack.extend((value, base, live) for value in item if isinstance(value, (dict, list)))


def _root_ids(docs: dict[str, Any]) -> dict[str, str]:
    """Absolute ``$id``s declared at a document's root → that document's URI."""
    found: dict[str, str] = {}
    for uri, doc in docs.items():
        sid = doc.get("$id") if isinstance(doc, dict) else None
        if isinstance(sid, str):
            found.setdefault(urldefrag(urljoin(uri, sid))[0], uri)
    return found


def _path(uri: str) -> Path:
    parts = urlparse(uri)
    return Path(unquote(parts.path)) if parts.scheme == "file" else Path(uri)


# -- from the registry --------------------------------------------------------------------------
def load_form(schema: RegistrySchema, version: int,
              source: str) -> tuple[SchemaVersion, dict[str, str]]:
    """A registered version as a :class:`SchemaVersion`, and the SHA-256 of each document's
    text by where it came from (``source``, then ``source, reference NAME``...)."""
    digests: dict[str, str] = {}
    documents: dict[str, Any] = {}
    main = _parse(schema.text, source, digests)
    count = 0
    # (form, the URI its references resolve against, where it came from, depth)
    pending: list[tuple[RegistrySchema, Any, str, str, int]] = [
        (schema, main, VIRTUAL_BASE, source, 0)]
    while pending:
        form, doc, base, where, depth = pending.pop()
        if depth > 64:
            raise SchemaFileError("references are nested more than 64 levels deep",
                                  Path(where), kind=SchemaErrorKind.LIMIT)
        bases = {base}
        sid = doc.get("$id") if isinstance(doc, dict) else None
        if isinstance(sid, str) and not sid.startswith("#"):
            bases.add(urljoin(base, sid))
        for name, ref_form in form.references:
            count += 1
            if count > MAX_DOCUMENTS:
                raise SchemaFileError(f"more than {MAX_DOCUMENTS} referenced documents",
                                      Path(source), kind=SchemaErrorKind.LIMIT)
            here = f"{where}, reference {name!r}"
            ref_doc = _parse(ref_form.text, here, digests)
            targets = {urldefrag(urljoin(b, name))[0] for b in bases}
            for target in targets:
                known = documents.get(target)
                if known is not None and known != ref_doc:
                    raise SchemaFileError(
                        f"two references resolve to {name!r} with different documents",
                        Path(here), kind=SchemaErrorKind.INVALID)
                documents[target] = ref_doc
            ref_base = sorted(targets)[0]
            pending.append((ref_form, ref_doc, ref_base, here, depth + 1))
    return SchemaVersion(version=version, schema=main, base_uri=VIRTUAL_BASE,
                         documents=documents), digests


def _parse(text: str, where: str, digests: dict[str, str]) -> Any:
    data = text.encode("utf-8", "surrogatepass")
    digests[where] = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_BYTES:
        raise SchemaFileError(f"schema text is too large ({len(data)} bytes; limit {MAX_BYTES})",
                              Path(where), kind=SchemaErrorKind.LIMIT)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaFileError(f"invalid JSON: {json_reason(exc)}", Path(where), exc.lineno,
                              exc.colno, SchemaErrorKind.SYNTAX) from None
    except RecursionError:
        raise SchemaFileError("schema is nested too deeply", Path(where),
                              kind=SchemaErrorKind.LIMIT) from None
    if not isinstance(value, (dict, bool)):
        raise SchemaFileError("a schema must be an object or a boolean", Path(where),
                              kind=SchemaErrorKind.INVALID)
    if _too_deep(value):
        raise SchemaFileError(f"schema is nested more than {MAX_DEPTH} levels deep",
                              Path(where), kind=SchemaErrorKind.LIMIT)
    return value


def _too_deep(doc: Any) -> bool:
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, (dict, list)))
    return False
