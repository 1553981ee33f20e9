"""Glue between :class:`SchemaVersion` values and the node model: load, resolve, compare."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

from evtctl.compat.jsonschema.diff import Comparer, Diff
from evtctl.compat.jsonschema.kinds import allowed_changes
from evtctl.compat.jsonschema.model import Loader, Node, UnresolvableRef, pointer
from evtctl.compat.jsonschema.uris import split_ref

if TYPE_CHECKING:
    from evtctl.compat.jsonschema import SchemaVersion


Resolver = Callable[[str, str], tuple[Any, str]]


def load_nodes(version: SchemaVersion) -> Node:
    """Load a version's root schema into nodes, resolving ``$ref`` within its documents."""
    return Loader(make_resolver(version)).load(version.schema, urldefrag(version.base_uri)[0])


def make_resolver(version: SchemaVersion) -> Resolver:
    """A function (ref, base URI) -> (target schema, its document URI) over the version's
    documents."""
    docs: dict[str, Any] = dict(version.documents)
    root_uri = urldefrag(version.base_uri)[0]
    docs.setdefault(root_uri, version.schema)
    ids: list[dict[str, Any]] = []  # found on the first lookup that needs them

    def resolve(ref: str, base: str) -> tuple[Any, str]:
        uri, frag = split_ref(base, ref)
        if not uri:
            uri = urldefrag(base)[0]
        doc = docs.get(uri)
        if doc is None:
            if not ids:
                ids.append(_ids(docs))
            doc = ids[0].get(uri)
        if doc is None:
            raise UnresolvableRef(ref)
        return pointer(doc, frag, ref), uri

    return resolve


def _ids(docs: dict[str, Any]) -> dict[str, Any]:
    """Subschemas that declare an absolute ``$id`` (2019-09+ style), by that id."""
    found: dict[str, Any] = {}
    stack = [doc for doc in docs.values()]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, dict):
            sid = item.get("$id")
            if isinstance(sid, str) and ":" in sid:
                found.setdefault(urldefrag(sid)[0], item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def compare_nodes(original: Node, update: Node, policy: str) -> list[Diff]:
    return Comparer(allowed_changes(policy)).compare(original, update)


def format_path(path: tuple[str, ...]) -> str:
    return "#/" + "/".join(path)


def raw_diff(
    original: SchemaVersion, update: SchemaVersion, policy: str = "strict"
) -> list[tuple[str, str]]:
    diffs = compare_nodes(load_nodes(original), load_nodes(update), policy)
    return [(kind, format_path(path)) for kind, path in diffs]
