"""The lint cache: a warm run neither loads nor compares unchanged schemas, any change to a
file a verdict rests on is seen, and a broken cache only costs time."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import evtctl.compat.jsonschema.checker
import evtctl.compat.jsonschema.schemafile
from evtctl.config import load_config
from evtctl.lint import LintOptions, lint_paths

CASES = Path(__file__).resolve().parents[1] / "cases"


def _lint(root: Path, use_cache: bool = True) -> list[tuple[str, str, int, str]]:
    config = load_config(None, [root])
    if config.path is None:
        config = type(config)(None, root.resolve())
    result = lint_paths([root], config, LintOptions(use_cache=use_cache))
    return sorted((f.rule, f.file.name, f.line, f.message) for f in result.findings)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "project"
    shutil.copytree(CASES / "contract-incompatible", root)
    (root / "expected.yaml").unlink()
    return root


def _forbid(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real_load = evtctl.compat.jsonschema.schemafile.load_tracked
    real_check = evtctl.compat.jsonschema.checker.check

    def load(*args: Any, **kwargs: Any) -> Any:
        calls.append(f"load {Path(args[0]).name}")
        return real_load(*args, **kwargs)

    def check(*args: Any, **kwargs: Any) -> Any:
        calls.append("check")
        return real_check(*args, **kwargs)

    monkeypatch.setattr(evtctl.compat.jsonschema.schemafile, "load_tracked", load)
    monkeypatch.setattr(evtctl.compat.jsonschema.checker, "check", check)
    return calls


def test_warm_run_gives_the_same_findings_without_loading_or_comparing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uncached = _lint(project, use_cache=False)
    assert any(rule == "EVT505" for rule, *_ in uncached)
    assert _lint(project) == uncached  # cold: fills the cache
    calls = _forbid(monkeypatch)
    assert _lint(project) == uncached
    assert calls == []


def test_a_changed_schema_is_loaded_and_compared_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _lint(project)
    calls = _forbid(monkeypatch)
    (project / "v2-optional.json").write_text(
        '{"type": "object", "properties": {"age": {"type": "string"}}}'
    )
    after = _lint(project)
    assert calls.count("load v2-optional.json") == 1 and "check" in calls
    assert after == _lint(project, use_cache=False)
    assert any("OptionalAdded v2" in message for *_, message in after)


def test_a_changed_referenced_file_invalidates_the_file_that_refers_to_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "common.json").write_text('{"$defs": {"age": {"type": "integer"}}}')
    (project / "v1.json").write_text(
        '{"type": "object", "properties": {"age": {"$ref": "common.json#/$defs/age"}}}'
    )
    before = _lint(project)
    calls = _forbid(monkeypatch)
    (project / "common.json").write_text('{"$defs": {"other": {"type": "integer"}}}')
    after = _lint(project)
    assert "load v1.json" in calls
    assert after == _lint(project, use_cache=False) != before
    assert any(rule == "EVT503" for rule, *_ in after)


def test_invalid_schemas_are_checked_on_every_run(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "v2-type.json").write_text('{"type": "objekt"}')
    first = _lint(project)
    calls = _forbid(monkeypatch)
    assert _lint(project) == first
    assert "load v2-type.json" in calls
    assert any(rule == "EVT503" for rule, *_ in first)


def test_a_corrupt_cache_file_falls_back_to_computing(project: Path, tmp_path: Path) -> None:
    expected = _lint(project, use_cache=False)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "compat.sqlite3").write_bytes(b"this is not a database" * 100)
    assert _lint(project) == expected
    assert _lint(project) == expected


def test_an_unwritable_cache_directory_falls_back_to_computing(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(blocker / "cache"))
    assert _lint(project) == _lint(project, use_cache=False)


def test_diagnostics_are_reported_from_the_cache_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EVT503 for a metaschema violation the registry tolerates is reported on every run,
    warm or cold: the cache keeps a file's diagnostics with it, so a warm run reports them
    without loading the file (only the invalid one, never cached, is read again)."""
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "project"
    shutil.copytree(CASES / "schema-registry-tolerated", root)
    (root / "expected.yaml").unlink()
    uncached = _lint(root, use_cache=False)
    assert sum(rule == "EVT503" for rule, *_ in uncached) == 7
    assert _lint(root) == uncached  # cold
    calls = _forbid(monkeypatch)
    assert _lint(root) == uncached  # warm: the same findings, diagnostics included
    assert sorted(c for c in calls if c.startswith("load")) == ["load refused.json"]
