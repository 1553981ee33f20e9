"""``--format text``: findings grouped by file, then a summary line.

On a terminal the output is coloured with rich; when piped it is plain text with the
same content, one finding per line (``line:column  severity  RULE  message``). Manifests
that failed to load in files only read for references (linting part of a project) have no
findings shown; a note line before the summary names each of them.
"""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from evtctl.findings import Finding, LintResult, Severity, display_path


def summary_line(result: LintResult) -> str:
    s = result.summary
    parts = [f"{s.errors} error{'s' if s.errors != 1 else ''}",
             f"{s.warnings} warning{'s' if s.warnings != 1 else ''}"]
    if s.suppressed:
        parts.append(f"{s.suppressed} suppressed")
    baselined = result.extra.get("baselined")
    if isinstance(baselined, int) and baselined:
        parts.append(f"{baselined} in baseline")
    where = (f"{s.files} manifest file{'s' if s.files != 1 else ''}, "
             f"{s.services} service{'s' if s.services != 1 else ''}")
    verdict = "failed" if s.errors else "passed"
    read = (f"{s.files_read} YAML file{'s' if s.files_read != 1 else ''} read, "
            f"{s.manifests_loaded} manifest{'s' if s.manifests_loaded != 1 else ''} loaded, "
            + (f"{s.manifests_failed} failed to load" if s.manifests_failed else "none failed"))
    if s.read_only:
        read += (f"; {s.read_only} more manifest file{'s' if s.read_only != 1 else ''} "
                 "only read, for references")
    return f"lint {verdict}: {', '.join(parts)} in {where} ({read})"


def note_lines(result: LintResult) -> list[str]:
    """Failed manifests whose findings are not shown (they are in files only read)."""
    read_only = set(result.read_only)
    return [f"note: {display_path(f.file)}:{f.location.line}:{f.location.column} (read for "
            f"references, not checked) failed to load: {f.reason}; references into it were "
            "not checked" for f in result.failed if f.file in read_only]


def _lines(finding: Finding) -> list[str]:
    from evtctl.rules import find_rule

    spec = find_rule(finding.rule)
    name = f" {spec.name}" if spec else ""
    out = [f"  {finding.line}:{finding.column}  {finding.severity.value:<7}  "
           f"{finding.rule}{name}  {finding.message}"]
    for rel in finding.related:
        out.append(f"      related: {display_path(rel.location.file)}:{rel.location.line}:"
                   f"{rel.location.column} {rel.message}")
    if finding.hint:
        out.append(f"      example: {finding.hint}")
    return out


def render(result: LintResult, stream: TextIO) -> None:
    if stream.isatty():
        _render_rich(result, stream)
        return
    for file, group in groupby(result.findings, key=lambda f: f.file):
        stream.write(display_path(file) + "\n")
        for finding in group:
            stream.write("\n".join(_lines(finding)) + "\n")
        stream.write("\n")
    for line in note_lines(result):
        stream.write(line + "\n")
    stream.write(summary_line(result) + "\n")


def _render_rich(result: LintResult, stream: TextIO) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=stream, highlight=False)
    styles = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}
    for file, group in groupby(result.findings, key=lambda f: f.file):
        console.print(f"[bold underline]{escape(display_path(file))}[/]")
        for finding in group:
            first, *rest = _lines(finding)
            head = (f"  [dim]{finding.line}:{finding.column}[/]  "
                    f"[{styles[finding.severity]}]{finding.severity.value:<7}[/]  "
                    f"[cyan]{escape(first.split('  ', 3)[3])}[/]")
            console.print(head, soft_wrap=True)
            for line in rest:
                console.print(f"[dim]{escape(line)}[/]", soft_wrap=True)
        console.print()
    for line in note_lines(result):
        console.print(f"[yellow]{escape(line)}[/]", soft_wrap=True)
    style = "bold red" if result.errors else "bold green"
    console.print(f"[{style}]{escape(summary_line(result))}[/]")
