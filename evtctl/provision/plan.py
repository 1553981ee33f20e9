"""Planning: desired state + observed cluster state → the actions that make them agree.

Pure: no Kafka, no I/O. Safety rules live here, so a refused change is refused in the plan
(and reported) before anything is applied:

* partitions only grow; lowering them is refused (Kafka cannot);
* a replication-factor change is refused (reported, never attempted);
* configs change incrementally: only keys the manifest states are compared and set;
* a change that loses data (any ``cleanup.policy`` change, a lower ``*retention.ms`` /
  ``*retention.bytes``) needs ``allow_destructive``;
* a topic is deleted only with ``allow_delete``, only under a managed prefix, and never an
  internal topic (``_``/``__``);
* an ACL binding of a service's principal that the manifests do not give is removed only
  with ``allow_delete``, and only on a resource under a managed prefix;
* with ``strict``, every topic and every ALLOW binding (any principal) under a managed
  prefix that the manifests do not give is a refused action — so ``--check`` fails, each one
  listed — unless ``allow_delete`` deletes it;
* partitions are added only when enough brokers are alive for the topic's replication
  factor; replicas out of sync (a node down or gone) are reported, never "fixed".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evtctl.provision.model import (
    AclSpec,
    Action,
    ActionKind,
    ClusterState,
    DesiredState,
    DesiredTopic,
    Detail,
    ObservedTopic,
    Permission,
    Plan,
    ResourceKind,
    Status,
)

RETENTION_SUFFIXES = ("retention.ms", "retention.bytes")
_NAMED = (ResourceKind.TOPIC, ResourceKind.GROUP)


@dataclass(frozen=True, slots=True)
class PlanOptions:
    allow_delete: bool = False
    allow_destructive: bool = False
    strict: bool = False


def is_internal(topic: str) -> bool:
    return topic.startswith("_")


def _limit(value: str) -> float | None:
    """A retention limit as a number (-1 is unlimited), or None when it is not one."""
    try:
        number = int(value.strip())
    except ValueError:
        return None
    if number == -1:
        return float("inf")
    return float(number) if number >= 0 else None


def loses_data(key: str, old: str | None, new: str) -> bool:
    """Whether changing ``key`` from ``old`` (None: unknown) to ``new`` can delete records."""
    if key == "cleanup.policy":
        return _policies(old) != _policies(new)
    if key.endswith(RETENTION_SUFFIXES):
        if old is None:
            return True
        old_limit, new_limit = _limit(old), _limit(new)
        if old_limit is None or new_limit is None:
            return True  # cannot tell (for example -2, "same as retention.ms"): assume the worst
        return new_limit < old_limit
    return False


def _policies(value: str | None) -> frozenset[str]:
    return frozenset(p.strip() for p in (value or "").split(",") if p.strip())


def same_value(key: str, a: str, b: str) -> bool:
    """Whether two values of ``key`` mean the same (cleanup.policy is an unordered list)."""
    if key == "cleanup.policy":
        return _policies(a) == _policies(b)
    return a.strip() == b.strip()


def plan(desired: DesiredState, observed: ClusterState, options: PlanOptions) -> Plan:
    actions: list[Action] = []
    warnings: list[str] = list(desired.warnings)
    declared = {t.name for t in desired.topics}
    for topic in desired.topics:
        current = observed.topics.get(topic.name)
        if current is None:
            actions.append(_create(topic, observed.broker_count))
        else:
            actions.extend(_update(topic, current, observed.broker_count, options, warnings))
            warnings.extend(_replica_health(current))
    actions.extend(_orphans(desired, observed, declared, options, warnings))
    if desired.acls is not None:
        actions.extend(_acl_actions(desired, observed, options, warnings))
    return Plan(observed.cluster_id, tuple(actions), tuple(warnings))


def _create(topic: DesiredTopic, brokers: int) -> Action:
    details: dict[str, Detail] = {
        "partitions": topic.partitions,
        "replication_factor": topic.replication_factor,
    }
    details.update({f"config.{k}": v for k, v in sorted(topic.config.items())})
    rf = topic.replication_factor
    if rf is not None and brokers and rf > brokers:
        return Action(ActionKind.CREATE_TOPIC, topic.name, details, status=Status.REFUSED,
                      reason=f"replication factor {rf} needs at least {rf} brokers; "
                             f"the cluster has {brokers}")
    return Action(ActionKind.CREATE_TOPIC, topic.name, details)


def _replica_health(current: ObservedTopic) -> Iterable[str]:
    """Replication drift a node down (or gone) causes: reported; evtctl moves no replicas."""
    if current.offline:
        yield (f"offline partitions on {current.name}: {_ranges(current.offline)} have no "
               "leader (their replicas' brokers are down); reported only")
    if current.out_of_sync:
        brokers = sorted({b for lagging in current.out_of_sync.values() for b in lagging})
        yield (f"replication drift on {current.name}: {len(current.out_of_sync)} of "
               f"{current.partitions} partitions have replicas out of sync (broker "
               f"{', '.join(map(str, brokers))}); reported only: evtctl does not reassign "
               "replicas — bring the broker back or reassign with kafka-reassign-partitions")


def _ranges(numbers: Iterable[int]) -> str:
    values = sorted(numbers)
    shown = ", ".join(map(str, values[:10]))
    return shown + (f" and {len(values) - 10} more" if len(values) > 10 else "")


def _update(topic: DesiredTopic, current: ObservedTopic, brokers: int, options: PlanOptions,
            warnings: list[str]) -> Iterable[Action]:
    name = topic.name
    if topic.partitions is not None and topic.partitions != current.partitions:
        move = {"from": current.partitions, "to": topic.partitions}
        width = current.replication_factor
        if topic.partitions > current.partitions and brokers and width > brokers:
            yield Action(ActionKind.ADD_PARTITIONS, name, move, status=Status.REFUSED,
                         reason=f"new partitions need {width} live brokers for replication "
                                f"factor {width}; the cluster has {brokers} (a broker is "
                                "down?)")
        elif topic.partitions > current.partitions:
            yield Action(ActionKind.ADD_PARTITIONS, name, move)
        else:
            yield Action(ActionKind.REDUCE_PARTITIONS, name, move, status=Status.REFUSED,
                         reason="Kafka cannot remove partitions; recreate the topic "
                                "or raise partitions in the manifest")
    rf = topic.replication_factor
    if rf is not None and rf != current.replication_factor:
        warnings.append(f"replication-factor drift on {name}: the cluster has "
                        f"{current.replication_factor}, the manifest wants {rf}")
        yield Action(ActionKind.CHANGE_REPLICATION_FACTOR, name,
                     {"from": current.replication_factor, "to": rf}, status=Status.REFUSED,
                     reason="evtctl does not change replication factors; reassign partitions "
                            "with kafka-reassign-partitions, or change the manifest")
    for key, new in sorted(topic.config.items()):
        on_topic = current.config.get(key)
        effective = current.effective.get(key)
        old: str | None
        if on_topic is not None:
            if same_value(key, on_topic, new):
                continue
            old, source = on_topic, "topic"
        else:
            if effective is not None and same_value(key, effective, new):
                continue  # the default already has this value: nothing would change
            old, source = effective, "default"
        destructive = loses_data(key, old, new)
        details = {"key": key, "old": old, "new": new, "old_source": source}
        if destructive and not options.allow_destructive:
            yield Action(ActionKind.ALTER_CONFIG, name, details, destructive=True,
                         status=Status.REFUSED,
                         reason="can delete records; pass --allow-destructive to apply it")
        else:
            yield Action(ActionKind.ALTER_CONFIG, name, details, destructive=destructive)


def _under(name: str, prefixes: Iterable[str]) -> str | None:
    return next((p for p in prefixes if name.startswith(p)), None)


def _orphans(desired: DesiredState, observed: ClusterState, declared: set[str],
             options: PlanOptions, warnings: list[str]) -> Iterable[Action]:
    for name in sorted(observed.topics):
        if name in declared or is_internal(name):
            continue
        managed = _under(name, desired.managed_prefixes)
        details: dict[str, Detail] = {"partitions": observed.topics[name].partitions,
                                      "managed_prefix": managed}
        if managed is not None and options.allow_delete:
            yield Action(ActionKind.DELETE_TOPIC, name, details, destructive=True)
            continue
        if managed is not None and options.strict:
            yield Action(ActionKind.DELETE_TOPIC, name, details, destructive=True,
                         status=Status.REFUSED,
                         reason=f"unmanaged (--strict): under {managed} but no manifest "
                                "declares it; declare it, or pass --allow-delete to delete it")
            continue
        prefix = managed or _under(name, desired.org_prefixes)
        if prefix is None:
            continue
        if managed is not None:
            hint = "pass --allow-delete to delete it"
        else:
            hint = "not under a managed prefix, so never deleted"
        warnings.append(f"unmanaged topic {name} (under {prefix}; no manifest declares it; "
                        f"{hint})")


def _acl_actions(desired: DesiredState, observed: ClusterState, options: PlanOptions,
                 warnings: list[str]) -> Iterable[Action]:
    wanted = desired.acls or frozenset()
    present = observed.acls or frozenset()
    for acl in sorted(wanted - present):
        yield Action(ActionKind.CREATE_ACL, acl.resource, _acl_details(acl), acl=acl)
    for acl in sorted(present - wanted):
        if acl.permission is not Permission.ALLOW or acl.resource_type not in _NAMED:
            continue  # a DENY only takes access away; manifests name only topics and groups
        ours = acl.principal in desired.acl_principals
        managed = _under(acl.resource, desired.managed_prefixes)
        if managed is not None and options.allow_delete and (ours or options.strict):
            yield Action(ActionKind.DELETE_ACL, acl.resource, _acl_details(acl), acl=acl)
        elif managed is not None and options.strict:
            yield Action(ActionKind.DELETE_ACL, acl.resource, _acl_details(acl), acl=acl,
                         status=Status.REFUSED,
                         reason=f"unmanaged (--strict): on {managed} but no manifest gives "
                                "it; pass --allow-delete to remove it")
        elif managed is not None:
            hint = ("pass --allow-delete to remove it" if ours else
                    "not a service's principal: removed only with --strict --allow-delete")
            warnings.append(f"unmanaged ACL: {acl} (no manifest gives it; {hint})")
        elif _under(acl.resource, desired.org_prefixes) is not None:
            warnings.append(f"unmanaged ACL: {acl} (no manifest gives it; not under a managed "
                            "prefix, so never removed)")


def _acl_details(acl: AclSpec) -> dict[str, Detail]:
    return dict(acl.as_dict())
