"""An in-memory cluster behind the ``ClusterAdmin`` protocol, for the pure planning and
applying logic: writes change its state; fresh views can lag behind (as a broker's metadata
cache does), answers can be lost, and it can stop answering after a number of requests.
What the real broker does is tested in tests/integration."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from evtctl.provision.model import (
    AclSpec,
    Broker,
    ClusterInfo,
    ClusterReader,
    ItemError,
    NewTopicSpec,
    Operation,
    ProvisionError,
    ReadRequest,
    Snapshot,
    TopicConfigs,
    TopicListing,
    TopicsRead,
)


@dataclass
class State:
    topics: dict[str, TopicListing] = field(default_factory=dict)
    configs: dict[str, dict[str, str]] = field(default_factory=dict)
    acls: set[AclSpec] = field(default_factory=set)


class FakeView:
    """Reads of one state (the cluster's, or an older one when the view lags)."""

    def __init__(self, state: State, cluster: FakeCluster) -> None:
        self.state = state
        self.cluster = cluster

    def _read(self) -> None:
        if self.cluster.down:
            raise ProvisionError("no answer within 1s", where="kafka fake")

    def read(self, request: ReadRequest) -> Snapshot:
        self._read()
        self.cluster.reads += 1
        return Snapshot(self.describe_topics(request.topics),
                        self.list_topics() if request.listing else {},
                        self.describe_configs(request.configs),
                        self.describe_acls() if request.acls else frozenset())

    def list_topics(self) -> Mapping[str, TopicListing]:
        return {n: t for n, t in self.state.topics.items() if n not in self.cluster.denied}

    def describe_topics(self, names: Sequence[str]) -> TopicsRead:
        found = {n: self.state.topics[n] for n in names
                 if n in self.state.topics and n not in self.cluster.denied}
        denied = frozenset(n for n in names if n in self.cluster.denied
                           or any(n.startswith(p) for p in self.cluster.denied_prefixes))
        found = {n: t for n, t in found.items() if n not in denied}
        missing = frozenset(n for n in names if n not in found and n not in denied)
        return TopicsRead(found, missing, denied)

    def describe_configs(self, topics: Sequence[str]) -> Mapping[str, TopicConfigs]:
        out = {}
        for name in topics:
            if name in self.state.topics:
                on_topic = dict(self.state.configs.get(name, {}))
                out[name] = TopicConfigs(on_topic, {**self.cluster.defaults, **on_topic})
        return out

    def describe_acls(self) -> frozenset[AclSpec]:
        return frozenset(self.state.acls)


class LiveView:
    """A reader of its own (a new client): each read sees the cluster as it is then — or, while
    ``lagging_views`` lasts, as it was before the last write."""

    def __init__(self, cluster: FakeCluster) -> None:
        self.cluster = cluster

    def read(self, request: ReadRequest) -> Snapshot:
        cluster = self.cluster
        cluster.views += 1
        state = cluster.state
        if cluster.lagging_views and cluster._before is not None:
            cluster.lagging_views -= 1
            state = cluster._before
        return FakeView(copy.deepcopy(state), cluster).read(request)


class FakeCluster(FakeView):
    """The cluster itself (a ``ClusterAdmin``)."""

    def __init__(self, brokers: int = 1) -> None:
        self.brokers = brokers
        self.defaults = {"cleanup.policy": "delete", "retention.ms": "604800000"}
        self.denied: set[str] = set()
        self.denied_prefixes: set[str] = set()
        self.cluster_operations: frozenset[Operation] | None = frozenset(
            {Operation.DESCRIBE, Operation.ALTER})
        self.requests: list[tuple[str, int]] = []
        self.reads = 0
        self.views = 0
        self.down = False
        self.down_after: int | None = None  # writes answered before it stops answering
        self.lose_answers = False  # apply the write, but answer as if unreachable
        self.lagging_views = 0  # how many next fresh views still show the state before
        self._before: State | None = None
        super().__init__(State(), self)

    # -- seeding -------------------------------------------------------------------------
    def add_topic(self, name: str, partitions: int = 1, rf: int = 1,
                  config: Mapping[str, str] | None = None) -> None:
        self.state.topics[name] = TopicListing(name, partitions, rf)
        self.state.configs[name] = dict(config or {})

    # -- ClusterAdmin ----------------------------------------------------------------------
    def describe_cluster(self) -> ClusterInfo:
        if self.down:
            raise ProvisionError("connection refused", where="kafka fake")
        return ClusterInfo("cid", tuple(Broker(i + 1, "h", 9092) for i in range(self.brokers)),
                           "User:fake", self.cluster_operations)

    def fresh_view(self) -> ClusterReader:
        return LiveView(self)

    def _write(self, what: str, keys: Sequence[object]) -> ItemError | None:
        self.requests.append((what, len(keys)))
        if self.down or (self.down_after is not None and len(self.requests) > self.down_after):
            self.down = True
            return ItemError("_TRANSPORT: broker down", unreachable=True)
        self._before = copy.deepcopy(self.state)
        return None

    def _answer(self, error: ItemError | None, keys: Sequence[object]
                ) -> dict[object, ItemError | None]:
        if error is None and self.lose_answers:
            error = ItemError("_TIMED_OUT: answer lost", unreachable=True)
        return {k: error for k in keys}

    def create_topics(self, topics: Sequence[NewTopicSpec]) -> Mapping[str, ItemError | None]:
        error = self._write("create", [t.name for t in topics])
        if error is None:
            for t in topics:
                self.add_topic(t.name, t.partitions or 1, t.replication_factor or 1, t.config)
        return self._answer(error, [t.name for t in topics])  # type: ignore[return-value]

    def create_partitions(self, counts: Mapping[str, int]) -> Mapping[str, ItemError | None]:
        error = self._write("partitions", list(counts))
        if error is None:
            for name, count in counts.items():
                old = self.state.topics[name]
                self.state.topics[name] = TopicListing(name, count, old.replication_factor)
        return self._answer(error, list(counts))  # type: ignore[return-value]

    def alter_configs(self, changes: Mapping[str, Mapping[str, str]]
                      ) -> Mapping[str, ItemError | None]:
        error = self._write("configs", list(changes))
        if error is None:
            for name, values in changes.items():
                self.state.configs.setdefault(name, {}).update(values)
        return self._answer(error, list(changes))  # type: ignore[return-value]

    def delete_topics(self, topics: Sequence[str]) -> Mapping[str, ItemError | None]:
        error = self._write("delete", list(topics))
        if error is None:
            for name in topics:
                self.state.topics.pop(name, None)
                self.state.configs.pop(name, None)
        return self._answer(error, list(topics))  # type: ignore[return-value]

    def create_acls(self, acls: Sequence[AclSpec]) -> Mapping[AclSpec, ItemError | None]:
        error = self._write("acls", list(acls))
        if error is None:
            self.state.acls.update(acls)
        return self._answer(error, list(acls))  # type: ignore[return-value]

    def delete_acls(self, acls: Sequence[AclSpec]) -> Mapping[AclSpec, ItemError | None]:
        error = self._write("unacls", list(acls))
        if error is None:
            self.state.acls.difference_update(acls)
        return self._answer(error, list(acls))  # type: ignore[return-value]
