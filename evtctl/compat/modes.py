"""Modes (BACKWARD, FORWARD, FULL, their transitive forms, NONE) over a list of versions.

The same for every format: BACKWARD asks whether the later version reads data written with
the earlier one, FORWARD the reverse, FULL both. Transitive modes check a version against
every earlier one, not only its predecessor.
"""

from __future__ import annotations

DIRECTIONS = {
    "BACKWARD": ("backward",),
    "FORWARD": ("forward",),
    "FULL": ("backward", "forward"),
    "NONE": (),
}


def parse_mode(mode: str) -> tuple[tuple[str, ...], bool]:
    """(directions to check, transitive?) for a mode name; raises ValueError if unknown."""
    name = mode.upper()
    transitive = name.endswith("_TRANSITIVE")
    base = name.removesuffix("_TRANSITIVE")
    if base not in DIRECTIONS or (transitive and base == "NONE"):
        raise ValueError(f"unknown compatibility mode {mode!r}")
    return DIRECTIONS[base], transitive


def pairs(count: int, transitive: bool, chain: bool) -> list[tuple[int, int]]:
    """Index pairs (earlier, later) to check among ``count`` versions."""
    laters = range(1, count) if chain else range(count - 1, count) if count > 1 else range(0)
    out: list[tuple[int, int]] = []
    for k in laters:
        earlier = range(k) if transitive else (k - 1,)
        out.extend((i, k) for i in earlier)
    return out
