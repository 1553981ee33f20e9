"""Planning and applying against the fake registry, in process."""

from __future__ import annotations

from pathlib import Path

from evtctl.registry.actions import Action, ActionKind, Finding, FindingKind, Plan, Status
from evtctl.registry.apply import apply_plan
from evtctl.registry.model import SchemaRegistry
from evtctl.registry.observe import observe, with_lookups
from evtctl.registry.plan import PlanOptions, plan_with_registry
from evtctl.registry.run import load_desired


def make_plan(root: Path, registry: SchemaRegistry, **options: bool) -> Plan:
    desired = load_desired([root], None)
    state = observe(registry, desired, workers=1, deleted=options.get("hard_delete", False))
    the_plan, _state = plan_with_registry(
        desired, state, PlanOptions(**options),
        lambda known, asked: with_lookups(registry, known, asked, 1))
    return the_plan


def apply(root: Path, registry: SchemaRegistry, **options: bool) -> Plan:
    return apply_plan(make_plan(root, registry, **options), registry, workers=1)


def actions(the_plan: Plan, kind: ActionKind | None = None,
            subject: str | None = None) -> list[Action]:
    return [a for a in the_plan.actions if (kind is None or a.kind is kind)
            and (subject is None or a.subject == subject)]


def findings(the_plan: Plan, kind: FindingKind | None = None) -> list[Finding]:
    return [f for f in the_plan.findings if kind is None or f.kind is kind]


def statuses(the_plan: Plan) -> list[tuple[str, str, int | None, Status]]:
    return [(a.kind.value, a.subject, a.version, a.status) for a in the_plan.actions]
