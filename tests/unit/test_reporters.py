"""Every lint format, rendered from one fixed tree and compared with golden files.

Regenerate the goldens after an intended change with
``EVTCTL_UPDATE_GOLDEN=1 python -m pytest tests/unit/test_reporters.py`` and review the diff.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from evtctl import __version__
from evtctl.cli import app
from evtctl.config import load_config
from evtctl.findings import Finding, LintResult, Location, Related, Severity
from evtctl.lint import LintOptions, lint_paths
from evtctl.report import REPORTERS, render
from evtctl.report.github import command, escape_data, escape_property
from evtctl.report.junit import junit_tree
from evtctl.report.sarif import sarif_log
from evtctl.rules import all_rules

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SUFFIX = {"text": "txt", "json": "json", "sarif": "sarif", "github": "github.txt",
          "junit": "junit.xml"}


def golden_result(monkeypatch: pytest.MonkeyPatch) -> LintResult:
    monkeypatch.chdir(GOLDEN)
    config = load_config(None, [Path("tree")])
    return lint_paths([Path("tree")], config, LintOptions(today=date(2026, 1, 1),
                                                          use_cache=False))


def normalise_sarif(text: str) -> str:
    """Rule docs change with the rules; the golden keeps the shape, not every word."""
    log = json.loads(text)
    driver = log["runs"][0]["tool"]["driver"]
    driver["version"] = driver["semanticVersion"] = "<version>"
    for rule in driver["rules"]:
        rule["fullDescription"]["text"] = "<first paragraph of the rule docs>"
        rule["help"] = {"text": "<rule docs>", "markdown": "<rule docs as markdown>"}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def rendered(result: LintResult, fmt: str) -> str:
    stream = io.StringIO()
    render(result, fmt, stream)
    text = stream.getvalue()
    return normalise_sarif(text) if fmt == "sarif" else text


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_golden(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = rendered(golden_result(monkeypatch), fmt)
    golden = GOLDEN / f"lint.{SUFFIX[fmt]}"
    if os.environ.get("EVTCTL_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} missing; run with EVTCTL_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8"), (
        f"{golden.name} differs; if the change is intended, regenerate with "
        "EVTCTL_UPDATE_GOLDEN=1 and review the diff")
    assert str(GOLDEN) not in text, "goldens must not hold absolute paths"


def test_every_reporter_has_a_golden() -> None:
    assert set(REPORTERS) == set(SUFFIX)


def test_golden_tree_covers_related_places_and_suppressions(
        monkeypatch: pytest.MonkeyPatch) -> None:
    result = golden_result(monkeypatch)
    assert any(f.related for f in result.findings)
    assert result.errors and result.warnings and result.suppressed


# --- SARIF ---

def test_sarif_rules_carry_docs_and_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    log = sarif_log(golden_result(monkeypatch))
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    used = {f.rule for f in golden_result(monkeypatch).findings}
    specs = [s for s in all_rules() if s.id in used]
    assert [r["id"] for r in rules] == [s.id for s in specs]
    for rule, spec in zip(rules, specs, strict=True):
        assert rule["help"]["text"] == spec.doc
        assert "Failing" in rule["help"]["markdown"]
        assert rule["shortDescription"]["text"] == spec.summary
        assert rule["defaultConfiguration"]["level"] == spec.severity.value
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith("tree/")
    conflict = next(r for r in run["results"] if r["ruleId"] == "EVT201")
    assert conflict["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] > 0


def test_sarif_fingerprints_survive_moved_lines(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(GOLDEN / "tree", tmp_path / "tree")
    monkeypatch.chdir(tmp_path)

    def prints() -> list[str]:
        config = load_config(None, [Path("tree")])
        result = lint_paths([Path("tree")], config, LintOptions(use_cache=False))
        return [r["partialFingerprints"]["evtctl/v1"] for r in sarif_log(result)["runs"][0][
            "results"]]

    before = prints()
    manifest = tmp_path / "tree" / "billing" / "invoiceservice.yaml"
    manifest.write_text(manifest.read_text().replace("topics:\n", "# moved\n\ntopics:\n"))
    assert sorted(prints()) == sorted(before)
    assert len(set(before)) == len(before)


def multitool() -> str | None:
    return os.environ.get("EVTCTL_SARIF_MULTITOOL") or shutil.which("sarif-multitool")


def test_sarif_passes_the_sarif_multitool(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    tool = multitool()
    if tool is None:
        message = ("SARIF Multitool not found: npm install -g @microsoft/sarif-multitool@5.7.0 "
                   "(or set EVTCTL_SARIF_MULTITOOL)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    stream = io.StringIO()
    render(golden_result(monkeypatch), "sarif", stream)
    log = tmp_path / "lint.sarif"
    log.write_text(stream.getvalue(), encoding="utf-8")
    out = tmp_path / "validation.sarif"
    proc = subprocess.run([tool, "validate", str(log), "--output", str(out),
                           "--log", "ForceOverwrite"],
                          check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8-sig"))
    problems = [(r.get("level", "warning"), r["ruleId"], r["message"])
                for run in report["runs"] for r in run.get("results", [])]
    # SARIF2005 only asks for an informationUri (a project home page) evtctl does not have yet.
    assert [p for p in problems if p[0] == "error" or p[1] != "SARIF2005"] == []


def test_sarif_validator_catches_a_broken_log(tmp_path: Path) -> None:
    """The validation above can fail: a log with an invalid level is reported."""
    tool = multitool()
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("SARIF Multitool not found")
        pytest.skip("SARIF Multitool not found")
    bad = tmp_path / "bad.sarif"
    location = {"physicalLocation": {"artifactLocation": {"uri": "a.yaml"},
                                     "region": {"startLine": 0}}}
    bad.write_text(json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {}},
                   "results": [{"ruleId": "A", "level": "fatal", "message": {"text": "m"},
                                "locations": [location]}]}]}))
    out = tmp_path / "out.sarif"
    subprocess.run([tool, "validate", str(bad), "--output", str(out), "--log", "ForceOverwrite"],
                   check=False, capture_output=True, text=True, timeout=300)
    report = json.loads(out.read_text(encoding="utf-8-sig"))
    assert any(r.get("level") == "error" for r in report["runs"][0]["results"])


# --- GitHub workflow commands ---

def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    finding = Finding("EVT201", Severity.WARNING, "100% sure: a, b\nsecond",
                      Location(Path("dir,x/a:b.yaml"), 3, 7),
                      related=(Related(Location(Path("o.yaml"), 2, 1), "other"),))
    assert command(finding) == (
        "::warning file=dir%2Cx/a%3Ab.yaml,line=3,col=7,title=EVT201 duplicate-topic"
        "::100%25 sure: a, b%0Asecond%0Arelated: o.yaml:2:1 other")


def test_github_omits_unknown_places() -> None:
    finding = Finding("EVT001", Severity.ERROR, "cannot read", Location(Path("a.yaml")))
    assert command(finding) == "::error file=a.yaml,title=EVT001 yaml-invalid::cannot read"


# --- JUnit ---

def test_junit_is_valid_xml_with_escaping() -> None:
    nasty = "bad <tag> & \"quote\" \x01 control"
    result = LintResult(
        findings=(Finding("EVT004", Severity.ERROR, nasty, Location(Path("a.yaml"), 1, 1)),
                  Finding("EVT105", Severity.WARNING, "w", Location(Path("a.yaml"), 2, 1))),
        files=(Path("a.yaml"), Path("b.yaml")), services=2)
    stream = io.StringIO()
    render(result, "junit", stream)
    root = ET.fromstring(stream.getvalue().encode("utf-8"))
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    [failure] = root.iter("failure")
    assert failure.get("message") == nasty.replace("\x01", "\\x01")
    assert root.find("testsuite/system-out") is not None  # the warning is listed, not failed
    assert [s.get("name") for s in root.iter("testsuite")] == ["a.yaml", "b.yaml"]


def test_junit_fail_on_warning_makes_warnings_failures() -> None:
    result = LintResult(
        findings=(Finding("EVT105", Severity.WARNING, "w", Location(Path("a.yaml"), 2, 1)),),
        files=(Path("a.yaml"),), services=1, extra={"fail_on": "warning"})
    assert junit_tree(result).get("failures") == "1"


# --- the command: auto, fail-on ---

def write_warning_only_tree(tmp_path: Path) -> None:
    (tmp_path / "cart.yaml").write_text(
        "apiVersion: evtctl/v1\nkind: Service\n"
        "metadata: {company: acme, namespace: shop, name: cart}\n"
        "topics:\n  - name: acme.shop.cart.events\n  - name: acme.shop.cart.events.items\n")


def test_format_auto_picks_github_in_actions(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    write_warning_only_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = CliRunner().invoke(app, ["lint", "."])
    assert result.stdout.startswith("::warning file=cart.yaml,line=6,col=11,")
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    result = CliRunner().invoke(app, ["lint", "."])
    assert result.stdout.startswith("cart.yaml\n")


def test_fail_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_warning_only_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["lint", ".", "-f", "json"]).exit_code == 0
    assert runner.invoke(app, ["lint", ".", "-f", "json", "--fail-on", "warning"]).exit_code == 1
    bad = runner.invoke(app, ["lint", ".", "--fail-on", "info"])
    assert bad.exit_code == 2
    assert "--fail-on" in bad.stderr


def test_unknown_format_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_warning_only_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["lint", ".", "-f", "xml"])
    assert result.exit_code == 2
    assert "sarif" in result.stderr


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit"])
def test_ci_formats_from_the_command_line(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    result = CliRunner().invoke(app, ["lint", "tree", "--format", fmt, "--no-cache",
                                      "--today", "2026-01-01"])
    assert result.exit_code == 1
    expected = (GOLDEN / f"lint.{SUFFIX[fmt]}").read_text(encoding="utf-8")
    out = normalise_sarif(result.stdout) if fmt == "sarif" else result.stdout
    assert out == expected
    assert __version__  # the version is normalised out of the SARIF golden
