"""Reading the cluster refuses to plan on what the principal may not see (fake cluster;
the real broker's silences are proven in tests/integration/test_kafka_authz.py)."""

from __future__ import annotations

import re

import pytest
from provision_fake import FakeCluster

from evtctl.provision.model import DesiredState, DesiredTopic, ProvisionError
from evtctl.provision.observe import observe


def desired(**extra: object) -> DesiredState:
    return DesiredState((DesiredTopic("a.n.s.events", config={"retention.ms": "1"}),
                         DesiredTopic("a.n.s.commands")), managed_prefixes=("a.",),
                        **extra)  # type: ignore[arg-type]


def test_reads_declared_topics_and_their_configs() -> None:
    cluster = FakeCluster()
    cluster.add_topic("a.n.s.events", 3, config={"retention.ms": "5"})
    cluster.add_topic("a.n.old.events")
    state = observe(cluster, desired(), cluster.describe_cluster())
    assert set(state.topics) == {"a.n.s.events", "a.n.old.events"}
    assert state.topics["a.n.s.events"].config == {"retention.ms": "5"}
    assert cluster.reads == 1  # one round trip


def test_a_topic_it_may_not_describe_stops_the_plan() -> None:
    cluster = FakeCluster()
    cluster.add_topic("a.n.s.events")
    cluster.denied.add("a.n.s.events")
    with pytest.raises(ProvisionError, match=re.escape(
            "not authorised to DESCRIBE topic a.n.s.events as User:fake, so whether it "
            "exists cannot be")):
        observe(cluster, desired(), cluster.describe_cluster())


def test_acls_need_describe_on_the_cluster() -> None:
    cluster = FakeCluster()
    cluster.cluster_operations = None  # what Kafka says for a principal without rights
    with pytest.raises(ProvisionError, match="not authorised to DESCRIBE the cluster"):
        observe(cluster, desired(acls=frozenset()), cluster.describe_cluster())


def test_a_listing_that_may_leave_topics_out_stops_deletions() -> None:
    cluster = FakeCluster()
    cluster.denied_prefixes.add("a.")
    observe(cluster, DesiredState((), managed_prefixes=("a.",)), cluster.describe_cluster())
    with pytest.raises(ProvisionError, match=re.escape(
            "not authorised to DESCRIBE every topic under managed prefix a.")):
        observe(cluster, DesiredState((), managed_prefixes=("a.",)),
                cluster.describe_cluster(), full_listing=True)
