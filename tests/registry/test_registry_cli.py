"""The command line of ``evtctl registry`` and ``compat --registry``: usage errors are one
line and exit 2, before any registry is contacted; output shapes against the fake."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_registry import FakeRegistry
from regkit import Org, RecordingUi, record, run_cli

from evtctl.registry.model import RegistryError
from evtctl.registry.run import RegistryRequest, run_registry


@pytest.mark.parametrize(("args", "message"), [
    ([], "no Schema Registry given: pass --url URL"),
    (["--url", "http://h:1", "--check", "--apply"], "--check and --apply cannot be combined"),
    (["--url", "http://h:1", "--hard-delete"], "--hard-delete needs --allow-delete"),
    (["--url", "http://h:1", "--format", "xml"], "unknown format 'xml'"),
    (["--url", "h:1"], "--url 'h:1' is not an http:// or https:// URL"),
])
def test_usage_errors_are_one_line(org: Org, args: list[str], message: str) -> None:
    org.contract("orders", "OrderPlaced", [record("OrderPlaced")])
    result = run_cli(["registry", str(org.root), *args], env={})
    assert result.exit_code == 2
    first, *rest = result.stderr.splitlines()
    assert first.startswith("evtctl: error: registry: ") and message in first
    assert all(line.startswith("hint: ") for line in rest)


def test_manifests_that_do_not_load_stop_the_run(org: Org) -> None:
    (org.root / "bad").mkdir(parents=True)
    (org.root / "bad" / "service.yaml").write_text(
        "apiVersion: evtctl/v1\nkind: Service\nmetadata: {company: a, namespace: b}\n")
    result = run_cli(["registry", str(org.root), "--url", "http://127.0.0.1:1"])
    assert result.exit_code == 2
    assert "the manifests do not load; fix them first (evtctl lint)" in result.stderr
    assert "bad/service.yaml:3:" in result.stderr


def test_no_manifests_is_an_error(tmp_path: Path) -> None:
    result = run_cli(["registry", str(tmp_path), "--url", "http://127.0.0.1:1"])
    assert result.exit_code == 2 and "no service manifests found" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--registry", "http://h:1", "a.json"], "--registry needs --subject SUBJECT"),
    (["--registry", "http://h:1", "--subject", "s", "a.json", "b.json"],
     "give exactly one FILE: the candidate"),
    (["--registry", "http://h:1", "--subject", "s", "--mode", "SIDEWAYS", "a.json"],
     "unknown --mode 'SIDEWAYS'"),
])
def test_compat_registry_usage(args: list[str], message: str) -> None:
    result = run_cli(["compat", *args])
    assert result.exit_code == 2 and message in result.stderr


def test_json_plan_and_result_against_the_fake(org: Org, fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [record("OrderPlaced")], compatibility="NONE")
    ui = RecordingUi()
    request = RegistryRequest((org.root,), url="http://fake", output_format="json")
    assert run_registry(request, ui, lambda _c, _t: fake) == 0
    plan = json.loads(ui.json[-1])
    assert plan["formatVersion"] == 1 and plan["registry"] == "http://fake-registry"
    assert [a["action"] for a in plan["actions"]] == ["register-version", "set-compatibility"]
    assert plan["actions"][0]["references"] == [] and plan["inSync"] is False
    request = RegistryRequest((org.root,), url="http://fake", output_format="json", apply=True,
                              yes=True)
    assert run_registry(request, ui, lambda _c, _t: fake) == 0
    result = json.loads(ui.json[-1])
    assert result["applied"] == 2 and result["succeeded"] is True
    assert {a["status"] for a in result["actions"]} == {"applied"}
    request = RegistryRequest((org.root,), url="http://fake", check=True)
    assert run_registry(request, ui, lambda _c, _t: fake) == 0


def test_apply_without_a_terminal_needs_yes(org: Org, fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [record("OrderPlaced")], compatibility="NONE")
    with pytest.raises(RegistryError) as caught:
        run_registry(RegistryRequest((org.root,), url="http://fake", apply=True), RecordingUi(),
                     lambda _c, _t: fake)
    assert "pass --yes" in caught.value.message
    assert fake.writes() == []


