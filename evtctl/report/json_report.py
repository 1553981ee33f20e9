"""``--format json``: a stable, documented shape (``docs/output.md``).

Keys follow the convention of every evtctl JSON output: camelCase, a top-level
``formatVersion``, names as they are written elsewhere (rule ids, file paths) kept as values.
``file`` is relative to the current directory.

``{"formatVersion": 1,
"findings": [{"rule", "name", "severity", "message", "file", "line", "column",
"jsonPath"?, "hint"?, "related": [{"file", "line", "column", "message"}]}],
"summary": {"files", "services", "errors", "warnings", "suppressed", "baselined"?,
"filesRead", "manifestsLoaded", "manifestsFailed", "readOnlyFiles"},
"failedManifests": [{"file", "line", "column", "rule", "reason", "checked"}],
"files": {"checked": [...], "readOnly": [...]}}`` (``baselined`` only with ``--baseline``).
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from evtctl.findings import Finding, LintResult, display_path

FORMAT_VERSION = 1


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
        out["jsonPath"] = finding.json_path
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
    summary.update({"filesRead": s.files_read, "manifestsLoaded": s.manifests_loaded,
                    "manifestsFailed": s.manifests_failed, "readOnlyFiles": s.read_only})
    read_only = set(result.read_only)
    return {
        "formatVersion": FORMAT_VERSION,
        "findings": [finding_dict(f) for f in result.findings],
        "summary": summary,
        "failedManifests": [
            {"file": display_path(f.file), "line": f.location.line,
             "column": f.location.column, "rule": f.rule, "reason": f.reason,
             "checked": f.file not in read_only}
            for f in result.failed
        ],
        "files": {"checked": [display_path(f) for f in result.files],
                  "readOnly": [display_path(f) for f in result.read_only]},
    }


def render(result: LintResult, stream: TextIO) -> None:
    json.dump(result_dict(result), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
