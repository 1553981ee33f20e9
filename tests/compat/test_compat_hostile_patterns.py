"""Hostile patterns and schemas are bounded in time: a pattern that backtracks exponentially
(``^(a|aa)+$`` against ``aaaa…b``), nested quantifiers in ``patternProperties``, a deeply
recursive schema the example search samples. Each answer is "cannot tell" — never valid or
invalid silently — and the check still ends.

The CPU bounds asserted here are hang guards, orders of magnitude above what the checks
take (the same inputs ran for hours, or minutes, before patterns were bounded); the speed
figures are in ``bench/bench_compat.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evtctl.compat.jsonschema import SchemaVersion, check_versions, ecma
from evtctl.compat.jsonschema.examples import NO_EXAMPLE, OUT_OF_BUDGET
from evtctl.compat.jsonschema.validate import Undecidable, validator_for_version

REALWORLD = Path(__file__).parent / "realworld" / "pairs"
HANG_GUARD = 5.0  # CPU seconds; an unbounded evaluation of these takes far longer


def _cpu(work: Callable[[], Any]) -> tuple[Any, float]:
    start = time.process_time()
    result = work()
    return result, time.process_time() - start


def test_a_catastrophic_pattern_is_undecided_in_bounded_time() -> None:
    # Each pair of alternatives doubles the ways to split the a's: 2^40 for a failing match.
    before = ecma.undecided()
    answer, cpu = _cpu(lambda: ecma.search("^(a|aa)+$", "a" * 40 + "b"))
    assert answer is None  # cannot tell: neither a match nor a mismatch
    assert ecma.undecided() == before + 1
    assert cpu < 1.0, cpu


def test_the_same_pattern_still_decides_easy_texts() -> None:
    assert ecma.search("^(b|bb)+$", "bbbb") is True
    assert ecma.search("^(b|bb)+$", "bbbc") is False
    assert ecma.search("^(b|bb)+$", "b" * 40 + "c") is None
    # After a timeout a pattern gets less time per evaluation, but short texts still fit.
    assert ecma.search("^(b|bb)+$", "bbbbbbbbbc") is False


def test_a_pattern_that_keeps_timing_out_is_no_longer_tried() -> None:
    pattern = "^(c|cc)+$"
    for _ in range(ecma.MAX_TIMEOUTS):
        assert ecma.search(pattern, "c" * 40 + "d") is None
    _, cpu = _cpu(lambda: [ecma.search(pattern, "c" * 40 + "d") for _ in range(1000)])
    assert cpu < 0.5, cpu  # no evaluation at all any more: undecided at once


def test_nested_quantifiers_that_the_engine_handles_are_decided() -> None:
    # The brief's ^(a+)+$ takes the regex engine polynomial time (Python's re takes
    # exponential time on it): bounded evaluation does not mean "cannot tell" everywhere.
    answer, cpu = _cpu(lambda: ecma.search("^(a+)+$", "a" * 500 + "b"))
    assert answer is False
    assert cpu < 1.0, cpu


def test_a_scope_deadline_stops_every_evaluation() -> None:
    with ecma.within(time.process_time() - 1) as scope:
        assert ecma.search("^x$", "x") is None
        assert ecma.search("^x$", "y") is None
    assert scope.undecided == 2
    assert ecma.search("^x$", "x") is True  # out of the scope: decided again


def test_the_validator_says_it_cannot_tell() -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string",
                                                        "pattern": "^(e|ee)+$"}}}
    is_valid = validator_for_version(SchemaVersion(1, schema))
    assert is_valid is not None
    assert is_valid({"name": "eee"}) is True
    with pytest.raises(Undecidable):
        is_valid({"name": "e" * 40 + "f"})


def test_the_validator_bounds_pattern_properties() -> None:
    schema = {"type": "object", "patternProperties": {"^(g|gg)+$": {"type": "string"}},
              "additionalProperties": False}
    is_valid = validator_for_version(SchemaVersion(1, schema))
    assert is_valid is not None
    assert is_valid({"ggg": "x"}) is True
    assert is_valid({"ggg": 1}) is False
    with pytest.raises(Undecidable):
        is_valid({"g" * 40 + "h": "x"})


def test_compat_with_a_hostile_reader_pattern_says_no_example_within_the_budget() -> None:
    # Every string the writer accepts is 40 a's and a c, which the reader's pattern can
    # only reject by trying every way to split the a's.
    old = {"type": "object", "required": ["code"],
           "properties": {"code": {"type": "string", "pattern": "^a{40}c$"}}}
    new = {"type": "object", "required": ["code"],
           "properties": {"code": {"type": "string", "pattern": "^(a|aa)+$"}}}
    result, cpu = _cpu(lambda: check_versions([SchemaVersion(1, old), SchemaVersion(2, new)],
                                              "BACKWARD", "strict", examples=True))
    assert cpu < HANG_GUARD, cpu
    [change] = [c for c in result.changes if not c.compatible]
    assert change.type == "PATTERN_CHANGED"
    assert not change.has_example
    assert change.example_note == OUT_OF_BUDGET


def test_compat_with_a_decidable_pattern_change_still_finds_its_example() -> None:
    # The control of the test above: same shape, a reader pattern that fails fast.
    old = {"type": "object", "required": ["code"],
           "properties": {"code": {"type": "string", "pattern": "^a{40}c$"}}}
    new = {"type": "object", "required": ["code"],
           "properties": {"code": {"type": "string", "pattern": "^a+$"}}}
    result = check_versions([SchemaVersion(1, old), SchemaVersion(2, new)], "BACKWARD",
                            "strict", examples=True)
    [change] = [c for c in result.changes if not c.compatible]
    assert change.has_example
    assert change.example == {"code": "a" * 40 + "c"}


def test_a_property_name_against_hostile_pattern_properties_is_bounded_and_said() -> None:
    # The property is removed: whether the new patternProperties still cover old events
    # that have it depends on a match that cannot be decided in time. Read as not covered
    # (the registry's rule then rejects the removal from a closed model), and said so.
    name = "h" * 40 + "i"
    old = {"type": "object", "additionalProperties": False,
           "patternProperties": {"^(h|hh)+$": {"type": "string"}},
           "properties": {name: {"type": "string"}}}
    new = {"type": "object", "additionalProperties": False,
           "patternProperties": {"^(h|hh)+$": {"type": "string"}}}
    result, cpu = _cpu(lambda: check_versions([SchemaVersion(1, old), SchemaVersion(2, new)],
                                              "BACKWARD", "strict", examples=True))
    assert cpu < HANG_GUARD, cpu
    [change] = [c for c in result.changes if not c.compatible]
    assert change.type == "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
    assert change.path == f"#/properties/{name}"
    assert change.description is not None
    assert "could not be decided in time" in change.description
    assert "^(h|hh)+$" in change.description
    # Whether an old event with that property is valid cannot be told either.
    assert not change.has_example
    assert change.example_note in (OUT_OF_BUDGET, NO_EXAMPLE)


def test_a_decidable_property_name_is_not_flagged() -> None:
    old = {"type": "object", "additionalProperties": False,
           "patternProperties": {"^(j|jj)+$": {"type": "string"}},
           "properties": {"jjj": {"type": "integer"}}}
    new = {"type": "object", "additionalProperties": False,
           "patternProperties": {"^(j|jj)+$": {"type": "string"}}}
    result = check_versions([SchemaVersion(1, old), SchemaVersion(2, new)], "BACKWARD",
                            "strict", examples=True)
    assert result.changes
    assert all("decided in time" not in (c.description or "") for c in result.changes)


def _recursive(width: int, extra: dict[str, Any]) -> dict[str, Any]:
    """An object whose every property is the whole schema again (a config file's rules
    that hold rules, say): its sample values multiply with depth unless shared."""
    props: dict[str, Any] = {f"p{i}": {"$ref": "#"} for i in range(width)}
    props["label"] = {"type": "string", **extra}
    return {"type": "object", "properties": props, "required": ["label"]}


def test_the_broad_search_of_a_recursive_schema_is_bounded() -> None:
    old = _recursive(10, {})
    new = _recursive(10, {"enum": ["a", "b"]})
    result, cpu = _cpu(lambda: check_versions([SchemaVersion(1, old), SchemaVersion(2, new)],
                                              "BACKWARD", "strict", examples=True))
    assert cpu < HANG_GUARD, cpu
    incompatible = [c for c in result.changes if not c.compatible]
    assert incompatible
    for change in incompatible:
        assert change.has_example or change.example_note in (OUT_OF_BUDGET, NO_EXAMPLE)


def test_evtctl_compat_on_a_composer_pair_ends(tmp_path: Path) -> None:
    """Through the CLI, in a process of its own with a deadline, so that a regression
    fails instead of hanging the suite: a composer.json pair of the real-world suite,
    whose example search met composer's package-name pattern
    (``^[a-z0-9]([_.-]?[a-z0-9]+)*/…$``) on a long name without a slash and ran for
    minutes."""
    data = json.loads((REALWORLD / "056-composer.json").read_text("utf-8"))
    assert "([_.-]?[a-z0-9]+)*/" in json.dumps(data["old"])
    files = []
    for side in ("old", "new"):
        path = tmp_path / f"{side}.json"
        path.write_text(json.dumps(data[side]), "utf-8")
        files.append(str(path))
    done = subprocess.run([sys.executable, "-m", "evtctl", "compat", *files, "--mode", "FULL",
                           "--format", "json"], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    broken = [c for c in report["changes"] if not c["compatible"]]
    assert [c["type"] for c in broken] == ["TYPE_CHANGED", "TYPE_CHANGED"]
    for change in broken:
        assert "example" in change or change["exampleNote"].startswith(
            ("no example within the budget", "no example event found")), change
