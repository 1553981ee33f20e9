"""Strings that match a ``pattern``, for example events.

Real schemas use a small part of ECMA-262 in ``pattern``: literals, escapes (``\\d``,
``\\w``, ``\\s``, ``\\.``), character classes with ranges and negation, ``.``, groups
(plain, non-capturing, named), alternation, the quantifiers ``* + ? {n} {n,} {n,m}`` (lazy
or not) and the anchors ``^`` and ``$``. This module parses that subset and writes strings
it matches; look-arounds and word boundaries write nothing (they only filter), and anything
else (back references, property escapes, inline flags) raises :class:`Unsupported` and
callers give up cleanly. Every string is checked against the pattern itself before it is
returned, so a string is never wrong, only sometimes missing.

:func:`strings` yields a few different matches (each alternative, each repetition count
near the minimum), shortest first, within a length range.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evtctl.compat.jsonschema.ecma import EcmaPattern

MAX_REPEAT = 12  # repetitions beyond the minimum tried besides what a length needs
MAX_LENGTH = 20_000  # no string longer than this is written (nested repetitions multiply)
MAX_RESULTS = 24
MAX_NODES = 2000  # a longer pattern is not worth parsing for an example

_PRINTABLE = [chr(c) for c in range(32, 127)]
# Characters tried first, so that examples read well.
_PREFERRED = "aA0bB1xX_- .@:/"
_DIGITS = [chr(c) for c in range(48, 58)]
_WORD = [chr(c) for c in range(48, 58)] + [chr(c) for c in range(65, 91)] + \
        [chr(c) for c in range(97, 123)] + ["_"]
_SPACE = [" ", "\t", "\n", "\r", "\f", "\v"]


class Unsupported(Exception):
    """The pattern uses something this generator does not write."""


@dataclass(frozen=True)
class _Chars:
    chars: tuple[str, ...]  # the characters it may be, preferred first


@dataclass(frozen=True)
class _Seq:
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class _Alt:
    options: tuple[_Node, ...]


@dataclass(frozen=True)
class _Repeat:
    item: _Node
    low: int
    high: int | None


@dataclass(frozen=True)
class _Anchor:
    start: bool


_Node = _Chars | _Seq | _Alt | _Repeat | _Anchor


def _order(chars: set[str]) -> tuple[str, ...]:
    first = [c for c in _PREFERRED if c in chars]
    rest = sorted(c for c in chars if c not in first)
    return tuple(first + rest)


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.nodes = 0

    def parse(self) -> _Node:
        node = self.alternation()
        if self.i != len(self.p):
            raise Unsupported(f"unexpected {self.p[self.i]!r}")
        return node

    def _count(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise Unsupported("pattern too long")

    def alternation(self) -> _Node:
        options = [self.sequence()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            options.append(self.sequence())
        return options[0] if len(options) == 1 else _Alt(tuple(options))

    def sequence(self) -> _Node:
        items: list[_Node] = []
        while self.i < len(self.p) and self.p[self.i] not in "|)":
            atom = self.atom()
            items.append(self.quantified(atom))
        return items[0] if len(items) == 1 else _Seq(tuple(items))

    def quantified(self, atom: _Node) -> _Node:
        if self.i >= len(self.p):
            return atom
        c = self.p[self.i]
        low: int
        high: int | None
        if c == "*":
            low, high = 0, None
            self.i += 1
        elif c == "+":
            low, high = 1, None
            self.i += 1
        elif c == "?":
            low, high = 0, 1
            self.i += 1
        elif c == "{":
            end = self.p.find("}", self.i)
            body = self.p[self.i + 1:end] if end > 0 else ""
            parts = body.split(",")
            if end < 0 or not parts[0].isdigit() or len(parts) > 2 or (
                    len(parts) == 2 and parts[1] and not parts[1].isdigit()):
                return atom  # a literal '{' (ECMA-262 Annex B), handled as an atom next
            low = int(parts[0])
            high = low if len(parts) == 1 else (int(parts[1]) if parts[1] else None)
            self.i = end + 1
        else:
            return atom
        if self.i < len(self.p) and self.p[self.i] == "?":
            self.i += 1  # lazy: matches the same strings
        if isinstance(atom, _Anchor):
            raise Unsupported("quantified anchor")
        self._count()
        return _Repeat(atom, low, high)

    def atom(self) -> _Node:
        self._count()
        c = self.p[self.i]
        if c == "(":
            return self.group()
        if c == "[":
            return self.char_class()
        if c == ".":
            self.i += 1
            return _Chars(_order(set(_PRINTABLE)))
        if c == "^":
            self.i += 1
            return _Anchor(True)
        if c == "$":
            self.i += 1
            return _Anchor(False)
        if c == "\\":
            return self.escape(in_class=False)
        if c in "*+?":
            raise Unsupported(f"nothing to repeat at {self.i}")
        self.i += 1
        return _Chars((c,))

    def group(self) -> _Node:
        self.i += 1
        if self.p.startswith("?:", self.i):
            self.i += 2
        elif self.p.startswith("?<", self.i) and self.p[self.i + 2:self.i + 3] not in ("=", "!"):
            end = self.p.find(">", self.i)
            if end < 0:
                raise Unsupported("unterminated group name")
            self.i = end + 1
        elif self.p.startswith(("?=", "?!", "?<=", "?<!"), self.i):
            # A look-around writes nothing: skipped here, and every string is checked
            # against the whole pattern afterwards (so a look-ahead only filters).
            self.i += 3 if self.p.startswith("?<", self.i) else 2
            self.alternation()
            if self.i >= len(self.p) or self.p[self.i] != ")":
                raise Unsupported("unbalanced parenthesis")
            self.i += 1
            return _Seq(())
        elif self.p.startswith("?", self.i):
            raise Unsupported("inline flag")
        inner = self.alternation()
        if self.i >= len(self.p) or self.p[self.i] != ")":
            raise Unsupported("unbalanced parenthesis")
        self.i += 1
        return inner

    def escape(self, in_class: bool) -> _Chars:
        if self.i + 1 >= len(self.p):
            raise Unsupported("trailing backslash")
        e = self.p[self.i + 1]
        self.i += 2
        sets = {"d": set(_DIGITS), "w": set(_WORD), "s": set(_SPACE)}
        if e in sets:
            return _Chars(_order(sets[e]))
        if e in ("D", "W", "S"):
            return _Chars(_order(set(_PRINTABLE) - sets[e.lower()]))
        simple = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "0": "\0"}
        if e in simple:
            return _Chars((simple[e],))
        if e in ("x", "u"):
            width = 2 if e == "x" else 4
            digits = self.p[self.i:self.i + width]
            if len(digits) != width or any(d not in "0123456789abcdefABCDEF" for d in digits):
                raise Unsupported(f"\\{e} escape")
            self.i += width
            return _Chars((chr(int(digits, 16)),))
        if e == "b" and in_class:
            return _Chars(("\b",))
        if e in ("b", "B"):
            return _Chars(("",))  # a word boundary writes nothing (checked afterwards)
        if e.isalnum():
            raise Unsupported(f"\\{e}")  # \b, \B, back references, \p, \c ...
        return _Chars((e,))

    def char_class(self) -> _Chars:
        self.i += 1
        negate = self.i < len(self.p) and self.p[self.i] == "^"
        if negate:
            self.i += 1
        chars: set[str] = set()
        first = True
        while True:
            if self.i >= len(self.p):
                raise Unsupported("unterminated class")
            c = self.p[self.i]
            if c == "]" and not first:
                self.i += 1
                break
            if c == "]" and first:
                self.i += 1
                break  # [] or [^]
            first = False
            if c == "\\":
                item = self.escape(in_class=True)
                if len(item.chars) > 1:
                    chars.update(item.chars)
                    continue
                low = item.chars[0]
            else:
                low = c
                self.i += 1
            if (self.i + 1 < len(self.p) and self.p[self.i] == "-"
                    and self.p[self.i + 1] != "]"):
                self.i += 1
                if self.p[self.i] == "\\":
                    high_item = self.escape(in_class=True)
                    if len(high_item.chars) > 1:
                        raise Unsupported("class range to a class escape")
                    high = high_item.chars[0]
                else:
                    high = self.p[self.i]
                    self.i += 1
                if ord(high) < ord(low):
                    raise Unsupported("reversed range")
                if ord(high) - ord(low) > 5000:
                    chars.update(chr(x) for x in range(ord(low), ord(low) + 200))
                else:
                    chars.update(chr(x) for x in range(ord(low), ord(high) + 1))
            else:
                chars.add(low)
        if negate:
            chars = set(_PRINTABLE) - chars
        return _Chars(_order(chars))


def _variants(node: _Node, extra: int) -> Iterator[list[str]]:
    """Lists of string pieces the node matches: the shortest first, then others; every
    repetition written ``extra`` more times than its minimum (within its maximum)."""
    if isinstance(node, _Anchor):
        yield [""]
    elif isinstance(node, _Chars):
        if not node.chars:
            return
        yield [node.chars[0]]
        if len(node.chars) > 1:
            yield [node.chars[1]]
    elif isinstance(node, _Alt):
        for option in node.options:
            yield from itertools.islice(_variants(option, extra), 2)
    elif isinstance(node, _Repeat):
        count = node.low + extra
        if node.high is not None:
            count = min(count, node.high)
        options = list(itertools.islice(_variants(node.item, extra), 2))
        if not options:
            if node.low == 0:
                yield [""]
            return
        width = max(1, len("".join(options[0])))
        if width * count > MAX_LENGTH:
            if width * node.low > MAX_LENGTH:
                return  # even the minimum is too long to write
            count = max(node.low, MAX_LENGTH // width)
        yield ["".join(options[0])] * count
        if len(options) > 1 and count:
            yield ["".join(options[1])] * count
        if extra == 0 and (node.high is None or node.high > count):
            yield ["".join(options[0])] * (count + 1)
    else:
        parts = [list(itertools.islice(_variants(i, extra), 3)) for i in node.items]
        if any(not p for p in parts):
            return
        yield [piece for p in parts for piece in p[0]]
        # Vary one item at a time, the others at their shortest.
        for index, options in enumerate(parts):
            for other in options[1:]:
                yield [piece for j, p in enumerate(parts)
                       for piece in (other if j == index else p[0])]


def strings(pattern: str, min_length: int = 0, max_length: int | None = None) -> Iterator[str]:
    """Distinct strings that ``pattern`` matches, with a length in the range, shortest
    first; raises :class:`Unsupported` when the pattern is outside the subset."""
    from evtctl.compat.jsonschema.ecma import compile_pattern

    compiled = compile_pattern(pattern)
    if compiled is None:
        raise Unsupported("pattern has no Python form")
    tree = _Parser(pattern).parse()
    seen: set[str] = set()
    found: list[str] = []
    for extra in sorted({0, 1, 3, 8, MAX_REPEAT, min(max(min_length, 0), 10_000)}):
        for pieces in itertools.islice(_variants(tree, extra), 200):
            if sum(len(p) for p in pieces) > MAX_LENGTH:
                continue
            text = "".join(pieces)
            if text in seen:
                continue
            seen.add(text)
            for candidate in _fit(text, min_length, max_length, compiled):
                if candidate not in found:
                    found.append(candidate)
        if len(found) >= MAX_RESULTS:
            break
    found.sort(key=len)
    yield from found[:MAX_RESULTS]


def _fit(text: str, low: int, high: int | None, compiled: EcmaPattern) -> Iterator[str]:
    """``text``, or a longer or shorter one that still matches (search semantics: what
    is around a match of an unanchored pattern is free), within [low, high]; a match not
    decided in time is no candidate."""
    candidates = [text]
    if len(text) < low:
        candidates.append(text + "a" * (low - len(text)))
        candidates.append("a" * (low - len(text)) + text)
    for candidate in candidates:
        if len(candidate) >= low and (high is None or len(candidate) <= high) and \
                compiled.search(candidate) is True:
            yield candidate
