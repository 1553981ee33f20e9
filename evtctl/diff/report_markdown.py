"""``--format markdown``: a pull-request comment.

A heading with the verdict, a summary table (breaking changes first), then every change in
a folded ``<details>`` block. Every name comes from files under review, so all text is
escaped: table cells cannot be split by ``|``, and nothing can open HTML or a link. The
comment stays under GitHub's 65,536-character limit; past it the details are cut with a
note saying so.
"""

from __future__ import annotations

import json
import re
from typing import TextIO

from evtctl.diff.breaking import Affected, Reviewed
from evtctl.diff.report_text import ordered, split_schema_changes, summary_line
from evtctl.diff.result import DiffResult

MAX_CHARS = 60_000
MAX_TABLE_ROWS = 60
_SAFE_CODE = re.compile(r"[A-Za-z0-9 ._@/:#,+=~*(){}\[\]\"'-]*")
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def text(value: object) -> str:
    """Plain text, escaped for Markdown and for a table cell."""
    s = " ".join(str(value).split())
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # "@" as an entity: a name in a manifest must not notify people or teams.
    return _SPECIAL.sub(r"\\\1", s).replace("@", "&#64;")


def code(value: object, cell: bool = True) -> str:
    """A code span when the text is safe in one, else escaped text."""
    s = " ".join(str(value).split())
    if s and _SAFE_CODE.fullmatch(s):
        return f"`{s}`"
    if s and "`" not in s and "|" in s and cell and _SAFE_CODE.fullmatch(s.replace("|", "")):
        return "`" + s.replace("|", "\\|") + "`"  # GFM unescapes \| inside cells
    return text(s)


def _affected(a: Affected) -> str:
    owner = f" ({text(a.owner)})" if a.owner else ""
    return f"{code(a.service)}{owner}"


def _who(r: Reviewed, limit: int = 4) -> str:
    names = [_affected(a) for a in r.verdict.affected]
    if len(names) > limit:
        names = [*names[:limit], f"and {len(names) - limit} more"]
    return ", ".join(names) or ("no other service declared" if r.verdict.breaking else "")


def _heading(result: DiffResult) -> str:
    b = len(result.breaking)
    if not result.changes:
        return "### ✅ evtctl diff: no contract changes"
    if b:
        return f"### 🔴 evtctl diff: {b} breaking change{'s' if b != 1 else ''}"
    n = len(result.changes)
    return f"### ✅ evtctl diff: {n} change{'s' if n != 1 else ''}, none breaking"


def _intro(result: DiffResult) -> list[str]:
    old, new = result.old, result.new
    lines = [(f"Compared {text(old.label)} → {text(new.label)} "
              f"({new.services} services, {new.topics} topics, {new.contracts} contracts). "
              f"{text(summary_line(result))}.")]
    affected = result.affected_services()
    if affected:
        lines.append("")
        lines.append("**Affected services:** " + ", ".join(_affected(a) for a in affected))
    for label, info in (("old", old), ("new", new)):
        for note in info.notes:
            lines.append(f"\n> Note ({label}): {text(note)}")
        if info.lint_problems:
            lines.append(f"\n> Note ({label}): {info.lint_problems} manifest problem(s) in "
                         f"{text(info.label)}; `evtctl lint` lists them.")
    return lines


def _subject(r: Reviewed) -> str:
    c = r.change
    if c.contract and c.version is not None:
        return f"{code(c.contract)} v{c.version}"
    if c.contract:
        return code(c.contract)
    if c.key:
        return code(c.key)
    if c.kind.value.startswith(("consumer", "producer")) and c.service:
        return code(c.service)
    return ""


def _table(changes: list[Reviewed]) -> list[str]:
    rows = ["| | Change | Topic / service | Why | Affected |", "|---|---|---|---|---|"]
    for r in changes[:MAX_TABLE_ROWS]:
        c = r.change
        mark = "🔴 **breaking**" if r.verdict.breaking else "ok"
        what = text(c.kind.value.replace("-", " "))
        subject = _subject(r)
        where = code(c.topic) if c.topic else code(c.service) if c.service else ""
        rows.append(f"| {mark} | {what}{' ' + subject if subject else ''} | {where} | "
                    f"{text(r.verdict.reason)} | {_who(r)} |")
    if len(changes) > MAX_TABLE_ROWS:
        rows.append(f"| | … and {len(changes) - MAX_TABLE_ROWS} more (see details) | | | |")
    return rows


def _example(value: object) -> str:
    s = json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)
    if len(s) > 120:
        s = s[:117] + "..."
    return code(s)


def _details(r: Reviewed) -> list[str]:
    c, v = r.change, r.verdict
    mark = "🔴 breaking" if v.breaking else "ok"
    out = [f"#### {text(c.message)} ({mark})", ""]
    if c.topic:
        out.append(f"- **Topic:** {code(c.topic)}" + (
            f", owned by {code(c.service)}" if c.service and c.kind.value.startswith(
                ("topic", "contract", "version", "deprecation", "compatibility")) else ""))
    elif c.service:
        out.append(f"- **Service:** {code(c.service)}")
    if c.where is not None:
        out.append(f"- **Where:** {code(str(c.where), cell=False)} ({c.where.side} tree)")
    out.append(f"- **Why:** {text(v.reason)}")
    if c.before is not None and c.after is not None:
        out.append(f"- **Before → after:** {_example(c.before)} → {_example(c.after)}")
    elif c.before is not None:
        out.append(f"- **Was:** {_example(c.before)}")
    elif c.after is not None:
        out.append(f"- **Now:** {_example(c.after)}")
    for a in v.affected:
        events = "every event" if a.events is None else ", ".join(a.events)
        what = "" if a.relation == "owned the topic" else f" {code(events, cell=False)}"
        sides = " and ".join(a.sides)
        out.append(f"- **Affected:** {_affected(a)} {text(a.relation)}{what} "
                   f"(declared in the {sides} tree)")
    for note in (*c.notes, *(c.review.notes if c.review else ())):
        out.append(f"- **Note:** {text(note)}")
    review = c.review
    if review is not None and review.error:
        out.append(f"- **Cannot check:** {text(review.error)}")
    if review is not None:
        bad, fine = split_schema_changes(review)
        if bad:
            out += ["", "| Incompatible change | Path | Versions | Mode | Example |",
                    "|---|---|---|---|---|"]
            for check, ch in bad:
                example = _example(ch.example) if ch.has_example else ""
                out.append(
                    f"| {code(ch.type)} | {code(ch.path)} | v{ch.from_version} → "
                    f"v{ch.to_version} ({text(ch.direction)}) | {text(check.mode)} "
                    f"{text(check.policy)} | {example} |")
        if fine:
            out += ["", "Compatible schema changes: " + ", ".join(
                f"{code(t, cell=False)} at {code(p, cell=False)}" for t, p in fine)]
    out.append("")
    return out


def _flow(result: DiffResult, changes: list[Reviewed]) -> list[str]:
    """The ``--graph`` section: a Mermaid flow of what the changes touch."""
    from evtctl.report.org.diff_flow import MAX_SERVICES, flow

    if result.orgs is None:
        return []
    facts = [(r.change.kind.value, r.change.topic, r.change.service, r.verdict.breaking,
              tuple(a.service for a in r.verdict.affected)) for r in changes]
    source = flow(facts, *result.orgs)
    if source is None:
        return []
    if not source:
        return ["", f"_The affected part has more than {MAX_SERVICES} services; "
                "`evtctl graph --topic ...` draws it._"]
    return ["", "<details open>", "<summary>Flow of the affected part</summary>", "",
            "```mermaid", source.rstrip(), "```", "",
            "Green: added · red dashed: removed · yellow: changed · orange: services a "
            "breaking change affects; highlighted topics have a breaking change.",
            "</details>"]


def render(result: DiffResult, stream: TextIO, graph: bool = False) -> None:
    changes = ordered(result)
    parts = [_heading(result), "", *_intro(result)]
    if changes:
        parts += ["", *_table(changes), ""]
        if graph:
            parts += [*_flow(result, changes), ""]
        body = "\n".join(parts)
        details: list[str] = []
        budget = MAX_CHARS - len(body) - 200
        shown = 0
        for r in changes:
            block = "\n".join(_details(r))
            if len(block) + 1 > budget:
                break
            details.append(block)
            budget -= len(block) + 1
            shown += 1
        cut = ("" if shown == len(changes) else
               f"\n_{len(changes) - shown} more change(s) left out to fit in a comment; "
               "`evtctl diff --format json` has everything._\n")
        summary = f"Details ({len(changes)} change{'s' if len(changes) != 1 else ''})"
        parts = [body, "<details>", f"<summary>{summary}</summary>", "",
                 "\n".join(details) + cut, "</details>"]
    stream.write("\n".join(parts).rstrip() + "\n")
