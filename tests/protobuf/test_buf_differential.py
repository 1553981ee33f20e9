"""The wire policies against the real buf CLI: wherever both claim a rule, they agree.

For every pair — the hand-written cases under ``cases/wire/`` (each rule of buf's WIRE and
WIRE_JSON categories met at least once) and every pair of Confluent's vectors — evtctl's
``wire`` findings must equal ``buf breaking`` with category WIRE, and ``wire-json`` with
WIRE_JSON, as multisets of (rule, file, line).
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from evtctl.compat.protobuf.wire import WIRE, WIRE_JSON, check
from tests.protobuf.helpers import cases, load, run_buf, write_side

pytestmark = [pytest.mark.buf, pytest.mark.slow]

CASES_DIR = Path(__file__).parent / "cases" / "wire"
CATEGORIES = (("WIRE", "wire"), ("WIRE_JSON", "wire-json"))


def _ours(before: Path, after: Path, policy: str) -> Counter[tuple[str, str, int]]:
    earlier, later = load(before, 1), load(after, 2)
    return Counter((f.rule, f.loc.file, f.loc.line)
                   for f in check(earlier.content, later.content, policy))


def _bufs(current: Path, against: Path, category: str) -> Counter[tuple[str, str, int]]:
    return Counter((a["type"], a["path"], a["start_line"])
                   for a in run_buf(current, against, category))


def _pair(tmp_path: Path, case: Path) -> tuple[Path, Path]:
    before, after = tmp_path / "before", tmp_path / "after"
    before.mkdir()
    after.mkdir()
    shutil.copy(case / "before.proto", before / "schema.proto")
    shutil.copy(case / "after.proto", after / "schema.proto")
    return before / "schema.proto", after / "schema.proto"


HANDWRITTEN = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())
SEEN: dict[str, set[str]] = {"wire": set(), "wire-json": set()}


@pytest.mark.parametrize("category,policy", CATEGORIES)
@pytest.mark.parametrize("name", HANDWRITTEN)
def test_handwritten_case_agrees_with_buf(name: str, category: str, policy: str,
                                         tmp_path: Path) -> None:
    before, after = _pair(tmp_path, CASES_DIR / name)
    ours = _ours(before, after, policy)
    assert ours == _bufs(after.parent, before.parent, category)
    SEEN[policy].update(rule for rule, _, _ in ours)


def test_handwritten_cases_meet_every_rule() -> None:
    """Runs after the cases above (same module, file order): every rule was exercised."""
    if not SEEN["wire"] or not SEEN["wire-json"]:
        pytest.skip("run with the handwritten cases")
    assert set(WIRE) - SEEN["wire"] == set()
    assert set(WIRE_JSON) - SEEN["wire-json"] == set()


VECTORS = cases()


@pytest.mark.parametrize("index", range(len(VECTORS)))
def test_confluent_vector_pair_agrees_with_buf(index: int, tmp_path: Path) -> None:
    case = VECTORS[index]
    before = write_side(tmp_path / "before", case["original_schema"],
                        case.get("original_dependencies"))
    after = write_side(tmp_path / "after", case["update_schema"],
                       case.get("update_dependencies"))
    for category, policy in CATEGORIES:
        assert _ours(before, after, policy) == _bufs(after.parent, before.parent, category)
