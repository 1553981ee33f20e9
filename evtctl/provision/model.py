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
    """Bad usage, unreadable input or an unusable cluster: one line for the user, exit 2.

    ``where`` names the place (a file, ``kafka HOST:PORT``, an option); ``hint`` says what to
    do, on its own line."""

    def __init__(self, message: str, *, where: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint


# -- ACL bindings ----------------------------------------------------------------------------
class ResourceKind(StrEnum):
    TOPIC = "topic"
    GROUP = "group"
    CLUSTER = "cluster"
    TRANSACTIONAL_ID = "transactional_id"


class Operation(StrEnum):
    """Kafka's ACL operations (evtctl itself only grants READ and WRITE)."""

    ALL = "all"
    READ = "read"
    WRITE = "write"
    CREATE = "create"
    DELETE = "delete"
    ALTER = "alter"
    DESCRIBE = "describe"
    CLUSTER_ACTION = "cluster_action"
    DESCRIBE_CONFIGS = "describe_configs"
    ALTER_CONFIGS = "alter_configs"
    IDEMPOTENT_WRITE = "idempotent_write"


class Pattern(StrEnum):
    LITERAL = "literal"
    PREFIXED = "prefixed"


class Permission(StrEnum):
    ALLOW = "allow"
    DENY = "deny"


@dataclass(frozen=True, slots=True, order=True)
class AclSpec:
    """One ACL binding. evtctl creates only ALLOW bindings on literal names (the defaults);
    observed bindings of every shape are read, so that unmanaged grants can be reported."""

    resource_type: ResourceKind
    resource: str
    principal: str
    operation: Operation
    host: str = "*"
    pattern: Pattern = Pattern.LITERAL
    permission: Permission = Permission.ALLOW

    @property
    def is_evtctl_shape(self) -> bool:
        """A shape evtctl creates, and so may delete: literal ALLOW READ/WRITE on a topic or
        group, from any host."""
        return (self.pattern is Pattern.LITERAL and self.permission is Permission.ALLOW
                and self.host == "*" and self.operation in (Operation.READ, Operation.WRITE)
                and self.resource_type in (ResourceKind.TOPIC, ResourceKind.GROUP))

    def __str__(self) -> str:
        operation = self.operation.value.upper()
        text = f"{self.principal} {operation} {self.resource_type.value}:{self.resource}"
        extras = [e for e in (
            "prefixed" if self.pattern is Pattern.PREFIXED else "",
            "DENY" if self.permission is Permission.DENY else "",
            f"host {self.host}" if self.host != "*" else "") if e]
        return text + (f" ({', '.join(extras)})" if extras else "")

    def as_dict(self) -> dict[str, str]:
        return {
            "resource_type": self.resource_type.value,
            "resource": self.resource,
            "pattern": self.pattern.value,
            "principal": self.principal,
            "operation": self.operation.value,
            "permission": self.permission.value,
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
    strict: bool = False  # the environment asks for --strict
    max_delete_percent: float = 10.0


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
    # partition → assigned replicas that are not in sync (a node down or gone)
    out_of_sync: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    offline: tuple[int, ...] = ()  # partitions without a leader


@dataclass(frozen=True, slots=True)
class TopicListing:
    """One topic as Metadata shows it: partition count, replication factor (the widest
    partition's replica list) and the partitions whose replicas are not all in sync."""

    name: str
    partitions: int
    replication_factor: int
    out_of_sync: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    offline: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class TopicsRead:
    """Topics described by name: found, absent (the cluster says it does not exist), and
    denied (the principal may not DESCRIBE them, so their existence is unknown)."""

    found: Mapping[str, TopicListing]
    missing: frozenset[str] = frozenset()
    denied: frozenset[str] = frozenset()
    unsettled: Mapping[str, str] = field(default_factory=dict)  # name → the error it gave


@dataclass(frozen=True, slots=True)
class Broker:
    node_id: int
    host: str
    port: int


@dataclass(frozen=True, slots=True)
class ClusterInfo:
    cluster_id: str
    brokers: tuple[Broker, ...]
    principal: str = "this client's principal"  # for messages: User:<sasl user>, or that
    # Operations the principal may perform on the cluster resource; None when the broker
    # did not say (evtctl then cannot prove it may read ACLs).
    cluster_operations: frozenset[Operation] | None = None


@dataclass(frozen=True, slots=True)
class TopicConfigs:
    set_on_topic: Mapping[str, str]
    effective: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ClusterState:
    cluster_id: str
    broker_count: int  # live brokers
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
    APPLIED = "applied"  # answered and confirmed visible through a fresh view
    FAILED = "failed"
    NOT_APPLIED = "not-applied"  # not attempted, or answered but never became visible


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


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """What one round of reads asks for; the reads travel together (one round trip)."""

    topics: tuple[str, ...] = ()  # described by name
    configs: tuple[str, ...] = ()  # DescribeConfigs
    acls: bool = False  # DescribeAcls
    listing: bool = False  # every topic the principal may describe


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The answers to a ReadRequest. A failed part keeps its error, so that the caller
    reports failures in the order that explains them best (a topic it may not DESCRIBE
    before the configs of that topic it may not read)."""

    topics: TopicsRead
    listing: Mapping[str, TopicListing] = field(default_factory=dict)
    configs_read: Mapping[str, TopicConfigs] = field(default_factory=dict)
    acls_read: frozenset[AclSpec] = frozenset()
    configs_error: ProvisionError | None = None
    acls_error: ProvisionError | None = None

    @property
    def configs(self) -> Mapping[str, TopicConfigs]:
        if self.configs_error is not None:
            raise self.configs_error
        return self.configs_read

    @property
    def acls(self) -> frozenset[AclSpec]:
        if self.acls_error is not None:
            raise self.acls_error
        return self.acls_read


class ClusterReader(Protocol):
    """Reading the cluster. Raises ProvisionError (naming the operation and resource) when
    the principal may not read what is asked, or the cluster does not answer."""

    def read(self, request: ReadRequest) -> Snapshot:
        """Every read the request names, sent together. ``listing`` is every topic the
        principal may DESCRIBE: Kafka leaves the others out, silently."""


class ClusterAdmin(ClusterReader, Protocol):
    """What evtctl needs from a Kafka cluster. Batch methods return one entry per item:
    None when it succeeded, else the error."""

    def describe_cluster(self) -> ClusterInfo: ...

    def fresh_view(self) -> ClusterReader:
        """A reader on a new connection with nothing cached: what the next client sees."""

    def create_topics(self, topics: Sequence[NewTopicSpec]) -> Mapping[str, ItemError | None]: ...

    def create_partitions(self, counts: Mapping[str, int]) -> Mapping[str, ItemError | None]: ...

    def alter_configs(
        self, changes: Mapping[str, Mapping[str, str]]
    ) -> Mapping[str, ItemError | None]: ...

    def delete_topics(self, topics: Sequence[str]) -> Mapping[str, ItemError | None]: ...

    def create_acls(self, acls: Sequence[AclSpec]) -> Mapping[AclSpec, ItemError | None]: ...

    def delete_acls(self, acls: Sequence[AclSpec]) -> Mapping[AclSpec, ItemError | None]: ...
