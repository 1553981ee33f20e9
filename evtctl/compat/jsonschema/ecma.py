"""JSON Schema patterns are ECMA-262 regular expressions; Python's ``re`` reads most of them,
not all, and some differently. This module translates the common ECMA-262 forms into
Python's syntax with the same meaning, or says it cannot:

* named groups ``(?<name>…)`` and back references ``\\k<name>``;
* ``\\d``, ``\\w`` (and ``\\D``, ``\\W``) are ASCII in ECMA-262, Unicode in Python;
* ``$`` is the end of the input in ECMA-262, not "the end or before a final newline";
* ``[^]`` (any character) and ``[]`` (no character).

Anything else Python does not compile (``\\p{…}`` property escapes, say) is not
translated: :func:`compile_pattern` returns None and callers give up cleanly.
"""

from __future__ import annotations

import re
from functools import lru_cache

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


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> re.Pattern[str] | None:
    """The compiled Python equivalent of an ECMA-262 ``pattern``, or None."""
    python = translate(pattern)
    if python is None:
        return None
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # FutureWarning on nested sets and the like
            return re.compile(python)
    except (re.error, OverflowError, RecursionError):
        return None


def search(pattern: str, text: str) -> bool | None:
    """Whether ``pattern`` matches somewhere in ``text`` (ECMA-262 ``test``); None when the
    pattern cannot be read."""
    compiled = compile_pattern(pattern)
    return None if compiled is None else compiled.search(text) is not None
