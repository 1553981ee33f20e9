"""Applying against a fake cluster: batching, per-action results, stopping when the cluster
stops answering."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from evtctl.provision.apply import apply_plan
from evtctl.provision.model import (
    AclSpec,
    ClusterState,
    DesiredState,
    DesiredTopic,
    ItemError,
    NewTopicSpec,
    ObservedTopic,
    Status,
    TopicConfigs,
    TopicListing,
)
from evtctl.provision.plan import PlanOptions, plan


class FakeAdmin:
    def __init__(self, fail_after: int | None = None) -> None:
        self.requests: list[tuple[str, int]] = []
        self.fail_after = fail_after
        self.topics: dict[str, TopicListing] = {}

    def _answer(self, what: str, keys: Sequence[object]) -> dict[object, ItemError | None]:
        self.requests.append((what, len(keys)))
        down = self.fail_after is not None and len(self.requests) > self.fail_after
        error = ItemError("_TIMED_OUT", unreachable=True) if down else None
        return {k: error for k in keys}

    def cluster_id(self) -> str:
        return "cid"

    def broker_count(self) -> int:
        return 1

    def list_topics(self) -> Mapping[str, TopicListing]:
        return self.topics

    def describe_configs(self, topics: Sequence[str]) -> Mapping[str, TopicConfigs]:
        return {}

    def describe_acls(self) -> frozenset[AclSpec]:
        return frozenset()

    def create_topics(self, topics: Sequence[NewTopicSpec]) -> Mapping[str, ItemError | None]:
        self.topics.update({t.name: TopicListing(t.name, 1, 1) for t in topics})
        return self._answer("create", [t.name for t in topics])  # type: ignore[return-value]

    def create_partitions(self, counts: Mapping[str, int]) -> Mapping[str, ItemError | None]:
        return self._answer("partitions", list(counts))  # type: ignore[return-value]

    def alter_configs(self, changes: Mapping[str, Mapping[str, str]]
                      ) -> Mapping[str, ItemError | None]:
        return self._answer("configs", list(changes))  # type: ignore[return-value]

    def delete_topics(self, topics: Sequence[str]) -> Mapping[str, ItemError | None]:
        return self._answer("delete", list(topics))  # type: ignore[return-value]

    def create_acls(self, acls: Sequence[AclSpec]) -> Mapping[AclSpec, ItemError | None]:
        return self._answer("acls", list(acls))  # type: ignore[return-value]

    def delete_acls(self, acls: Sequence[AclSpec]) -> Mapping[AclSpec, ItemError | None]:
        return self._answer("unacls", list(acls))  # type: ignore[return-value]


def sample_plan(new_topics: int) -> object:
    desired = DesiredState((*(DesiredTopic(f"t{i}", 1) for i in range(new_topics)),
                            DesiredTopic("old", 4, config={"a": "1", "b": "2"})))
    observed = ClusterState("cid", 1, {"old": ObservedTopic("old", 2, 1)})
    return plan(desired, observed, PlanOptions())


def test_batches_and_results() -> None:
    admin = FakeAdmin()
    progress: list[tuple[int, int]] = []
    result = apply_plan(sample_plan(5), admin, batch_size=2,  # type: ignore[arg-type]
                        progress=lambda done, total: progress.append((done, total)))
    assert admin.requests == [("create", 2), ("create", 2), ("create", 1), ("partitions", 1),
                              ("configs", 1)]
    assert result.succeeded
    assert progress[-1] == (8, 8)


def test_stops_when_the_cluster_stops_answering() -> None:
    result = apply_plan(sample_plan(5), FakeAdmin(fail_after=1), batch_size=2)  # type: ignore[arg-type]
    statuses = [a.status for a in result.actions]
    assert statuses.count(Status.APPLIED) == 2
    assert statuses.count(Status.FAILED) == 2
    assert statuses.count(Status.NOT_APPLIED) == 4
    assert not result.succeeded
