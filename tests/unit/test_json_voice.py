"""One JSON voice: every ``--format json`` output starts with ``formatVersion`` and uses
camelCase keys all the way down, except where the keys are someone else's data.

Each command runs on real input (the sample organisation, small schemas written here);
``provision`` plans and applies against the in-memory cluster of the planning tests and
``registry`` against the fake registry (both are proven on real services elsewhere).
The exceptions are named here, so a new snake_case key anywhere fails this test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample-manifests"
sys.path.insert(0, str(REPO / "tests" / "registry"))

CAMEL = re.compile(r"[a-z][a-zA-Z0-9]*")
# Keys whose value is user data, left as written: example events (fields of the user's
# schema). Kafka topic configs appear as 'config.<name>' keys (their names are Kafka's).
DATA = {"example"}


def non_camel_keys(data: Any, where: str = "$") -> list[str]:
    """JSON paths of keys that break the convention."""
    bad: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if not (CAMEL.fullmatch(key) or key.startswith("config.")):
                bad.append(f"{where}.{key}")
            if key not in DATA:
                bad.extend(non_camel_keys(value, f"{where}.{key}"))
    elif isinstance(data, list):
        for n, item in enumerate(data):
            bad.extend(non_camel_keys(item, f"{where}[{n}]"))
    return bad


def assert_voice(text: str) -> dict[str, Any]:
    data = json.loads(text)
    assert isinstance(data, dict)
    assert next(iter(data)) == "formatVersion" and data["formatVersion"] == 1
    assert non_camel_keys(data) == []
    return data


def test_the_checker_catches_what_it_must() -> None:
    assert non_camel_keys({"a": {"in_sync": 1}, "b": [{"schema_type": 2}]}) == [
        "$.a.in_sync", "$.b[0].schema_type"]
    assert non_camel_keys({"versions": {"1": "a.json"}}) == ["$.versions.1"]
    assert non_camel_keys({"example": {"first_name": "x"}, "config.retention.ms": "1"}) == []


def evtctl(*args: str, cwd: Path = REPO) -> str:
    proc = subprocess.run([sys.executable, "-m", "evtctl", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout


def _schemas(tmp: Path) -> dict[str, Path]:
    """Pairs that break, so the changes carry examples and notes."""
    files = {
        "v1.json": {"type": "object", "properties": {"age": {"type": "integer"}}},
        "v2.json": {"type": "object", "properties": {"age": {"type": "string"}}},
        "v1.avsc": {"type": "record", "name": "Person",
                    "fields": [{"name": "age", "type": "int"}]},
        "v2.avsc": {"type": "record", "name": "Person",
                    "fields": [{"name": "age", "type": "string"}]},
    }
    out = {}
    for name, schema in files.items():
        out[name] = tmp / name
        out[name].write_text(json.dumps(schema))
    return out


def _edited_sample(tmp: Path) -> Path:
    """The sample with a breaking edit in place (diff reports it with a schema check)."""
    copy = tmp / "edited"
    shutil.copytree(SAMPLES, copy)
    path = copy / "billing" / "invoiceservice" / "schemas" / "invoice-paid.v2.json"
    schema = json.loads(path.read_text())
    schema["properties"]["voucherCode"] = {"type": "integer"}
    schema.setdefault("required", []).append("voucherCode")
    path.write_text(json.dumps(schema))
    return copy


CLI = [
    "lint sample", "lint part", "lint failed manifest", "lint findings",
    "compat json", "compat avro", "compat protobuf", "diff trees", "diff edited",
    "rules", "rules one", "graph",
]


@pytest.mark.parametrize("case", CLI)
def test_cli_json_outputs_speak_one_voice(case: str, tmp_path: Path) -> None:
    s = _schemas(tmp_path)
    refunds = SAMPLES / "billing" / "refundservice" / "schemas"
    args = {
        "lint sample": ["lint", "sample-manifests"],
        "lint part": ["lint", "sample-manifests/billing"],
        "lint failed manifest": ["lint", "tests/cases/near-miss-key"],
        "lint findings": ["lint", "tests/cases/references"],
        "compat json": ["compat", str(s["v1.json"]), str(s["v2.json"]), "--mode", "FULL"],
        "compat avro": ["compat", str(s["v1.avsc"]), str(s["v2.avsc"]), "--mode", "FULL"],
        "compat protobuf": ["compat", str(refunds / "refund-issued.v1.proto"),
                            str(refunds / "refund-issued.v2.proto"),
                            "-I", str(SAMPLES / "shared-schemas" / "proto")],
        "diff trees": ["diff", "tests/cases/references", "tests/cases/reply-topic"],
        "diff edited": ["diff", "sample-manifests", str(_edited_sample(tmp_path))],
        "rules": ["rules"],
        "rules one": ["rules", "EVT407"],
        "graph": ["graph", "sample-manifests"],
    }[case]
    data = assert_voice(evtctl(*args, "--format", "json"))
    if case.startswith("compat") and case != "compat protobuf":
        assert data["compatible"] is False  # the breaking pairs really broke
    if case == "compat json":
        assert data["versions"] == [{"version": 1, "file": "v1.json"},
                                    {"version": 2, "file": "v2.json"}]
        assert any("example" in c for c in data["changes"])
    if case == "compat avro":
        assert data["policy"] is None  # Avro has no policy: null, not ""
    if case == "diff edited":
        assert data["summary"]["breaking"] >= 1


class _Ui:
    def __init__(self) -> None:
        self.json: list[str] = []

    def show(self, lines: object) -> None:
        pass

    def show_json(self, text: str) -> None:
        self.json.append(text)

    def note(self, text: str) -> None:
        pass

    def confirm(self, question: str) -> bool | None:
        return None

    def progress(self, total: int) -> object:
        from contextlib import nullcontext

        return nullcontext(None)


def test_provision_plan_and_result_speak_one_voice() -> None:
    from provision_fake import FakeCluster

    from evtctl.provision.run import ProvisionRequest, provision

    cluster = FakeCluster(brokers=1)  # the sample's replication factor 3 is refused
    cluster.add_topic("arcadia.billing.ledgerservice.stale", 1, 1)
    cluster.add_topic("arcadia.identity.personaservice.events", 6, 1,
                      {"retention.ms": "1", "cleanup.policy": "delete"})
    ui = _Ui()
    request = ProvisionRequest((SAMPLES,), bootstrap_server="fake:9092", environment="dev",
                               acls=True, output_format="json")
    provision(request, ui, lambda _c, _t: cluster, environ={})
    plan = assert_voice(ui.json[-1])
    kinds = {a["action"] for a in plan["actions"]}
    assert {"create-topic", "alter-config"} <= kinds and any(
        a["status"] == "refused" for a in plan["actions"])
    assert any(k.startswith("config.") for a in plan["actions"] for k in a["details"])
    request = ProvisionRequest((SAMPLES,), bootstrap_server="fake:9092", environment="dev",
                               acls=True, output_format="json", apply=True, yes=True,
                               visibility_timeout=1.0)
    provision(request, ui, lambda _c, _t: cluster, environ={})
    result = assert_voice(ui.json[-1])
    assert result["applied"] > 0


def test_registry_plan_and_result_speak_one_voice() -> None:
    from fake_registry import FakeRegistry

    from evtctl.registry.run import RegistryRequest, run_registry

    fake, ui = FakeRegistry(), _Ui()
    request = RegistryRequest((SAMPLES,), url="http://fake", output_format="json")
    run_registry(request, ui, lambda _c, _t: fake)
    plan = assert_voice(ui.json[-1])
    assert plan["inSync"] is False and plan["actions"]
    assert {a["details"]["schemaType"] for a in plan["actions"]
            if a["action"] == "register-version"} == {"JSON", "AVRO", "PROTOBUF"}
    request = RegistryRequest((SAMPLES,), url="http://fake", output_format="json", apply=True,
                              yes=True)
    run_registry(request, ui, lambda _c, _t: fake)
    result = assert_voice(ui.json[-1])
    assert result["succeeded"] is True
