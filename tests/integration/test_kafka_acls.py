"""Ownership ACLs on a broker with an authorizer: without the binding a client is refused;
after ``provision --acls --apply`` exactly the bindings ownership gives let it through.

The services are named ``alice`` and ``bob`` so the default principal template
(``User:{service}``) gives the SASL users the test broker knows.
"""

from __future__ import annotations

from typing import Any

import pytest
from brokerstate import admin
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import (
    AclBinding,
    AclOperation,
    AclPermissionType,
    ResourcePatternType,
    ResourceType,
)

pytestmark = pytest.mark.kafka


def produce(kafka: Any, user: str, topic: str) -> KafkaError | None:
    """Send one record as ``user``; the delivery error, or None when it was written."""
    producer = Producer({**kafka.sasl_client_config(user), "log_level": "0",
                         "message.timeout.ms": "8000", "retries": "0"})
    outcome: list[KafkaError | None] = []
    producer.produce(topic, key=b"k", value=b"v",
                     on_delivery=lambda err, _msg: outcome.append(err))
    producer.flush(10)
    assert outcome, "no delivery report"
    return outcome[0]


def read_and_commit(kafka: Any, user: str, topic: str, group: str) -> KafkaError | None:
    """Fetch the first record as ``user`` and commit it in ``group``; the first error."""
    consumer = Consumer({**kafka.sasl_client_config(user), "group.id": group,
                         "log_level": "0", "enable.auto.commit": "false",
                         "auto.offset.reset": "earliest"})
    try:
        consumer.assign([TopicPartition(topic, 0, 0)])
        message = consumer.poll(10)
        if message is None:
            return KafkaError(KafkaError._TIMED_OUT)
        if message.error() is not None:
            return message.error()
        try:
            consumer.commit(message=message, asynchronous=False)
        except Exception as error:
            return error.args[0]
        return None
    finally:
        consumer.close()


def code(error: KafkaError | None) -> int | None:
    return None if error is None else error.code()


def test_ownership_acls_are_enforced(kafka: Any, org: Any, provision: Any) -> None:
    alice_events = org.topic("alice", "events")
    alice_commands = org.topic("alice", "commands")
    alice_reply = org.topic("alice", "private.reply")
    bob_commands = org.topic("bob", "commands")
    org.service("alice", topics=[{"name": alice_events}, {"name": alice_commands},
                                 {"name": alice_reply}],
                produces=[{"topic": bob_commands, "replyTopic": alice_reply}])
    org.service("bob", topics=[{"name": bob_commands}],
                consumes=[{"topic": alice_events}],
                produces=[{"topic": alice_commands}])
    assert provision("--apply", "--yes").exit_code == 0  # topics only
    refused = KafkaError.TOPIC_AUTHORIZATION_FAILED
    assert code(produce(kafka, "alice", alice_events)) == refused  # no binding yet

    plan = provision("--acls")
    assert plan.exit_code == 0
    assert f"+ acl User:alice WRITE topic:{alice_events}" in plan.stdout
    assert f"+ acl User:bob READ topic:{alice_events}" in plan.stdout
    assert f"+ acl User:bob READ group:{org.company}.ns.bob" in plan.stdout
    assert f"+ acl User:bob WRITE topic:{alice_reply}" in plan.stdout
    assert provision("--acls", "--check").exit_code == 1

    applied = provision("--acls", "--apply", "--yes")
    assert applied.exit_code == 0, applied.stdout
    assert provision("--acls", "--check").exit_code == 0

    # The owner writes its events; nobody else does.
    assert produce(kafka, "alice", alice_events) is None
    assert code(produce(kafka, "bob", alice_events)) == refused
    # Anyone with a send in its manifest writes a commands topic.
    assert produce(kafka, "bob", alice_commands) is None
    assert produce(kafka, "alice", bob_commands) is None
    # The service alice sends commands to may answer on her private.reply; she may too.
    assert produce(kafka, "bob", alice_reply) is None
    # bob sends nothing to... itself: its own commands topic is for reading only.
    assert code(produce(kafka, "bob", bob_commands)) == refused
    # A consumer reads and commits in its own group, and only there.
    assert read_and_commit(kafka, "bob", alice_events, f"{org.company}.ns.bob") is None
    # Only the owner reads its commands.
    assert code(read_and_commit(kafka, "bob", alice_commands, f"{org.company}.ns.bob")) \
        == refused
    assert read_and_commit(kafka, "alice", alice_commands, f"{org.company}.ns.alice") is None


def test_unmanaged_bindings_are_removed_only_with_allow_delete(kafka: Any, org: Any,
                                                               provision: Any) -> None:
    events = org.topic("alice", "events")
    org.environment("dev", managedPrefixes=[f"{org.company}."])
    org.service("alice", topics=[{"name": events}])
    extra = AclBinding(ResourceType.TOPIC, events, ResourcePatternType.LITERAL, "User:alice",
                       "*", AclOperation.READ, AclPermissionType.ALLOW)
    client = admin(kafka)
    client.create_acls([extra])[extra].result(timeout=10)
    assert provision("--env", "dev", "--acls", "--apply", "--yes").exit_code == 0
    plan = provision("--env", "dev", "--acls")
    assert f"unmanaged ACL: User:alice READ topic:{events}" in plan.stdout
    assert "No changes" in plan.stdout
    removed = provision("--env", "dev", "--acls", "--apply", "--yes", "--allow-delete")
    assert removed.exit_code == 0, removed.stdout
    assert f"- acl User:alice READ topic:{events}   [applied]" in removed.stdout
    assert "No changes" in provision("--env", "dev", "--acls", "--allow-delete").stdout
