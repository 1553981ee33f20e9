"""JSON Schema patterns are ECMA-262 regular expressions; Python's ``re`` reads most of them,
not all, and some differently. This module translates the common ECMA-262 forms into
Python's syntax with the same meaning, or says it cannot:

* named groups ``(?<name>…)`` and back references ``\\k<name>``;
* ``\\d``, ``\\w`` (and ``\\D``, ``\\W``) are ASCII in ECMA-262, Unicode in Python;
* ``$`` is the end of the input in ECMA-262, not "the end or before a final newline";
* ``[^]`` (any character) and ``[]`` (no character).

Anything else Python does not compile (``\\p{…}`` property escapes, say) is not
translated: :func:`compile_pattern` returns None and callers give up cleanly.

Every evaluation is bounded in time. A backtracking engine (ECMA-262's, Java's, Python's)
takes exponential time on some patterns (``^(a|aa)+$`` against ``aaaa…b``), and a schema
is hostile input: patterns run on the ``regex`` engine, whose matcher takes a
``timeout`` and stops itself (CPU time; ``re`` cannot be interrupted at all). One
evaluation may take :data:`PATTERN_SECONDS`; a pattern that ran out of time once gets
:data:`SLOW_SECONDS` per evaluation from then on, and none after :data:`MAX_TIMEOUTS`
timeouts; inside :func:`within` (the example search's budget), never past its deadline.
An evaluation that is not decided answers None, "cannot tell", like an unreadable pattern,
and is counted (:func:`undecided`) so the caller can say why it has no answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

PATTERN_SECONDS = 0.05  # CPU seconds one evaluation may take
SLOW_SECONDS = 0.005  # for a pattern that has run out of time before
MAX_TIMEOUTS = 8  # then the pattern is undecidable without trying again

_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_"}
_ESCAPES = {"d": "[0-9]", "D": "[^0-9]", "w": "[A-Za-z0-9_]", "W": "[^A-Za-z0-9_]"}


def translate(pattern: str) -> str | None:
    """The Python form of an ECMA-262 ``pattern``, or None when it has no safe one."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                return None
            e = pattern[i + 1]
            if e in ("p", "P") or (e == "u" and pattern[i + 2:i + 3] == "{"):
                return None  # Unicode property / code point escapes: not in Python's re
            if e == "k" and pattern[i + 2:i + 3] == "<" and not in_class:
                end = pattern.find(">", i + 3)
                if end < 0:
                    return None
                out.append(f"(?P={pattern[i + 3:end]})")
                i = end + 1
                continue
            if e == "c":
                return None
            if in_class:
                if e in _CLASS_ESCAPES:
                    out.append(_CLASS_ESCAPES[e])
                elif e in ("D", "W"):
                    return None
                else:
                    out.append(pattern[i:i + 2])
            else:
                out.append(_ESCAPES.get(e, pattern[i:i + 2]))
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[":
                out.append("\\[")  # a literal '[' inside a class (Python warns about it)
                i += 1
                continue
            out.append(c)
            i += 1
            continue
        if c == "[":
            if pattern.startswith("[^]", i):
                out.append("[\\s\\S]")
                i += 3
                continue
            if pattern.startswith("[]", i):
                out.append("(?!)")
                i += 2
                continue
            in_class = True
            out.append(c)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            continue
        if c == "(" and pattern.startswith("(?<", i) and pattern[i + 3:i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        if c == "(" and pattern.startswith("(?", i) and pattern[i + 2:i + 3] not in (
                ":", "=", "!", "<"):
            return None  # Python-only group syntax ((?P…), inline flags): not ECMA-262
        if c == "$":
            out.append("\\Z")
            i += 1
            continue
        out.append(c)
        i += 1
    if in_class:
        return None
    return "".join(out)


class EcmaPattern:
    """A compiled pattern whose every evaluation is bounded in time."""

    __slots__ = ("_compiled", "source", "timeouts")

    def __init__(self, source: str, compiled: Any) -> None:
        self.source = source
        self._compiled = compiled
        self.timeouts = 0

    def search(self, text: str) -> bool | None:
        """Whether the pattern matches somewhere in ``text``; None when that could not be
        decided in time."""
        if self.timeouts >= MAX_TIMEOUTS:
            return _undecided()
        limit = SLOW_SECONDS if self.timeouts else PATTERN_SECONDS
        scope = _SCOPE.get()
        if scope is not None:
            left = scope.deadline - time.process_time()
            if left <= 0:
                return _undecided()
            limit = min(limit, left)
        try:
            return self._compiled.search(text, timeout=limit) is not None
        except TimeoutError:
            self.timeouts += 1
            return _undecided()


@dataclass
class Scope:
    """A deadline (``time.process_time()``) for every evaluation made inside
    :func:`within`, and how many were left undecided."""

    deadline: float
    undecided: int = 0


_SCOPE: ContextVar[Scope | None] = ContextVar("evtctl_pattern_scope", default=None)
_UNDECIDED = [0]  # evaluations left undecided in this process, in or out of a scope


@contextmanager
def within(deadline: float) -> Iterator[Scope]:
    """Bound every evaluation made in the block by ``deadline`` (CPU time)."""
    scope = Scope(deadline)
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


def undecided() -> int:
    """How many evaluations this process left undecided so far (to compare before/after)."""
    return _UNDECIDED[0]


def _undecided() -> bool | None:
    """Count one evaluation left undecided; its answer: None, "cannot tell"."""
    _UNDECIDED[0] += 1
    scope = _SCOPE.get()
    if scope is not None:
        scope.undecided += 1
    return None


def _compile(python: str) -> EcmaPattern | None:
    import warnings

    import regex

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # FutureWarning on nested sets and the like
            return EcmaPattern(python, regex.compile(python, regex.V0))
    except (regex.error, re.error, OverflowError, RecursionError, ValueError):
        return None


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> EcmaPattern | None:
    """The bounded Python equivalent of an ECMA-262 ``pattern``, or None."""
    python = translate(pattern)
    return None if python is None else _compile(python)


@lru_cache(maxsize=4096)
def compile_as_written(pattern: str) -> EcmaPattern | None:
    """``pattern`` compiled as it is written (Schema Registry's comparison reads
    ``patternProperties`` with Java's engine, not as ECMA-262), bounded; None if Python's
    syntax rejects it."""
    return _compile(pattern)


def search(pattern: str, text: str) -> bool | None:
    """Whether ``pattern`` matches somewhere in ``text`` (ECMA-262 ``test``); None when the
    pattern cannot be read or the evaluation could not be decided in time."""
    compiled = compile_pattern(pattern)
    return None if compiled is None else compiled.search(text)
