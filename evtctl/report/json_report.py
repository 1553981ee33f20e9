"""``--format json``: a stable, documented shape.

``{"findings": [{"rule", "name", "severity", "message", "file", "line", "column",
"end_line"?, "json_path"?, "hint"?, "related": [{"file", "line", "column",
"message"}]}], "summary": {"files", "services", "errors", "warnings", "suppressed",
"baselined"?}}`` (``baselined`` only with ``--baseline``)
with ``file`` relative to the current directory.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from evtctl.findings import Finding, LintResult, display_path


def finding_dict(finding: Finding) -> dict[str, Any]:
    from evtctl.rules import find_rule

    spec = find_rule(finding.rule)
    out: dict[str, Any] = {
        "rule": finding.rule,
        "name": spec.name if spec else finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "file": display_path(finding.file),
        "line": finding.line,
        "column": finding.column,
        "related": [
            {"file": display_path(r.location.file), "line": r.location.line,
             "column": r.location.column, "message": r.message}
            for r in finding.related
        ],
    }
    if finding.json_path:
        out["json_path"] = finding.json_path
    if finding.hint:
        out["hint"] = finding.hint
    return out


def result_dict(result: LintResult) -> dict[str, Any]:
    s = result.summary
    summary: dict[str, Any] = {"files": s.files, "services": s.services, "errors": s.errors,
                               "warnings": s.warnings, "suppressed": s.suppressed}
    baselined = result.extra.get("baselined")
    if isinstance(baselined, int):
        summary["baselined"] = baselined
    return {"findings": [finding_dict(f) for f in result.findings], "summary": summary}


def render(result: LintResult, stream: TextIO) -> None:
    json.dump(result_dict(result), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
