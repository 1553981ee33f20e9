"""Lint a part, resolve the whole: what is read, what is checked, and what is said about
the rest."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from evtctl.config import load_config
from evtctl.findings import LintResult
from evtctl.lint import LintOptions, lint_paths
from evtctl.report import render


def _service(name: str, body: str = "") -> str:
    return (f"apiVersion: evtctl/v1\nkind: Service\n"
            f"metadata: {{company: acme, namespace: shop, name: {name}}}\n{body}")


def project(tmp_path: Path, config: str = "version: 1\n") -> Path:
    root = tmp_path / "p"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    if config:
        (root / "evtctl.yaml").write_text(config)
    (root / "a" / "s.json").write_text('{"type": "object"}')
    (root / "a" / "cart.yaml").write_text(_service("cart", """\
topics:
  - name: acme.shop.cart.events
    contracts: [{name: CartCreated, versions: [{version: 1, schema: s.json}]}]
"""))
    (root / "b" / "pay.yaml").write_text(_service("pay", """\
consumes: [{topic: acme.shop.cart.events, events: [CartCreated]}]
"""))
    return root


def lint(*paths: Path) -> LintResult:
    return lint_paths(list(paths), load_config(None, list(paths)), LintOptions(use_cache=False))


def text(result: LintResult, fmt: str = "text") -> str:
    stream = io.StringIO()
    render(result, fmt, stream)
    return stream.getvalue()


def test_a_folder_resolves_against_the_project(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = lint(root / "b")
    assert result.findings == ()
    assert [p.name for p in result.files] == ["pay.yaml"]
    assert [p.name for p in result.read_only] == ["cart.yaml"]
    assert result.summary.services == 1


def test_without_a_project_the_paths_are_linted_alone(tmp_path: Path) -> None:
    root = project(tmp_path, config="")
    result = lint(root / "b")
    assert [f.rule for f in result.findings] == ["EVT401"]
    assert result.read_only == ()


def test_a_failed_manifest_in_a_file_only_read_is_named(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = project(tmp_path)
    cart = root / "a" / "cart.yaml"
    cart.write_text(cart.read_text().replace("apiVersion:", "apiversion:"))
    result = lint(root / "b")
    assert result.findings == ()  # no cascade into the file checked
    assert ("note: p/a/cart.yaml:1:1 (read for references, not checked) failed to load: "
            "key 'apiversion' is not a manifest key") in text(result)
    data = json.loads(text(result, "json"))
    (failed,) = data["failedManifests"]
    assert failed["checked"] is False and failed["rule"] == "EVT005"
    assert data["summary"]["manifestsFailed"] == 1


def test_a_schema_file_checks_the_manifest_that_names_it(tmp_path: Path) -> None:
    root = project(tmp_path)
    result = lint(root / "a" / "s.json")
    assert [p.name for p in result.files] == ["cart.yaml"]
    assert [p.name for p in result.read_only] == ["pay.yaml"]


def test_another_file_checks_the_whole_project(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "b" / "pay.yaml").write_text(
        _service("pay", "consumes: [{topic: acme.shop.x.events}]\n"))
    result = lint(root / "evtctl.yaml")
    assert sorted(p.name for p in result.files) == ["cart.yaml", "pay.yaml"]
    assert [f.rule for f in result.findings] == ["EVT401"]
    notes = result.extra.get("notes")
    assert isinstance(notes, list) and "the whole project is checked" in notes[0]


def test_unused_ignores_are_judged_on_the_whole_project_only(tmp_path: Path) -> None:
    root = project(tmp_path, "version: 1\nignores:\n"
                             "  - {rule: unknown-topic, path: 'a/**', reason: legacy}\n")
    assert [f.rule for f in lint(root).findings] == ["EVT903"]
    assert lint(root / "b").findings == ()  # linting a part cannot know


def test_a_path_outside_the_project_is_read_too(tmp_path: Path) -> None:
    root = project(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.yaml").write_text(_service("x", "consumes: [{topic: acme.shop.cart.events}]\n"))
    result = lint(root / "b", outside / "x.yaml")
    assert result.findings == ()
    assert sorted(p.name for p in result.files) == ["pay.yaml", "x.yaml"]
