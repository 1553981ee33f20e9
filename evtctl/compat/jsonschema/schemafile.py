"""Read a JSON Schema file (JSON or YAML) and the local files its ``$ref``s reach.

Everything that can go wrong becomes one :class:`SchemaFileError` naming the file, line and
column: unreadable or non-UTF-8 files, syntax errors (with the parser's position), duplicate
keys, non-JSON YAML values, documents that are too large or too deeply nested, YAML alias
bombs, schemas that fail their draft's metaschema, and ``$ref``s that are missing, remote
(unless allowed) or outside ``root``. Cycles between files terminate.

Without ``$schema`` a schema is checked as draft 7, the dialect Confluent Schema Registry
assumes, so evtctl and the registry read unmarked schemas the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlparse

from evtctl.compat.formats import SchemaErrorKind, SchemaFileError
from evtctl.compat.jsonschema import SchemaVersion
from evtctl.compat.jsonschema.model import UnresolvableRef, pointer
from evtctl.compat.jsonschema.uris import document, plain_file_uri
from evtctl.compat.realpaths import RealPaths

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 256
MAX_YAML_NODES = 1_000_000
YAML_SUFFIXES = (".yaml", ".yml")


def load_schema_file(
    path: Path, version: int = 1, root: Path | None = None, allow_remote: bool = False
) -> SchemaVersion:
    """Load ``path`` as version ``version`` of a contract, with every local document it
    refers to."""
    return load_tracked(path, version, root, allow_remote, None)


def load_tracked(
    path: Path,
    version: int,
    root: Path | None,
    allow_remote: bool,
    digests: dict[str, str] | None,
    *,
    paths: RealPaths | None = None,
    data: bytes | None = None,
) -> SchemaVersion:
    """:func:`load_schema_file`, recording in ``digests`` the SHA-256 of every file's bytes
    as read, by file URI (for the lint cache: exactly the bytes the verdict was drawn from).

    ``paths`` shares resolved paths across a run; ``data`` is the main file's bytes when the
    caller has read them already."""
    paths = paths if paths is not None else RealPaths()
    resolved = Path(paths.real(path))
    main_uri = resolved.as_uri()
    texts: dict[str, tuple[Path, str]] = {}
    docs: dict[str, Any] = {}
    refs: dict[str, list[tuple[str, str]]] = {}
    pending = [(resolved, main_uri)]
    while pending:
        file, uri = pending.pop()
        if uri in docs:
            continue
        text = _read(file, uri, digests, data if uri == main_uri else None)
        texts[uri] = (file, text)
        docs[uri], found = _parse(file, text)
        _check_metaschema(file, text, docs[uri])
        refs[uri] = _with_bases(found, uri)
        # Local files the document refers to join the queue; each file is read once.
        for ref, base in refs[uri]:
            target_uri, _frag = _target(base, ref)
            scheme, local = _local(target_uri)
            if scheme == "file":
                if root is not None and not paths.inside(local, root):
                    raise _ref_error(file, text, ref, f"$ref {ref!r} points outside {root}",
                                     SchemaErrorKind.REFERENCE_OUTSIDE)
                if target_uri not in docs:
                    ref_path = Path(local)
                    if not ref_path.is_file():
                        raise _ref_error(
                            file, text, ref, f"$ref {ref!r}: file {ref_path} not found",
                            SchemaErrorKind.REFERENCE_MISSING,
                        )
                    pending.append((ref_path, target_uri))
            elif target_uri and not _declared_id(docs, target_uri) and not allow_remote:
                raise _ref_error(
                    file, text, ref, f"remote $ref {ref!r} is not allowed (only local files)",
                    SchemaErrorKind.REMOTE_REFERENCE,
                )
    _check_fragments(docs, texts, refs)
    main = docs.pop(main_uri)
    return SchemaVersion(version=version, schema=main, base_uri=main_uri, documents=docs)


def _target(base: str, ref: str) -> tuple[str, str]:
    """``urldefrag(urljoin(base, ref))``; a fragment-only ``ref`` (the common ``#/$defs/x``)
    keeps the base document, without joining."""
    if ref.startswith("#"):
        return document(base), ref[1:]
    return _joined(base, ref)


@lru_cache(maxsize=4096)
def _joined(base: str, ref: str) -> tuple[str, str]:
    target, frag = urldefrag(urljoin(base, ref))
    return target, frag


def _local(uri: str) -> tuple[str, str]:
    """(scheme, local file path) of a URI."""
    if plain_file_uri(uri):
        return "file", unquote(uri[7:])
    return _parsed(uri)


@lru_cache(maxsize=4096)
def _parsed(uri: str) -> tuple[str, str]:
    parts = urlparse(uri)
    return parts.scheme, unquote(parts.path)


def _read(
    file: Path, uri: str = "", digests: dict[str, str] | None = None, data: bytes | None = None
) -> str:
    if data is not None and len(data) > MAX_BYTES:
        raise SchemaFileError(f"file is too large ({len(data)} bytes; limit {MAX_BYTES})", file,
                              kind=SchemaErrorKind.LIMIT)
    try:
        if data is None:
            with open(file, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size > MAX_BYTES:
                    raise SchemaFileError(
                        f"file is too large ({size} bytes; limit {MAX_BYTES})", file,
                        kind=SchemaErrorKind.LIMIT,
                    )
                data = fh.read()
    except SchemaFileError:
        raise
    except OSError as exc:
        raise SchemaFileError(f"cannot read file: {exc.strerror or exc}", file,
                              kind=SchemaErrorKind.UNREADABLE) from None
    if digests is not None:
        digests[uri] = hashlib.sha256(data).hexdigest()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SchemaFileError("file is not valid UTF-8", file, line, column,
                              SchemaErrorKind.UNREADABLE) from None


def _parse(file: Path, text: str) -> tuple[Any, _Refs]:
    """The document and its ``$ref``s (see :func:`_scan`)."""
    if file.suffix.lower() in YAML_SUFFIXES or not text.lstrip().startswith(("{", "[")):
        from evtctl.compat.jsonschema.yamlload import YamlError, load_yaml

        try:
            value = load_yaml(text, MAX_YAML_NODES)
        except YamlError as exc:
            kind = SchemaErrorKind.LIMIT if exc.limit else SchemaErrorKind.SYNTAX
            raise SchemaFileError(exc.message, file, exc.line, exc.column, kind) from None
        scanned = _scan(value, MAX_DEPTH)
    else:
        value, scanned = _parse_json(file, text)
    if scanned is None:
        raise SchemaFileError(f"document is nested more than {MAX_DEPTH} levels deep", file,
                              kind=SchemaErrorKind.LIMIT)
    if not isinstance(value, (dict, bool)):
        raise SchemaFileError("a schema must be an object or a boolean", file, 1, 1)
    return value, scanned[0]


def _parse_json(file: Path, text: str) -> tuple[Any, tuple[_Refs, int] | None]:
    """The document and :func:`_scan`'s answer, or the first error of a strict parse.

    Duplicate keys are found without a Python call per object: json's C parser keeps
    the last of equal keys, so a document has one exactly when its objects hold fewer
    keys than its text has key tokens (counted by a regular expression over the string
    tokens). Anything unusual (a syntax error, a duplicate, too deep) is parsed again
    strictly, so errors and their order are those of the strict parse alone."""
    try:
        value: Any = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        value = _strict_json(file, text)  # raises the strict parse's error
        return value, _scan(value, MAX_DEPTH)
    scanned = _scan(value, MAX_DEPTH)
    if scanned is None or scanned[1] != _key_tokens(text):
        value = _strict_json(file, text)  # raises on a duplicate key
        scanned = _scan(value, MAX_DEPTH)
    return value, scanned


# A JSON string token, and the ':' after it when it is a key. Matches are taken left to
# right without overlap, so in valid JSON each one is exactly one string token.
_STRING_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"([ \t\n\r]*:)?', re.DOTALL)


def _key_tokens(text: str) -> int:
    """How many object keys the (valid JSON) ``text`` spells out."""
    colons = _STRING_TOKEN.findall(text)
    return len(colons) - colons.count("")


def _strict_json(file: Path, text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise SchemaFileError(f"invalid JSON: {exc.msg}", file, exc.lineno, exc.colno,
                              SchemaErrorKind.SYNTAX) from None
    except _DuplicateKey as exc:
        line, column = _locate(text, json.dumps(exc.key), nth=2) or (0, 0)
        raise SchemaFileError(f"duplicate key {exc.key!r}", file, line, column,
                              SchemaErrorKind.SYNTAX) from None
    except RecursionError:
        raise SchemaFileError("document is nested too deeply", file,
                              kind=SchemaErrorKind.LIMIT) from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):  # rare: find the first repeated key
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def _check_metaschema(file: Path, text: str, schema: Any) -> None:
    from jsonschema import SchemaError

    from evtctl.compat.jsonschema.metacheck import DIALECTS, surely_valid

    declared = schema.get("$schema") if isinstance(schema, dict) else None
    cls = _validator_class(declared)
    if cls is None:
        raise SchemaFileError(f"unknown $schema {declared!r}", file)
    dialect = DIALECTS.get(cls.__name__)
    if dialect is not None and surely_valid(schema, dialect, _conforms(cls)):
        return  # the metaschema accepts it: no need to interpret the metaschema (slow)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        steps = [str(p) for p in exc.path]
        line, column = (
            (_locate(text, json.dumps(steps[-1])) or _locate(text, steps[-1] + ":") or (0, 0))
            if steps
            else (0, 0)
        )
        draft = cls.__name__.removesuffix("Validator")
        message = f"not a valid {draft} schema at #/{'/'.join(steps)}: {exc.message}"
        raise SchemaFileError(message, file, line, column) from None
    except RecursionError:
        raise SchemaFileError("schema is nested too deeply", file,
                              kind=SchemaErrorKind.LIMIT) from None


_VALIDATORS: dict[Any, Any] = {}
_CONFORMS: dict[Any, Callable[[Any, str], bool]] = {}


def _conforms(cls: Any) -> Callable[[Any, str], bool]:
    """The metaschema's format check for ``cls``, remembered by (value, format): the same
    ``$schema`` URI, ``$ref`` and ``pattern`` strings recur in every file of a contract."""
    memo = _CONFORMS.get(cls)
    if memo is None:
        check = cls.FORMAT_CHECKER.conforms
        answers: dict[tuple[str, str], bool] = {}

        def memo(value: Any, fmt: str) -> bool:
            if type(value) is not str:
                return bool(check(value, fmt))
            key = (value, fmt)
            answer = answers.get(key)
            if answer is None:
                if len(answers) >= 10_000:
                    answers.clear()
                answer = answers[key] = bool(check(value, fmt))
            return answer

        _CONFORMS[cls] = memo
    return memo


def _validator_class(declared: Any) -> Any:
    """jsonschema's validator class for a ``$schema`` value (draft 7 when absent), or None
    when the value names no dialect jsonschema knows; looked up once per value."""
    key = (type(declared), declared) if isinstance(declared, (str, type(None))) else None
    if key is not None and key in _VALIDATORS:
        return _VALIDATORS[key]
    from jsonschema import Draft7Validator
    from jsonschema.validators import validator_for

    if declared is None:
        cls = validator_for({}, default=Draft7Validator)
    elif (
        not isinstance(declared, str)
        or validator_for({"$schema": declared}, default=None) is None  # type: ignore[arg-type]
    ):
        cls = None
    else:
        cls = validator_for({"$schema": declared}, default=Draft7Validator)
    if key is not None:
        _VALIDATORS[key] = cls
    return cls


# $refs as found in a document: (ref, the $ids of the objects around it, outermost first).
_Refs = list[tuple[str, tuple[str, ...]]]


def _scan(doc: Any, limit: int) -> tuple[_Refs, int] | None:
    """One walk for three questions: whether any value sits more than ``limit`` levels
    below the root (then None); every ``$ref`` outside ``enum``/``const``/``default``/
    ``examples`` values, with the ``$id``s of the objects around it; and how many keys
    the document's objects hold.

    The ``$id``s are joined into base URIs later (:func:`_with_bases`), after the
    metaschema check, so a malformed ``$id`` is reported by that check as before."""
    found: _Refs = []
    keys = 0
    if not isinstance(doc, (dict, list)):
        return found, keys
    # (value, $ids around it, depth, whether $refs in it count)
    stack: list[tuple[Any, tuple[str, ...], int, bool]] = [(doc, (), 0, True)]
    containers = (dict, list)
    not_schemas = _NOT_SCHEMAS
    while stack:
        item, ids, depth, live = stack.pop()
        if depth == limit and item:
            return None  # its children sit at limit + 1
        below = depth + 1
        if isinstance(item, dict):
            keys += len(item)
            if live:
                sid = item.get("$id")
                if isinstance(sid, str) and not sid.startswith("#"):
                    ids = (*ids, sid)
                ref = item.get("$ref")
                if isinstance(ref, str):
                    found.append((ref, ids))
                for key, value in item.items():
                    if isinstance(value, containers):
                        stack.append((value, ids, below, key not in not_schemas))
            else:
                for value in item.values():
                    if isinstance(value, containers):
                        stack.append((value, ids, below, False))
        else:
            for value in item:
                if isinstance(value, containers):
                    stack.append((value, ids, below, live))
    return found, keys


def _with_bases(found: _Refs, uri: str) -> list[tuple[str, str]]:
    """``$ref``s with their base URI: ``uri`` joined with each enclosing ``$id`` in turn."""
    bases: dict[tuple[str, ...], str] = {(): uri}
    out: list[tuple[str, str]] = []
    for ref, ids in found:
        base = bases.get(ids)
        if base is None:
            base = uri
            for sid in ids:
                base = urljoin(base, sid)
            bases[ids] = base
        out.append((ref, base))
    return out


_NOT_SCHEMAS = frozenset(("enum", "const", "default", "examples"))


def _declared_id(docs: dict[str, Any], uri: str) -> bool:
    for doc in docs.values():
        stack = [doc]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if isinstance(item.get("$id"), str) and urldefrag(item["$id"])[0] == uri:
                    return True
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return False


def _check_fragments(
    docs: dict[str, Any], texts: dict[str, tuple[Path, str]], refs: dict[str, list[tuple[str, str]]]
) -> None:
    for uri in docs:
        file, text = texts[uri]
        for ref, base in refs[uri]:
            target_uri, frag = _target(base, ref)
            target = docs.get(target_uri)
            if target is None:
                continue  # a declared $id or an allowed remote document: nothing local to check
            try:
                if frag.startswith("/") or frag == "":
                    pointer(target, frag, ref)
                elif not _has_anchor(target, frag):
                    raise UnresolvableRef(ref)
            except UnresolvableRef:
                raise _ref_error(file, text, ref, f"$ref {ref!r} does not resolve",
                                 SchemaErrorKind.REFERENCE_UNRESOLVED) from None


def _has_anchor(doc: Any, name: str) -> bool:
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("$anchor") == name or item.get("$id") == "#" + name:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _ref_error(file: Path, text: str, ref: str, message: str,
               kind: SchemaErrorKind) -> SchemaFileError:
    line, column = _locate(text, json.dumps(ref)) or _locate(text, ref) or (0, 0)
    return SchemaFileError(message, file, line, column, kind)


def _locate(text: str, needle: str, nth: int = 1) -> tuple[int, int] | None:
    """Line and column of the ``nth`` occurrence of ``needle`` (the last one if fewer)."""
    at = -1
    for _ in range(nth):
        nxt = text.find(needle, at + 1)
        if nxt < 0:
            break
        at = nxt
    if at < 0:
        return None
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1
