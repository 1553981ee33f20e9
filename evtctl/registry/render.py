"""Rendering a registry plan (or an applied one): text in the shape of ``provision``'s plan
(``+ ~ -``, old → new), and JSON with ``formatVersion``. No rich here: the command colours
the lines on a terminal."""

from __future__ import annotations

import json
from collections.abc import Iterator

from evtctl.registry.actions import (
    Action,
    ActionKind,
    Finding,
    FindingKind,
    Plan,
    Status,
    SubjectLine,
)


def render_json(plan: Plan, *, applied: bool = False) -> str:
    data = plan.as_dict()
    if applied:
        data["applied"] = sum(1 for a in plan.actions if a.status is Status.APPLIED)
        data["succeeded"] = plan.succeeded
    return json.dumps(data, indent=2)


def render_text(plan: Plan, *, applied: bool = False) -> list[str]:
    """The plan as lines; an action line's first character after the indent is its sign."""
    head = "Applied to" if applied else "Plan for"
    lines = [f"{head} Schema Registry {plan.registry} ({len(plan.subjects)} subjects from "
             f"{plan.contracts} contracts)", ""]
    actions: dict[str, list[Action]] = {}
    for action in plan.actions:
        actions.setdefault(action.subject, []).append(action)
    findings: dict[str | None, list[Finding]] = {}
    for finding in plan.findings:
        key = finding.subject if finding.kind is not FindingKind.PROBLEM else None
        findings.setdefault(key, []).append(finding)
    shown = False
    for line in plan.subjects:
        mine, found = actions.get(line.name, []), findings.get(line.name, [])
        if mine or found:
            lines.extend(_subject(line, mine, found, applied))
            shown = True
    if shown:
        lines.append("")
    problems = findings.get(None, [])
    if problems:
        lines.append("Problems (nothing is planned for these subjects):")
        for problem in problems:
            where = f"{problem.location}: " if problem.location else ""
            lines.append(f"  ! {where}{problem.message}")
            if problem.hint:
                lines.append(f"      fix: {problem.hint}")
        lines.append("")
    if plan.deprecated:
        lines.append("Deprecated versions (in the manifests):")
        for item in plan.deprecated:
            sunset = f" sunset {item.sunset}" if item.sunset else ""
            reason = f": {item.reason}" if item.reason else ""
            state = "registered" if item.registered else "not registered yet"
            lines.append(f"  · {item.subject} v{item.version} ({item.file}, {state}){sunset}"
                         f"{reason}")
        lines.append("")
    if plan.warnings:
        lines.append("Warnings:")
        lines.extend(f"  ! {w}" for w in plan.warnings)
        lines.append("")
    lines.append(summary(plan, applied=applied))
    return lines


def _subject(line: SubjectLine, actions: list[Action], findings: list[Finding],
             applied: bool) -> Iterator[str]:
    if not line.exists:
        sign = "+"
    elif actions and all(a.kind is ActionKind.DELETE_SUBJECT for a in actions):
        sign = "-"
    elif actions:
        sign = "~"
    else:
        sign = "!"
    what = ("referenced document" if line.role == "reference" else
            "unknown" if line.role == "unknown" else line.origin or line.role)
    kind = f"{line.schema_type}, " if line.schema_type else ""
    yield f"  {sign} subject {line.name}   ({kind}{what})"
    for action in actions:
        yield f"      {_action(action)}{_suffix(action, applied)}"
        for note in action.notes:
            yield f"        ! {note}"
    for finding in findings:
        yield f"      ! {finding.message}"
        for diff in finding.diff:
            yield f"          {diff}"
        if finding.hint:
            yield f"        fix: {finding.hint}"


def _action(action: Action) -> str:
    d = action.details
    if action.kind is ActionKind.REGISTER:
        refs = ""
        if action.references:
            refs = " (references " + ", ".join(f"{r.subject} v{r.version}"
                                                for r in action.references) + ")"
        return f"+ v{action.version} {d.get('file')}{refs}"
    if action.kind is ActionKind.SET_COMPATIBILITY:
        return f"~ compatibility: {d.get('from')} → {d.get('to')}"
    how = "hard delete (permanent)" if action.permanent else "soft delete"
    if action.kind is ActionKind.DELETE_VERSION:
        return f"- v{action.version} {how} ({d.get('why')})"
    return f"- subject, {d.get('versions')} versions: {how} ({d.get('why')})"


def _suffix(action: Action, applied: bool) -> str:
    if action.status is Status.REFUSED:
        return f"   [refused: {action.reason}]"
    if not applied:
        return ""
    if action.status is Status.APPLIED:
        return "   [applied]"
    if action.status is Status.FAILED:
        return f"   [failed: {action.reason}]"
    return f"   [not applied: {action.reason}]" if action.reason else "   [not applied]"


def summary(plan: Plan, *, applied: bool = False) -> str:
    drift = sum(1 for f in plan.findings if f.kind is not FindingKind.PROBLEM)
    problems = len(plan.findings) - drift
    tail = [f"{n} {what}" for n, what in ((drift, "drift finding" + ("s" if drift != 1 else "")),
                                          (problems, "problem" + ("s" if problems != 1 else "")))
            if n]
    if plan.in_sync:
        return f"No changes: the registry matches the manifests ({len(plan.subjects)} subjects)."
    if applied:
        done = sum(1 for a in plan.actions if a.status is Status.APPLIED)
        rest = [f"{n} {what}" for n, what in (
            (sum(1 for a in plan.actions if a.status is Status.FAILED), "failed"),
            (sum(1 for a in plan.actions if a.status is Status.NOT_APPLIED), "not applied"),
            (len(plan.refused), "refused")) if n]
        text = f"Applied {done} of {len(plan.actions)} changes"
        parts = rest + tail
        return text + (f"; {', '.join(parts)}." if parts else ".")
    planned = plan.planned
    add = sum(1 for a in planned if a.kind is ActionKind.REGISTER)
    delete = sum(1 for a in planned if a.kind.sign == "-")
    change = len(planned) - add - delete
    text = f"Plan: {add} to register, {change} to change, {delete} to delete"
    if plan.refused:
        text += f"; {len(plan.refused)} refused"
    return text + (f"; {', '.join(tail)}." if tail else ".")
