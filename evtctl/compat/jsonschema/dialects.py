"""Which JSON Schema dialect a schema is read in: Confluent Schema Registry's table.

The registry looks ``$schema`` up in a fixed table of metaschema URIs, after removing one
trailing ``#``; a value it does not know — a legacy ``draft-03`` URI, a custom metaschema,
a typo, a non-string — is read as draft 7, the same dialect as a schema without
``$schema``. The legacy ``http://json-schema.org/schema`` ("the latest draft", as it once
meant) is in that table as draft 4. evtctl reads every schema in the dialect the registry
would, so both compare the same keywords; :func:`dialect_of` also says when the registry
fell back, so that the user is told (a schema meant as 2020-12 but read as draft 7 loses
``prefixItems``, ``$defs`` references keep working, and so on).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DRAFTS = ("draft4", "draft6", "draft7", "2019-09", "2020-12")
MODERN = ("2019-09", "2020-12")
DEFAULT = "draft7"

# Confluent's SpecificationVersion URLs, without the optional trailing '#'.
_KNOWN: dict[str, str] = {
    "http://json-schema.org/draft-04/schema": "draft4",
    "https://json-schema.org/draft-04/schema": "draft4",
    "http://json-schema.org/schema": "draft4",
    "https://json-schema.org/schema": "draft4",
    "http://json-schema.org/draft-06/schema": "draft6",
    "https://json-schema.org/draft-06/schema": "draft6",
    "http://json-schema.org/draft-07/schema": "draft7",
    "https://json-schema.org/draft-07/schema": "draft7",
    "http://json-schema.org/draft/2019-09/schema": "2019-09",
    "https://json-schema.org/draft/2019-09/schema": "2019-09",
    "http://json-schema.org/draft/2020-12/schema": "2020-12",
    "https://json-schema.org/draft/2020-12/schema": "2020-12",
}
# The URIs above that are not the dialect's own metaschema URI: known to the registry, but
# worth a word (a schema author writing "schema#" meant the newest draft, not draft 4).
_LEGACY = frozenset(("http://json-schema.org/schema", "https://json-schema.org/schema"))
TITLES = {"draft4": "draft 4", "draft6": "draft 6", "draft7": "draft 7",
          "2019-09": "draft 2019-09", "2020-12": "draft 2020-12"}


@dataclass(frozen=True)
class Dialect:
    """The dialect a schema is read in, and how the registry came to it."""

    name: str  # one of DRAFTS
    declared: Any  # the ``$schema`` value as written, None when absent
    note: str | None = None  # set when the registry did not read ``$schema`` as written

    @property
    def modern(self) -> bool:
        return self.name in MODERN

    @property
    def title(self) -> str:
        return TITLES[self.name]


_CACHE: dict[tuple[type, Any], Dialect] = {}


def dialect_of(schema: Any) -> Dialect:
    """The dialect Schema Registry reads ``schema`` (a document root) in."""
    declared = schema.get("$schema") if isinstance(schema, dict) else None
    key = (type(declared), declared if isinstance(declared, (str, int, float, bool)) else None)
    if declared is None or key[1] is not None:
        found = _CACHE.get(key)
        if found is not None:
            return found
    result = _lookup(declared)
    if len(_CACHE) < 1000 and (declared is None or key[1] is not None):
        _CACHE[key] = result
    return result


def _lookup(declared: Any) -> Dialect:
    if declared is None:
        return Dialect(DEFAULT, None)
    text = declared if isinstance(declared, str) else _as_text(declared)
    url = text[:-1] if text.endswith("#") else text
    name = _KNOWN.get(url)
    if name is None:
        return Dialect(DEFAULT, declared, f"$schema {declared!r} is not a metaschema URI Schema "
                       "Registry knows; read as draft 7, as the registry reads it")
    if url in _LEGACY:
        return Dialect(name, declared, f"$schema {declared!r} is the legacy URI of 'the latest "
                       "draft'; Schema Registry reads it as draft 4 (no const, no if/then/else), "
                       "and so does evtctl")
    return Dialect(name, declared)


def _as_text(value: Any) -> str:
    """Jackson's ``asText()`` of a non-string value, near enough for the lookup (which
    no non-string can pass)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if isinstance(value, (dict, list)) else str(value)


_VALIDATOR_NAMES = {
    "draft4": "Draft4Validator",
    "draft6": "Draft6Validator",
    "draft7": "Draft7Validator",
    "2019-09": "Draft201909Validator",
    "2020-12": "Draft202012Validator",
}


def validator_class(dialect: str) -> Any:
    """jsonschema's validator class for a dialect."""
    import jsonschema

    return getattr(jsonschema, _VALIDATOR_NAMES[dialect])
