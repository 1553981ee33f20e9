"""Did-you-mean suggestions that only offer what is plausibly a typo of the word given.

``difflib``'s ratio finds words that *share* a lot, so it offers ``InvoicePaid`` for
``InvoiceVoided`` and ``...paymentservice.events`` for ``...invoiceservice.events``: other
things, presented as if they were the same. A suggestion here is a word within a few edits
(insertions, deletions, substitutions, swaps of neighbours) of the one given, or equal to it
but for case and separators; anything further is not a typo and is not suggested.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_SEPARATORS = re.compile(r"[\s_\-]")


def normalised(word: str) -> str:
    """Lower case, without spaces, ``_`` or ``-`` (``api_version`` is ``apiversion``)."""
    return _SEPARATORS.sub("", word).lower()


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b``, or ``limit + 1`` when it is larger.

    Bounded: work stops as soon as the distance must exceed ``limit``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def typo_limit(word: str) -> int:
    """How many edits still read as a typo of a word this long."""
    n = len(word)
    return 0 if n <= 2 else 1 if n <= 5 else 2 if n <= 14 else 3


@lru_cache(maxsize=8192)
def is_typo_of(word: str, target: str) -> bool:
    """``word`` is ``target`` misspelled (not equal to it). Memoised: the loader asks it of
    the same few keys (``apiVersion``, ``kind``, ``spec``...) in every YAML file."""
    if word == target:
        return False
    if normalised(word) == normalised(target):
        return True
    limit = typo_limit(target)
    return edit_distance(word.lower(), target.lower(), limit) <= limit


def closest(word: str, options: Iterable[str]) -> str | None:
    """The option that ``word`` is a typo of (the nearest; ties: the first), or None."""
    best: tuple[int, str] | None = None
    lowered = word.lower()
    for option in options:
        if option == word:
            continue
        if normalised(option) == normalised(word):
            return option
        limit = typo_limit(option)
        distance = edit_distance(lowered, option.lower(), limit)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, option)
    return best[1] if best else None


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` when ``word`` is a typo of an option, else ``""``."""
    found = closest(word, options)
    return f"; did you mean {found!r}?" if found else ""
