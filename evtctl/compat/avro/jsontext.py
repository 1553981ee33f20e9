"""JSON text of ``.avsc`` files: a fast parse, and positions only when something needs one.

The parse is the C ``json`` module's. What it lets through that Jackson (Apache Avro's JSON
parser) refuses or that evtctl refuses on purpose is caught here: ``NaN``/``Infinity``
literals, duplicate keys (Jackson keeps the last silently; evtctl names the second); the
parser refuses schemas nested deeper than :data:`MAX_DEPTH`. Positions (line, column) of a
value are found by :func:`locate`, a small scanner run only when a finding needs its place,
so a clean file costs one ``json.loads`` (the parser's own visit counts the keys for the
duplicate check).
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from typing import Any

MAX_DEPTH = 200  # schema nesting (JSON levels); a real Avro schema is rarely a tenth of this

Pointer = tuple[str | int, ...]

_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<punct>[{}\[\]:,])'
    r"|(?P<lit>-?Infinity|NaN|true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?))",
    re.DOTALL,
)


class JsonTextError(Exception):
    """A problem with the text as JSON; ``limit`` for refusals that protect the run."""

    def __init__(self, message: str, line: int, column: int, *, limit: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.limit = limit


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def parse(text: str) -> Any:
    """The JSON value of ``text``, or :class:`JsonTextError` with the place of the problem.
    Duplicate keys are looked for afterwards (:func:`duplicate`), by whoever counts the keys
    of the objects it reads."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise JsonTextError(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except ValueError as exc:  # NaN / Infinity, which JSON (and Jackson) do not allow
        offset = _first_constant(text)
        line, column = position(text, offset)
        raise JsonTextError(f"not valid JSON: {exc} is not a JSON number (Avro's parser "
                            "rejects it too); write it as a string default if you mean it",
                            line, column) from None
    except RecursionError:
        raise JsonTextError("document is nested too deeply to read", 1, 1,
                            limit=True) from None


def duplicate(text: str, keys: int) -> JsonTextError | None:
    """The first duplicate key of ``text``, whose objects hold ``keys`` keys once parsed
    (json keeps the last of equal keys, as Jackson does), or None.

    Cheap when there is none: every key token ends with ``":``, so without white space
    before a colon the text has at least as many ``":`` as key tokens, and as many only if
    no string value holds one; equal counts then prove there is no duplicate. Anything else
    is scanned exactly."""
    if text.count('":') == keys and _SPACED_COLON.search(text) is None:
        return None
    found = _first_duplicate(text)
    if found is None:
        return None
    offset, key = found
    line, column = position(text, offset)
    return JsonTextError(f"duplicate key {key!r} in one object (Avro's parser would keep the "
                         "last one silently)", line, column)


_SPACED_COLON = re.compile(r'"\s+:')


def nested_keys(value: Any) -> int:
    """How many keys the objects inside ``value`` hold (iteratively: any depth)."""
    total = 0
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            total += len(node)
            stack.extend(v for v in node.values() if type(v) in (dict, list))
        elif type(node) is list:
            stack.extend(v for v in node if type(v) in (dict, list))
    return total


def _tokens(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, kind, token) of a text already known to be JSON (with NaN-like literals)."""
    end = len(text)
    pos = 0
    while pos < end:
        match = _TOKEN.match(text, pos)
        if match is None:  # only trailing white space is left
            return
        kind = match.lastgroup or ""
        yield match.start(kind), kind, match.group(kind)
        pos = match.end()


def _first_constant(text: str) -> int:
    for offset, kind, token in _tokens(text):
        if kind == "lit" and token.lstrip("-") in ("NaN", "Infinity"):
            return offset
    return 0


def _events(text: str) -> Iterator[tuple[int, Pointer, str, Any]]:
    """(offset, path, kind, token) for every value start ("open" for a container), every
    object key ("key", with the key's own path) and every container end ("close")."""
    objects: list[bool] = []  # per open container: is it an object?
    expecting_key: list[bool] = []
    path: list[str | int] = []
    for offset, kind, token in _tokens(text):
        if kind == "punct":
            if token in "{[":
                yield offset, tuple(path), "open", token
                objects.append(token == "{")
                expecting_key.append(token == "{")
                path.append("" if token == "{" else 0)
            elif token in "}]":
                objects.pop()
                expecting_key.pop()
                path.pop()
                yield offset, tuple(path), "close", token
            elif token == ",":
                if objects[-1]:
                    expecting_key[-1] = True
                else:
                    index = path[-1]
                    assert isinstance(index, int)
                    path[-1] = index + 1
            continue
        if objects and objects[-1] and expecting_key[-1]:
            key = json.loads(token)
            path[-1] = key
            expecting_key[-1] = False
            yield offset, tuple(path), "key", key
            continue
        yield offset, tuple(path), kind, token


def locate(text: str, pointer: Pointer, *, key: bool = False) -> tuple[int, int]:
    """(line, column) of the value at ``pointer`` (or of its key, with ``key``); the
    nearest enclosing value that exists when the pointer goes further than the text."""
    best = 0
    target = tuple(pointer)
    for offset, path, kind, _token in _events(text):
        if kind == "close":
            continue
        if kind == "key":
            if key and path == target:
                return position(text, offset)
            continue
        if path == target:
            return position(text, offset)
        if target[: len(path)] == path:
            best = offset
    return position(text, best)


def locate_many(text: str, wanted: list[tuple[Pointer, bool]]) -> dict[tuple[Pointer, bool],
                                                                     tuple[int, int]]:
    """:func:`locate` for many pointers in one pass over the text (then, for a pointer
    that goes further than the text, its nearest enclosing value)."""
    targets = {(tuple(p), k) for p, k in wanted}
    prefixes = {t[0][:i] for t in targets for i in range(len(t[0]) + 1)}
    seen: dict[Pointer, int] = {}  # value paths on the way to a target: first offset
    keys: dict[Pointer, int] = {}
    for offset, path, kind, _token in _events(text):
        if kind == "close" or path not in prefixes:
            continue
        if kind == "key":
            keys.setdefault(path, offset)
        else:
            seen.setdefault(path, offset)
    starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]  # offset of each line
    out: dict[tuple[Pointer, bool], tuple[int, int]] = {}
    for pointer, key in targets:
        hit = keys.get(pointer) if key else seen.get(pointer)
        offset = hit if hit is not None else next(
            (seen[pointer[:i]] for i in range(len(pointer), -1, -1) if pointer[:i] in seen), 0)
        line = bisect.bisect_right(starts, offset)
        out[(pointer, key)] = (line, offset - starts[line - 1] + 1)
    return out


_NEWLINE = re.compile("\n")


def _first_duplicate(text: str) -> tuple[int, str] | None:
    seen: list[set[str] | None] = []
    for offset, _path, kind, token in _events(text):
        if kind == "open":
            seen.append(set() if token == "{" else None)
        elif kind == "close":
            seen.pop()
        elif kind == "key":
            keys = seen[-1]
            assert keys is not None
            if token in keys:
                return offset, token
            keys.add(token)
    return None


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
