"""Re-spell the references of a schema without changing what they name.

Each spelling rewrites every ``$ref`` to a local definition (``#/definitions/X`` or
``#/$defs/X``) the same way in both versions of a pair, so a comparison must give the same
verdict and the same incompatible changes:

* ``anchor``: a plain name — ``$id: "#X"`` on the definition in drafts 6/7 (``id`` in
  draft 4), ``$anchor: "X"`` from 2019-09 on — and ``$ref: "#X"``;
* ``percent``: each pointer token percent-encoded (``#/definitions/%41ddress``);
* ``absolute``: absolute references through the root ``$id`` (one is added when there
  is none: ``https://example.com/respelled/root.json#/definitions/X``);
* ``file``: the definitions moved to a file of their own beside the schema
  (``definitions.json#/definitions/X``);
* ``bridge`` (drafts 4-7): ``#/$defs/X`` for a definition under ``definitions``, which
  Schema Registry resolves by copying ``definitions`` into ``$defs``.

A spelling that does not apply to a schema (no local definitions, an ``$id`` in the way)
returns None.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

SPELLINGS = ("anchor", "percent", "absolute", "file", "bridge")
ROOT_ID = "https://example.com/respelled/root.json"
_DEF = re.compile(r"^#/(definitions|\$defs)/([^/]+)$")
_NOT_SCHEMAS = frozenset(("enum", "const", "default", "examples"))


def dialect(schema: Any) -> str:
    uri = schema.get("$schema", "") if isinstance(schema, dict) else ""
    uri = uri if isinstance(uri, str) else ""
    for name in ("draft-04", "draft-06", "draft-07", "2019-09", "2020-12"):
        if name in uri:
            return name
    return "draft-07"


_NAME_MAPS = frozenset(("properties", "patternProperties", "definitions", "$defs",
                        "dependentSchemas", "dependencies"))


def _objects(doc: Any) -> Iterator[dict[str, Any]]:
    """Every schema object (a property named "enum" is a schema, an enum's value is not)."""
    stack: list[tuple[Any, bool]] = [(doc, False)]
    while stack:
        item, names = stack.pop()
        if isinstance(item, dict) and names:
            stack.extend((v, False) for v in item.values())
        elif isinstance(item, dict):
            yield item
            stack.extend((v, k in _NAME_MAPS) for k, v in item.items() if k not in _NOT_SCHEMAS)
        elif isinstance(item, list):
            stack.extend((v, False) for v in item)


def _has_ids(doc: Any) -> bool:
    """Whether a subschema below the root has an identifier (the root's own is fine)."""
    key = "id" if dialect(doc) == "draft-04" else "$id"
    return any(isinstance(o.get(key), str) for o in _objects(doc) if o is not doc)


def respell(schema: Any, how: str) -> dict[str, Any] | None:
    """The schema (a document root) with its references re-spelled; the ``file``
    spelling returns ``{"schema": ..., "files": {name: document}}``; None when the
    spelling does not apply."""
    if not isinstance(schema, dict) or _has_ids(schema):
        return None
    refs = [o for o in _objects(schema) if isinstance(o.get("$ref"), str)
            and _DEF.match(o["$ref"])]
    if not refs:
        return None
    out = copy.deepcopy(schema)
    refs = [o for o in _objects(out) if isinstance(o.get("$ref"), str) and _DEF.match(o["$ref"])]
    draft = dialect(out)
    if how == "anchor":
        return _anchors(out, refs, draft)
    if how == "percent":
        for o in refs:
            bucket, name = _DEF.match(o["$ref"]).groups()  # type: ignore[union-attr]
            o["$ref"] = "#/" + bucket + "/" + "".join(f"%{ord(c):02X}" if c.isalpha() and
                                                      i == 0 else quote(c, safe="")
                                                      for i, c in enumerate(name))
        return out
    if how == "absolute":
        if draft not in ("2019-09", "2020-12") and "$ref" in out:
            return None  # drafts 4-7 ignore an $id beside $ref: there is no root $id to use
        key = "id" if draft == "draft-04" else "$id"
        root_id = out.get(key)
        if not (isinstance(root_id, str) and root_id.startswith(("http://", "https://", "urn:"))):
            root_id = out[key] = ROOT_ID
        root_id = root_id.split("#")[0]
        for o in refs:
            o["$ref"] = root_id + o["$ref"]
        return out
    if how == "file":
        moved = {k: out.pop(k) for k in ("definitions", "$defs") if isinstance(out.get(k), dict)}
        if not moved:
            return None
        prefixes = tuple(f"#/{bucket}/" for bucket in moved)
        for o in _objects(out):
            if isinstance(o.get("$ref"), str) and o["$ref"].startswith(prefixes):
                o["$ref"] = "definitions.json" + o["$ref"]  # anything below, not only names
        # Inside the moved definitions, "#/definitions/..." still names the same place.
        if "$schema" in out:
            moved["$schema"] = out["$schema"]
        return {"schema": out, "files": {"definitions.json": moved}}
    if how == "bridge":
        if draft in ("2019-09", "2020-12") or "$defs" in out:
            return None
        changed = False
        for o in refs:
            if o["$ref"].startswith("#/definitions/"):
                o["$ref"] = "#/$defs/" + o["$ref"][len("#/definitions/"):]
                changed = True
        return out if changed else None
    raise ValueError(how)


def _anchors(out: dict[str, Any], refs: list[dict[str, Any]], draft: str) -> dict[str, Any] | None:
    names: dict[tuple[str, str], str] = {}
    for o in refs:
        bucket, name = _DEF.match(o["$ref"]).groups()  # type: ignore[union-attr]
        holder = out.get(bucket)
        target = holder.get(name) if isinstance(holder, dict) else None
        if not isinstance(target, dict) or "$ref" in target:
            continue  # drafts 4-7 ignore an $id beside $ref: leave that one as it is
        key = (bucket, name)
        if key not in names:
            anchor = "A" + re.sub(r"[^A-Za-z0-9_]", "_", name) + str(len(names))
            names[key] = anchor
            if draft in ("2019-09", "2020-12"):
                target["$anchor"] = anchor
            else:
                target["id" if draft == "draft-04" else "$id"] = "#" + anchor
        o["$ref"] = "#" + names[key]
    return out if names else None
