"""Cheap answers to the URI questions asked once per ``$ref``, for the common case.

Every schema file has its own base URI (``file:///.../x.v2.json``), so caching
``urljoin``/``urldefrag`` by base misses every time, and the standard library's parsing is
a large share of loading a schema. Nearly every ``$ref`` is a fragment (``#/$defs/x``) of
a plain ``file:`` URI; for those the answer is the base itself and the fragment text. Any
other input goes to :mod:`urllib.parse`, so the answers are always those of
``urldefrag(urljoin(base, ref))`` (a property test checks the fast paths against it).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urldefrag, urljoin

# urlsplit removes these anywhere in a URL; a '#' or '?' would need splitting.
_NEEDS_PARSING = ("#", "?", "\t", "\r", "\n")


def plain_file_uri(uri: str) -> bool:
    """Whether ``uri`` is ``file:///<path>`` that parses back to itself unchanged: no
    fragment, query or characters urlsplit removes, and not ``file:////`` (an empty
    authority before a ``//`` path, which urlunsplit shortens)."""
    return (
        uri.startswith("file:///")
        and uri[8:9] not in ("/", "")
        and not any(c in uri for c in _NEEDS_PARSING)
    )


def document(base: str) -> str:
    """``urldefrag(urljoin(base, "#"))[0]``: the document a fragment-only reference in
    ``base`` points into."""
    if plain_file_uri(base):
        return base
    return _document(base)


@lru_cache(maxsize=4096)
def _document(base: str) -> str:
    return urldefrag(urljoin(base, "#"))[0]


def split_ref(base: str, ref: str) -> tuple[str, str]:
    """``urldefrag(urljoin(base, ref))`` (``ref`` alone when ``base`` is empty): the target
    document and the fragment."""
    if (
        ref.startswith("#")
        and base
        and plain_file_uri(base)
        and not any(c in ref for c in ("\t", "\r", "\n"))
    ):
        return base, ref[1:]
    target = urljoin(base, ref) if base else ref
    uri, frag = urldefrag(target)
    return uri, frag
