"""Baselines: accept today's findings, report only new ones.

A finding's fingerprint is its rule, its file relative to the project root, and the
rule's ``anchor`` (a key that names *what* is wrong, such as the topic and service,
never *where* it is), hashed. Line numbers are left out, so edits that move lines keep
a finding baselined. The same fingerprint may occur several times (two identical
problems in one file); the baseline stores a count, and only findings beyond the count
are new.

The file is JSON, sorted, one entry per fingerprint, so it diffs well in review::

    {"version": 1, "tool": "evtctl",
     "findings": [{"fingerprint": "…", "rule": "EVT201", "file": "legacy/a.yaml",
                   "count": 1, "message": "…"}]}
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evtctl.findings import Finding

BASELINE_VERSION = 1
# "file.yaml:12" or "file.yaml:12:3" inside a message: places, not the problem.
_PLACE = re.compile(r":\d+(?::\d+)?")


class BaselineError(Exception):
    """The baseline file is unreadable or not a baseline; carries the place."""

    def __init__(self, message: str, file: Path, line: int = 1, column: int = 1) -> None:
        super().__init__(f"{file}:{line}:{column}: {message}")
        self.file = file
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Baseline:
    counts: Mapping[str, int]  # fingerprint -> how many findings it accepts

    def __len__(self) -> int:
        return sum(self.counts.values())


def relative_file(file: Path, root: Path) -> str:
    """The file relative to the project root (posix), or as given when outside it."""
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.as_posix()


def fingerprint(finding: Finding, root: Path) -> str:
    """A stable key: rule + file relative to ``root`` + the rule's anchor (no lines)."""
    key = finding.anchor or _PLACE.sub("", finding.message)
    text = "\0".join((finding.rule, relative_file(finding.file, root), key))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def fingerprints(findings: Sequence[Finding], root: Path) -> list[str]:
    """Each finding's fingerprint with its occurrence number, ``<hash>:<n>``.

    The occurrence number tells identical findings apart (stable while their order is).
    """
    seen: Counter[str] = Counter()
    out: list[str] = []
    for finding in findings:
        fp = fingerprint(finding, root)
        seen[fp] += 1
        out.append(f"{fp}:{seen[fp]}")
    return out


def build(findings: Iterable[Finding], root: Path) -> dict[str, Any]:
    """The baseline document for ``findings``."""
    entries: dict[str, dict[str, Any]] = {}
    for finding in findings:
        fp = fingerprint(finding, root)
        entry = entries.get(fp)
        if entry is None:
            entries[fp] = {"fingerprint": fp, "rule": finding.rule,
                           "file": relative_file(finding.file, root), "count": 1,
                           "message": finding.message}
        else:
            entry["count"] += 1
    ordered = sorted(entries.values(), key=lambda e: (e["file"], e["rule"], e["fingerprint"]))
    return {"version": BASELINE_VERSION, "tool": "evtctl", "findings": ordered}


def write(path: Path, findings: Iterable[Finding], root: Path) -> int:
    """Write the baseline file; returns how many findings it records."""
    doc = build(findings, root)
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline: {exc.strerror or exc}", path) from None
    return sum(e["count"] for e in doc["findings"])


def read(path: Path) -> Baseline:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BaselineError("the baseline is not UTF-8 text", path) from None
    except OSError as exc:
        raise BaselineError(f"cannot read baseline: {exc.strerror or exc}", path) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"the baseline is not valid JSON: {exc.msg}", path,
                            exc.lineno, exc.colno) from None
    if not isinstance(doc, dict) or doc.get("version") != BASELINE_VERSION:
        raise BaselineError(
            f"not an evtctl baseline (expected an object with \"version\": "
            f"{BASELINE_VERSION}); write one with 'evtctl lint --write-baseline FILE'", path)
    entries = doc.get("findings")
    if not isinstance(entries, list):
        raise BaselineError("\"findings\" must be a list", path)
    counts: Counter[str] = Counter()
    for n, entry in enumerate(entries):
        fp = entry.get("fingerprint") if isinstance(entry, dict) else None
        count = entry.get("count", 1) if isinstance(entry, dict) else None
        if (not isinstance(fp, str) or not isinstance(count, int) or isinstance(count, bool)
                or count < 1):
            raise BaselineError(
                f"findings[{n}] needs a \"fingerprint\" string and a positive \"count\"", path)
        counts[fp] += count
    return Baseline(dict(counts))


def filter_new(findings: Sequence[Finding], baseline: Baseline,
               root: Path) -> tuple[list[Finding], int]:
    """The findings the baseline does not account for, and how many it did."""
    left = dict(baseline.counts)
    new: list[Finding] = []
    matched = 0
    for finding in findings:
        fp = fingerprint(finding, root)
        if left.get(fp, 0) > 0:
            left[fp] -= 1
            matched += 1
        else:
            new.append(finding)
    return new, matched
