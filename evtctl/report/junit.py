"""``--format junit``: JUnit XML for test dashboards (GitLab, Jenkins, Azure DevOps).

One ``testsuite`` per file. Each finding at or above the ``--fail-on`` level is a
failing ``testcase`` (``classname`` the file, ``name`` the rule and place) with one
``failure``; JUnit readers count one failure per test case, so findings are not
folded together. A manifest without such findings gets one passing test case named
``lint``; findings below the level are listed in its (or their file's) ``system-out``.
No timestamps or durations, so the output depends on the findings alone.
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import TextIO
from xml.etree import ElementTree as ET

from evtctl.findings import Finding, LintResult, Severity, display_path

# Characters XML 1.0 cannot carry at all (hostile manifests may hold them in messages).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _fails(finding: Finding, fail_on: str) -> bool:
    return finding.severity is Severity.ERROR or fail_on == "warning"


def _detail(finding: Finding) -> str:
    from evtctl.rules import find_rule

    spec = find_rule(finding.rule)
    name = f" {spec.name}" if spec else ""
    lines = [(f"{display_path(finding.file)}:{finding.line}:{finding.column}: "
              f"{finding.severity.value} {finding.rule}{name}: {finding.message}")]
    for rel in finding.related:
        lines.append(f"  related: {display_path(rel.location.file)}:{rel.location.line}:"
                     f"{rel.location.column} {rel.message}")
    if finding.hint:
        lines.append(f"  example event: {finding.hint}")
    return "\n".join(lines)


def junit_tree(result: LintResult) -> ET.Element:
    fail_on = str(result.extra.get("fail_on", "error"))
    by_file = {f: list(g) for f, g in groupby(result.findings, key=lambda f: f.file)}
    files = sorted({*result.files, *by_file}, key=lambda p: display_path(p))
    root = ET.Element("testsuites", name="evtctl lint")
    total_tests = total_failures = 0
    for file in files:
        name = _clean(display_path(file))
        findings = by_file.get(file, [])
        failing = [f for f in findings if _fails(f, fail_on)]
        others = [f for f in findings if not _fails(f, fail_on)]
        suite = ET.SubElement(root, "testsuite", name=name)
        for finding in failing:
            case = ET.SubElement(suite, "testcase", classname=name,
                                 name=f"{finding.rule} at {finding.line}:{finding.column}")
            failure = ET.SubElement(case, "failure", type=finding.rule,
                                    message=_clean(finding.message))
            failure.text = _clean(_detail(finding))
        if not failing:
            case = ET.SubElement(suite, "testcase", classname=name, name="lint")
        if others:
            out = ET.SubElement(suite, "system-out")
            out.text = _clean("\n".join(_detail(f) for f in others))
        tests = max(len(failing), 1)
        suite.set("tests", str(tests))
        suite.set("failures", str(len(failing)))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += tests
        total_failures += len(failing)
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    return root


def render(result: LintResult, stream: TextIO) -> None:
    tree = junit_tree(result)
    ET.indent(tree)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(tree, encoding="unicode"))
    stream.write("\n")
