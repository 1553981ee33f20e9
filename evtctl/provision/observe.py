"""Observed state: what the cluster has, read in a few batched requests."""

from __future__ import annotations

from evtctl.provision.model import ClusterAdmin, ClusterState, DesiredState, ObservedTopic


def observe(admin: ClusterAdmin, desired: DesiredState) -> ClusterState:
    """Read topics (and, when ACLs are managed, bindings). Configs are read only for the
    declared topics that exist and whose desired state names configs."""
    listing = admin.list_topics()
    wanted_configs = [t.name for t in desired.topics if t.config and t.name in listing]
    configs = admin.describe_configs(wanted_configs)
    topics: dict[str, ObservedTopic] = {}
    for name, entry in listing.items():
        described = configs.get(name)
        topics[name] = ObservedTopic(
            name, entry.partitions, entry.replication_factor,
            described.set_on_topic if described else {},
            described.effective if described else {},
        )
    acls = admin.describe_acls() if desired.acls is not None else None
    return ClusterState(admin.cluster_id(), admin.broker_count(), topics, acls)
