"""Data-driven rule cases: each folder under tests/cases is a small tree of files plus
``expected.yaml`` listing the exact findings (rule, file, line, and column/severity
where given). Every rule has failing cases here; passing trees expect no findings."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from evtctl.config import load_config
from evtctl.findings import display_path
from evtctl.lint import LintOptions, lint_paths

CASES = Path(__file__).parent / "cases"


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "expected.yaml").is_file())


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_case(case: Path, tmp_path: Path) -> None:
    spec: dict[str, Any] = yaml.safe_load((case / "expected.yaml").read_text())
    target = case / spec.get("lint", ".")
    config = load_config(None, [target])
    if config.path is None:
        config = type(config)(None, case.resolve())
    today = date.fromisoformat(spec.get("today", "2026-06-01"))
    result = lint_paths([target], config,
                        LintOptions(today=today, use_cache=False))
    got = sorted(
        (f.rule, display_path(f.file, case), f.line, f.column, f.severity.value)
        for f in result.findings
    )
    want = sorted(
        (e["rule"], e["file"], e["line"], e.get("column"), e.get("severity", "error"))
        for e in spec["findings"]
    )
    # Columns are compared where the case gives them.
    got_cmp = sorted(
        (r, f, line, col if any(w[:3] == (r, f, line) and w[3] is not None for w in want)
         else None, sev)
        for r, f, line, col, sev in got
    )
    messages = "\n".join(f"{display_path(f.file, case)}:{f.line}:{f.column} {f.rule} "
                         f"{f.message}" for f in result.findings)
    assert got_cmp == want, f"findings differ; got:\n{messages}"
    for finding in result.findings:
        assert finding.message and finding.line >= 1 and finding.column >= 1
