"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=F,line=L,col=C,title=T::message`` (``::warning`` for warnings), with
GitHub's escaping: in the message ``%``, CR and LF; in properties also ``:`` and ``,``.
Related places and the example event follow the message on lines of their own. A
plain summary line closes the output. (GitHub shows a limited number of annotations
per step; upload SARIF as well to see every finding in code scanning.)
"""

from __future__ import annotations

from typing import TextIO

from evtctl.findings import Finding, LintResult, Severity, display_path


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    from evtctl.rules import find_rule

    spec = find_rule(finding.rule)
    title = f"{finding.rule} {spec.name}" if spec else finding.rule
    props = [f"file={escape_property(display_path(finding.file))}"]
    if finding.line > 0:
        props.append(f"line={finding.line}")
        if finding.column > 0:
            props.append(f"col={finding.column}")
    props.append(f"title={escape_property(title)}")
    lines = [finding.message]
    for rel in finding.related:
        lines.append(f"related: {display_path(rel.location.file)}:{rel.location.line}:"
                     f"{rel.location.column} {rel.message}")
    if finding.hint:
        lines.append(f"example event: {finding.hint}")
    kind = "error" if finding.severity is Severity.ERROR else "warning"
    return f"::{kind} {','.join(props)}::{escape_data(chr(10).join(lines))}"


def render(result: LintResult, stream: TextIO) -> None:
    from evtctl.report.text import summary_line

    stream.writelines(command(finding) + "\n" for finding in result.findings)
    stream.write(summary_line(result) + "\n")
