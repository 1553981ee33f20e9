"""`evtctl init`: a scaffold that lints clean, the config when none exists, no overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from evtctl.cli import app
from evtctl.config import load_config, parse_config
from evtctl.lint import LintOptions, lint_paths

runner = CliRunner()
NAMES = ["--company", "arcadia", "--namespace", "identity", "--service", "personaservice"]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def lint_clean(path: Path) -> None:
    result = lint_paths([path], load_config(None, [path]), LintOptions(use_cache=False))
    assert [(f.rule, f.message) for f in result.findings] == []
    assert result.services >= 1


def test_scaffold_lints_clean_with_its_config(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", *NAMES, "--owner", "team-identity"])
    assert result.exit_code == 0, result.stderr
    manifest = tmp_path / "personaservice.yaml"
    assert "created personaservice.yaml" in result.stdout
    assert "owner: \"team-identity\"" in manifest.read_text()
    config = parse_config(tmp_path / "evtctl.yaml")
    assert (config.companies, config.namespaces) == (("arcadia",), ("identity",))
    lint_clean(tmp_path)
    assert runner.invoke(app, ["lint", "."]).exit_code == 0


def test_scaffold_in_a_subfolder_uses_the_existing_config(tmp_path: Path) -> None:
    (tmp_path / "evtctl.yaml").write_text("version: 1\ncompanies: [arcadia]\n")
    result = runner.invoke(app, ["init", *NAMES, "--dir", "services/persona"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "evtctl.yaml").read_text() == "version: 1\ncompanies: [arcadia]\n"
    assert sorted(p.name for p in (tmp_path / "services" / "persona").iterdir()) == [
        "personaservice.yaml", "schemas"]
    lint_clean(tmp_path / "services")


def test_adds_a_new_company_and_namespace_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "evtctl.yaml").write_text(
        "# ours\nversion: 1\ncompanies: [other]  # agreed in Q1\nnamespaces:\n  - billing\n"
        "rules: {EVT105: error}\n")
    result = runner.invoke(app, ["init", *NAMES])
    assert result.exit_code == 0, result.stderr
    assert "updated evtctl.yaml: added company 'arcadia' to companies" in result.stdout
    assert "added namespace 'identity' to namespaces" in result.stdout
    assert (tmp_path / "evtctl.yaml").read_text() == (
        "# ours\nversion: 1\ncompanies: [other, arcadia]  # agreed in Q1\nnamespaces:\n"
        "  - billing\n  - identity\nrules: {EVT105: error}\n")
    lint_clean(tmp_path)


def test_leaves_the_config_alone_when_told_to(tmp_path: Path) -> None:
    (tmp_path / "evtctl.yaml").write_text("version: 1\ncompanies: [other]\n")
    result = runner.invoke(app, ["init", *NAMES, "--no-config-update"])
    assert result.exit_code == 0
    assert "does not list company 'arcadia'" in result.stderr
    assert "EVT106" in result.stderr
    assert (tmp_path / "evtctl.yaml").read_text() == "version: 1\ncompanies: [other]\n"


@pytest.mark.parametrize("answer, added", [("y\n", True), ("n\n", False)])
def test_asks_before_editing_the_config_on_a_terminal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: str, added: bool) -> None:
    monkeypatch.setattr("evtctl.commands.init._interactive", lambda: True)
    (tmp_path / "evtctl.yaml").write_text("version: 1\nnamespaces: [billing]\n")
    result = runner.invoke(app, ["init", *NAMES, "--owner", "x"], input="\n" + answer)
    assert result.exit_code == 0, result.stderr
    assert "does not list namespace 'identity'" in result.stdout  # the question
    text = (tmp_path / "evtctl.yaml").read_text()
    assert ("identity" in text) is added
    if added:
        lint_clean(tmp_path)
    else:
        assert "EVT106" in result.stderr


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "personaservice.yaml").write_text("mine\n")
    result = runner.invoke(app, ["init", *NAMES])
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert (tmp_path / "personaservice.yaml").read_text() == "mine\n"
    assert not (tmp_path / "evtctl.yaml").exists()


def test_prompts_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("evtctl.commands.init._interactive", lambda: True)
    result = runner.invoke(app, ["init"],
                           input="arcadia\nidentity\npersonaservice\nteam-x\nxml\navro\n")
    assert result.exit_code == 0, result.stderr
    assert "Contract format (JSON, AVRO, PROTOBUF) [JSON]" in result.stdout
    assert "'xml' is not a format" in result.stdout
    assert "owner: \"team-x\"" in (tmp_path / "personaservice.yaml").read_text()
    assert (tmp_path / "schemas" / "something-happened.v1.avsc").is_file()
    lint_clean(tmp_path)


def test_without_a_terminal_missing_names_are_an_error() -> None:
    result = runner.invoke(app, ["init", "--company", "arcadia"])
    assert result.exit_code == 2
    assert "--namespace is required" in result.stderr


@pytest.mark.parametrize("bad", ["a.b", "", "x y", "ü"])
def test_rejects_names_that_cannot_be_topic_segments(bad: str) -> None:
    result = runner.invoke(app, ["init", "--company", bad, "--namespace", "n", "--service", "s"])
    assert result.exit_code == 2
    assert "topic name segment" in result.stderr


@pytest.mark.parametrize("schema_type, file, says", [
    ("JSON", "something-happened.v1.json", '"title": "SomethingHappened"'),
    ("AVRO", "something-happened.v1.avsc", '"namespace": "arcadia.identity.persona_svc"'),
    ("PROTOBUF", "something-happened.v1.proto", "package arcadia.identity.persona_svc.v1;"),
])
def test_each_format_scaffolds_a_contract_that_lints_clean(
        tmp_path: Path, schema_type: str, file: str, says: str) -> None:
    """Init, then lint: the starter schema is read as its format and breaks no rule (a
    '-' in the service name is no Avro or Protobuf identifier, so it becomes '_')."""
    names = ["--company", "arcadia", "--namespace", "identity", "--service", "persona-svc"]
    result = runner.invoke(app, ["init", *names, "--schema-type", schema_type])
    assert result.exit_code == 0, result.stderr
    schema = tmp_path / "schemas" / file
    assert f"created schemas/{file}" in result.stdout and says in schema.read_text()
    manifest = (tmp_path / "persona-svc.yaml").read_text()
    assert f"schema: schemas/{file}" in manifest
    assert ("message: arcadia.identity.persona_svc.v1.SomethingHappened" in manifest) is (
        schema_type == "PROTOBUF")
    lint_clean(tmp_path)
    assert runner.invoke(app, ["lint", "."]).exit_code == 0
    schema.write_text(schema.read_text()[:-8])  # cut short: lint really reads the schema
    assert runner.invoke(app, ["lint", "."]).exit_code == 1


def test_refuses_to_overwrite_a_schema(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "something-happened.v1.avsc").write_text("mine\n")
    result = runner.invoke(app, ["init", *NAMES, "--schema-type", "AVRO"])
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert not (tmp_path / "personaservice.yaml").exists()


def test_an_unknown_schema_type_is_a_usage_error() -> None:
    result = runner.invoke(app, ["init", *NAMES, "--schema-type", "XML"])
    assert result.exit_code == 2
    assert not Path("personaservice.yaml").exists()
