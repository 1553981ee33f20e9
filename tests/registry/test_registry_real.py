"""``evtctl registry`` and ``evtctl compat --registry`` against a real Schema Registry
(Apicurio Registry 2.6, started once per session by the ``apicurio`` fixture).

What is read back is read with plain HTTP (:class:`Direct`), not with evtctl's adapter, so
a bug in the adapter cannot hide itself. Apicurio's differences from Confluent are set or
stated explicitly: its global level is NONE (each test's subjects get theirs from evtctl),
its JSON checker cannot compare draft 2020-12 schemas (the tests use draft 7), and its
``reason`` string stands for Confluent's ``messages``.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from auth_proxy import PASSWORD, TOKEN, USER, AuthProxy
from local_apicurio import Apicurio, free_port
from regkit import Org, record, run_cli

pytestmark = [pytest.mark.registry, pytest.mark.slow]

V1 = record("OrderPlaced", "sku", closed=True)
V2 = record("OrderPlaced", "sku", "note", closed=True)  # BACKWARD: optional, closed model
BREAKING = record("OrderPlaced", "sku", required=("id", "sku"), closed=True)


class Direct:
    """Plain HTTP to the registry, independent of evtctl's adapter."""

    def __init__(self, url: str) -> None:
        self.url = url

    def get(self, path: str) -> Any:
        try:
            with urllib.request.urlopen(f"{self.url}/{path}", timeout=10) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise

    def send(self, method: str, path: str, body: object) -> Any:
        request = urllib.request.Request(
            f"{self.url}/{path}", data=json.dumps(body).encode(), method=method,
            headers={"Content-Type": "application/vnd.schemaregistry.v1+json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def versions(self, subject: str) -> list[int] | None:
        found = self.get(f"subjects/{subject}/versions")
        return None if found is None else list(found)

    def schema(self, subject: str, version: int) -> Any:
        return json.loads(self.get(f"subjects/{subject}/versions/{version}")["schema"])

    def level(self, subject: str) -> str:
        return str(self.get(f"config/{subject}")["compatibilityLevel"])


@pytest.fixture
def company() -> str:
    return "t" + uuid.uuid4().hex[:10]


@pytest.fixture
def real_org(tmp_path: Path, company: str) -> Org:
    org = Org(tmp_path / "org", company=company)
    # Tests share one registry: every subject, referenced documents' too, under the company.
    org.registry = {"managedPrefixes": [f"{company}."], "referencePrefix": f"{company}."}
    return org


@pytest.fixture
def direct(apicurio: Apicurio) -> Direct:
    return Direct(apicurio.url)


def registry(apicurio: Apicurio, org: Org, *args: str,
             env: dict[str, str] | None = None) -> Any:
    return run_cli(["registry", str(org.root), "--url", apicurio.url, "--timeout", "20", *args],
                   env=env)


def test_plan_apply_match_replan_check_then_a_new_version(apicurio: Apicurio, real_org: Org,
                                                         direct: Direct) -> None:
    real_org.contract("orders", "OrderPlaced", [V1], compatibility="BACKWARD",
                      key=[record("OrderKey", required=())])
    value, key = f"{real_org.topic('orders')}-value", f"{real_org.topic('orders')}-key"
    planned = registry(apicurio, real_org)
    assert planned.exit_code == 0, planned.stderr
    assert f"+ subject {value}" in planned.stdout and "+ v1 orders/schemas/orderplaced.v1.json" \
        in planned.stdout
    assert "Plan: 2 to register, 2 to change, 0 to delete." in planned.stdout
    assert direct.versions(value) is None  # a plan changes nothing

    applied = registry(apicurio, real_org, "--apply", "--yes")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert "Applied 4 of 4 changes." in applied.stdout
    assert direct.versions(value) == [1] and direct.schema(value, 1) == V1
    assert direct.versions(key) == [1] and direct.schema(key, 1)["title"] == "OrderKey"
    assert direct.level(value) == "BACKWARD" and direct.level(key) == "BACKWARD"

    again = registry(apicurio, real_org)
    assert again.exit_code == 0
    assert "No changes: the registry matches the manifests (2 subjects)." in again.stdout
    assert registry(apicurio, real_org, "--check").exit_code == 0
    assert registry(apicurio, real_org, "--apply", "--yes").stdout.strip().endswith(
        "No changes: the registry matches the manifests (2 subjects).")

    real_org.contract("orders", "OrderPlaced", [V1, V2], compatibility="BACKWARD",
                      key=[record("OrderKey", required=())])
    assert registry(apicurio, real_org, "--check").exit_code == 1
    plan = registry(apicurio, real_org, "--format", "json").json()
    assert plan["formatVersion"] == 1 and plan["inSync"] is False
    (action,) = plan["actions"]
    assert (action["action"], action["subject"], action["version"], action["notes"]) == (
        "register-version", value, 2, [])  # the registry's own verdict agrees: no note
    assert registry(apicurio, real_org, "--apply", "--yes").exit_code == 0
    assert direct.versions(value) == [1, 2] and direct.schema(value, 2) == V2
    assert registry(apicurio, real_org, "--check").exit_code == 0


def test_drift_is_found_after_the_registrys_normalisation(apicurio: Apicurio, real_org: Org,
                                                          direct: Direct) -> None:
    real_org.contract("orders", "OrderPlaced", [V1], compatibility="NONE")
    subject = f"{real_org.topic('orders')}-value"
    # Registered by another tool, with other whitespace and key order: the same schema.
    direct.send("POST", f"subjects/{subject}/versions", {
        "schemaType": "JSON", "schema": json.dumps(dict(reversed(list(V1.items()))), indent=3)})
    direct.send("PUT", f"config/{subject}", {"compatibility": "NONE"})
    assert registry(apicurio, real_org, "--check").exit_code == 0

    edited = record("OrderPlaced", "sku", "colour", closed=True)
    real_org.write_schema("orders", "orderplaced.v1.json", edited)  # edited in place in git
    checked = registry(apicurio, real_org, "--check")
    assert checked.exit_code == 1
    assert "! registered v1 differs from orders/schemas/orderplaced.v1.json in git" \
        in checked.stdout
    assert '+    "colour": {' in checked.stdout
    assert "fix: registered versions cannot change" in checked.stdout
    applied = registry(apicurio, real_org, "--apply", "--yes")
    assert applied.exit_code == 1  # nothing evtctl may do fixes it
    assert direct.versions(subject) == [1] and direct.schema(subject, 1) == V1


def test_an_incompatible_version_is_refused_before_the_registry_is_asked(
        apicurio: Apicurio, real_org: Org, direct: Direct) -> None:
    real_org.contract("orders", "OrderPlaced", [V1], compatibility="BACKWARD")
    subject = f"{real_org.topic('orders')}-value"
    assert registry(apicurio, real_org, "--apply", "--yes").exit_code == 0
    # The registry runs no check at NONE: only evtctl stands between the change and it.
    direct.send("PUT", f"config/{subject}", {"compatibility": "NONE"})
    real_org.contract("orders", "OrderPlaced", [V1, BREAKING], compatibility="BACKWARD")
    applied = registry(apicurio, real_org, "--apply", "--yes")
    assert applied.exit_code == 1
    assert "~ compatibility: NONE → BACKWARD   [applied]" in applied.stdout
    assert "+ v2 orders/schemas/orderplaced.v2.json   [refused: incompatible under BACKWARD " \
        "(lenient): " in applied.stdout
    assert "at #/required" in applied.stdout
    assert direct.versions(subject) == [1]


def test_when_the_registry_disagrees_both_verdicts_are_shown(apicurio: Apicurio,
                                                             real_org: Org,
                                                             direct: Direct) -> None:
    """An optional property added to an open model: evtctl's lenient policy allows it under
    FULL, Apicurio's JSON checker does not. The plan says so; the apply fails with the
    registry's reason; compat --registry shows both, exiting on evtctl's verdict."""
    real_org.registry["policy"] = "lenient"  # so the only warning is the registry's own
    open1, open2 = record("PaymentTaken", "amount"), record("PaymentTaken", "amount", "memo")
    real_org.contract("payments", "PaymentTaken", [open1], compatibility="FULL")
    subject = f"{real_org.topic('payments')}-value"
    assert registry(apicurio, real_org, "--apply", "--yes").exit_code == 0
    real_org.contract("payments", "PaymentTaken", [open1, open2], compatibility="FULL")
    planned = registry(apicurio, real_org)
    assert planned.exit_code == 0
    assert "! the registry's own check refuses it (Incompatible artifact" in planned.stdout
    applied = registry(apicurio, real_org, "--apply", "--yes")
    assert applied.exit_code == 1
    assert "[failed: the registry refused it as incompatible:" in applied.stdout
    assert direct.versions(subject) == [1]

    candidate = real_org.root / "payments" / "schemas" / "paymenttaken.v2.json"
    compat = run_cli(["compat", "--registry", apicurio.url, "--subject", subject,
                      str(candidate)])
    assert compat.exit_code == 0  # evtctl's verdict
    assert "compatible under FULL (lenient)" in compat.stdout
    assert "from the subject's level" in compat.stdout
    assert f"registry disagrees: {apicurio.url} finds it INCOMPATIBLE" in compat.stdout
    strict = run_cli(["compat", "--registry", apicurio.url, "--subject", subject,
                      "--policy", "strict", "--format", "json", str(candidate)])
    assert strict.exit_code == 1
    data = strict.json()
    assert data["formatVersion"] == 1 and data["registry"]["agrees"] is True
    assert data["registry"]["versions"] == [1]


def test_referenced_files_are_registered_first_and_resolved_by_the_registry(
        apicurio: Apicurio, real_org: Org, direct: Direct) -> None:
    real_org.write_schema("orders", "money.json", record("Money", "currency"))
    real_org.contract("orders", "OrderPlaced",
                      [record("OrderPlaced", total={"$ref": "money.json"})], compatibility="NONE")
    subject = f"{real_org.topic('orders')}-value"
    money = f"{real_org.company}.orders.schemas.money.json"
    applied = registry(apicurio, real_org, "--apply", "--yes")
    assert applied.exit_code == 0, applied.stdout
    assert direct.versions(money) == [1] and direct.schema(money, 1)["title"] == "Money"
    registered = direct.get(f"subjects/{subject}/versions/1")
    assert registered["references"] == [{"name": "money.json", "subject": money, "version": 1}]
    assert registry(apicurio, real_org, "--check").exit_code == 0
    # The shared file changes: a new version of its subject; v1 of the contract, registered
    # with the old document, no longer matches git.
    real_org.write_schema("orders", "money.json", record("Money", "currency", "amount"))
    checked = registry(apicurio, real_org, "--check")
    assert checked.exit_code == 1
    assert "+ v2 orders/schemas/money.json" in checked.stdout
    assert "the schema is the same; the referenced money.json differ" in checked.stdout


def test_undeclared_versions_and_unknown_subjects_are_deleted_only_when_asked(
        apicurio: Apicurio, real_org: Org, direct: Direct) -> None:
    real_org.contract("orders", "OrderPlaced", [V1], compatibility="NONE")
    subject = f"{real_org.topic('orders')}-value"
    stray = f"{real_org.company}.shop.legacy.events-value"
    assert registry(apicurio, real_org, "--apply", "--yes").exit_code == 0
    direct.send("POST", f"subjects/{subject}/versions", {"schemaType": "JSON",
                                                        "schema": json.dumps(V2)})
    direct.send("POST", f"subjects/{stray}/versions", {"schemaType": "JSON",
                                                      "schema": json.dumps(V1)})
    checked = registry(apicurio, real_org, "--check")
    assert checked.exit_code == 1
    assert "! registered v2 is not declared by any manifest" in checked.stdout
    assert f"! subject {stray} (1 version) is under a managed prefix" in checked.stdout
    soft = registry(apicurio, real_org, "--apply", "--yes", "--allow-delete")
    assert soft.exit_code == 0, soft.stdout
    assert "- v2 soft delete (no manifest declares it)   [applied]" in soft.stdout
    assert direct.versions(subject) == [1]
    assert direct.get(f"subjects/{subject}/versions?deleted=true") == [1, 2]
    assert direct.versions(stray) is None
    hard = registry(apicurio, real_org, "--apply", "--yes", "--allow-delete", "--hard-delete")
    assert hard.exit_code == 0, hard.stdout
    assert "- v2 hard delete (permanent) (no manifest declares it)   [applied]" in hard.stdout
    assert "- subject, soft-deleted versions: hard delete (permanent) (no manifest makes it)" \
        "   [applied]" in hard.stdout
    assert direct.get(f"subjects/{subject}/versions?deleted=true") == [1]
    assert stray not in direct.get("subjects?deleted=true")
    refused = registry(apicurio, real_org, "--hard-delete")
    assert refused.exit_code == 2 and "--hard-delete needs --allow-delete" in refused.stderr


def test_credentials_are_used_and_a_refusal_is_one_line_without_secrets(
        apicurio: Apicurio, real_org: Org, tmp_path: Path) -> None:
    real_org.contract("orders", "OrderPlaced", [V1], compatibility="NONE")
    with AuthProxy(apicurio.url) as proxy:
        wrong = run_cli(["registry", str(real_org.root), "--url", proxy.url],
                        env={"EVTCTL_REGISTRY_BASIC_AUTH_USER_INFO": f"{USER}:wrong-{PASSWORD}"})
        assert wrong.exit_code == 2
        assert wrong.stderr.splitlines()[0] == (
            f"evtctl: error: registry: the Schema Registry at {proxy.url} refused the "
            "credentials (HTTP 401)")
        assert PASSWORD not in wrong.stdout + wrong.stderr
        props = tmp_path / "sr.properties"
        props.write_text(f"schema.registry.url={proxy.url}\n"
                         f"basic.auth.user.info={USER}:{PASSWORD}\n")
        right = run_cli(["registry", str(real_org.root), "--registry-config", str(props)])
        assert right.exit_code == 0, right.stderr
        assert PASSWORD not in right.stdout + right.stderr
        bearer = run_cli(["registry", str(real_org.root), "--url", proxy.url],
                         env={"EVTCTL_REGISTRY_BEARER_AUTH_TOKEN": TOKEN})
        assert bearer.exit_code == 0, bearer.stderr
        assert f"Bearer {TOKEN}" in proxy.seen and TOKEN not in bearer.stdout


def test_unreachable_and_not_a_registry_are_one_clear_line(real_org: Org) -> None:
    real_org.contract("orders", "OrderPlaced", [V1], compatibility="NONE")
    url = f"http://127.0.0.1:{free_port()}"
    down = run_cli(["registry", str(real_org.root), "--url", url, "--timeout", "2"])
    assert down.exit_code == 2
    assert down.stderr.startswith(f"evtctl: error: registry: cannot reach the Schema Registry "
                                  f"at {url}: ")
    assert "Traceback" not in down.stderr
    with AuthProxy(None) as html:
        other = run_cli(["registry", str(real_org.root), "--url", html.url])
    assert other.exit_code == 2
    assert f"evtctl: error: registry: {html.url} is not a Schema Registry" in other.stderr
    assert "hint: point --url at the registry's Confluent-compatible API" in other.stderr


def test_apply_asks_on_a_terminal_and_refuses_without_one(apicurio: Apicurio,
                                                          real_org: Org) -> None:
    real_org.contract("orders", "OrderPlaced", [V1], compatibility="NONE")
    answer = registry(apicurio, real_org, "--apply")
    assert answer.exit_code == 2
    assert "there is no terminal to ask on; pass --yes" in answer.stderr


@pytest.mark.parametrize("answer", ["n\r", "\x04"], ids=["n", "ctrl-d"])
def test_a_terminal_is_asked_and_only_yes_applies(apicurio: Apicurio, real_org: Org,
                                                  direct: Direct, answer: str) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
    from terminal import Terminal

    real_org.contract("orders", "OrderPlaced", [V1], compatibility="NONE")
    subject = f"{real_org.topic('orders')}-value"
    question = f"Apply 2 changes to the Schema Registry at {apicurio.url}? [y/N]:"
    args = ["registry", str(real_org.root), "--url", apicurio.url, "--apply"]
    declined = Terminal(args)
    declined.expect(question)
    # Answer once the prompt is fully written (its last space follows the colon): an answer
    # typed earlier is echoed inside the prompt, as a person typing that fast would see it.
    time.sleep(0.3)
    screen = declined.finish_after(answer)
    assert "Apply cancelled: nothing was changed." in screen.lines, screen.text
    assert screen.exit_code == 1 and direct.versions(subject) is None
    accepted = Terminal(args, columns=60)
    accepted.expect(question)
    time.sleep(0.3)
    screen = accepted.finish_after("y\r")
    assert screen.exit_code == 0, screen.text
    assert "Applied 2 of 2 changes." in screen.lines
    assert f"  + subject {subject}   (JSON, {real_org.company}.shop.orders OrderPlaced (value) " \
           "at orders/service.yaml:10:5)" in screen.lines
    assert direct.versions(subject) == [1]


def test_lint_with_a_registry_judges_new_versions_against_what_production_has(
        apicurio: Apicurio, real_org: Org, direct: Direct) -> None:
    """Production's v1 has an integer `note` (registered from an old branch); git's v1 says
    string, and git's v2 keeps string. From git alone v2 is fine; against production it
    changes a type. The other contract is new to the registry: checked from git."""
    git_v1 = record("OrderPlaced", "sku", note={"type": "string"}, closed=True)
    git_v2 = record("OrderPlaced", "sku", "extra", note={"type": "string"}, closed=True)
    real_org.contract("orders", "OrderPlaced", [git_v1, git_v2], compatibility="BACKWARD")
    real_org.contract("billing", "Billed", [V1, V2], compatibility="BACKWARD")
    subject = f"{real_org.topic('orders')}-value"
    production = record("OrderPlaced", "sku", note={"type": "integer"}, closed=True)
    direct.send("POST", f"subjects/{subject}/versions",
                {"schemaType": "JSON", "schema": json.dumps(production)})
    direct.send("PUT", f"config/{subject}", {"compatibility": "BACKWARD"})

    plain = run_cli(["lint", str(real_org.root), "--format", "json"])
    assert plain.exit_code == 0, plain.stdout
    checked = run_cli(["lint", str(real_org.root), "--format", "json",
                       "--registry", apicurio.url])
    assert checked.exit_code == 1, checked.stdout + checked.stderr
    findings = checked.json()["findings"]
    assert [(f["rule"], f["file"].endswith("orders/service.yaml")) for f in findings] == [
        ("EVT505", True)]
    assert "OrderPlaced v2 breaks v1 under BACKWARD (lenient)" in findings[0]["message"]
    assert "#/properties/note" in findings[0]["message"] + str(findings[0].get("jsonPath"))


def test_lint_with_a_registry_shows_the_registrys_verdict_when_it_disagrees(
        apicurio: Apicurio, real_org: Org, direct: Direct) -> None:
    open1, open2 = record("PaymentTaken", "amount"), record("PaymentTaken", "amount", "memo")
    real_org.contract("payments", "PaymentTaken", [open1, open2], compatibility="FULL")
    subject = f"{real_org.topic('payments')}-value"
    direct.send("POST", f"subjects/{subject}/versions",
                {"schemaType": "JSON", "schema": json.dumps(open1)})
    direct.send("PUT", f"config/{subject}", {"compatibility": "FULL"})
    checked = run_cli(["lint", str(real_org.root), "--registry", apicurio.url])
    assert checked.exit_code == 0, checked.stdout + checked.stderr  # evtctl's verdict stands
    (note,) = [line for line in checked.stderr.splitlines() if line.startswith("evtctl: note:")]
    assert "payments/service.yaml:" in note
    assert f"the registry at {apicurio.url} finds v2 of subject {subject} INCOMPATIBLE, " \
           "evtctl compatible: Incompatible artifact" in note
    down = run_cli(["lint", str(real_org.root), "--registry", f"http://127.0.0.1:{free_port()}"])
    assert down.exit_code == 2
    assert down.stderr.startswith(
        "evtctl: error: lint --registry: cannot reach the Schema Registry")


def test_the_sample_organisation_flow(apicurio: Apicurio, tmp_path: Path,
                                      direct: Direct) -> None:
    """The README's quick start. Apicurio's JSON Schema checker cannot compare the sample's
    draft 2020-12 schemas ("could not determine version"), so it refuses every JSON v2 under
    a level other than NONE: the apply says which, and the next plan plans only those. The
    Protobuf and Avro contracts (with their shared import and named type) register whole."""
    import shutil

    sample = tmp_path / "sample"
    shutil.copytree(Path(__file__).resolve().parents[2] / "sample-manifests", sample)
    planned = run_cli(["registry", str(sample), "--url", apicurio.url])
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    lines = planned.stdout.splitlines()
    assert lines[0] == f"Plan for Schema Registry {apicurio.url} (20 subjects from 17 contracts)"
    assert lines[2:4] == [  # referenced documents come first
        "  + subject arcadia.arcadia.common.v1.money.proto   (PROTOBUF, referenced document)",
        "      + v1 arcadia/common/v1/money.proto"]
    assert "  + subject arcadia.shared-schemas.money.json   (JSON, referenced document)" in lines
    assert "arcadia.identity.personaservice.events-PersonaCreated v1 (identity/personaservice/" \
           "schemas/persona-created.v1.json, not registered yet) sunset 2099-06-30: v2 adds " \
           "the locale; read v2" in planned.stdout
    assert len(re.findall(r"which refuses it: optional property \w+ added at", planned.stdout)) == 4
    applied = run_cli(["registry", str(sample), "--url", apicurio.url, "--apply", "--yes",
                       "--format", "json"]).json()
    failed = [(a["subject"], a["version"]) for a in applied["actions"] if a["status"] == "failed"]
    assert {a["status"] for a in applied["actions"]} == {"applied", "failed"}
    assert all(version == 2 for _subject, version in failed) and len(failed) == 4
    assert direct.versions("arcadia.identity.personaservice.events-PersonaCreated") == [1]
    assert direct.versions(
        "arcadia.billing.refundservice.events-arcadia.billing.refunds.v1.RefundIssued") == [1, 2]
    renewed = ("arcadia.billing.subscriptionservice.events-"
               "arcadia.billing.subscriptions.SubscriptionRenewed")
    assert direct.versions(renewed) == [1, 2, 3]  # Avro, its shared named type a reference
    assert direct.get(f"subjects/{renewed}/versions/3")["references"] == [
        {"name": "arcadia.shared.Money", "subject": "arcadia.arcadia.shared.Money", "version": 1}]
    again = run_cli(["registry", str(sample), "--url", apicurio.url, "--format", "json"]).json()
    assert sorted((a["subject"], a["version"]) for a in again["actions"]) == sorted(failed)
    assert run_cli(["registry", str(sample), "--url", apicurio.url, "--check"]).exit_code == 1


MONEY_PROTO = ('syntax = "proto3";\npackage acme.common;\n\n'
               "message Money {\n  string currency = 1;\n  int64 units = 2;\n}\n")


def order_proto(*fields: str) -> str:
    body = "".join(f"  {field};\n" for field in ("string id = 1", "acme.common.Money total = 2",
                                                   *fields))
    return (f'syntax = "proto3";\npackage acme.orders;\n\nimport "money.proto";\n\n'
            f"message OrderPlaced {{\n{body}}}\n")


def test_protobuf_contracts_with_an_import(apicurio: Apicurio, real_org: Org,
                                           direct: Direct) -> None:
    """Protobuf through the same seam: the import is a reference subject, registered first;
    a reformatted file is not drift, a changed field is; an incompatible change is refused."""
    real_org.write_text("orders", "money.proto", MONEY_PROTO)
    files = [real_org.write_text("orders", "order.v1.proto", order_proto()),
             real_org.write_text("orders", "order.v2.proto", order_proto("string note = 3"))]
    real_org.contract_files("orders", "OrderPlaced", files, compatibility="BACKWARD")
    subject = f"{real_org.topic('orders')}-value"
    money = f"{real_org.company}.money.proto"
    applied = registry(apicurio, real_org, "--apply", "--yes")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert direct.versions(subject) == [1, 2] and direct.versions(money) == [1]
    registered = direct.get(f"subjects/{subject}/versions/2")
    assert registered["schemaType"] == "PROTOBUF"
    assert registered["references"] == [{"name": "money.proto", "subject": money, "version": 1}]
    assert registry(apicurio, real_org, "--check").exit_code == 0

    v1 = real_org.root / "orders" / "schemas" / "order.v1.proto"
    v1.write_text("// reformatted, with a comment\n" + order_proto().replace("  ", "    "))
    assert registry(apicurio, real_org, "--check").exit_code == 0
    v1.write_text(order_proto().replace("string id = 1", "int64 id = 1"))
    drift = registry(apicurio, real_org, "--check")
    assert drift.exit_code == 1
    assert "! registered v1 differs from orders/schemas/order.v1.proto in git" in drift.stdout
    v1.write_text(order_proto())

    files.append(real_org.write_text("orders", "order.v3.proto",
                                     order_proto("int64 note = 3")))
    real_org.contract_files("orders", "OrderPlaced", files, compatibility="BACKWARD")
    refused = registry(apicurio, real_org, "--apply", "--yes")
    assert refused.exit_code == 1
    assert "+ v3 orders/schemas/order.v3.proto (references " in refused.stdout
    assert "[refused: incompatible under BACKWARD" in refused.stdout
    assert direct.versions(subject) == [1, 2]


def avro_record(*fields: dict[str, Any]) -> str:
    return json.dumps({"type": "record", "name": "OrderPlaced", "namespace": "acme.orders",
                       "fields": [{"name": "id", "type": "string"}, *fields]}, indent=2)


def test_avro_contracts(apicurio: Apicurio, real_org: Org, direct: Direct) -> None:
    """Avro through the same seam: registered as AVRO in order; a reformatted file is not
    drift, a retyped field is; a version evtctl finds incompatible is refused before the
    registry is asked."""
    note = {"name": "note", "type": ["null", "string"], "default": None}
    files = [real_org.write_text("orders", "order.v1.avsc", avro_record()),
             real_org.write_text("orders", "order.v2.avsc", avro_record(note))]
    real_org.contract_files("orders", "OrderPlaced", files, compatibility="BACKWARD")
    subject = f"{real_org.topic('orders')}-value"
    applied = registry(apicurio, real_org, "--apply", "--yes")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert direct.versions(subject) == [1, 2]
    # The registry API leaves schemaType out for Avro, its default type.
    assert direct.get(f"subjects/{subject}/versions/2").get("schemaType", "AVRO") == "AVRO"
    assert json.loads(direct.get(f"subjects/{subject}/versions/2")["schema"])["fields"][1] \
        == {"name": "note", "type": ["null", "string"], "default": None}
    assert registry(apicurio, real_org, "--check").exit_code == 0

    v1 = real_org.root / "orders" / "schemas" / "order.v1.avsc"
    v1.write_text(json.dumps(json.loads(avro_record())))  # same schema, other spacing
    assert registry(apicurio, real_org, "--check").exit_code == 0
    v1.write_text(avro_record().replace('"string"', '"bytes"'))
    drift = registry(apicurio, real_org, "--check")
    assert drift.exit_code == 1
    assert "! registered v1 differs from orders/schemas/order.v1.avsc in git" in drift.stdout
    v1.write_text(avro_record())

    files.append(real_org.write_text("orders", "order.v3.avsc",
                                     avro_record(note, {"name": "total", "type": "long"})))
    real_org.contract_files("orders", "OrderPlaced", files, compatibility="BACKWARD")
    refused = registry(apicurio, real_org, "--apply", "--yes")
    assert refused.exit_code == 1
    assert "[refused: incompatible under BACKWARD" in refused.stdout
    assert ("at /fields/2 the reader's field 'total' is not written by the writer and has no "
            "default (v2 → v3, backward)") in refused.stdout, refused.stdout
    assert direct.versions(subject) == [1, 2]
