"""``--format sarif``: SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

One run; ``tool.driver.rules`` describes each rule the results use, with its summary,
documentation (plain text and Markdown) and default level. Each result has the configured level,
the place (``uri`` relative to the current directory, as code scanning expects when
evtctl runs at the repository root), the other places of a conflict as
``relatedLocations``, and the baseline fingerprint as a partial fingerprint, so code
scanning keeps tracking a finding when unrelated edits move its line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from evtctl import __version__
from evtctl.findings import Finding, LintResult, Location, Severity, display_path
from evtctl.rules.base import RuleSpec

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "evtctl/v1"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def artifact_uri(file: Path) -> str:
    """A relative URI reference for a file (percent-encoded, '/' separators)."""
    return quote(display_path(file), safe="/._-~")


def _physical(location: Location) -> dict[str, Any]:
    out: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(location.file)}}
    if location.line > 0:
        region: dict[str, int] = {"startLine": location.line}
        if location.column > 0:
            region["startColumn"] = location.column
        out["region"] = region
    return out


def _text(message: str) -> str:
    # SARIF messages are plain text; code scanning shows the first sentence as a title.
    return message if message.endswith((".", "!", "?")) else message + "."


def rule_descriptor(spec: RuleSpec) -> dict[str, Any]:
    first_paragraph = spec.doc.split("\n\n", 1)[0].replace("\n", " ").strip() or spec.summary
    return {
        "id": spec.id,
        "name": "".join(part.capitalize() for part in spec.name.split("-")),
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": _text(first_paragraph)},
        "help": {"text": spec.doc, "markdown": _markdown_help(spec)},
        "defaultConfiguration": {"level": _LEVELS[spec.severity]},
        "properties": {"category": spec.category, "tags": [spec.category, spec.name]},
    }


def _markdown_help(spec: RuleSpec) -> str:
    from evtctl.docgen import rule_markdown

    return rule_markdown(spec, heading_level=0)


def _result(finding: Finding, index: dict[str, int], fingerprint: str) -> dict[str, Any]:
    message = finding.message
    if finding.hint:
        message += f"\nExample event: {finding.hint}"
    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": _LEVELS[finding.severity],
        "message": {"text": _text(message)},
        "locations": [{"physicalLocation": _physical(finding.location)}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.rule in index:
        out["ruleIndex"] = index[finding.rule]
    if finding.related:
        out["relatedLocations"] = [
            {"id": n, "physicalLocation": _physical(rel.location),
             "message": {"text": _text(rel.message)}}
            for n, rel in enumerate(finding.related, start=1)
        ]
    if finding.json_path:
        out["properties"] = {"jsonPath": finding.json_path}
    return out


def sarif_log(result: LintResult) -> dict[str, Any]:
    from evtctl.baseline import fingerprints
    from evtctl.lint import project_root
    from evtctl.rules import all_rules

    # Describe the rules the results use (code scanning needs no more, and the log of
    # a clean run stays small); ruleIndex points into this list.
    used = {f.rule for f in result.findings}
    specs = [spec for spec in all_rules() if spec.id in used]
    index = {spec.id: n for n, spec in enumerate(specs)}
    prints = fingerprints(result.findings, project_root(result))
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "evtctl",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [rule_descriptor(spec) for spec in specs],
            }},
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, index, fp) for f, fp in zip(result.findings, prints,
                                                                strict=True)],
        }],
    }


def render(result: LintResult, stream: TextIO) -> None:
    json.dump(sarif_log(result), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
