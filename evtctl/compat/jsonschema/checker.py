"""A JSON Schema contract's versions under a mode: Confluent's ``SchemaDiff`` per pair.

BACKWARD is Confluent's ``compare(earlier, later)`` (the later version reads data written
with the earlier one); FORWARD swaps the sides; FULL asks both. Which pairs a mode compares
is format-neutral (:mod:`evtctl.compat.modes`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from evtctl.compat.jsonschema.describe import describe_change
from evtctl.compat.jsonschema.diff import Comparer
from evtctl.compat.jsonschema.engine import format_path, load_nodes
from evtctl.compat.jsonschema.examples import Budget, ExampleSearch, Outcome
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
    search = ExampleSearch(versions, comparer, node) if examples else None
    for i, k in pairs(len(versions), transitive, chain) if directions else []:
        started = time.process_time()
        found = [(direction, (i, k) if direction == "backward" else (k, i))
                 for direction in directions]
        diffs = [comparer.compare(node(w), node(r)) for _direction, (w, r) in found]
        elapsed = time.process_time() - started
        if search is not None and any(k not in allowed for d in diffs for k, _p in d):
            search.prepare(i, k)  # validators: built once, outside the budget
        budget = Budget.for_check(elapsed)
        for (direction, (w, r)), pair_diffs in zip(found, diffs, strict=True):
            names = (f"v{versions[w].version}", f"v{versions[r].version}")
            for kind, path in pair_diffs:
                described = describe_change(comparer, node(w), node(r), kind, path,
                                            direction == "backward", names)
                ok = kind in allowed
                outcome = Outcome()
                if described.harmless:
                    outcome = Outcome(note="no example event exists for this change")
                elif not ok and search is None:
                    outcome = Outcome(note="no example searched (example search is off)")
                elif not ok and search is not None:
                    outcome = search.find(w, r, kind, path, budget.per_change())
                    budget.exhausted = budget.exhausted or (
                        outcome.note is not None and time.process_time() > budget.deadline)
                text = described.text + _undecided_note(comparer, path)
                changes.append(_change(versions, kind, path, ok, (i, k), (w, r), direction,
                                       text, outcome))
    compatible = all(c.compatible for c in changes)
    return CompatResult(compatible, mode.upper(), policy, tuple(changes),
                        labels=_labels(versions))


def _undecided_note(comparer: Comparer, path: tuple[str, ...]) -> str:
    """Says so when this change rests on a property name whose match against a
    ``patternProperties`` pattern could not be decided in time."""
    if len(path) < 2 or path[-2] != "properties" or path[-1] not in comparer.undecided:
        return ""
    pattern = comparer.undecided[path[-1]]
    return (f" (whether {path[-1]!r} matches the patternProperties pattern {pattern!r} could "
            "not be decided in time; it is read as not matching)")


def _labels(versions: Sequence[SchemaVersion]) -> tuple[tuple[int, str], ...]:
    """Each version's file name, or enough of its path to tell it from the others."""
    from urllib.parse import unquote, urlparse

    if not all(v.base_uri.startswith("file:") for v in versions):
        return ()
    parts = [unquote(urlparse(v.base_uri).path).split("/") for v in versions]
    depth = 1
    while depth < max(len(p) for p in parts):
        names = ["/".join(p[-depth:]) for p in parts]
        if len(set(names)) == len(names):
            break
        depth += 1
    return tuple((v.version, "/".join(p[-depth:])) for v, p in zip(versions, parts, strict=True))


def _change(
    versions: Sequence[SchemaVersion],
    kind: str,
    path: tuple[str, ...],
    ok: bool,
    pair: tuple[int, int],
    sides: tuple[int, int],
    direction: str,
    description: str,
    outcome: Outcome,
) -> Change:
    from evtctl.compat import Change

    earlier, later = versions[pair[0]], versions[pair[1]]
    writer, reader = versions[sides[0]], versions[sides[1]]
    note = outcome.note
    if outcome.found:
        also = " (for this change and for others listed here)" if outcome.mixed else ""
        note = (
            f"valid under v{writer.version} but rejected by v{reader.version}{also}: "
            f"a consumer on v{reader.version} cannot read this event "
            f"from a producer on v{writer.version}"
        )
    return Change(
        type=kind,
        path=format_path(path),
        compatible=ok,
        from_version=earlier.version,
        to_version=later.version,
        example=outcome.example,
        example_note=None if ok else note,
        direction=direction,
        has_example=outcome.found,
        description=description,
    )
