"""Glue between :class:`SchemaVersion` values and the node model: load, resolve, compare."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

from evtctl.compat.jsonschema.diff import Comparer, Diff
from evtctl.compat.jsonschema.kinds import allowed_changes
from evtctl.compat.jsonschema.model import Loader, Node
from evtctl.compat.jsonschema.refs import References

if TYPE_CHECKING:
    from evtctl.compat.jsonschema import SchemaVersion


Resolver = References


def load_nodes(version: SchemaVersion) -> Node:
    """Load a version's root schema into nodes, resolving ``$ref`` within its documents."""
    return Loader(make_resolver(version)).load(version.schema, urldefrag(version.base_uri)[0])


def make_resolver(version: SchemaVersion) -> References:
    """Every reference of the version's documents, resolvable (see :mod:`.refs`)."""
    root_uri = urldefrag(version.base_uri)[0]
    docs: dict[str, Any] = {root_uri: version.schema}
    for uri, doc in version.documents.items():
        docs.setdefault(uri, doc)
    return References(docs, root_uri)


def compare_nodes(original: Node, update: Node, policy: str) -> list[Diff]:
    return Comparer(allowed_changes(policy)).compare(original, update)


def format_path(path: tuple[str, ...]) -> str:
    return "#/" + "/".join(path)


def raw_diff(
    original: SchemaVersion, update: SchemaVersion, policy: str = "strict"
) -> list[tuple[str, str]]:
    diffs = compare_nodes(load_nodes(original), load_nodes(update), policy)
    return [(kind, format_path(path)) for kind, path in diffs]
