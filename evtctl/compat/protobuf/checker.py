"""A Protobuf contract's versions under a mode and policy.

BACKWARD is Confluent's ``SchemaDiff.compare(earlier, later)`` (the later version reads
what the earlier wrote), FORWARD swaps the sides, FULL asks both; transitive modes pair a
version with every earlier one (:mod:`evtctl.compat.modes`). Policy ``confluent`` is
exactly Confluent's verdict. Policies ``wire`` and ``wire-json`` add, once per pair of
versions (earlier → later, as buf compares a change with what it replaces), the findings
of buf's WIRE or WIRE_JSON rules; each of those is incompatible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from evtctl.compat import Change, CompatResult
from evtctl.compat.modes import pairs, parse_mode
from evtctl.compat.protobuf.confluent import compare
from evtctl.compat.protobuf.wire import check as wire_check
from evtctl.compat.protobuf.wording import sentence

if TYPE_CHECKING:
    from evtctl.compat.formats import LoadedSchema
    from evtctl.compat.protobuf.confluent import Difference
    from evtctl.compat.protobuf.model import Loc, ProtoSchema

POLICIES = ("confluent", "wire", "wire-json")


def check(versions: Sequence[LoadedSchema], mode: str, policy: str, *, chain: bool,
          examples: bool) -> CompatResult:
    if policy not in POLICIES:
        raise ValueError(f"unknown Protobuf policy {policy!r}; expected one of "
                         f"{', '.join(POLICIES)}")
    directions, transitive = parse_mode(mode)
    changes: list[Change] = []
    for i, k in pairs(len(versions), transitive, chain) if directions else []:
        for direction in directions:
            w, r = (i, k) if direction == "backward" else (k, i)
            for d in compare(versions[w].content, versions[r].content):
                changes.append(_from_difference(versions, d, (i, k), (w, r), direction,
                                                examples))
        if policy != "confluent":
            earlier, later = versions[i], versions[k]
            for f in wire_check(earlier.content, later.content, policy):
                changes.append(_from_finding(earlier, later, f.rule, f.path, f.message, f.loc,
                                             directions[0], examples))
    compatible = all(c.compatible for c in changes)
    return CompatResult(compatible, mode.upper(), policy, tuple(changes), "PROTOBUF")


def _place(schema: ProtoSchema, loc: Loc | None) -> tuple[str | None, int, int]:
    if loc is None:
        return None, 0, 0
    disk = schema.disk.get(loc.file)
    return (str(disk) if disk is not None else loc.file), loc.line, loc.column


def _from_difference(versions: Sequence[LoadedSchema], d: Difference, pair: tuple[int, int],
                     sides: tuple[int, int], direction: str, examples: bool) -> Change:
    writer, reader = versions[sides[0]], versions[sides[1]]
    # ``update`` is the reader's side of Confluent's compare.
    place = _place(reader.content, d.update) if d.update and d.update.line else _place(
        writer.content, d.original)
    example = note = None
    found = False
    if examples and not d.compatible:
        from evtctl.compat.protobuf.examples import for_difference

        example, note, found = for_difference(writer, reader, d)
    return Change(
        type=d.type, path=d.path, compatible=d.compatible,
        from_version=versions[pair[0]].version, to_version=versions[pair[1]].version,
        example=example, example_note=note, direction=direction, has_example=found,
        description=sentence(d.type, d.messages, d.number, d.detail),
        file=place[0], line=place[1], column=place[2],
    )


def _from_finding(earlier: LoadedSchema, later: LoadedSchema, rule: str, path: str,
                  message: str, loc: Loc, direction: str, examples: bool) -> Change:
    place = _place(later.content, loc)
    example = note = None
    found = False
    if examples:
        from evtctl.compat.protobuf.examples import for_wire_rule

        example, note, found = for_wire_rule(earlier, later, rule, path)
    return Change(
        type=rule, path=path, compatible=False, from_version=earlier.version,
        to_version=later.version, example=example, example_note=note, direction=direction,
        has_example=found, description=message, file=place[0], line=place[1],
        column=place[2],
    )
