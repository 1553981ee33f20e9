"""Inline suppressions: ``# evtctl: ignore[RULE, ...] reason`` in a manifest.

A suppression comment at the end of a line covers the findings on that line; a
comment alone on its line covers the next line that holds YAML (several suppression
comments may be stacked above one line). Rules are named by id or name. The reason is
required: a suppression without one (EVT901) or one that suppresses nothing (EVT902)
is itself a finding, so suppressions cannot silently outlive the problem they hid.

Only manifest files can carry suppressions; findings in other files (schemas) are
ignored through the project config's ``ignores``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from evtctl.findings import Finding, Location, Problem

REASON_MISSING = "EVT901"
UNUSED = "EVT902"

# A comment that speaks to evtctl: '#' at the start of a line or after a blank.
_DIRECTIVE = re.compile(r"(?:(?<=\s)|^)#\s*evtctl\s*:\s*(?P<body>.*?)\s*$")
_IGNORE = re.compile(r"ignore\s*\[(?P<rules>[^\]]*)\]\s*(?P<reason>.*)$", re.DOTALL)
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True, slots=True)
class Suppression:
    """One ``# evtctl: ignore[...]`` comment."""

    location: Location  # where the comment starts ('#')
    rules: tuple[str, ...]  # as written (ids or names)
    reason: str
    target_line: int  # the line whose findings it covers (0: none)
    error: str | None = None  # why the comment cannot be read as a suppression

    @property
    def text(self) -> str:
        return f"ignore[{', '.join(self.rules)}]"


@dataclass
class SuppressionOutcome:
    kept: list[Finding]
    suppressed: int
    # Findings about the suppressions themselves, as (rule id, problem).
    problems: list[tuple[str, Problem]] = field(default_factory=list)


def parse_suppressions(file: Path, text: str) -> list[Suppression]:
    """Every evtctl directive comment in a manifest's source text."""
    if "evtctl" not in text or "#" not in text:
        return []
    lines = text.splitlines()
    found: list[tuple[int, int, str, bool]] = []  # (line index, column index, body, alone)
    for index, line in enumerate(lines):
        if "evtctl" not in line:
            continue
        for match in _DIRECTIVE.finditer(line):
            column = match.start()
            found.append((index, column, match.group("body"), not line[:column].strip()))
            break
    if not found:
        return []
    inside = _scalar_spans(text)
    out: list[Suppression] = []
    for index, column, body, alone in found:
        if any(start <= (index, column) < end for start, end in inside):
            continue  # '# evtctl:' inside a quoted or block string is text, not a comment
        target = _next_content_line(lines, index) if alone else index + 1
        out.append(_parse_body(Location(file, index + 1, column + 1), body, target))
    return out


def _parse_body(location: Location, body: str, target: int) -> Suppression:
    match = _IGNORE.match(body)
    if match is None:
        return Suppression(location, (), "", target,
                           error=f"cannot read '# evtctl: {body}'; write "
                                 "'# evtctl: ignore[RULE_ID] reason'")
    rules = tuple(r.strip() for r in match.group("rules").split(",") if r.strip())
    reason = match.group("reason").strip()
    if not rules:
        return Suppression(location, (), reason, target,
                           error="'# evtctl: ignore[]' names no rule; write "
                                 "'# evtctl: ignore[RULE_ID] reason'")
    return Suppression(location, rules, reason, target)


def _next_content_line(lines: list[str], index: int) -> int:
    """1-based number of the first line after ``index`` that is neither blank nor a comment."""
    for later in range(index + 1, len(lines)):
        stripped = lines[later].strip()
        if stripped and not stripped.startswith("#"):
            return later + 1
    return 0


def _scalar_spans(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """0-based (line, column) spans of the quoted and block scalars in a YAML text."""
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    try:
        for token in yaml.scan(text, Loader=loader_cls):
            if isinstance(token, yaml.ScalarToken) and token.style:  # quoted or block
                start, end = token.start_mark, token.end_mark
                spans.append(((start.line, start.column), (end.line, end.column)))
    except yaml.YAMLError:
        pass  # the loader reports the syntax error; keep the spans found so far
    return spans


def apply_suppressions(
    findings: Iterable[Finding],
    texts: Mapping[Path, str],
    resolve: Callable[[str], str | None],
    active: Callable[[str], bool],
) -> SuppressionOutcome:
    """Drop the findings that an inline suppression covers; report bad or unused ones.

    ``resolve`` maps a rule id or name to its id (None when there is no such rule);
    ``active`` says whether a rule id is turned on (an unused suppression of a rule that
    the config turns off is not reported: nothing could have matched it).
    """
    by_file: dict[Path, list[Suppression]] = {}
    for file, text in texts.items():
        parsed = parse_suppressions(file, text)
        if parsed:
            by_file[file] = parsed
    outcome = SuppressionOutcome(kept=[], suppressed=0)
    if not by_file:
        outcome.kept = list(findings)
        return outcome
    # (file, target line) -> [(suppression, resolved rule ids)]
    covering: dict[tuple[Path, int], list[tuple[Suppression, set[str]]]] = {}
    used: dict[int, set[str]] = {}
    for file, suppressions in by_file.items():
        for sup in suppressions:
            if sup.error is not None or not sup.target_line:
                continue
            ids = {rid for rid in (resolve(r) for r in sup.rules) if rid is not None}
            covering.setdefault((file, sup.target_line), []).append((sup, ids))
    for finding in findings:
        hit = None
        if finding.rule not in (REASON_MISSING, UNUSED):
            for sup, ids in covering.get((finding.file, finding.line), ()):
                if finding.rule in ids:
                    hit = sup
                    break
        if hit is None:
            outcome.kept.append(finding)
        else:
            outcome.suppressed += 1
            used.setdefault(id(hit), set()).add(finding.rule)
    for suppressions in by_file.values():
        for sup in suppressions:
            outcome.problems.extend(_problems_about(sup, used.get(id(sup), set()), resolve,
                                                    active))
    return outcome


def _problems_about(sup: Suppression, used: set[str], resolve: Callable[[str], str | None],
                    active: Callable[[str], bool]) -> Iterable[tuple[str, Problem]]:
    if sup.error is not None:
        yield REASON_MISSING, Problem(sup.error, sup.location, anchor=f"malformed:{sup.text}")
        return
    if not _HAS_WORD.search(sup.reason):
        yield REASON_MISSING, Problem(
            f"suppression {sup.text} gives no reason; say why the finding is accepted, "
            f"as in '# evtctl: {sup.text} <reason>'",
            sup.location, anchor=f"no-reason:{sup.text}")
    if not sup.target_line:
        yield UNUSED, Problem(
            f"suppression {sup.text} is not followed by any line it could cover; remove it",
            sup.location, anchor=f"unused:{sup.text}")
        return
    unknown = [r for r in sup.rules if resolve(r) is None]
    unused = [r for r in sup.rules
              if (rid := resolve(r)) is not None and rid not in used and active(rid)]
    if unknown:
        yield UNUSED, Problem(
            f"suppression {sup.text} names no known rule {', '.join(map(repr, unknown))}; "
            "see 'evtctl rules' for the ids and names",
            sup.location, anchor=f"unknown:{sup.text}")
    if unused:
        yield UNUSED, Problem(
            f"suppression {sup.text} suppresses nothing: line {sup.target_line} has no "
            f"{' or '.join(unused)} finding; remove it (or the rules that no longer fire)",
            sup.location, anchor=f"unused:{sup.text}:{','.join(unused)}")
