"""Baselines: fingerprints without line numbers, counted duplicates, only new findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evtctl.baseline import BaselineError, build, filter_new, fingerprint, read
from evtctl.cli import app
from evtctl.findings import Finding, Location, Severity

HEAD = """\
apiVersion: evtctl/v1
kind: Service
metadata: {company: acme, namespace: shop, name: cart}
"""
LEGACY = """\
consumes:
  - topic: acme.billing.invoices.events
    events: [Paid]
"""


def finding(line: int, anchor: str = "acme.billing.invoices.events@acme.shop.cart",
            file: str = "/proj/svc/cart.yaml", rule: str = "EVT401") -> Finding:
    return Finding(rule, Severity.ERROR, f"message at cart.yaml:{line}",
                   Location(Path(file), line, 5), anchor=anchor)


def test_fingerprint_ignores_lines_and_columns() -> None:
    root = Path("/proj")
    assert fingerprint(finding(3), root) == fingerprint(finding(30), root)


@pytest.mark.parametrize("other", [
    finding(3, anchor="acme.billing.refunds.events@acme.shop.cart"),
    finding(3, file="/proj/svc/other.yaml"),
    finding(3, rule="EVT402"),
])
def test_fingerprint_tells_different_findings_apart(other: Finding) -> None:
    assert fingerprint(finding(3), Path("/proj")) != fingerprint(other, Path("/proj"))


def test_fingerprint_uses_the_path_relative_to_the_root() -> None:
    a = fingerprint(finding(3, file="/one/svc/cart.yaml"), Path("/one"))
    b = fingerprint(finding(3, file="/two/svc/cart.yaml"), Path("/two"))
    assert a == b


def test_without_anchor_the_message_minus_places_is_used() -> None:
    root = Path("/proj")
    assert fingerprint(finding(3, anchor=""), root) == fingerprint(finding(9, anchor=""), root)


def test_duplicates_are_counted(tmp_path: Path) -> None:
    root = Path("/proj")
    doc = build([finding(3), finding(7)], root)
    assert [e["count"] for e in doc["findings"]] == [2]
    (tmp_path / "b.json").write_text(json.dumps(doc))
    baseline = read(tmp_path / "b.json")
    new, matched = filter_new([finding(3), finding(7), finding(12)], baseline, root)
    assert matched == 2
    assert [f.line for f in new] == [12]


@pytest.mark.parametrize("text, where, what", [
    ("{not json", (1, 2), "not valid JSON"),
    ('{"version": 7, "findings": []}', (1, 1), "not an evtctl baseline"),
    ('{"version": 1, "findings": [{"fingerprint": 3}]}', (1, 1), "findings[0]"),
])
def test_bad_baseline_files(tmp_path: Path, text: str, where: tuple[int, int], what: str) -> None:
    (tmp_path / "b.json").write_text(text)
    with pytest.raises(BaselineError) as info:
        read(tmp_path / "b.json")
    assert (info.value.line, info.value.column) == where
    assert what in str(info.value)


def run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["lint", "--format", "text", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_baseline_survives_inserted_lines_and_catches_new_findings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "evtctl.yaml").write_text("version: 1\n")
    manifest = tmp_path / "svc" / "cart.yaml"
    manifest.parent.mkdir()
    manifest.write_text(HEAD + LEGACY)
    assert run(tmp_path, "svc")[0] == 1

    code, _, err = run(tmp_path, "svc", "--write-baseline", "baseline.json")
    assert code == 0
    assert "wrote 1 finding" in err
    recorded = json.loads((tmp_path / "baseline.json").read_text())
    assert [(e["rule"], e["file"]) for e in recorded["findings"]] == [("EVT401", "svc/cart.yaml")]

    # Unrelated edits move the finding down by five lines: still baselined.
    moved = HEAD + "# a comment\n# another\n\n\ntopics:\n  - name: acme.shop.cart.events\n" + LEGACY
    manifest.write_text(moved)
    code, out, err = run(tmp_path, "svc", "--baseline", "baseline.json")
    assert code == 0, out
    assert "EVT401" not in out
    assert "1 finding recorded in baseline baseline.json not shown" in err
    assert out.splitlines()[-1].endswith("0 errors, 0 warnings, 1 in baseline in 1 manifest "
                                         "file, 1 service (2 YAML files read, 1 manifest "
                                         "loaded, none failed)")
    code, out, _ = run(tmp_path, "svc", "--baseline", "baseline.json", "--format", "json")
    assert json.loads(out)["summary"]["baselined"] == 1

    # A new problem is reported, the old one still is not.
    manifest.write_text(moved + "  - topic: acme.billing.refunds.events\n    events: [Refunded]\n")
    code, out, _ = run(tmp_path, "svc", "--baseline", "baseline.json")
    assert code == 1
    assert out.count("EVT401") == 1
    assert "refunds" in out and "invoices" not in out


def test_baseline_is_found_from_another_folder(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in the baseline are relative to the project root, not to where evtctl runs."""
    (tmp_path / "evtctl.yaml").write_text("version: 1\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "cart.yaml").write_text(HEAD + LEGACY)
    monkeypatch.chdir(tmp_path)
    assert run(tmp_path, ".", "--write-baseline", "b.json")[0] == 0
    monkeypatch.chdir(tmp_path / "svc")
    assert run(tmp_path, "cart.yaml", "--baseline", "../b.json")[0] == 0


def test_unreadable_baseline_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cart.yaml").write_text(HEAD)
    (tmp_path / "b.json").write_text("[1,\n 2,,]")
    code, _, err = run(tmp_path, ".", "--baseline", "b.json")
    assert code == 2
    assert err.startswith("evtctl: error: b.json:2:")
    code, _, err = run(tmp_path, ".", "--baseline", "missing.json")
    assert code == 2
    assert "missing.json" in err and "Traceback" not in err
