"""Rendering a plan (or an applied plan): terraform-like text, and JSON. No rich here: the
command colours the text lines when it writes to a terminal."""

from __future__ import annotations

import json
from collections.abc import Iterator

from evtctl.provision.model import Action, ActionKind, Detail, Plan, Status

_TOPIC_KINDS = {
    ActionKind.CREATE_TOPIC, ActionKind.ADD_PARTITIONS, ActionKind.ALTER_CONFIG,
    ActionKind.DELETE_TOPIC, ActionKind.REDUCE_PARTITIONS,
    ActionKind.CHANGE_REPLICATION_FACTOR,
}


FORMAT_VERSION = 1


def render_json(plan: Plan, *, applied: bool = False) -> str:
    """The plan as JSON in the convention of every evtctl JSON output (``docs/output.md``):
    ``formatVersion`` first, camelCase keys; Kafka's own names (``config.<name>``) as is."""
    data: dict[str, object] = {"formatVersion": FORMAT_VERSION}
    data.update({_camel_key(k): _camel(v) for k, v in plan.as_dict().items()})
    if applied:
        data["applied"] = sum(1 for a in plan.actions if a.status is Status.APPLIED)
        data["succeeded"] = plan.succeeded
    return json.dumps(data, indent=2, sort_keys=False)


def _camel(value: object) -> object:
    if isinstance(value, dict):
        return {_camel_key(k): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _camel_key(key: str) -> str:
    if key.startswith("config."):
        return key  # a Kafka config name
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _value(value: Detail) -> str:
    if value is None:
        return "(broker default)"
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def _suffix(action: Action, applied: bool) -> str:
    if action.status is Status.REFUSED:
        return f"   [refused: {action.reason}]"
    if not applied:
        return "   [destructive]" if action.destructive else ""
    if action.status is Status.APPLIED:
        return f"   [applied: {action.reason}]" if action.reason else "   [applied]"
    if action.status is Status.FAILED:
        return f"   [failed: {action.reason}]"
    return f"   [not applied: {action.reason}]" if action.reason else "   [not applied]"


def _topic_lines(topic: str, actions: list[Action], applied: bool) -> Iterator[str]:
    kinds = {a.kind for a in actions}
    if ActionKind.CREATE_TOPIC in kinds:
        (create,) = [a for a in actions if a.kind is ActionKind.CREATE_TOPIC]
        yield f"  + topic {topic}{_suffix(create, applied)}"
        for key, value in create.details.items():
            label = key.removeprefix("config.")
            yield f"      {label}: {_value(value)}"
        return
    if ActionKind.DELETE_TOPIC in kinds:
        (delete,) = [a for a in actions if a.kind is ActionKind.DELETE_TOPIC]
        yield f"  - topic {topic}{_suffix(delete, applied)}"
        yield f"      partitions: {delete.details.get('partitions')} (all records are lost)"
        return
    yield f"  ~ topic {topic}"
    for action in actions:
        d = action.details
        if action.kind is ActionKind.ALTER_CONFIG:
            old = _value(d.get("old"))
            if d.get("old_source") == "default" and d.get("old") is not None:
                old += " (default)"
            line = f"{d.get('key')}: {old} → {_value(d.get('new'))}"
        elif action.kind is ActionKind.CHANGE_REPLICATION_FACTOR:
            line = f"replication_factor: {d.get('from')} → {d.get('to')}"
        else:
            line = f"partitions: {d.get('from')} → {d.get('to')}"
        yield f"      {line}{_suffix(action, applied)}"


def render_text(plan: Plan, *, applied: bool = False, environment: str | None = None) -> list[str]:
    """The plan as lines; the first character of an action line is its sign."""
    where = f"cluster {plan.cluster_id}"
    if environment:
        where += f" (environment {environment})"
    lines = [f"{'Applied to' if applied else 'Plan for'} {where}", ""]
    by_topic: dict[str, list[Action]] = {}
    acl_actions: list[Action] = []
    for action in plan.actions:
        if action.kind in _TOPIC_KINDS:
            by_topic.setdefault(action.topic, []).append(action)
        else:
            acl_actions.append(action)
    for topic, actions in by_topic.items():
        lines.extend(_topic_lines(topic, actions, applied))
    for action in acl_actions:
        assert action.acl is not None
        lines.append(f"  {action.kind.sign} acl {action.acl}{_suffix(action, applied)}")
    if plan.actions:
        lines.append("")
    if plan.warnings:
        lines.append("Warnings:")
        lines.extend(f"  ! {w}" for w in plan.warnings)
        lines.append("")
    lines.append(summary(plan, applied=applied))
    return lines


def summary(plan: Plan, *, applied: bool = False) -> str:
    if plan.in_sync:
        return "No changes: the cluster matches the manifests."
    if applied:
        done = sum(1 for a in plan.actions if a.status is Status.APPLIED)
        failed = sum(1 for a in plan.actions if a.status is Status.FAILED)
        skipped = sum(1 for a in plan.actions if a.status is Status.NOT_APPLIED)
        refused = len(plan.refused)
        text = f"Applied {done} of {len(plan.actions)} changes"
        rest = [f"{n} {what}" for n, what in ((failed, "failed"), (skipped, "not applied"),
                                               (refused, "refused")) if n]
        return text + (f"; {', '.join(rest)}." if rest else ".")
    planned = plan.planned
    create = sum(1 for a in planned if a.kind.sign == "+")
    delete = sum(1 for a in planned if a.kind.sign == "-")
    change = len(planned) - create - delete
    text = f"Plan: {create} to add, {change} to change, {delete} to delete"
    if plan.refused:
        text += f"; {len(plan.refused)} refused"
    return text + "."
