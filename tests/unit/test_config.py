"""The project config: found by walking up, validated with errors at the offending line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from evtctl.cli import app
from evtctl.config import DEFAULT_MODES, ConfigError, load_config, parse_config

FULL = """\
version: 1
companies: [arcadia]
namespaces: [identity, billing]
rules:
  EVT105: error
  unknown-topic: warning
  shared-consumer-group: off
compatibility:
  policy: strict
  defaults: {private: BACKWARD}
  contracts:
    arcadia.identity.personaservice.events/PersonaCreated: FULL
  allowRemoteRefs: true
ignores:
  - rule: EVT401
    path: legacy/**
    reason: legacy services are onboarded in Q3
environments:
  prod:
    clusterId: abc
    partitions: 12
    replicationFactor: 3
    config: {min.insync.replicas: 2, retention.ms: "604800000"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "evtctl.yaml"
    path.write_text(text)
    return path


def test_every_key_is_read(tmp_path: Path) -> None:
    config = parse_config(write(tmp_path, FULL))
    assert config.root == tmp_path.resolve()
    assert config.companies == ("arcadia",)
    assert config.namespaces == ("identity", "billing")
    assert config.rule_severities == {"EVT105": "error", "unknown-topic": "warning",
                                      "shared-consumer-group": "off"}
    assert config.policy == "strict"
    assert config.allow_remote_refs is True
    assert config.mode_for("t", "private", "C") == "BACKWARD"
    assert config.mode_for("arcadia.identity.personaservice.events", "events",
                           "PersonaCreated") == "FULL"
    assert config.mode_for("t", "commands", "C") == DEFAULT_MODES["commands"]
    assert config.mode_for("t", "commands", "C", declared="NONE") == "NONE"
    [ignore] = config.ignores
    assert (ignore.rule, ignore.path, ignore.line) == ("EVT401", "legacy/**", 15)
    prod = config.environments["prod"]
    assert (prod.cluster_id, prod.partitions, prod.replication_factor) == ("abc", 12, 3)
    assert prod.config == {"min.insync.replicas": "2", "retention.ms": "604800000"}


def test_defaults_without_a_config(tmp_path: Path) -> None:
    config = load_config(None, [tmp_path])
    assert config.path is None
    assert config.policy == "lenient"
    assert config.root == tmp_path.resolve()
    assert dict(config.default_modes) == dict(DEFAULT_MODES)


def test_found_by_walking_up(tmp_path: Path) -> None:
    write(tmp_path, "version: 1\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert load_config(None, [deep]).path == tmp_path / "evtctl.yaml"


@pytest.mark.parametrize("text, line, column, words", [
    ("version: 2\n", 1, 10, "version must be 1"),
    ("version: 1\ncompnies: [a]\n", 2, 1, "did you mean 'companies'"),
    ("version: 1\nrules:\n  EVT105: fatal\n", 3, 11, "error, warning, off"),
    ("version: 1\nignores:\n  - rule: EVT401\n    path: a/**\n", 3, 5, "'reason'"),
    ("version: 1\ncompatibility: {policy: loose}\n", 2, 25, "strict"),
    ("version: 1\nenvironments: {prod: {partitions: 0}}\n", 2, 35, "partitions"),
    ("", 1, 1, "empty"),
    ("version: 1\n---\nversion: 1\n", 2, 1, "exactly one YAML document"),
    ("[1, 2]\n", 1, 1, "must be a mapping"),
    ("version: 1\nversion: 1\n", 2, 1, "version"),
    ("version: [1\n", 2, 1, ""),
])
def test_errors_name_the_place(tmp_path: Path, text: str, line: int, column: int,
                               words: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(write(tmp_path, text))
    assert (info.value.line, info.value.column) == (line, column), str(info.value)
    assert words in str(info.value)


def test_bare_off_means_off(tmp_path: Path) -> None:
    """YAML 1.1 reads a bare ``off`` as false; users mean the severity."""
    config = parse_config(write(tmp_path, "version: 1\nrules:\n  EVT105: off\n"))
    assert config.rule_severities == {"EVT105": "off"}


def test_cli_reports_config_errors_in_one_line(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "version: 1\nrules:\n  EVT105: fatal\n")
    result = CliRunner().invoke(app, ["lint", "."])
    assert result.exit_code == 2
    assert result.stderr.startswith("evtctl: error: evtctl.yaml:3:11: ")
    assert result.stderr.count("\n") == 1


def test_explicit_config_that_does_not_exist(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["lint", ".", "--config", "nope.yaml"])
    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr and "cannot read config" in result.stderr


def test_rule_severity_changes_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cart.yaml").write_text(
        "apiVersion: evtctl/v1\nkind: Service\n"
        "metadata: {company: acme, namespace: shop, name: cart}\n"
        "topics:\n  - name: acme.shop.cart.events\n  - name: acme.shop.cart.events.items\n")
    runner = CliRunner()
    assert runner.invoke(app, ["lint", ".", "-f", "json"]).exit_code == 0
    write(tmp_path, "version: 1\nrules: {multiple-event-topics: error}\n")
    assert runner.invoke(app, ["lint", ".", "-f", "json"]).exit_code == 1
    write(tmp_path, "version: 1\nrules: {EVT105: off}\n")
    assert '"warnings": 0' in runner.invoke(app, ["lint", ".", "-f", "json"]).stdout


def test_configuration_reference_documents_every_key() -> None:
    import json

    from evtctl.schemas_path import schema_file

    schema = json.loads(schema_file("config").read_text())
    docs = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    keys = list(schema["properties"])
    keys += [f"compatibility.{k}" for k in schema["properties"]["compatibility"]["properties"]]
    keys += [f"environments.*.{k}" for k in schema["$defs"]["environment"]["properties"]]
    keys += [f"ignores[].{k}" for k in schema["properties"]["ignores"]["items"]["properties"]]
    assert [k for k in keys if f"| `{k}` |" not in docs] == []


def test_rule_names_are_the_engines_business(tmp_path: Path) -> None:
    """config.py loads and validates the file; unknown rule names are lint findings
    (EVT802, tests/cases/config-unknown-rule), so the config loads and keeps where they are."""
    path = write(tmp_path, "version: 1\nrules:\n  unknown-topik: warning\n"
                           "ignores:\n  - {rule: nope, path: a, reason: because}\n")
    config = parse_config(path)
    assert config.rule_severities == {"unknown-topik": "warning"}
    assert config.locations["rules/unknown-topik"] == (3, 3)
    assert config.locations["ignores/0/rule"] == (5, 12)


def test_config_does_not_import_the_rules(tmp_path: Path) -> None:
    """No import circle config -> rules -> rules/base -> config: loading a config that
    names rules imports no rule module."""
    import subprocess
    import sys

    path = write(tmp_path, "version: 1\nrules: {EVT101: warning}\n"
                           "ignores: [{rule: EVT401, path: a, reason: because}]\n")
    code = (f"import sys, evtctl.config as c; c.parse_config(c.Path({str(path)!r})); "
            "print(sorted(m for m in sys.modules if m.startswith('evtctl.rules')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.strip() == "[]"
