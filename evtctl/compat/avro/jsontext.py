"""JSON text of ``.avsc`` files: a fast parse, and positions only when something needs one.

The parse is the C ``json`` module's. What it lets through that Jackson (Apache Avro's JSON
parser) refuses or that evtctl refuses on purpose is caught here: ``NaN``/``Infinity``
literals, duplicate keys (Jackson keeps the last silently; evtctl names the second), nesting
deeper than :data:`MAX_DEPTH`. Positions (line, column) of a value are found by
:func:`locate`, a small scanner run only when a finding needs its place, so a clean file costs
one ``json.loads`` and one walk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 200  # JSON nesting; a real Avro schema is rarely a tenth of this

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


@dataclass(frozen=True)
class _Deep:
    path: Pointer


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def parse(text: str) -> Any:
    """The JSON value of ``text``, or :class:`JsonTextError` with the place of the problem."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise JsonTextError(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except ValueError as exc:  # NaN / Infinity, which JSON (and Jackson) do not allow
        offset = _first_constant(text)
        line, column = position(text, offset)
        raise JsonTextError(f"not valid JSON: {exc} is not a JSON number (Avro's parser "
                            "rejects it too); write it as a string default if you mean it",
                            line, column) from None
    except RecursionError:
        raise JsonTextError(f"document is nested more than {MAX_DEPTH} levels deep", 1, 1,
                            limit=True) from None
    keys, deep = _walk(value)
    if deep is not None:
        line, column = locate(text, deep.path)
        raise JsonTextError(f"document is nested more than {MAX_DEPTH} levels deep", line,
                            column, limit=True)
    if keys != _key_tokens(text):
        found = _first_duplicate(text)
        if found is not None:
            offset, key = found
            line, column = position(text, offset)
            raise JsonTextError(f"duplicate key {key!r} in one object (Avro's parser would keep "
                                "the last one silently)", line, column)
    return value


def _walk(value: Any) -> tuple[int, _Deep | None]:
    """(number of keys in all objects, first place nested deeper than MAX_DEPTH)."""
    keys = 0
    level: list[Any] = [value] if type(value) in (dict, list) else []
    depth = 0
    while level:  # breadth first, one list per level: no per-node bookkeeping
        if depth >= MAX_DEPTH:
            return keys, _Deep(_deep_path(value))
        below: list[Any] = []
        for node in level:
            if type(node) is dict:
                keys += len(node)
                below.extend(v for v in node.values() if type(v) in (dict, list))
            else:
                below.extend(v for v in node if type(v) in (dict, list))
        level = below
        depth += 1
    return keys, None


def _deep_path(value: Any) -> Pointer:
    """The path to the first container MAX_DEPTH levels down (only on the refusal path)."""
    stack: list[tuple[Any, int, Any]] = [(value, 0, None)]
    while stack:
        node, depth, path = stack.pop()
        if depth >= MAX_DEPTH:
            return _rebuild(path)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend((v, depth + 1, (k, path)) for k, v in items if isinstance(v, (dict, list)))
    return ()


def _rebuild(path: Any) -> Pointer:
    out: list[str | int] = []
    while path is not None:
        out.append(path[0])
        path = path[1]
    return tuple(reversed(out))


_KEY = re.compile(r'"(?:[^"\\]|\\.)*"\s*:')


def _key_tokens(text: str) -> int:
    return len(_KEY.findall(text))


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
