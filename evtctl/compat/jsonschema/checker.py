"""A JSON Schema contract's versions under a mode: Confluent's ``SchemaDiff`` per pair.

BACKWARD is Confluent's ``compare(earlier, later)`` (the later version reads data written
with the earlier one); FORWARD swaps the sides; FULL asks both. Which pairs a mode compares
is format-neutral (:mod:`evtctl.compat.modes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from evtctl.compat.jsonschema.diff import Comparer
from evtctl.compat.jsonschema.engine import format_path, load_nodes
from evtctl.compat.jsonschema.kinds import allowed_changes
from evtctl.compat.jsonschema.model import Node
from evtctl.compat.modes import pairs, parse_mode

if TYPE_CHECKING:
    from evtctl.compat import Change, CompatResult
    from evtctl.compat.jsonschema import SchemaVersion


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
        from evtctl.compat.jsonschema.examples import find_example

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
    from evtctl.compat.jsonschema.validate import validator_for_version

    accepts, rejects = validator_for_version(writer), validator_for_version(reader)
    try:
        return bool(accepts and rejects and accepts(None) and not rejects(None))
    except Exception:
        return False
