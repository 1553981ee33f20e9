"""A regression suite of real schema histories: pairs of consecutive versions of public
schemas from SchemaStore's git history (``realworld/pairs/``, derived by
``realworld/derive.py``; see ``realworld/README.md``), checked as users check them.

For every pair: ``evtctl compat`` loads both versions (no exit 2: every pair here is one
Schema Registry could load) and answers without a traceback, stderr holding nothing but
warnings; the verdict and the incompatible changes are those recorded when the pair was
derived; the example search stays within its budget; and the verdict does not change
when the references of both versions are re-spelled (plain names, percent-encoding,
absolute URIs through a root ``$id``, definitions moved to a file of their own, the
registry's ``#/$defs`` bridge).
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from evtctl.commands.compat import Options, run
from evtctl.compat.jsonschema import check_versions
from evtctl.compat.jsonschema.examples import MAX_SECONDS, MIN_SECONDS, NO_EXAMPLE, OUT_OF_BUDGET
from evtctl.compat.jsonschema.schemafile import load_schema_file

HERE = Path(__file__).parent / "realworld"
sys.path.insert(0, str(HERE))
from respell import SPELLINGS, respell  # noqa: E402

PAIRS = sorted((HERE / "pairs").glob("*.json"))
NOTES = (NO_EXAMPLE, OUT_OF_BUDGET, "no example event exists for this change")


def _pair(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _write(folder: Path, name: str, schema: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_text(json.dumps(schema, indent=1), "utf-8")
    return target


def _files(tmp_path: Path, data: dict[str, Any]) -> tuple[Path, Path]:
    return (_write(tmp_path / "old", "schema.json", data["old"]),
            _write(tmp_path / "new", "schema.json", data["new"]))


def _summary(old: Path, new: Path, examples: bool = False) -> tuple[bool, list[str]]:
    versions = [load_schema_file(old, 1), load_schema_file(new, 2)]
    result = check_versions(versions, "FULL", "lenient", examples=examples)
    return result.compatible, sorted({f"{c.direction} {c.type} {c.path}"
                                      for c in result.changes if not c.compatible})


def test_the_suite_is_there_and_varied() -> None:
    assert len(PAIRS) >= 50
    features = {f for p in PAIRS for f in _pair(p)["features"]}
    assert {"plain-name", "legacy-schema", "diagnostics"} <= features
    verdicts = {_pair(p)["expected"]["compatible"] for p in PAIRS}
    assert verdicts == {True, False}
    # The large schemas whose example search once ran past 300 s (a pattern backtracking
    # exponentially, a recursive schema sampled without end): their budget is asserted below.
    large = {Path(_pair(p)["source"]["path"]).name for p in PAIRS
             if "large-history" in _pair(p)["features"]}
    assert {"composer.json", "renovate.json"} <= large


@pytest.mark.slow
@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.stem)
def test_compat_answers_without_error(path: Path, tmp_path: Path) -> None:
    data = _pair(path)
    old, new = _files(tmp_path, data)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run([old, new], "FULL", "json", Options(policy="lenient", examples=True))
    assert code in (0, 1), err.getvalue()
    assert all(line.startswith("evtctl: warning: ")
               for line in err.getvalue().splitlines()), err.getvalue()
    report = json.loads(out.getvalue())
    assert report["compatible"] is data["expected"]["compatible"]
    assert code == (0 if report["compatible"] else 1)
    for change in report["changes"]:
        assert change["description"]
        if not change["compatible"] and "example" not in change:
            assert change["exampleNote"].startswith(NOTES), change


@pytest.mark.slow
@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.stem)
def test_verdict_and_changes_are_the_reference(path: Path, tmp_path: Path) -> None:
    data = _pair(path)
    compatible, changes = _summary(*_files(tmp_path, data))
    assert compatible is data["expected"]["compatible"]
    assert changes == data["expected"]["incompatible"]


@pytest.mark.slow
@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.stem)
def test_example_search_keeps_to_its_budget(path: Path, tmp_path: Path) -> None:
    """In CPU time (the machine is shared): with examples, a check costs at most the
    check without plus the budget (the check's own time, at least MIN_SECONDS, never more
    than MAX_SECONDS), and a little slack for what is timed around it."""
    old, new = _files(tmp_path, _pair(path))
    versions = [load_schema_file(old, 1), load_schema_file(new, 2)]

    def cpu(examples: bool) -> float:
        # The collector paused: in a whole test session its passes over every live object
        # land in whichever measurement they fall in, and are not the search's.
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            check_versions(versions, "FULL", "lenient", examples=examples)
            return time.process_time() - start
        finally:
            gc.enable()

    cpu(True)  # imports and first-use caches
    without = min(cpu(False) for _ in range(2))
    extra = cpu(True) - without
    # Budgets are per pair of versions; FULL on two versions is one pair.
    budget = min(MAX_SECONDS, max(MIN_SECONDS, without))
    assert extra <= budget + 0.25 + 0.5 * without, (extra, without)


@pytest.mark.slow
@pytest.mark.parametrize("how", SPELLINGS)
@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.stem)
def test_verdict_is_stable_under_respelled_references(path: Path, how: str,
                                                      tmp_path: Path) -> None:
    data = _pair(path)
    old, new = respell(data["old"], how), respell(data["new"], how)
    if old is None or new is None:
        return  # this spelling does not apply to this pair (counted below)
    files = []
    for side, spelled in (("old", old), ("new", new)):
        if how == "file":
            for name, doc in spelled["files"].items():
                _write(tmp_path / side, name, doc)
            spelled = spelled["schema"]
        files.append(_write(tmp_path / side, "schema.json", spelled))
    assert _summary(files[0], files[1]) == (data["expected"]["compatible"],
                                            data["expected"]["incompatible"])


def test_most_pairs_are_respelled() -> None:
    """The stability test must not pass by skipping: most pairs take most spellings."""
    applied = sum(respell(_pair(p)["old"], how) is not None
                  and respell(_pair(p)["new"], how) is not None
                  for p in PAIRS for how in SPELLINGS)
    assert applied >= len(PAIRS) * len(SPELLINGS) // 2
