"""``--format json``: the stable shape documented in ``docs/diff.md``.

Every key is always present (``null`` when it does not apply), so consumers can index
without guarding; new keys may be added, existing ones never change meaning.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from evtctl.diff.breaking import Affected, Reviewed
from evtctl.diff.changes import SchemaCheck, SchemaReview
from evtctl.diff.result import DiffResult, SideInfo

FORMAT_VERSION = 1


def _side(s: SideInfo) -> dict[str, Any]:
    return {"label": s.label, "commit": s.commit, "services": s.services,
            "topics": s.topics, "contracts": s.contracts, "lintProblems": s.lint_problems,
            "notes": list(s.notes)}


def affected_dict(a: Affected) -> dict[str, Any]:
    return {"service": a.service, "owner": a.owner, "relation": a.relation,
            "events": None if a.events is None else list(a.events), "sides": list(a.sides)}


def _check(c: SchemaCheck) -> dict[str, Any]:
    return {
        "mode": c.mode, "policy": c.policy, "side": c.side, "compatible": c.compatible,
        "changes": [
            {"type": ch.type, "path": ch.path, "compatible": ch.compatible,
             "fromVersion": ch.from_version, "toVersion": ch.to_version,
             "direction": ch.direction, "description": ch.description,
             "hasExample": ch.has_example,
             "example": ch.example if ch.has_example else None,
             "exampleNote": ch.example_note}
            for ch in c.changes
        ],
    }


def _review(r: SchemaReview | None) -> dict[str, Any] | None:
    if r is None:
        return None
    return {"against": list(r.against), "edited": r.edited, "compatible": r.compatible,
            "error": r.error, "notes": list(r.notes), "checks": [_check(c) for c in r.checks]}


def change_dict(r: Reviewed) -> dict[str, Any]:
    c, v = r.change, r.verdict
    return {
        "kind": c.kind.value, "breaking": v.breaking, "reason": v.reason,
        "message": c.message, "service": c.service, "topic": c.topic,
        "contract": c.contract, "version": c.version, "key": c.key,
        "before": c.before, "after": c.after,
        "location": None if c.where is None else {
            "side": c.where.side, "file": c.where.file, "line": c.where.line,
            "column": c.where.column},
        "notes": list(c.notes), "schema": _review(c.review),
        "affected": [affected_dict(a) for a in v.affected],
    }


def result_dict(result: DiffResult) -> dict[str, Any]:
    return {
        "formatVersion": FORMAT_VERSION,
        "old": _side(result.old), "new": _side(result.new),
        "failOn": result.fail_on, "failed": result.failed,
        "summary": {"changes": len(result.changes), "breaking": len(result.breaking),
                    "affectedServices": [{"service": a.service, "owner": a.owner}
                                         for a in result.affected_services()]},
        "changes": [change_dict(r) for r in result.changes],
    }


def render(result: DiffResult, stream: TextIO) -> None:
    json.dump(result_dict(result), stream, indent=2, ensure_ascii=False, default=repr)
    stream.write("\n")
