"""The registry's own verdict on the versions a plan registers, shown beside evtctl's.

evtctl's check decides what it plans; a registry applies its own rules when the version is
registered (Confluent's strict JSON Schema policy by default, Apicurio its own checkers for
every format). Asking it first turns a failure in the middle of an apply into a line in the
plan. Only the first version a subject will get can be asked about (later ones are checked
against it, which the registry does not have yet), and only where the subject's level is
already the contract's mode (otherwise the registry would judge under the old level).
"""

from __future__ import annotations

from dataclasses import replace

from evtctl.registry.actions import Action, ActionKind, Plan, Status
from evtctl.registry.model import Payload, RequestFailed, SchemaRegistry
from evtctl.registry.observe import DEFAULT_WORKERS, RegistryState, parallel


def with_registry_verdicts(plan: Plan, registry: SchemaRegistry, state: RegistryState, *,
                           workers: int = DEFAULT_WORKERS) -> Plan:
    changing = {a.subject for a in plan.actions if a.kind is ActionKind.SET_COMPATIBILITY}
    first: dict[str, int] = {}
    for index, action in enumerate(plan.actions):
        observed = state.subjects.get(action.subject)
        if (action.kind is ActionKind.REGISTER and action.status is Status.PLANNED
                and action.subject not in first and action.subject not in changing
                and observed is not None and observed.versions):
            first[action.subject] = index
    if not first:
        return plan
    indexes = list(first.values())

    def ask(index: int) -> str | None:
        action = plan.actions[index]
        assert action.form is not None
        payload = Payload(action.form.schema_type, action.form.text, action.references)
        try:
            verdict = registry.test_compatibility(action.subject, payload)
        except RequestFailed as error:
            return f"could not ask the registry for its verdict: {error.message}"
        if verdict.compatible:
            return None
        said = "; ".join(verdict.messages) or "no reason given"
        return (f"the registry's own check refuses it ({said}), though evtctl's accepts it: "
                "--apply will fail for this version (see docs/registry.md, 'When the registry "
                "disagrees')")

    notes = dict(zip(indexes, parallel(ask, indexes, workers), strict=True))
    actions: list[Action] = []
    for index, action in enumerate(plan.actions):
        note = notes.get(index)
        actions.append(action.with_note(note) if note else action)
    return replace(plan, actions=tuple(actions))
