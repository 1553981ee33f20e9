"""``--format text``: breaking changes first, each with why and who; then a summary line.

On a terminal the output is coloured with rich; when piped it is plain text with the same
content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from evtctl.diff.breaking import Affected, Reviewed
from evtctl.diff.changes import SchemaCheck, SchemaReview
from evtctl.diff.result import DiffResult

if TYPE_CHECKING:
    from evtctl.compat import Change as CompatChange

Segment = tuple[str, str]  # (rich style, text)


def ordered(result: DiffResult) -> list[Reviewed]:
    """Breaking changes first; otherwise the comparison's order."""
    return sorted(result.changes, key=lambda r: not r.verdict.breaking)


def summary_line(result: DiffResult) -> str:
    n, b = len(result.changes), len(result.breaking)
    counts = f"{n} change{'s' if n != 1 else ''}, {b} breaking"
    verdict = "failed" if result.failed else "passed"
    return f"diff {verdict}: {counts} (--fail-on {result.fail_on})"


def affected_text(a: Affected) -> str:
    owner = f" ({a.owner})" if a.owner else ""
    events = "every event" if a.events is None else ", ".join(a.events)
    what = "" if a.relation == "owned the topic" else f" {events}"
    sides = "" if a.sides == ("old", "new") else f" [{'/'.join(a.sides)} tree only]"
    return f"{a.service}{owner} {a.relation}{what}{sides}"


def example_text(value: object) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)
    return text if len(text) <= 160 else text[:157] + "..."


# Who reads whom, in the words of a diff between two trees.
READS = {"backward": "new reads old", "forward": "old reads new"}


@dataclass(frozen=True)
class Listed:
    """One incompatible schema change as listed: the check it came from, the change, and
    every direction it was found in (a FULL check finds a type change both ways)."""

    check: SchemaCheck
    change: CompatChange
    directions: tuple[str, ...]

    @property
    def reads(self) -> str:
        if len(self.directions) > 1:
            return "both ways: " + " and ".join(READS.get(d, d) for d in self.directions)
        return READS.get(self.directions[0], self.directions[0])


def split_schema_changes(review: SchemaReview) -> tuple[list[Listed], list[tuple[str, str]]]:
    """The incompatible changes one by one — a change found in both directions (same kind,
    path and versions) once, with both directions named — and the compatible ones as
    unique (kind, path)."""
    bad: dict[tuple[int, str, str, int, int], Listed] = {}
    fine: dict[tuple[str, str], None] = {}
    for index, check in enumerate(review.checks):
        for ch in check.changes:
            if ch.compatible:
                fine.setdefault((ch.type, ch.path), None)
                continue
            key = (index, ch.type, ch.path, ch.from_version, ch.to_version)
            seen = bad.get(key)
            if seen is None:
                bad[key] = Listed(check, ch, (ch.direction,))
            elif ch.direction not in seen.directions:
                # The mirror says the same thing: keep one entry (and an example, if either
                # has one), naming both directions.
                keep = seen.change if seen.change.has_example or not ch.has_example else ch
                bad[key] = Listed(check, keep, (*seen.directions, ch.direction))
    return list(bad.values()), list(fine)


def _lines(r: Reviewed) -> list[list[Segment]]:
    c, v = r.change, r.verdict
    tag: Segment = ("bold red", "BREAKING") if v.breaking else ("green", "ok      ")
    out: list[list[Segment]] = [[tag, ("", "  "), ("bold", c.message),
                                 ("dim", f"  [{c.kind.value}]")]]
    if c.where is not None:
        out.append([("dim", f"    at {c.where} ({c.where.side})")])
    out.append([("", "    why: "), ("red" if v.breaking else "", v.reason)])
    for a in v.affected:
        out.append([("", "    affected: "), ("yellow", affected_text(a))])
    review = c.review
    if review is not None:
        bad, fine = split_schema_changes(review)
        for listed in bad:
            ch, check = listed.change, listed.check
            line: list[Segment] = [
                ("", "    schema "), ("red", "incompatible"),
                ("", (f" {ch.type} at {ch.path} (v{ch.from_version} → v{ch.to_version}, "
                      f"{listed.reads}, {' '.join(filter(None, (check.mode, check.policy)))})"))]
            if ch.description:
                line.append(("", f": {ch.description}"))
            if ch.has_example:
                line.append(("dim", f" example: {example_text(ch.example)}"))
            out.append(line)
        if fine:
            out.append([("", "    schema "), ("green", "compatible"),
                        ("", " " + ", ".join(f"{t} at {p}" for t, p in fine))])
        for note in review.notes:
            out.append([("dim", f"    note: {note}")])
    for note in c.notes:
        out.append([("dim", f"    note: {note}")])
    return out


def _header(result: DiffResult) -> str:
    return f"evtctl diff: {result.old.label} → {result.new.label}"


def _footnotes(result: DiffResult) -> list[str]:
    out: list[str] = []
    for side, info in (("old", result.old), ("new", result.new)):
        for note in info.notes:
            out.append(f"note ({side}): {note}")
        if info.lint_problems:
            out.append(f"note ({side}): {info.lint_problems} manifest problem"
                       f"{'s' if info.lint_problems != 1 else ''} in {info.label}; "
                       "`evtctl lint` lists them")
    return out


def render(result: DiffResult, stream: TextIO) -> None:
    if stream.isatty():
        _render_rich(result, stream)
        return
    stream.write(_header(result) + "\n\n")
    for r in ordered(result):
        stream.writelines("".join(text for _style, text in line).rstrip() + "\n"
                          for line in _lines(r))
    if not result.changes:
        stream.write("no changes\n")
    stream.writelines(note + "\n" for note in _footnotes(result))
    stream.write("\n" + summary_line(result) + "\n")


def _render_rich(result: DiffResult, stream: TextIO) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=stream, highlight=False)
    console.print(f"[bold]{escape(_header(result))}[/]")
    console.print()
    for r in ordered(result):
        for line in _lines(r):
            console.print("".join(f"[{style}]{escape(text)}[/]" if style else escape(text)
                                  for style, text in line), soft_wrap=True)
    if not result.changes:
        console.print("no changes")
    for note in _footnotes(result):
        console.print(f"[dim]{escape(note)}[/]", soft_wrap=True)
    console.print()
    style = "bold red" if result.failed else "bold green"
    console.print(f"[{style}]{escape(summary_line(result))}[/]")
