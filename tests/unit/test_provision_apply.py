"""Applying against a fake cluster: batching, per-action results confirmed through fresh
views, stopping when the cluster stops answering."""

from __future__ import annotations

from provision_fake import FakeCluster

from evtctl.provision.apply import NOT_ATTEMPTED, ApplyStats, apply_plan
from evtctl.provision.model import (
    ClusterState,
    DesiredState,
    DesiredTopic,
    ObservedTopic,
    Plan,
    Status,
)
from evtctl.provision.plan import PlanOptions, plan


def sample_plan(new_topics: int) -> Plan:
    desired = DesiredState((*(DesiredTopic(f"t{i}", 2, config={"retention.ms": "5"})
                              for i in range(new_topics)),
                            DesiredTopic("old", 4, config={"a": "1", "b": "2"})))
    observed = ClusterState("cid", 1, {"old": ObservedTopic("old", 2, 1)})
    return plan(desired, observed, PlanOptions())


def cluster_with_old() -> FakeCluster:
    cluster = FakeCluster()
    cluster.add_topic("old", 2)
    return cluster


def statuses(result: Plan) -> list[Status]:
    return [a.status for a in result.actions]


def test_batches_and_results() -> None:
    cluster = cluster_with_old()
    progress: list[tuple[int, int]] = []
    stats = ApplyStats()
    result = apply_plan(sample_plan(5), cluster, batch_size=2, stats=stats,
                        progress=lambda done, total: progress.append((done, total)))
    assert cluster.requests == [("create", 2), ("create", 2), ("create", 1),
                                ("partitions", 1), ("configs", 1)]
    assert result.succeeded, [(a.topic, a.status, a.reason) for a in result.actions]
    assert progress[-1] == (8, 8)
    assert stats.views == 5  # one fresh view per batch, each showing the batch at once
    assert stats.late == 0


def test_a_lagging_view_is_waited_for() -> None:
    cluster = cluster_with_old()
    cluster.lagging_views = 3  # the next three fresh views still show the state before
    stats = ApplyStats()
    result = apply_plan(sample_plan(1), cluster, stats=stats)
    assert result.succeeded
    assert stats.views == 3 + 3  # the create batch waited 3 extra views; the others none
    assert stats.late == 1


def test_answered_but_never_visible_is_not_applied() -> None:
    cluster = cluster_with_old()
    cluster.lagging_views = 10_000
    result = apply_plan(sample_plan(1), cluster, visibility_timeout=0.2)
    assert not result.succeeded
    create = next(a for a in result.actions if a.topic == "t0")
    assert create.status is Status.NOT_APPLIED
    assert create.reason == ("Kafka answered that it was done, but after 0.2s the view does "
                             "not show the topic")
    grow = next(a for a in result.actions if a.topic == "old" and a.kind.value ==
                "add-partitions")
    assert grow.reason == "Kafka answered that it was done, but after 0.2s the view shows " \
                          "2 partitions"


def test_a_lost_answer_is_settled_by_the_fresh_view() -> None:
    cluster = cluster_with_old()
    cluster.lose_answers = True
    result = apply_plan(sample_plan(2), cluster, batch_size=2)
    create = result.actions[0]
    assert create.status is Status.APPLIED
    assert create.reason == ("the answer was lost (_TIMED_OUT: answer lost), but a fresh view "
                             "shows it")
    # An unanswered request stops the apply: the rest is not sent.
    assert statuses(result)[2:] == [Status.NOT_APPLIED] * 3
    assert {a.reason for a in result.actions[2:]} == {NOT_ATTEMPTED}


def test_stops_when_the_cluster_stops_answering() -> None:
    cluster = cluster_with_old()
    cluster.down_after = 1
    result = apply_plan(sample_plan(5), cluster, batch_size=2)
    assert statuses(result).count(Status.APPLIED) == 2
    failed = [a for a in result.actions if a.status is Status.FAILED]
    assert len(failed) == 2
    assert all("may or may not have taken effect" in (a.reason or "") for a in failed)
    assert statuses(result).count(Status.NOT_APPLIED) == 4
    assert not result.succeeded
