"""Observed state: what the cluster has, read in a few batched requests — and refused when
the principal may not read what the plan depends on.

Kafka answers a principal's questions about what it may not see with silence, not errors: a
Metadata request for all topics leaves out every topic it may not DESCRIBE, and DescribeAcls
without DESCRIBE on the cluster returns an empty list. Trusting those answers made a plan that
re-creates every topic and every binding. So:

* declared topics are described **by name**, where Kafka does say TOPIC_AUTHORIZATION_FAILED;
* ACLs are read only when the cluster says the principal may DESCRIBE it;
* when undeclared topics matter (deletions, ``--strict``), a probe name under each managed
  prefix proves the principal may describe any topic there, so the listing is complete.

Each refusal names the operation, the resource and the principal.
"""

from __future__ import annotations

import uuid

from evtctl.provision.model import (
    ClusterAdmin,
    ClusterInfo,
    ClusterState,
    DesiredState,
    ObservedTopic,
    Operation,
    ProvisionError,
    ReadRequest,
)

_MAY_DESCRIBE = {Operation.DESCRIBE, Operation.ALTER, Operation.ALL}


def observe(admin: ClusterAdmin, desired: DesiredState, info: ClusterInfo, *,
            full_listing: bool = False, where: str | None = None) -> ClusterState:
    """Read the declared topics, their configs (where the manifests name configs), every
    topic name (for unmanaged topics) and, when ACLs are managed, every binding."""
    where = where or f"kafka cluster {info.cluster_id}"
    declared = tuple(t.name for t in desired.topics)
    if desired.acls is not None:
        operations = info.cluster_operations or frozenset()
        if not operations & _MAY_DESCRIBE:
            raise ProvisionError(
                f"not authorised to DESCRIBE the cluster as {info.principal}, so its ACLs "
                "cannot be read (Kafka answers such a principal with an empty list)",
                where=where, hint="grant DESCRIBE (and ALTER, to apply) on the cluster "
                                  "resource, or drop --acls")
    # One round trip: declared topics by name, every topic name, the configs of the declared
    # topics that name configs (an absent one is simply not answered) and the ACLs.
    wanted_configs = tuple(t.name for t in desired.topics if t.config)
    probes = _probes(desired) if full_listing else {}
    snapshot = admin.read(ReadRequest(topics=declared + tuple(sorted(probes)),
                                      configs=wanted_configs, acls=desired.acls is not None,
                                      listing=True))
    read = snapshot.topics
    denied = read.denied - set(probes)
    if denied:
        names = sorted(denied)
        more = f" (and {len(names) - 1} more)" if len(names) > 1 else ""
        raise ProvisionError(
            f"not authorised to DESCRIBE topic {names[0]}{more} as {info.principal}, so "
            "whether it exists cannot be known; no plan is made", where=where,
            hint="grant the principal DESCRIBE on the managed topics (or a prefixed ACL), or "
                 "run provision as one that has it")
    if read.unsettled:
        name, error = sorted(read.unsettled.items())[0]
        raise ProvisionError(f"cannot read topic {name}: {error}", where=where,
                             hint="the cluster is changing (a topic being created or "
                                  "deleted, a broker starting); run provision again")
    for probe in sorted(read.denied & set(probes)):
        raise ProvisionError(
            f"not authorised to DESCRIBE every topic under managed prefix {probes[probe]} as "
            f"{info.principal}: Kafka leaves such topics out of its listing, so undeclared "
            "topics there cannot all be seen (needed for --allow-delete and --strict)",
            where=where, hint="grant DESCRIBE on topics with that prefix (a prefixed ACL), "
                              "or run provision as a principal that has it")
    listing = snapshot.listing
    configs = snapshot.configs
    absent = [name for name in wanted_configs if name in read.found and name not in configs]
    if absent:
        raise ProvisionError(f"cannot read the configs of topic {absent[0]}: the cluster "
                             "does not know it, though Metadata shows it", where=where,
                             hint="the topic is being deleted or re-created; run again")
    topics: dict[str, ObservedTopic] = {}
    for name in sorted(set(listing) | set(read.found)):
        if name in read.missing or name in probes:
            continue  # described by name as absent: that answer is the one kept
        entry = read.found.get(name) or listing[name]
        described = configs.get(name)
        topics[name] = ObservedTopic(
            name, entry.partitions, entry.replication_factor,
            described.set_on_topic if described else {},
            described.effective if described else {},
            entry.out_of_sync, entry.offline,
        )
    acls = snapshot.acls if desired.acls is not None else None
    return ClusterState(info.cluster_id, len(info.brokers), topics, acls)


def _probes(desired: DesiredState) -> dict[str, str]:
    """Kafka lists only the topics a principal may describe; a name nobody uses, under each
    managed prefix, tells whether that leaves any out (it answers "not authorised" for a
    name the principal may not describe, whether or not the topic exists)."""
    token = uuid.uuid4().hex[:12]
    return {f"{prefix}evtctl-describe-probe-{token}": prefix
            for prefix in desired.managed_prefixes}
