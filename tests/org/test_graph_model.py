"""The organisation graph: nodes, edges (declared and implied), and the indexes every
feature reads (users of a topic, pins, command recipients)."""

from __future__ import annotations

from pathlib import Path

from orgkit import SAMPLE, write_service

from evtctl.graph import EdgeKind, build_graph, graph_of
from evtctl.manifest.loader import load_organisation


def sample():  # type: ignore[no-untyped-def]
    return graph_of(load_organisation([SAMPLE]).org)


def test_graph_is_built_once_per_organisation() -> None:
    org = load_organisation([SAMPLE]).org
    assert graph_of(org) is graph_of(org)
    assert graph_of(load_organisation([SAMPLE]).org) is not graph_of(org)


def test_sample_edges() -> None:
    g = sample()
    assert len(g.services) == 8 and len(g.topics) == 16
    kinds = {(e.service.id.split(".")[-1], e.topic.split(".", 2)[2], e.kind.value, e.implied)
             for e in g.edges}
    assert ("personabff", "personaservice.commands", "send", False) in kinds
    assert ("personaservice", "personabff.private.reply", "reply", False) in kinds
    assert ("personaservice", "personaservice.commands", "consume", True) in kinds
    assert ("personaservice", "personaservice.events", "publish", True) in kinds
    assert ("personabff", "personabff.private.reply", "consume", True) in kinds
    # A declared edge replaces the implied one of the same kind (no duplicate arrows).
    assert sum(1 for e in g.edges if e.topic.endswith("paymentservice.private.retry")
               and e.kind is EdgeKind.CONSUME) == 1
    send = next(e for e in g.edges if e.kind is EdgeKind.SEND and e.reply_topic)
    assert send.reply_topic == "arcadia.identity.personabff.private.reply"


def test_users_pins_and_recipients() -> None:
    g = sample()
    events = "arcadia.identity.personaservice.events"
    users = {e.service.id for e in g.users(events)}
    assert users == {"arcadia.analytics.clickenricher", "arcadia.billing.invoiceservice",
                     "arcadia.identity.personabff"}
    assert {e.service.id for e in g.users(events, "PersonaCreated", 2)} == {
        "arcadia.identity.personabff"}
    assert g.users(events, "PersonaCreated", 1) == ()
    pins = g.pins("arcadia.billing.invoiceservice.events", "InvoicePaid")
    assert [e.service.id for e in pins[2]] == ["arcadia.billing.ledgerservice"]
    recipients = g.command_recipients()
    assert recipients["arcadia.identity.personabff"] == {"arcadia.identity.personaservice"}
    # ledgerservice consumes every event of paymentservice: it uses every contract, pins none.
    every = next(e for e in g.users("arcadia.billing.paymentservice.events")
                 if e.service.id.endswith("ledgerservice"))
    assert every.events is None and every.uses("PaymentCaptured") and not every.uses(
        "PaymentCaptured", 1)


def test_undeclared_topics_and_duplicate_services(tmp_path: Path) -> None:
    write_service(tmp_path, "c", "n", "a", "consumes:\n  - topic: c.n.ghost.events\n")
    write_service(tmp_path, "c", "n", "b", "topics:\n  - name: c.n.b.events\n")
    dup = tmp_path / "z" / "again.yaml"
    dup.parent.mkdir()
    dup.write_text("apiVersion: evtctl/v1\nkind: Service\nmetadata: {company: c, namespace: n,"
                   " name: a}\nconsumes:\n  - topic: c.n.b.events\n")
    g = build_graph(load_organisation([tmp_path]).org)
    ghost = g.topics["c.n.ghost.events"]
    assert not ghost.declared and ghost.owner is None and ghost.namespace == "n"
    consumes = [e for e in g.edges if e.service.id == "c.n.a"]
    assert sorted((e.topic, e.primary) for e in consumes) == [
        ("c.n.b.events", False), ("c.n.ghost.events", True)]
    # Only the first declaration counts as a user (the duplicate is lint's EVT103).
    assert g.users("c.n.b.events") == ()
