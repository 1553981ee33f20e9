"""`evtctl rules`, `evtctl schema`, the rule registry, and the generated rule reference."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import evtctl.rules
from evtctl.cli import app
from evtctl.docgen import DOCS_FILE, doc_markdown, rules_markdown
from evtctl.rules import _MODULES, all_rules
from evtctl.schemas_path import schema_file

NOT_RULES = {"__init__", "base"}
runner = CliRunner()


def rule_module_names() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(evtctl.rules.__path__)]
    # Helper modules shared by several rules declare no ID.
    return sorted(n for n in names if n not in NOT_RULES
                  and hasattr(importlib.import_module(f"evtctl.rules.{n}"), "ID"))


def test_every_rule_module_is_registered() -> None:
    assert sorted(set(rule_module_names()) - set(_MODULES)) == []


@pytest.mark.parametrize("name", _MODULES)
def test_rule_module_is_documented(name: str) -> None:
    module = importlib.import_module(f"evtctl.rules.{name}")
    for attr in ("ID", "NAME", "SUMMARY", "CATEGORY"):
        assert isinstance(getattr(module, attr, None), str), f"{name}.{attr}"
    assert module.ID.startswith("EVT") and module.ID[3:].isdigit() and len(module.ID) == 6
    assert module.NAME.lower() == module.NAME and " " not in module.NAME
    doc = module.__doc__ or ""
    assert "Failing" in doc and "Passing" in doc, f"{name}: docstring needs both examples"


def test_ids_and_names_are_unique() -> None:
    keys = [k for s in all_rules() for k in (s.id, s.name, *s.aliases)]
    assert len(keys) == len(set(keys))


def test_rules_lists_every_rule() -> None:
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    for spec in all_rules():
        line = next(ln for ln in result.stdout.splitlines() if ln.startswith(spec.id + " "))
        assert spec.name in line and spec.severity.value in line and spec.summary in line


@pytest.mark.parametrize("key", ["EVT201", "evt201", "duplicate-topic"])
def test_rules_shows_one_rule(key: str) -> None:
    result = runner.invoke(app, ["rules", key])
    assert result.exit_code == 0
    assert result.stdout.startswith("EVT201 duplicate-topic (default severity: error")
    assert "Failing" in result.stdout and "Passing" in result.stdout


def test_rules_json() -> None:
    data = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    assert data["formatVersion"] == 1
    assert [d["id"] for d in data["rules"]] == [s.id for s in all_rules()]
    one = json.loads(runner.invoke(app, ["rules", "EVT902", "-f", "json"]).stdout)
    assert set(one) == {"formatVersion", "rules"}  # one shape with or without a rule given
    (rule,) = one["rules"]
    assert (rule["name"], rule["severity"], rule["scope"]) == ("suppression-unused", "warning",
                                                               "service")
    assert "Failing" in rule["doc"]


def test_unknown_rule_exits_2_with_a_suggestion() -> None:
    result = runner.invoke(app, ["rules", "duplicate-topik"])
    assert result.exit_code == 2
    assert "did you mean 'duplicate-topic'" in result.stderr


@pytest.mark.parametrize("name", ["manifest", "config"])
def test_schema_prints_the_shipped_schema(name: str) -> None:
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads(schema_file(name).read_text())


def test_unknown_schema_exits_2() -> None:
    result = runner.invoke(app, ["schema", "topics"])
    assert result.exit_code == 2
    assert "manifest or config" in result.stderr


def test_docs_rules_md_is_current() -> None:
    assert DOCS_FILE.is_file(), "docs/rules.md missing; run 'python -m evtctl.docgen'"
    assert DOCS_FILE.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is stale; run 'python -m evtctl.docgen'")


def test_docgen_check_mode_detects_staleness(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from evtctl import docgen

    monkeypatch.setattr(docgen, "DOCS_FILE", tmp_path / "rules.md")
    assert docgen.main(["--check"]) == 1
    (tmp_path / "rules.md").write_text(rules_markdown())
    assert docgen.main(["--check"]) == 0


def test_doc_markdown_fences_examples() -> None:
    doc = "Title.\n\nFailing (in ``a.yaml``)::\n\n    key: 1\n      nested: 2\n\nPassing: fine.\n"
    assert doc_markdown(doc) == (
        "Title.\n\nFailing (in `a.yaml`):\n\n```yaml\nkey: 1\n  nested: 2\n```\n\n"
        "Passing: fine.\n")


def test_help_does_not_import_heavy_modules() -> None:
    code = ("import sys; from evtctl.cli import app\n"
            "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('jsonschema', 'rich', 'yaml') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_pre_commit_hook_is_declared() -> None:
    import yaml

    root = Path(__file__).resolve().parents[2]
    hooks = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())
    [hook] = [h for h in hooks if h["id"] == "evtctl-lint"]
    # The changed files are passed; evtctl reads the whole project for references
    # (tests/unit/test_precommit.py runs it under the real pre-commit).
    assert hook["entry"] == "evtctl lint" and hook["pass_filenames"] is True
