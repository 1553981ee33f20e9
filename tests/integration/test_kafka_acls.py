"""Ownership ACLs on a broker with an authorizer: without the binding a client is refused;
after ``provision --acls --apply`` exactly the bindings ownership gives let it through.

The services are named ``alice`` and ``bob`` so the default principal template
(``User:{service}``) gives the SASL users the test broker knows.
"""

from __future__ import annotations

from typing import Any

import pytest
from brokerstate import admin, create, topic_partitions
from confluent_kafka import (
    Consumer,
    ConsumerGroupTopicPartitions,
    KafkaError,
    KafkaException,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import (
    AclBinding,
    AclOperation,
    AclPermissionType,
    AdminClient,
    NewTopic,
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


def group_admin(kafka: Any, user: str) -> AdminClient:
    # A consumer in a group it may not use waits for a coordinator instead of failing; the
    # admin API sends the same group requests (OffsetCommit, OffsetFetch) and fails fast.
    return AdminClient({**kafka.sasl_client_config(user), "log_level": "0"})


def commit_offset(kafka: Any, user: str, group: str, topic: str, offset: int) -> int | None:
    """Commit ``offset`` for partition 0 of ``topic`` in ``group`` as ``user`` (OffsetCommit,
    what a consumer's commit sends); the error code, or None when it was committed."""
    request = ConsumerGroupTopicPartitions(group, [TopicPartition(topic, 0, offset)])
    client = group_admin(kafka, user)  # alive until the future is done
    try:
        future = client.alter_consumer_group_offsets([request], request_timeout=10)[group]
        done = future.result(timeout=15)
    except KafkaException as error:
        return int(error.args[0].code())
    (partition,) = done.topic_partitions
    return None if partition.error is None else int(partition.error.code())


def committed_offset(kafka: Any, user: str, group: str, topic: str) -> tuple[int | None, int]:
    """Read the committed offset of partition 0 of ``topic`` in ``group`` as ``user``
    (OffsetFetch): (error code or None, offset)."""
    request = ConsumerGroupTopicPartitions(group, [TopicPartition(topic, 0)])
    client = group_admin(kafka, user)  # alive until the future is done
    try:
        future = client.list_consumer_group_offsets([request], request_timeout=10)[group]
        done = future.result(timeout=15)
    except KafkaException as error:
        return int(error.args[0].code()), -1
    (partition,) = done.topic_partitions
    return (None if partition.error is None else int(partition.error.code()),
            partition.offset)


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
    bob_group, alice_group = f"{org.company}.ns.bob", f"{org.company}.ns.alice"
    assert provision("--apply", "--yes").exit_code == 0  # topics only
    refused = KafkaError.TOPIC_AUTHORIZATION_FAILED
    group_refused = KafkaError.GROUP_AUTHORIZATION_FAILED
    assert code(produce(kafka, "alice", alice_events)) == refused  # no binding yet
    assert commit_offset(kafka, "bob", bob_group, alice_events, 0) == group_refused

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
    assert read_and_commit(kafka, "bob", alice_events, bob_group) is None
    assert committed_offset(kafka, "bob", bob_group, alice_events) == (None, 1)
    assert commit_offset(kafka, "bob", bob_group, alice_events, 0) is None
    # bob may read alice's events, so these refusals come from the groups' ACLs alone.
    for other_group in (alice_group, f"{org.company}.ns.nobody"):
        assert commit_offset(kafka, "bob", other_group, alice_events, 0) == group_refused
        assert committed_offset(kafka, "bob", other_group, alice_events)[0] == group_refused
    # Only the owner reads its commands.
    assert code(read_and_commit(kafka, "bob", alice_commands, bob_group)) == refused
    assert read_and_commit(kafka, "alice", alice_commands, alice_group) is None
    assert committed_offset(kafka, "alice", alice_group, alice_commands) == (None, 1)


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
    whole = [str(org.root)]  # deleting needs the whole project
    removed = provision("--env", "dev", "--acls", "--apply", "--yes", "--allow-delete",
                        paths=whole)
    assert removed.exit_code == 0, removed.stdout + removed.stderr
    assert f"- acl User:alice READ topic:{events}   [applied]" in removed.stdout
    assert "No changes" in provision("--env", "dev", "--acls", "--allow-delete",
                                     paths=whole).stdout


def test_strict_fails_the_check_on_every_unmanaged_grant_and_topic(kafka: Any, org: Any,
                                                                   provision: Any) -> None:
    events, legacy = org.topic("alice", "events"), org.topic("legacy", "events")
    create(kafka, NewTopic(legacy, 1, 1))
    org.environment("dev", managedPrefixes=[f"{org.company}."])
    org.service("alice", topics=[{"name": events}])
    assert provision("--env", "dev", "--acls", "--apply", "--yes").exit_code == 0
    hand_granted = [
        AclBinding(ResourceType.TOPIC, events, ResourcePatternType.LITERAL, "User:bob", "*",
                   AclOperation.READ, AclPermissionType.ALLOW),
        AclBinding(ResourceType.TOPIC, f"{org.company}.ns.", ResourcePatternType.PREFIXED,
                   "User:mallory", "*", AclOperation.ALL, AclPermissionType.ALLOW),
    ]
    client = admin(kafka)
    for future in client.create_acls(hand_granted).values():
        future.result(timeout=10)

    lenient = provision("--env", "dev", "--acls", "--check")
    assert lenient.exit_code == 0  # warnings only
    assert f"unmanaged ACL: User:bob READ topic:{events}" in lenient.stdout

    strict = provision("--env", "dev", "--acls", "--strict", "--check")
    assert strict.exit_code == 1, strict.stdout
    assert f"- topic {legacy}   [refused: unmanaged (--strict)" in strict.stdout
    assert f"- acl User:bob READ topic:{events}   [refused: unmanaged (--strict)" \
        in strict.stdout
    assert f"- acl User:mallory ALL topic:{org.company}.ns. (prefixed)   [refused: " \
           "unmanaged (--strict)" in strict.stdout
    assert "Plan: 0 to add, 0 to change, 0 to delete; 3 refused." in strict.stdout
    org.environment("dev", managedPrefixes=[f"{org.company}."], strict=True)
    assert provision("--env", "dev", "--acls", "--check").exit_code == 1  # the config switch

    cleaned = provision("--env", "dev", "--acls", "--apply", "--yes", "--allow-delete",
                        "--allow-delete", "--max-deletes", "1", paths=[str(org.root)])
    assert cleaned.exit_code == 0, cleaned.stdout + cleaned.stderr
    assert provision("--env", "dev", "--acls", "--check").exit_code == 0
    assert topic_partitions(kafka, legacy) is None
