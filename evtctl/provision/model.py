"""Values shared by planning, applying and the Kafka adapter (no Kafka import here).

Desired state (from the manifests), observed state (from the cluster), the actions a plan
is made of, and the small protocol the only Kafka-speaking module implements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol


class ProvisionError(Exception):
    """Bad usage, unreadable input or an unusable cluster: one line for the user, exit 2."""


# -- ACL bindings ----------------------------------------------------------------------------
class ResourceKind(StrEnum):
    TOPIC = "topic"
    GROUP = "group"


class Operation(StrEnum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True, slots=True, order=True)
class AclSpec:
    """One ALLOW binding on a literal resource name (the only kind evtctl creates).

    Observed bindings of other shapes (prefixed, DENY, other operations) are carried in
    ``other`` so they can be shown, but evtctl never plans to create or delete them.
    """

    resource_type: ResourceKind
    resource: str
    principal: str
    operation: Operation
    host: str = "*"

    def __str__(self) -> str:
        operation = self.operation.value.upper()
        return f"{self.principal} {operation} {self.resource_type.value}:{self.resource}"

    def as_dict(self) -> dict[str, str]:
        return {
            "resource_type": self.resource_type.value,
            "resource": self.resource,
            "pattern": "literal",
            "principal": self.principal,
            "operation": self.operation.value,
            "permission": "allow",
            "host": self.host,
        }


# -- desired and observed state ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DesiredTopic:
    name: str
    partitions: int | None = None  # None: the broker default on create, not compared after
    replication_factor: int | None = None
    config: Mapping[str, str] = field(default_factory=dict)
    owner: str | None = None  # service id, for messages


@dataclass(frozen=True, slots=True)
class DesiredState:
    topics: tuple[DesiredTopic, ...]
    # Topics on the cluster under these prefixes that no manifest declares may be deleted
    # (with --allow-delete); under ``org_prefixes`` they are reported as unmanaged.
    managed_prefixes: tuple[str, ...] = ()
    org_prefixes: tuple[str, ...] = ()
    acls: frozenset[AclSpec] | None = None  # None: ACLs are not managed in this run
    # Bindings of these principals that the manifests do not give are unmanaged ACLs.
    acl_principals: frozenset[str] = frozenset()
    expected_cluster_id: str | None = None
    environment: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ObservedTopic:
    name: str
    partitions: int
    replication_factor: int
    # Configs set on the topic itself (dynamic topic config), never broker defaults.
    config: Mapping[str, str] = field(default_factory=dict)
    # Every value in force, defaults included; used only to judge whether a change loses data
    # and to avoid setting a key to the value it already has.
    effective: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TopicListing:
    name: str
    partitions: int
    replication_factor: int


@dataclass(frozen=True, slots=True)
class TopicConfigs:
    set_on_topic: Mapping[str, str]
    effective: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ClusterState:
    cluster_id: str
    broker_count: int
    topics: Mapping[str, ObservedTopic]
    acls: frozenset[AclSpec] | None = None  # None when ACLs were not read


# -- the plan ------------------------------------------------------------------------------
class ActionKind(StrEnum):
    CREATE_TOPIC = "create-topic"
    ADD_PARTITIONS = "add-partitions"
    ALTER_CONFIG = "alter-config"
    DELETE_TOPIC = "delete-topic"
    CREATE_ACL = "create-acl"
    DELETE_ACL = "delete-acl"
    # Never carried out; in the plan so they are reported and fail --check.
    REDUCE_PARTITIONS = "reduce-partitions"
    CHANGE_REPLICATION_FACTOR = "change-replication-factor"

    @property
    def sign(self) -> str:
        if self in (ActionKind.CREATE_TOPIC, ActionKind.CREATE_ACL):
            return "+"
        if self in (ActionKind.DELETE_TOPIC, ActionKind.DELETE_ACL):
            return "-"
        return "~"


class Status(StrEnum):
    PLANNED = "planned"  # will be carried out by --apply
    REFUSED = "refused"  # unsafe or unsupported: needs a flag, or cannot be done at all
    APPLIED = "applied"
    FAILED = "failed"
    NOT_APPLIED = "not-applied"  # not attempted (an earlier failure stopped the apply)


Detail = str | int | bool | None


@dataclass(frozen=True, slots=True)
class Action:
    kind: ActionKind
    topic: str  # the topic, or the ACL's resource name
    details: Mapping[str, Detail]
    destructive: bool = False
    status: Status = Status.PLANNED
    reason: str | None = None  # why refused, or the error when failed
    acl: AclSpec | None = None

    def with_status(self, status: Status, reason: str | None = None) -> Action:
        return replace(self, status=status, reason=reason)

    def as_dict(self) -> dict[str, object]:
        return {
            "action": self.kind.value,
            "topic": self.topic,
            "details": dict(self.details),
            "destructive": self.destructive,
            "status": self.status.value,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Plan:
    cluster_id: str
    actions: tuple[Action, ...]
    warnings: tuple[str, ...] = ()

    @property
    def planned(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.status is Status.PLANNED)

    @property
    def refused(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.status is Status.REFUSED)

    @property
    def in_sync(self) -> bool:
        """True when the cluster matches the manifests (warnings aside)."""
        return not self.actions

    @property
    def succeeded(self) -> bool:
        return all(a.status is Status.APPLIED for a in self.actions)

    def as_dict(self) -> dict[str, object]:
        return {
            "cluster_id": self.cluster_id,
            "actions": [a.as_dict() for a in self.actions],
            "warnings": list(self.warnings),
        }


# -- the cluster, as planning and applying see it ------------------------------------------------
@dataclass(frozen=True, slots=True)
class ItemError:
    """Why one item of a batched request failed."""

    message: str
    unreachable: bool = False  # the broker did not answer (timeout, connection lost)


@dataclass(frozen=True, slots=True)
class NewTopicSpec:
    name: str
    partitions: int | None
    replication_factor: int | None
    config: Mapping[str, str]


class ClusterAdmin(Protocol):
    """What evtctl needs from a Kafka cluster. Batch methods return one entry per item:
    None when it succeeded, else the error."""

    def cluster_id(self) -> str: ...

    def broker_count(self) -> int: ...

    def list_topics(self) -> Mapping[str, TopicListing]: ...

    def describe_configs(self, topics: Sequence[str]) -> Mapping[str, TopicConfigs]: ...

    def describe_acls(self) -> frozenset[AclSpec]: ...

    def create_topics(self, topics: Sequence[NewTopicSpec]) -> Mapping[str, ItemError | None]: ...

    def create_partitions(self, counts: Mapping[str, int]) -> Mapping[str, ItemError | None]: ...

    def alter_configs(
        self, changes: Mapping[str, Mapping[str, str]]
    ) -> Mapping[str, ItemError | None]: ...

    def delete_topics(self, topics: Sequence[str]) -> Mapping[str, ItemError | None]: ...

    def create_acls(self, acls: Sequence[AclSpec]) -> Mapping[AclSpec, ItemError | None]: ...

    def delete_acls(self, acls: Sequence[AclSpec]) -> Mapping[AclSpec, ItemError | None]: ...
