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
import posixpath
import re
import warnings
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urldefrag, urljoin, urlparse

from evtctl.compat.formats import Diagnostic, SchemaErrorKind, SchemaFileError
from evtctl.compat.jsonschema import SchemaVersion
from evtctl.compat.jsonschema.dialects import MODERN, dialect_of
from evtctl.compat.jsonschema.refs import (
    NAME_MAPS,
    NOT_SCHEMAS,
    References,
    UnresolvableRef,
    bridged,
    id_keyword,
    scope_of,
)
from evtctl.compat.jsonschema.uris import document, plain_file_uri
from evtctl.compat.realpaths import RealPaths

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 256
MAX_YAML_NODES = 1_000_000
MAX_DIAGNOSTICS = 20  # metaschema violations listed per file
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
    declared: set[str] = set()  # resources named by an $id in the documents read so far
    aliases: dict[str, str] = {}  # an $id-based URI -> the local file it was found as
    remote: list[tuple[str, str, str]] = []  # (document, ref, target) to check at the end
    diagnostics: list[Diagnostic] = []
    pending = [(resolved, main_uri)]
    while pending:
        file, uri = pending.pop()
        if uri in docs:
            continue
        text = _read(file, uri, digests, data if uri == main_uri else None)
        texts[uri] = (file, text)
        docs[uri], found, ids = _parse(file, text)
        diagnostics.extend(_check_metaschema(file, text, docs[uri]))
        refs[uri] = _with_bases(found, uri)
        declared.update(urldefrag(b)[0] for _r, b in _with_bases([("", i) for i in ids], uri))
        # Local files the document refers to join the queue; each file is read once.
        for ref, base in refs[uri]:
            if ref.startswith("#"):
                continue  # names a place in this document, or an $id in it (checked below)
            target_uri, _frag = _target(base, ref)
            scheme, local = _local(target_uri)
            if scheme != "file" and target_uri and target_uri not in declared:
                # A relative $ref that an $id made remote ("address.json" under
                # "$id": "https://example.com/order.json") names the file beside this one,
                # as it does for Schema Registry, which resolves reference names the same way.
                nearby = _nearby(uri, docs[uri], ref, target_uri)
                if nearby is None or (root is not None and not paths.inside(nearby[1], root)):
                    remote.append((uri, ref, target_uri))
                    continue
                aliases.setdefault(target_uri, nearby[0])
                target_uri, scheme, local = nearby[0], "file", nearby[1]
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
    for uri, ref, target_uri in remote:
        if target_uri not in declared and target_uri not in aliases and not allow_remote:
            file, text = texts[uri]
            raise _ref_error(
                file, text, ref, f"remote $ref {ref!r} is not allowed (only local files)",
                SchemaErrorKind.REMOTE_REFERENCE,
            )
    for alias, local_uri in aliases.items():
        docs.setdefault(alias, docs[local_uri])
    diagnostics.extend(_check_fragments(docs, texts, refs, main_uri))
    main = docs.pop(main_uri)
    return SchemaVersion(version=version, schema=main, base_uri=main_uri, documents=docs,
                         diagnostics=tuple(diagnostics))


def _nearby(uri: str, doc: Any, ref: str, target: str) -> tuple[str, str] | None:
    """(file URI, path) of the existing local file that a reference an ``$id`` made remote
    names beside the document ``uri``; None if there is none.

    The target is taken relative to the document's root ``$id`` (for ``$id``
    ``https://example.com/schemas/order.json``, ``https://example.com/schemas/address.json``
    is ``address.json``), else a relative ``ref`` is read relative to the file itself."""
    candidates: list[str] = []
    dialect = dialect_of(doc).name
    own = scope_of(doc, uri, id_keyword(dialect), dialect not in MODERN)
    if own != uri:
        mine, theirs = urlparse(own), urlparse(target)
        if (mine.scheme, mine.netloc) == (theirs.scheme, theirs.netloc) and theirs.path:
            relative = posixpath.relpath(theirs.path, posixpath.dirname(mine.path) or "/")
            candidates.append(quote(relative))
    if ref and not ref.startswith("#") and not urlparse(ref).scheme:
        candidates.append(urldefrag(ref)[0])
    for candidate in candidates:
        joined, _frag = _joined(uri, candidate)
        scheme, local = _local(joined)
        if scheme == "file" and Path(local).is_file():
            return joined, local
    return None


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


def _parse(file: Path, text: str) -> tuple[Any, _Refs, list[tuple[str, ...]]]:
    """The document, its ``$ref``s and its ``$id``s (see :func:`_scan`)."""
    if _is_yaml(file, text):
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
    return value, scanned[0], scanned[2]


def _parse_json(file: Path, text: str) -> tuple[Any, _Scanned | None]:
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


def json_reason(exc: json.JSONDecodeError) -> str:
    """The decoder's reason without its dangling 'at' (the place is given apart):
    'Invalid control character at' -> 'invalid control character (a raw newline or tab
    inside a string?)', 'Unterminated string starting at' -> 'unterminated string'."""
    reason = exc.msg.removesuffix(" at").removesuffix(" starting")
    if reason == "Invalid control character":
        reason += " (a raw newline or tab inside a string?)"
    return reason[:1].lower() + reason[1:]


def _strict_json(file: Path, text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise SchemaFileError(f"invalid JSON: {json_reason(exc)}", file, exc.lineno,
                              exc.colno, SchemaErrorKind.SYNTAX) from None
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


def _check_metaschema(file: Path, text: str, schema: Any) -> list[Diagnostic]:
    """Check ``schema`` against the metaschema of the dialect Schema Registry reads it in.

    Raises for a violation the registry's loader cannot get past either (see
    :mod:`.violations`); the others — and a ``$schema`` the registry does not read as
    written — are returned as diagnostics, and the schema is compared as written."""
    from evtctl.compat.jsonschema.metacheck import surely_valid

    dialect = dialect_of(schema)
    out: list[Diagnostic] = []
    if dialect.note is not None:
        line, column = _position(file, text, ("$schema",))
        out.append(Diagnostic("dialect", dialect.note, file, line, column))
    conforms = _conforms(dialect.name)
    if surely_valid(schema, dialect.name, conforms):
        return out  # the metaschema accepts it: no need to interpret the metaschema (slow)
    from evtctl.compat.jsonschema.violations import describe, violations

    found = violations(schema, dialect.name, conforms)
    from evtctl.compat.jsonschema.locate import positions

    places = positions(text, [v.path for v in found], yaml=_is_yaml(file, text))
    if len(found) > MAX_DIAGNOSTICS and not any(v.fatal for v in found):
        more = len(found) - MAX_DIAGNOSTICS
        found, places = found[:MAX_DIAGNOSTICS], places[:MAX_DIAGNOSTICS]
        out.append(Diagnostic("metaschema", f"{more}{'+' if more >= 30 else ''} more "
                              "metaschema violations not listed (fix the ones above first)",
                              file))
    for violation, (line, column) in zip(found, places, strict=True):
        message = describe(violation, dialect.name)
        if violation.fatal:
            raise SchemaFileError(f"{message} (Schema Registry cannot load this schema either)",
                                  file, line, column)
        out.append(Diagnostic(
            "metaschema", f"{message}; Schema Registry accepts it, and evtctl compares the "
            "schema as written", file, line, column))
    return out


def _position(file: Path, text: str, steps: tuple[str | int, ...]) -> tuple[int, int]:
    from evtctl.compat.jsonschema.locate import position

    return position(text, steps, yaml=_is_yaml(file, text))


def _is_yaml(file: Path, text: str) -> bool:
    return file.suffix.lower() in YAML_SUFFIXES or not text.lstrip().startswith(("{", "["))


_CONFORMS: dict[str, Callable[[Any, str], bool]] = {}


def _conforms(dialect: str) -> Callable[[Any, str], bool]:
    """The metaschema's format check for ``dialect``, remembered by (value, format): the
    same ``$schema`` URI, ``$ref`` and ``pattern`` strings recur in every file of a
    contract."""
    memo = _CONFORMS.get(dialect)
    if memo is None:
        from evtctl.compat.jsonschema.dialects import validator_class

        check = validator_class(dialect).FORMAT_CHECKER.conforms
        answers: dict[tuple[str, str], bool] = {}

        def quiet(value: Any, fmt: str) -> bool:
            # re.compile warns about some patterns (a nested set, say): not the user's
            # business when the answer is only whether the pattern compiles.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return bool(check(value, fmt))

        def memo(value: Any, fmt: str) -> bool:
            if type(value) is not str:
                return quiet(value, fmt)
            key = (value, fmt)
            answer = answers.get(key)
            if answer is None:
                if len(answers) >= 10_000:
                    answers.clear()
                answer = answers[key] = quiet(value, fmt)
            return answer

        _CONFORMS[dialect] = memo
    return memo


# $refs as found in a document: (ref, the $ids of the objects around it, outermost first).
_Refs = list[tuple[str, tuple[str, ...]]]
# What one walk finds: the $refs, how many keys the objects hold, and every $id (as the
# $ids around it, its own last).
_Scanned = tuple[_Refs, int, list[tuple[str, ...]]]
_MODERN_REFS = ("$ref", "$dynamicRef", "$recursiveRef")


def _scan(doc: Any, limit: int) -> _Scanned | None:
    """One walk for four questions: whether any value sits more than ``limit`` levels
    below the root (then None); every reference (``$ref``; in 2019-09 and 2020-12 also
    ``$recursiveRef`` and ``$dynamicRef``) outside ``enum``/``const``/``default``/``examples``
    values, with the ``$id``s of the objects around it; how many keys the document's
    objects hold; and every ``$id``.

    The identifier keyword and its rules follow the document's dialect, as Schema Registry
    reads it: ``id`` in draft 4; in drafts 4-7 an identifier beside ``$ref`` is ignored.
    The ``$id``s are joined into base URIs later (:func:`_with_bases`), after the
    metaschema check, so a malformed ``$id`` is reported by that check as before."""
    found: _Refs = []
    declared: list[tuple[str, ...]] = []
    keys = 0
    if not isinstance(doc, (dict, list)):
        return found, keys, declared
    dialect = dialect_of(doc).name
    id_key = "id" if dialect == "draft4" else "$id"
    legacy = dialect not in MODERN
    # (value, $ids around it, depth, whether $refs in it count, whether it maps names to
    # schemas: a property named "enum" or "$ref" there is not that keyword)
    stack: list[tuple[Any, tuple[str, ...], int, bool, bool]] = [(doc, (), 0, True, False)]
    containers = (dict, list)
    not_schemas = NOT_SCHEMAS
    name_maps = NAME_MAPS
    while stack:
        item, ids, depth, live, names = stack.pop()
        if depth == limit and item:
            return None  # its children sit at limit + 1
        below = depth + 1
        if isinstance(item, dict):
            keys += len(item)
            if live and names:
                for value in item.values():
                    if isinstance(value, containers):
                        stack.append((value, ids, below, True, False))
            elif live:
                sid = item.get(id_key)
                ref = item.get("$ref")
                if (isinstance(sid, str) and not sid.startswith("#")
                        and not (legacy and ref is not None)):
                    ids = (*ids, sid)
                    declared.append(ids)
                if isinstance(ref, str):
                    found.append((ref, ids))
                if not legacy:
                    for name in _MODERN_REFS[1:]:
                        other = item.get(name)
                        if isinstance(other, str):
                            found.append((other, ids))
                for key, value in item.items():
                    if isinstance(value, containers):
                        stack.append((value, ids, below, key not in not_schemas,
                                      key in name_maps))
            else:
                for value in item.values():
                    if isinstance(value, containers):
                        stack.append((value, ids, below, False, False))
        else:
            for value in item:
                if isinstance(value, containers):
                    stack.append((value, ids, below, live, False))
    return found, keys, declared


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


def _check_fragments(
    docs: dict[str, Any], texts: dict[str, tuple[Path, str]],
    refs: dict[str, list[tuple[str, str]]], main_uri: str,
) -> list[Diagnostic]:
    """Raise for the first local reference that names nothing; the references that
    resolve only through Schema Registry's ``definitions`` → ``$defs`` bridge are
    diagnostics (other tools will not find their target)."""
    resolver = References(docs, main_uri)
    out: list[Diagnostic] = []
    for uri in texts:
        file, text = texts[uri]
        for ref, base in refs[uri]:
            target_uri, frag = _target(base, ref)
            if (target_uri not in docs and target_uri not in resolver.index.resources
                    and not (ref.startswith("#") and uri in docs)):
                continue  # an allowed remote document: nothing local to check
            try:
                resolver.resolve(ref, base, uri)
            except UnresolvableRef:
                raise _ref_error(file, text, ref, f"$ref {ref!r} does not resolve",
                                 SchemaErrorKind.REFERENCE_UNRESOLVED) from None
            target = docs.get(target_uri)
            if target is not None and bridged(target, frag):
                line, column = _locate(text, json.dumps(ref)) or _locate(text, ref) or (0, 0)
                out.append(Diagnostic(
                    "reference",
                    f"$ref {ref!r} names $defs, which this document does not have; Schema "
                    "Registry finds it in the top-level definitions, other JSON Schema tools "
                    f"do not: write '#/definitions/{frag[len('/$defs/'):]}'",
                    file, line, column))
    return out


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
