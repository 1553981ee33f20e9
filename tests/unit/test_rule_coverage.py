"""Every rule the engine can report has at least one failing data-driven case, and
the sample organisation (the passing tree for every rule) lints clean."""

from __future__ import annotations

from pathlib import Path

import yaml

from evtctl.rules import all_rules

CASES = Path(__file__).resolve().parents[1] / "cases"


def test_every_rule_has_a_failing_case() -> None:
    covered: set[str] = set()
    for expected in CASES.glob("*/expected.yaml"):
        spec = yaml.safe_load(expected.read_text())
        covered.update(f["rule"] for f in spec["findings"])
    missing = sorted(spec.id for spec in all_rules() if spec.id not in covered)
    assert missing == [], f"rules without a failing case under tests/cases: {missing}"


def test_rule_ids_are_unique_and_stable_shape() -> None:
    specs = all_rules()
    ids = [s.id for s in specs]
    names = [s.name for s in specs]
    assert len(ids) == len(set(ids)) and len(names) == len(set(names))
    for spec in specs:
        assert spec.id.startswith("EVT") and len(spec.id) == 6 and spec.id[3:].isdigit()
        assert spec.name == spec.name.lower() and " " not in spec.name
        assert spec.summary.endswith(".")
