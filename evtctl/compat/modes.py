"""Modes (BACKWARD, FORWARD, FULL, their transitive forms, NONE) over a list of versions.

BACKWARD asks whether the later version reads data written with the earlier one: Confluent's
``compare(earlier, later)``. FORWARD asks the reverse, so the sides swap; FULL asks both.
Transitive modes check a version against every earlier one, not only its predecessor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from evtctl.compat.diff import Comparer
from evtctl.compat.engine import format_path, load_nodes
from evtctl.compat.kinds import allowed_changes
from evtctl.compat.model import Node

if TYPE_CHECKING:
    from evtctl.compat import Change, CompatResult, SchemaVersion

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


def check(
    versions: Sequence[SchemaVersion], mode: str, policy: str, *, examples: bool, chain: bool
) -> CompatResult:
    from evtctl.compat import CompatResult

    directions, transitive = parse_mode(mode)
    allowed = allowed_changes(policy)
    nodes: dict[int, Node] = {}

    def node(i: int) -> Node:
        if i not in nodes:
            nodes[i] = load_nodes(versions[i])
        return nodes[i]

    changes: list[Change] = []
    # One comparer for every pair: its memo is keyed by node pair, which means the same
    # comparison whatever pair of versions it is met in.
    comparer = Comparer(allowed)
    for i, k in pairs(len(versions), transitive, chain) if directions else []:
        for direction in directions:
            w, r = (i, k) if direction == "backward" else (k, i)
            diffs = comparer.compare(node(w), node(r))
            for kind, path in diffs:
                changes.append(
                    _change(
                        versions, kind, path, kind in allowed, (i, k), (w, r), direction, examples
                    )
                )
    compatible = all(c.compatible for c in changes)
    return CompatResult(compatible, mode.upper(), policy, tuple(changes))


def _change(
    versions: Sequence[SchemaVersion],
    kind: str,
    path: tuple[str, ...],
    ok: bool,
    pair: tuple[int, int],
    sides: tuple[int, int],
    direction: str,
    examples: bool,
) -> Change:
    from evtctl.compat import Change

    earlier, later = versions[pair[0]], versions[pair[1]]
    example = None
    note = None
    found = False
    if not ok and examples:
        from evtctl.compat.examples import find_example

        writer, reader = versions[sides[0]], versions[sides[1]]
        example = find_example(writer, reader, path)
        found = example is not None or _validates_null(writer, reader)
        if found:
            note = (
                f"valid under v{writer.version} but rejected by v{reader.version}: "
                f"a consumer on v{reader.version} cannot read this event "
                f"from a producer on v{writer.version}"
            )
    return Change(
        type=kind,
        path=format_path(path),
        compatible=ok,
        from_version=earlier.version,
        to_version=later.version,
        example=example,
        example_note=note,
        direction=direction,
        has_example=found,
    )


def _validates_null(writer: SchemaVersion, reader: SchemaVersion) -> bool:
    """``None`` (JSON null) is a legitimate example; tell it apart from "no example found"."""
    from evtctl.compat.validate import validator_for_version

    accepts, rejects = validator_for_version(writer), validator_for_version(reader)
    try:
        return bool(accepts and rejects and accepts(None) and not rejects(None))
    except Exception:
        return False
