"""ACL bindings derived from ownership (pure: manifests in, bindings out)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evtctl.manifest.loader import load_organisation
from evtctl.provision.acls import derive_acls
from evtctl.provision.model import AclSpec, Operation, ProvisionError, ResourceKind

R, W = Operation.READ, Operation.WRITE
T, G = ResourceKind.TOPIC, ResourceKind.GROUP


def write(tmp_path: Path, name: str, **sections: object) -> None:
    doc = {"apiVersion": "evtctl/v1", "kind": "Service",
           "metadata": {"company": "c", "namespace": "n", "name": name}, **sections}
    (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(doc))


def derive(tmp_path: Path, template: str = "User:{service}") -> tuple[set[str], list[str]]:
    loaded = load_organisation([tmp_path])
    assert not loaded.has_errors, loaded.findings
    bindings, warnings = derive_acls(loaded.org, template)
    return {str(b) for b in bindings}, warnings


def test_ownership_bindings(tmp_path: Path) -> None:
    write(tmp_path, "a", topics=[{"name": "c.n.a.events"}, {"name": "c.n.a.commands"},
                                 {"name": "c.n.a.results"}, {"name": "c.n.a.private.reply"},
                                 {"name": "c.n.a.private.dlq"}],
          produces=[{"topic": "c.n.b.commands", "replyTopic": "c.n.a.private.reply"}])
    write(tmp_path, "b", topics=[{"name": "c.n.b.commands"}],
          consumes=[{"topic": "c.n.a.events", "group": "b-group"}, {"topic": "c.n.a.results"}])
    bindings, warnings = derive(tmp_path)
    assert warnings == []
    assert bindings == {
        "User:a WRITE topic:c.n.a.events", "User:a WRITE topic:c.n.a.results",
        "User:a READ topic:c.n.a.commands", "User:a READ group:c.n.a",
        "User:a READ topic:c.n.a.private.reply", "User:a WRITE topic:c.n.a.private.reply",
        "User:a READ topic:c.n.a.private.dlq", "User:a WRITE topic:c.n.a.private.dlq",
        "User:a WRITE topic:c.n.b.commands",
        "User:b READ topic:c.n.b.commands", "User:b READ group:c.n.b",
        "User:b READ topic:c.n.a.events", "User:b READ group:b-group",
        "User:b READ topic:c.n.a.results",
        "User:b WRITE topic:c.n.a.private.reply",
    }


def test_forbidden_subscriptions_and_sends_get_no_binding(tmp_path: Path) -> None:
    write(tmp_path, "a", topics=[{"name": "c.n.a.events"}, {"name": "c.n.a.commands"},
                                 {"name": "c.n.a.private.dlq"}])
    write(tmp_path, "b", consumes=[{"topic": "c.n.a.commands"}, {"topic": "c.n.a.private.dlq"}],
          produces=[{"topic": "c.n.a.events"}])
    bindings, warnings = derive(tmp_path)
    assert not any(b.startswith("User:b") for b in bindings)
    assert len(warnings) == 3
    assert "no ACL for c.n.b to write c.n.a.events" in warnings[2]


def test_principal_template(tmp_path: Path) -> None:
    write(tmp_path, "a", topics=[{"name": "c.n.a.events"}])
    bindings, _ = derive(tmp_path, "User:{company}.{namespace}.{service}")
    assert bindings == {"User:c.n.a WRITE topic:c.n.a.events"}
    with pytest.raises(ProvisionError, match="principal template"):
        derive(tmp_path, "User:{team}")


def test_acl_spec_text() -> None:
    assert str(AclSpec(G, "g", "User:x", R)) == "User:x READ group:g"
    assert AclSpec(T, "t", "User:x", W).as_dict()["pattern"] == "literal"


def test_reply_topic_is_opened_only_where_a_command_names_it(tmp_path: Path) -> None:
    # a sends commands to b naming its reply topic; to c without one. c also declares a
    # produce to a's reply topic, which no command of a names for c.
    write(tmp_path, "a", topics=[{"name": "c.n.a.private.reply"}],
          produces=[{"topic": "c.n.b.commands", "replyTopic": "c.n.a.private.reply"},
                    {"topic": "c.n.c.commands"}])
    write(tmp_path, "b", topics=[{"name": "c.n.b.commands"}],
          produces=[{"topic": "c.n.a.private.reply"}])
    write(tmp_path, "c", topics=[{"name": "c.n.c.commands"}],
          produces=[{"topic": "c.n.a.private.reply"}])
    bindings, warnings = derive(tmp_path)
    writers = {b.split()[0] for b in bindings if b.endswith("WRITE topic:c.n.a.private.reply")}
    assert writers == {"User:a", "User:b"}
    assert warnings == [
        "no ACL for c.n.c to write c.n.a.private.reply: a private.reply topic is open only to "
        "the services its owner's commands name it for (replyTopic), and c.n.a names it for "
        "none of c.n.c's commands topics"]


def test_a_sender_without_reply_topic_opens_nothing(tmp_path: Path) -> None:
    write(tmp_path, "a", topics=[{"name": "c.n.a.private.reply"}],
          produces=[{"topic": "c.n.b.commands"}])
    write(tmp_path, "b", topics=[{"name": "c.n.b.commands"}])
    bindings, _ = derive(tmp_path)
    assert "User:b WRITE topic:c.n.a.private.reply" not in bindings


def test_groups_are_only_the_declared_or_default_ones(tmp_path: Path) -> None:
    write(tmp_path, "a", topics=[{"name": "c.n.a.events"}, {"name": "c.n.a.results"}])
    write(tmp_path, "b", consumes=[{"topic": "c.n.a.events", "group": "b-events"},
                                   {"topic": "c.n.a.results"}])
    write(tmp_path, "d", consumes=[{"topic": "c.n.a.events", "group": "d-only"}])
    bindings, _ = derive(tmp_path)
    groups = {b for b in bindings if " group:" in b}
    assert groups == {"User:b READ group:b-events", "User:b READ group:c.n.b",
                      "User:d READ group:d-only"}
