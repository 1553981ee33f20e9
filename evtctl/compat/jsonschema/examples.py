"""An example event for an incompatible change: the writer's schema accepts it, the
reader's rejects it — found within a budget, as small as it can be, always proven.

The search starts from the smallest event the writer accepts (:mod:`.instances`) and
changes only what the change is about, at its place (:mod:`.walk`): a string one
character longer than the reader's new ``maxLength``, an enum value the reader dropped, an
old event without the property the reader now requires, a number that is a multiple of
the old ``multipleOf`` but not of the new one... Every other required property keeps its
smallest valid value (matching its ``pattern``, in its ``format``, within its bounds).
When no targeted candidate works, a broad search (:mod:`.sampler`) proposes more.

Each candidate is validated with jsonschema against both versions; only one the writer
accepts and the reader rejects is shown. The budget is time and a number of candidates;
when it runs out first, the change says "no example within the budget" instead of
waiting, and when every candidate was tried, "no example event found". Every pattern
evaluation stops at the budget's deadline (:func:`.ecma.within`): a candidate whose
validation met a pattern it could not decide in time is neither valid nor invalid, and if
no example is found the change says "no example within the budget" too.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from evtctl.compat.jsonschema.diff import Comparer, unique_of
from evtctl.compat.jsonschema.ecma import within
from evtctl.compat.jsonschema.instances import GENERIC, Instances, NoInstance, Where
from evtctl.compat.jsonschema.model import Node, deref
from evtctl.compat.jsonschema.validate import Fault
from evtctl.compat.jsonschema.walk import Place, Step, walk

if TYPE_CHECKING:
    from evtctl.compat.jsonschema import SchemaVersion

NO_EXAMPLE = "no example event found; the verdict follows Confluent's rule for this change"
OUT_OF_BUDGET = "no example within the budget; the verdict follows Confluent's rule for " \
    "this change"
MAX_CANDIDATES = 400  # validated candidates per change
# Per pair of versions, in CPU seconds (wall time on a shared machine measures the
# neighbours): the example search may take as long as the comparison itself (so the
# whole check costs at most twice the check without examples), at least MIN_SECONDS (a
# few candidates must be validated) and never more than MAX_SECONDS.
MIN_SECONDS = 0.1
MAX_SECONDS = 1.0
# Steps that stay on the same value (an allOf member, a schema dependency).
_SAME_VALUE = ("alternative", "dependency")


@dataclass(frozen=True)
class Outcome:
    example: Any = None
    found: bool = False
    note: str | None = None  # why there is none
    # The reader also rejects the example for other changes (when no event shows this
    # change alone: another change at a place every event has, say).
    mixed: bool = False


class Budget:
    """Time and candidates one pair of versions may spend on examples."""

    def __init__(self, seconds: float, candidates: int = MAX_CANDIDATES) -> None:
        self.deadline = time.process_time() + seconds
        self.candidates = candidates
        self.exhausted = False

    @classmethod
    def for_check(cls, check_seconds: float) -> Budget:
        return cls(min(MAX_SECONDS, max(MIN_SECONDS, check_seconds)))

    def take(self) -> bool:
        """Spend one candidate; False (and exhausted) when nothing is left."""
        if self.exhausted:
            return False
        self.candidates -= 1
        if self.candidates < 0 or time.process_time() > self.deadline:
            self.exhausted = True
            return False
        return True

    def per_change(self) -> Budget:
        """A share for one change: the time left, and at most MAX_CANDIDATES of it."""
        share = Budget(0)
        share.deadline = self.deadline
        share.candidates = MAX_CANDIDATES
        share.exhausted = self.exhausted
        return share


class ExampleSearch:
    """Example events for the changes of one check (validators and generators built once
    per version)."""

    def __init__(self, versions: Sequence[SchemaVersion], comparer: Comparer,
                 node: Callable[[int], Node]) -> None:
        self.versions = versions
        self.comparer = comparer
        self.node = node
        self._validators: dict[int, Callable[[Any], bool] | None] = {}
        self._faults: dict[int, Callable[[Any], list[Fault]] | None] = {}
        self._instances: dict[tuple[int, int], Instances] = {}

    def prepare(self, *indexes: int) -> None:
        """Build the validators of these versions now (jsonschema's import and the
        compilation of a schema are paid once, not out of one change's budget)."""
        for index in indexes:
            self.validator(index)
            self.faults(index)

    def validator(self, index: int) -> Callable[[Any], bool] | None:
        if index not in self._validators:
            self._build(index)
        return self._validators[index]

    def faults(self, index: int) -> Callable[[Any], list[Fault]] | None:
        if index not in self._faults:
            self._build(index)
        return self._faults[index]

    def _build(self, index: int) -> None:
        from evtctl.compat.jsonschema.validate import faults_of, jsonschema_validator

        built = jsonschema_validator(self.versions[index])
        if built is None:
            self._validators[index] = self._faults[index] = None
            return
        self._validators[index] = built.is_valid
        self._faults[index] = faults_of(built)

    def instances(self, writer: int, reader: int) -> Instances:
        key = (writer, reader)
        if key not in self._instances:
            self._instances[key] = Instances(self.versions[writer], self.versions[reader])
        return self._instances[key]

    def find(self, writer: int, reader: int, kind: str, path: tuple[str, ...],
             budget: Budget) -> Outcome:
        accepts, faults = self.validator(writer), self.faults(reader)
        if accepts is None or faults is None:
            return Outcome(note=NO_EXAMPLE)
        if budget.exhausted or time.process_time() > budget.deadline:
            # Spent by the changes before: not even the first candidate (walking to the
            # place and making it costs as much as a few validations).
            budget.exhausted = True
            return Outcome(note=OUT_OF_BUDGET)
        tried: set[str] = set()

        about = _about_name(kind, path)
        mixed: list[Any] = []  # the first event rejected for this change and others too

        def shows(value: Any, where: tuple[str | int, ...] | None) -> bool:
            key = json.dumps(value, sort_keys=True, default=repr)
            if key in tried:
                return False
            tried.add(key)
            if not budget.take():
                return False
            try:
                if not accepts(value):
                    return False
                found = faults(value)
            except Exception:  # a pattern or reference jsonschema cannot evaluate
                return False
            if not found:
                return False
            if where is None:
                return True
            relevant = [_about(f, where, about) for f in found]
            if all(relevant):
                return True
            if any(relevant) and not mixed:
                mixed.append(value)
            return False

        # Every pattern evaluated (writing candidates, validating them) stops at the
        # budget's deadline; one left undecided makes "no example" a "cannot tell".
        with within(budget.deadline) as patterns:
            for value, where in itertools.chain(self._targeted(writer, reader, kind, path),
                                                self._broad(writer, path, budget)):
                if budget.exhausted:
                    break
                if shows(value, where):
                    return Outcome(value, True)
        if mixed:
            return Outcome(mixed[0], True, mixed=True)
        return Outcome(note=OUT_OF_BUDGET if budget.exhausted or patterns.undecided
                       else NO_EXAMPLE)

    def _broad(self, writer: int, path: tuple[str, ...],
               budget: Budget) -> Iterator[tuple[Any, Located]]:
        from evtctl.compat.jsonschema.sampler import candidates

        where = _instance_path(path)
        for value in candidates(self.versions[writer], path, budget.deadline):
            yield value, where
        if time.process_time() > budget.deadline:
            budget.exhausted = True  # the sampler stopped at the deadline

    # -- targeted candidates ----------------------------------------------------------------------
    def _targeted(self, writer: int, reader: int, kind: str,
                  path: tuple[str, ...]) -> Iterator[tuple[Any, Located]]:
        place = walk(self.comparer, self.node(writer), self.node(reader), path)
        inst = self.instances(writer, reader)
        for parent, with_reader, extras in _plans(self.comparer, kind, place, path):
            if parent and not place.steps:
                continue
            steps = place.steps[:-1] if parent else place.steps
            last = place.steps[-1] if parent else None
            location = last.writer if last is not None else place.writer_full
            if location is None:
                continue
            theirs = last.reader if last is not None else place.reader_full
            at = [inst.reader(_where(theirs))] if with_reader and theirs is not None else []
            for extra in extras:
                # Surroundings both versions accept first, then the writer's alone.
                for both in (True, False):
                    yield from self._embedded(inst, steps, location, [*at, *extra], both)

    def _embedded(self, inst: Instances, steps: list[Step], location: Node,
                  extra: list[Where], both: bool) -> Iterator[tuple[Any, Located]]:
        """Events with a value for ``location`` (and ``extra``) at the end of ``steps``,
        everything around it as small as the writer (and, with ``both``, the reader)
        allows."""
        try:
            levels, trailing = _levels(inst, steps, both)
        except NoInstance:
            return
        for value in itertools.islice(inst.iter_values(_where(location), [*trailing, *extra]),
                                      3):
            event: Any = value
            try:
                for wheres, entering in reversed(levels):
                    event = inst.minimal(wheres[0], [*wheres[1:], _holding(entering, event)])
            except NoInstance:
                continue
            yield event, _located(steps)


Located = tuple[str | int, ...] | None  # the instance path of the change, if known


def _located(steps: list[Step]) -> Located:
    out: list[str | int] = []
    for step in steps:
        if step.what == "property":
            out.append(str(step.key))
        elif step.what == "items":
            out.append(0)
        elif step.what == "item" and isinstance(step.key, int):
            out.append(step.key)
        elif step.what in _SAME_VALUE:
            continue
        else:
            break  # an extra member: its name or index is the generator's choice
    return tuple(out)


def _instance_path(path: tuple[str, ...]) -> Located:
    """The instance path of a change's place, from the diff path (broad search: the
    structure the path goes through is not known)."""
    out: list[str | int] = []
    i = 0
    while i < len(path):
        step, nxt = path[i], path[i + 1] if i + 1 < len(path) else None
        if step == "properties" and nxt is not None:
            out.append(nxt)
            i += 2
        elif step in ("allOf", "anyOf", "oneOf") and nxt is not None:
            i += 2
        else:
            break
    return tuple(out)


def _about_name(kind: str, path: tuple[str, ...]) -> str | None:
    """The property a change is about, when it is about one being required or present."""
    if kind.startswith(("REQUIRED_", "PROPERTY_", "OPTIONAL_PROPERTY")) and path:
        return path[-1]
    return None


def _about(fault: Fault, where: tuple[str | int, ...], name: str | None) -> bool:
    """Whether a reason the reader gives concerns the change's place: it is at or below
    the place, or above it on the way there (a missing required property or an extra one
    only when it is the one on the way, or the one the change is about)."""
    path = fault.path
    if path == where and fault.keyword == "required" and name is not None:
        return set(fault.missing) <= {name}
    if path[:len(where)] == where:
        return True
    if where[:len(path)] != path:
        return False  # a sibling branch: another problem than the change
    below = where[len(path)] if len(path) < len(where) else None
    if fault.keyword == "required":
        return below in fault.missing
    if fault.keyword in ("additionalProperties", "unevaluatedProperties"):
        return below is not None
    return True


def _where(node: Node) -> Where:
    return (node.raw, node.base, node.doc)


def _internal(constraint: dict[str, Any]) -> Where:
    return (constraint, "", "")


def _levels(inst: Instances, steps: list[Step],
            both: bool) -> tuple[list[tuple[list[Where], Step]], list[Where]]:
    """The path cut into values: for each container value, the schemas it must satisfy
    (the writer's; with ``both``, the reader's too) and the step into the next value; and
    the schemas the innermost value must satisfy besides its own (an allOf it sits in, a
    dependency that applies to it)."""
    levels: list[tuple[list[Where], Step]] = []
    current: list[Where] = []
    for step in steps:
        if step.writer is None:
            raise NoInstance("the writer has no schema on the way")
        current.append(_where(step.writer))
        if both and step.reader is not None and step.what not in _SAME_VALUE:
            current.append(inst.reader(_where(step.reader)))
        if step.what in _SAME_VALUE:
            if step.what == "dependency":
                current.append(_internal({"$present": {str(step.key): None}}))
            continue
        levels.append((current, step))
        current = []
    return levels, current


def _holding(step: Step, value: Any) -> Where:
    """The constraint that puts ``value`` where ``step`` leads."""
    if step.what == "property":
        return _internal({"$present": {str(step.key): [value]}})
    if step.what in ("items", "item"):
        index = step.key if isinstance(step.key, int) else 0
        return _internal({"$items-at": {index: value}})
    if step.what == "additional-items" or (step.what == "unevaluated"
                                           and step.key == "unevaluatedItems"):
        return _internal({"$extra-items": True, "$items-at": {-1: value}})
    return _internal({"$extra-property": [value]})


# -- what to try for each kind of change --------------------------------------------------------
# (at the parent object or array?, with the reader's schema there?, extra constraints to try)
Plan = tuple[bool, bool, list[list[Where]]]


def _plans(c: Comparer, kind: str, place: Place, path: tuple[str, ...]) -> Iterator[Plan]:
    w, r = place.writer, place.reader
    name = path[-1] if path else ""

    def local(*constraints: dict[str, Any]) -> Plan:
        return False, False, [[_internal(x)] for x in constraints]

    def parent(*constraints: dict[str, Any]) -> Plan:
        return True, True, [[_internal(x)] for x in constraints]

    bound = _bound_plan(kind, w, r)
    if bound is not None:
        yield local(*bound)
        return
    if kind in ("PATTERN_ADDED", "PATTERN_CHANGED") and r is not None and r.pattern:
        yield local({"$not-pattern": r.pattern})
    elif kind.startswith("MULTIPLE_OF") and r is not None and r.multiple_of:
        yield local({"$not-multiple-of": r.multiple_of})
    elif kind == "TYPE_NARROWED":
        yield local({"$fraction": True})
    elif kind in ("ENUM_ARRAY_NARROWED", "ENUM_ARRAY_CHANGED") and w is not None:
        if path[-1:] == ("const",) and w.kind == "const":
            yield local({"const": json.loads(w.const)})
        elif r is not None:
            dropped = sorted(w.values - r.values)
            yield local(*({"enum": [json.loads(v)]} for v in dropped[:8]))
    elif kind == "UNIQUE_ITEMS_ADDED":
        yield local({"$duplicates": True})
    elif kind == "REQUIRED_ATTRIBUTE_ADDED":
        yield False, True, [[_internal({"$absent": [name]})]]
    elif kind.startswith("REQUIRED_PROPERTY") and "ADDED" in kind:
        yield parent({"$absent": [name]})
    elif kind in ("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
                  "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"):
        yield parent({"$present": {name: None}}, {"$present": {name: list(GENERIC)}})
    elif kind in ("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
                  "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"):
        yield parent({"$present": {name: None}})
    elif kind.startswith(("ADDITIONAL_PROPERTIES", "UNEVALUATED_PROPERTIES")):
        yield parent({"$extra-property": list(GENERIC)})
    elif kind.startswith(("ITEM_", "ADDITIONAL_ITEMS", "UNEVALUATED_ITEMS")):
        yield parent({"$extra-items": True})
    elif kind.startswith("DEPENDENCY_ARRAY") and w is not None and r is not None:
        key = path[-1]
        missing = sorted(r.property_dependencies.get(key, frozenset())
                         - w.property_dependencies.get(key, frozenset()))
        yield local({"$present": {key: None}, "$absent": missing})
    elif kind == "DEPENDENCY_SCHEMA_ADDED":
        yield local({"$present": {path[-1]: None}})
    elif kind in ("COMBINED_TYPE_SUBSCHEMAS_CHANGED", "SUM_TYPE_NARROWED") and w is not None \
            and r is not None and w.kind == "combined":
        yield from _alternative_plans(c, w, r)
    yield local({})


def _bound_plan(kind: str, w: Node | None, r: Node | None) -> list[dict[str, Any]] | None:
    if w is None or r is None:
        return None
    tight = kind.endswith(("_ADDED", "_DECREASED", "_INCREASED"))
    if not tight:
        return None
    plans = {
        "MAX_LENGTH": lambda: [{"minLength": r.max_length + 1}] if r.max_length is not None
        else None,
        "MIN_LENGTH": lambda: [{"maxLength": r.min_length - 1}] if r.min_length else None,
        "MAX_ITEMS": lambda: [{"minItems": r.max_items + 1}] if r.max_items is not None
        else None,
        "MIN_ITEMS": lambda: [{"maxItems": r.min_items - 1}] if r.min_items else None,
        "MAX_PROPERTIES": lambda: [{"minProperties": r.max_properties + 1}]
        if r.max_properties is not None else None,
        "MIN_PROPERTIES": lambda: [{"maxProperties": r.min_properties - 1}]
        if r.min_properties else None,
        "MAXIMUM": lambda: [{"exclusiveMinimum": r.maximum}] if r.maximum is not None
        else None,
        "MINIMUM": lambda: [{"exclusiveMaximum": r.minimum}] if r.minimum is not None
        else None,
        "EXCLUSIVE_MAXIMUM": lambda: [{"minimum": r.exclusive_maximum}]
        if r.exclusive_maximum is not None else
        [{"minimum": r.maximum, "maximum": r.maximum}] if r.maximum is not None else None,
        "EXCLUSIVE_MINIMUM": lambda: [{"maximum": r.exclusive_minimum}]
        if r.exclusive_minimum is not None else
        [{"minimum": r.minimum, "maximum": r.minimum}] if r.minimum is not None else None,
    }
    for prefix, plan in plans.items():
        if kind.rsplit("_", 1)[0] == prefix:
            result: list[dict[str, Any]] | None = plan()  # type: ignore[no-untyped-call]
            return result
    return None


def _alternative_plans(c: Comparer, w: Node, r: Node) -> Iterator[Plan]:
    """For alternatives no new one accepts: the old alternative, narrowed by what changed
    in it (an enum value dropped from a typed property: that value)."""
    olds = unique_of(w)
    matched = c.matchings.get((id(w), id(r)), {})
    news = unique_of(r) if r.kind == "combined" else [r]
    for i, part in enumerate(olds):
        if i in matched:
            continue
        part = deref(part)
        yield False, False, [[_where(part)]]
        partner = next((deref(n) for n in news if deref(n).kind == part.kind), None)
        if partner is None:
            continue
        for inner_kind, sub in c.compare(part, partner):
            if inner_kind in c.allowed:
                continue
            inner = walk(c, part, partner, sub)
            if inner.steps:
                continue
            for at_parent, _with_reader, extras in _plans(c, inner_kind, inner, sub):
                if not at_parent:
                    yield False, False, [[_where(part), *extra] for extra in extras]
