"""Planning against a fake registry: order, numbering, drift, deletes, evtctl's own check.

Each behaviour here is also exercised on a real registry in test_registry_real.py."""

from __future__ import annotations

import json

from fake_registry import FakeRegistry
from plankit import actions, apply, findings, make_plan, statuses
from regkit import Org, RecordingUi, record

from evtctl.registry.actions import ActionKind, FindingKind, Status
from evtctl.registry.model import Reference, RequestFailed, Verdict

V1 = record("OrderPlaced", "sku")
V2 = record("OrderPlaced", "sku", note={"type": "string"})  # adds an optional property


def test_a_new_subject_gets_its_versions_in_order_and_its_level_after_the_first(
        org: Org, fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [V1, V2])
    subject = f"{org.topic('orders')}-value"
    the_plan = make_plan(org.root, fake)
    assert statuses(the_plan) == [
        ("register-version", subject, 1, Status.PLANNED),
        ("set-compatibility", subject, None, Status.PLANNED),
        ("register-version", subject, 2, Status.PLANNED),
    ]
    assert actions(the_plan, ActionKind.SET_COMPATIBILITY)[0].details == {
        "from": "BACKWARD (global default; new subject)", "to": "FULL_TRANSITIVE"}
    done = apply(org.root, fake)
    assert done.succeeded
    assert fake.versions(subject) == [1, 2] and fake.compatibility(subject) == "FULL_TRANSITIVE"
    assert json.loads(fake.version(subject, 2).payload.text) == V2
    again = make_plan(org.root, fake)
    assert again.in_sync and again.actions == ()


def test_an_existing_subject_gets_its_level_before_new_versions(org: Org,
                                                                fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [V1, V2])
    subject = f"{org.topic('orders')}-value"
    fake.put(subject, json.dumps(V1), level="BACKWARD")
    the_plan = make_plan(org.root, fake)
    assert statuses(the_plan) == [
        ("set-compatibility", subject, None, Status.PLANNED),
        ("register-version", subject, 2, Status.PLANNED),
    ]
    assert actions(the_plan)[0].details == {"from": "BACKWARD", "to": "FULL_TRANSITIVE"}


def test_a_subject_without_its_own_level_is_given_one(org: Org, fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [V1], compatibility="BACKWARD")
    subject = f"{org.topic('orders')}-value"
    fake.put(subject, json.dumps(V1))  # level None: the global BACKWARD applies
    (action,) = make_plan(org.root, fake).actions
    assert action.details == {"from": "BACKWARD (global default)", "to": "BACKWARD"}


def test_formatting_and_key_order_are_not_drift(org: Org, fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [V1], compatibility="NONE")
    subject = f"{org.topic('orders')}-value"
    reordered = json.dumps(dict(reversed(list(V1.items()))), indent=4)
    fake.put(subject, reordered, level="NONE")
    assert make_plan(org.root, fake).in_sync


def test_a_drifted_version_is_reported_with_a_diff_and_never_replaced(
        org: Org, fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [V1, V2], compatibility="NONE")
    subject = f"{org.topic('orders')}-value"
    fake.put(subject, json.dumps(V1), level="NONE")
    fake.put(subject, json.dumps(record("OrderPlaced", "sku", note={"type": "integer"})))
    the_plan = make_plan(org.root, fake)
    (drift,) = findings(the_plan, FindingKind.DRIFTED_VERSION)
    assert drift.subject == subject and drift.version == 2
    assert "differs from orders/schemas/orderplaced.v2.json" in drift.message
    assert any(line.startswith("-") and '"integer"' in line for line in drift.diff)
    assert any(line.startswith("+") and '"string"' in line for line in drift.diff)
    assert the_plan.actions == ()  # nothing can fix a registered version


def test_evtctl_refuses_an_incompatible_version_before_the_registry_is_asked(
        org: Org, fake: FakeRegistry) -> None:
    breaking = record("OrderPlaced", "sku", required=("id", "sku"))  # a new required field
    org.contract("orders", "OrderPlaced", [V1, breaking, record("OrderPlaced", "sku", "x")])
    subject = f"{org.topic('orders')}-value"
    fake.put(subject, json.dumps(V1), level="FULL_TRANSITIVE")
    the_plan = make_plan(org.root, fake)
    v2, v3 = actions(the_plan, ActionKind.REGISTER)
    assert v2.status is Status.REFUSED and "incompatible under FULL_TRANSITIVE" in (v2.reason or "")
    assert "required" in (v2.reason or "")
    assert v3.status is Status.REFUSED and v3.reason == "waits for v2, which is refused"
    fake.calls.clear()
    done = apply(org.root, fake)
    assert not done.succeeded
    assert fake.writes() == []
    assert ("test_compatibility", subject) not in fake.calls


def test_the_history_evtctl_checks_is_the_registrys_not_gits(org: Org,
                                                              fake: FakeRegistry) -> None:
    """v1 in the registry holds an integer `note`; git's v1 says string (drift), and the new
    v2 keeps string: compatible with git's v1, not with what production has."""
    org.contract("orders", "OrderPlaced", [V2, V2 | {"description": "v2"}],
                 compatibility="BACKWARD")
    subject = f"{org.topic('orders')}-value"
    fake.put(subject, json.dumps(record("OrderPlaced", "sku", note={"type": "integer"})),
             level="BACKWARD")
    the_plan = make_plan(org.root, fake)
    assert [f.kind for f in the_plan.findings] == [FindingKind.DRIFTED_VERSION]
    (register,) = actions(the_plan, ActionKind.REGISTER)
    assert register.status is Status.REFUSED
    assert "note changed from an integer to a string" in (register.reason or "")


def test_versions_the_registry_cannot_number_as_the_manifest_does(org: Org,
                                                                  fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [(2, V1)], compatibility="NONE")
    (action,) = actions(make_plan(org.root, fake), ActionKind.REGISTER)
    assert action.status is Status.REFUSED
    assert "a new subject starts at v1" in (action.reason or "")

    org.contract("payments", "PaymentTaken", [V1, V2, record("X", "a", "b")], compatibility="NONE")
    subject = f"{org.topic('payments')}-value"
    fake.put(subject, json.dumps(V1), level="NONE")
    fake.put(subject, json.dumps(record("Other")))
    fake.delete_version(subject, 2, permanent=False)  # v2 soft-deleted: next is v3
    the_plan = make_plan(org.root, fake)
    v2, v3 = actions(the_plan, ActionKind.REGISTER, subject)
    assert v2.status is Status.REFUSED and "would make this v3" in (v2.reason or "")
    assert v3.reason == "waits for v2, which is refused"


def test_a_version_repeating_a_registered_schema_is_refused(org: Org,
                                                            fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [V1, V2, V1], compatibility="NONE")
    subject = f"{org.topic('orders')}-value"
    fake.put(subject, json.dumps(V1), level="NONE")
    v2, v3 = actions(make_plan(org.root, fake), ActionKind.REGISTER)
    assert v2.status is Status.PLANNED
    assert v3.status is Status.REFUSED and "the same schema as v1" in (v3.reason or "")


def test_undeclared_versions_are_drift_and_deleted_only_with_the_flags(
        org: Org, fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [V1], compatibility="NONE")
    subject = f"{org.topic('orders')}-value"
    fake.put(subject, json.dumps(V1), level="NONE")
    fake.put(subject, json.dumps(V2))
    (finding,) = make_plan(org.root, fake).findings
    assert finding.kind is FindingKind.UNDECLARED_VERSION and finding.version == 2
    assert "--allow-delete" in (finding.hint or "")
    soft = make_plan(org.root, fake, allow_delete=True)
    assert soft.findings == ()
    assert [(a.kind, a.version, a.permanent) for a in soft.actions] == [
        (ActionKind.DELETE_VERSION, 2, False)]
    hard = make_plan(org.root, fake, allow_delete=True, hard_delete=True)
    assert [(a.version, a.permanent) for a in hard.actions] == [(2, False), (2, True)]
    assert apply(org.root, fake, allow_delete=True, hard_delete=True).succeeded
    assert fake.versions(subject, deleted=True) == [1]


def test_unknown_subjects_under_managed_prefixes(org: Org, fake: FakeRegistry) -> None:
    org.registry = {"managedPrefixes": [f"{org.company}.shop."]}
    org.contract("orders", "OrderPlaced", [V1], compatibility="NONE")
    fake.put(f"{org.topic('orders')}-value", json.dumps(V1), level="NONE")
    fake.put(f"{org.company}.shop.gone.events-value", json.dumps(V1))
    fake.put(f"{org.company}.other.x.events-value", json.dumps(V1))
    fake.put("unrelated-value", json.dumps(V1))
    the_plan = make_plan(org.root, fake)
    (unknown,) = the_plan.findings
    assert unknown.kind is FindingKind.UNKNOWN_SUBJECT
    assert unknown.subject == f"{org.company}.shop.gone.events-value"
    assert the_plan.warnings == (
        f"subject {org.company}.other.x.events-value is under the organisation's prefix but no "
        "manifest makes it (list the prefix in registry.managedPrefixes to treat it as drift)",)
    deleted = apply(org.root, fake, allow_delete=True)
    assert [(a.kind, a.subject, a.status) for a in deleted.actions] == [
        (ActionKind.DELETE_SUBJECT, f"{org.company}.shop.gone.events-value", Status.APPLIED)]
    assert "unrelated-value" in fake.subjects()


def test_strategies_name_subjects_as_confluents_serializers_do(org: Org,
                                                               fake: FakeRegistry) -> None:
    topic = org.topic("orders")
    org.contract("orders", "OrderPlaced", [V1], compatibility="NONE",
                 key=[record("OrderKey")])
    org.contract("orders", "OrderShipped", [record("OrderShipped")], compatibility="NONE",
                 subjectStrategy="record")
    org.contract("orders", "OrderPaid", [record("OrderPaid")], compatibility="NONE",
                 subjectStrategy="topic-record")
    the_plan = make_plan(org.root, fake)
    subjects = {a.subject for a in actions(the_plan, ActionKind.REGISTER)}
    assert subjects == {f"{topic}-value", f"{topic}-key", "OrderShipped", f"{topic}-OrderPaid"}


def test_several_contracts_under_the_topic_strategy_are_a_problem_with_its_fix(
        org: Org, fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [V1])
    org.contract("orders", "OrderShipped", [record("OrderShipped")])
    the_plan = make_plan(org.root, fake)
    (problem,) = the_plan.findings
    assert problem.kind is FindingKind.PROBLEM
    assert "share topic" in problem.message and "OrderPlaced" in problem.message
    assert "subjectStrategy: topic-record" in (problem.hint or "")
    assert problem.location == "orders/service.yaml:10:5"  # the first contract
    assert actions(the_plan, ActionKind.REGISTER) == []


def test_one_record_shared_by_topics_is_one_subject_under_the_record_strategy(
        org: Org, fake: FakeRegistry) -> None:
    org.registry = {"subjectStrategy": "record"}
    org.contract("orders", "Address", [record("Address", "street")], compatibility="NONE")
    org.contract("billing", "Address", [record("Address", "street")], compatibility="NONE")
    the_plan = make_plan(org.root, fake)
    assert the_plan.findings == ()
    assert [a.subject for a in actions(the_plan, ActionKind.REGISTER)] == ["Address"]
    org.contract("billing", "Address", [record("Address", "city")], compatibility="NONE")
    (problem,) = make_plan(org.root, fake).findings
    assert "both map to subject 'Address'" in problem.message


def test_record_strategies_need_one_record_name(org: Org, fake: FakeRegistry) -> None:
    org.registry = {"subjectStrategy": "topic-record"}
    untitled = {k: v for k, v in V1.items() if k != "title"}
    org.contract("orders", "OrderPlaced", [untitled])
    org.contract("billing", "InvoiceIssued", [record("InvoiceIssued v1"),
                                               record("InvoiceIssued v2")], kind="events")
    messages = sorted(f.message for f in make_plan(org.root, fake).findings)
    assert "name different records (v1 'InvoiceIssued v1', v2 'InvoiceIssued v2')" in messages[0]
    assert "v1 names none (a JSON Schema's record name is its top-level \"title\")" in messages[1]


def test_referenced_files_are_subjects_registered_first(org: Org, fake: FakeRegistry) -> None:
    money = org.write_schema("orders", "money.json", record("Money", "currency"))
    org.contract("orders", "OrderPlaced", [record("OrderPlaced", total={"$ref": "money.json"})],
                 compatibility="NONE")
    the_plan = make_plan(org.root, fake)
    registers = actions(the_plan, ActionKind.REGISTER)
    assert [(a.subject, a.version) for a in registers] == [
        ("orders.schemas.money.json", 1), (f"{org.topic('orders')}-value", 1)]
    assert registers[1].references == (Reference("money.json", "orders.schemas.money.json", 1),)
    assert money == "schemas/money.json"
    assert apply(org.root, fake).succeeded and make_plan(org.root, fake).in_sync


def test_a_changed_referenced_file_is_a_new_version_and_drift_for_old_versions(
        org: Org, fake: FakeRegistry) -> None:
    org.write_schema("orders", "money.json", record("Money", "currency"))
    org.contract("orders", "OrderPlaced", [record("OrderPlaced", total={"$ref": "money.json"})],
                 compatibility="NONE")
    assert apply(org.root, fake).succeeded
    org.write_schema("orders", "money.json", record("Money", "currency", "amount"))
    the_plan = make_plan(org.root, fake)
    (register,) = actions(the_plan, ActionKind.REGISTER)
    assert (register.subject, register.version) == ("orders.schemas.money.json", 2)
    (drift,) = findings(the_plan, FindingKind.DRIFTED_VERSION)
    assert drift.version == 1 and drift.diff == (
        "the schema is the same; the referenced money.json differ",)


def test_a_registered_reference_that_is_gone_is_reported(org: Org, fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [V1, V2], compatibility="NONE")
    subject = f"{org.topic('orders')}-value"
    fake.put("lost", "{}")
    fake.put(subject, json.dumps(V1), references=(Reference("lost.json", "lost", 1),),
             level="NONE")
    del fake.data["lost"]
    the_plan = make_plan(org.root, fake)
    assert [f.kind for f in the_plan.findings] == [FindingKind.DANGLING_REFERENCE]
    assert actions(the_plan, ActionKind.REGISTER) == []


def test_the_registrys_strict_policy_is_named_where_it_refuses(org: Org,
                                                              fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [V1, V2])  # FULL_TRANSITIVE, lenient in the project
    the_plan = make_plan(org.root, fake)
    v1, v2 = actions(the_plan, ActionKind.REGISTER)
    assert v2.status is Status.PLANNED and v1.notes == ()
    assert v2.notes == ("the registry checks JSON Schema with the strict policy "
                        "(registry.policy), which refuses it: optional property note added at "
                        "#/properties/note (v1 → v2, backward)",)
    assert "lenient policy, the registry with strict" in the_plan.warnings[0]
    org.registry = {"policy": "lenient"}
    org.save()
    assert [a.notes for a in actions(make_plan(org.root, fake), ActionKind.REGISTER)] == [(), ()]


def test_the_registrys_own_verdict_is_shown_when_it_disagrees(org: Org,
                                                              fake: FakeRegistry) -> None:
    from evtctl.registry.run import RegistryRequest, run_registry

    org.registry = {"policy": "lenient"}
    org.contract("orders", "OrderPlaced", [V1, V2])
    subject = f"{org.topic('orders')}-value"
    fake.put(subject, json.dumps(V1), level="FULL_TRANSITIVE")
    fake.verdicts[subject] = Verdict(False, ("PROPERTY_ADDED at #/properties/note",))
    ui = RecordingUi()
    code = run_registry(RegistryRequest((org.root,), url="http://fake"), ui,
                        lambda _c, _t: fake)
    assert code == 0  # evtctl's verdict decides the plan; the registry's is shown beside it
    assert any("the registry's own check refuses it (PROPERTY_ADDED at #/properties/note), "
               "though evtctl's accepts it" in line for line in ui.lines)


def test_deprecated_versions_are_reported(org: Org, fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced",
                 [(1, V1, {"sunset": "2030-01-01", "reason": "use v2"}), (2, V2)])
    (item,) = make_plan(org.root, fake).deprecated
    assert (item.version, item.sunset, item.reason, item.registered) == (
        1, "2030-01-01", "use v2", False)


def test_a_failed_registration_stops_its_subject_and_its_dependents(org: Org,
                                                                    fake: FakeRegistry) -> None:
    org.write_schema("orders", "money.json", record("Money", "currency"))
    org.contract("orders", "OrderPlaced", [record("OrderPlaced", total={"$ref": "money.json"})],
                 compatibility="NONE")
    org.contract("billing", "Billed", [V1, V2], compatibility="NONE")
    fake.refuse["orders.schemas.money.json"] = "Schema being registered is incompatible"
    done = apply(org.root, fake)
    by_subject = {(a.subject, a.version): a for a in actions(done, ActionKind.REGISTER)}
    money = by_subject[("orders.schemas.money.json", 1)]
    assert money.status is Status.FAILED
    assert money.reason and money.reason.startswith("the registry refused it as incompatible")
    order = by_subject[(f"{org.topic('orders')}-value", 1)]
    assert order.status is Status.NOT_APPLIED
    assert order.reason == "not sent: its reference orders.schemas.money.json v1 was not registered"
    assert by_subject[(f"{org.topic('billing')}-value", 2)].status is Status.APPLIED


def test_an_unreachable_registry_stops_the_apply(org: Org, fake: FakeRegistry) -> None:
    org.contract("orders", "OrderPlaced", [V1, V2], compatibility="NONE")
    the_plan = make_plan(org.root, fake)

    def down(_subject: str, _payload: object) -> tuple[int, int | None]:
        raise RequestFailed("connection refused", unreachable=True)

    fake.register = down  # type: ignore[method-assign]
    from evtctl.registry.apply import apply_plan

    done = apply_plan(the_plan, fake, workers=1)
    assert [a.status for a in done.actions] == [Status.FAILED, Status.NOT_APPLIED,
                                                Status.NOT_APPLIED]
    assert "may or may not have taken effect" in (done.actions[0].reason or "")


def test_contracts_sharing_a_key_schema_share_its_subject(org: Org, fake: FakeRegistry) -> None:
    org.registry = {"subjectStrategy": "topic-record"}
    key = record("OrderKey", required=())
    org.contract("orders", "OrderPlaced", [V1], compatibility="NONE", key=[key])
    org.contract("orders", "OrderShipped", [record("OrderShipped")], compatibility="NONE",
                 key=[key])
    the_plan = make_plan(org.root, fake)
    assert the_plan.findings == ()
    topic = org.topic("orders")
    assert sorted(a.subject for a in actions(the_plan, ActionKind.REGISTER)) == [
        f"{topic}-OrderKey", f"{topic}-OrderPlaced", f"{topic}-OrderShipped"]
    line = next(s for s in the_plan.subjects if s.name == f"{topic}-OrderKey")
    assert line.origin is not None and line.origin.endswith("(and 1 more)")


def test_where_the_format_sees_a_difference_the_registrys_normalisation_decides(
        org: Org, fake: FakeRegistry) -> None:
    """The fake normalises whitespace inside the text (as Confluent reprints Protobuf): a
    registered text the format calls different, but the registry holds as git's, is no
    drift; the registry is asked once per such version."""
    spaced = record("OrderPlaced", "sku") | {"description": "an order,  placed"}
    org.contract("orders", "OrderPlaced", [spaced], compatibility="NONE")
    subject = f"{org.topic('orders')}-value"
    fake.put(subject, json.dumps(spaced, separators=(",", ":")).replace(
        "order,  placed", "order, placed"), level="NONE")
    assert make_plan(org.root, fake).in_sync
    assert [c for c in fake.calls if c[0] == "lookup"] == [("lookup", subject)]
    fake.normalise = lambda payload: payload  # type: ignore[method-assign]
    (drift,) = make_plan(org.root, fake).findings
    assert drift.kind is FindingKind.DRIFTED_VERSION
