"""The only module of evtctl that imports confluent_kafka: a small AdminClient adapter.

Every call is bounded: the first request (DescribeCluster) by the connect budget, which
fails within moments when the cause is certain (refused, DNS, TLS, SASL — see
``connect_errors``); the others by ``timeout`` seconds each. Per-item failures come back as
``ItemError`` values (never exceptions), and whole-call failures as ``ProvisionError`` with
secrets redacted; a read the principal is not authorised for names the operation and the
resource.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, wait
from typing import Any, TypeVar

from confluent_kafka import KafkaError, KafkaException, TopicCollection
from confluent_kafka.admin import (  # type: ignore[attr-defined]  # re-exports, no __all__
    AclBinding,
    AclBindingFilter,
    AclOperation,
    AclPermissionType,
    AdminClient,
    AlterConfigOpType,
    ConfigEntry,
    ConfigResource,
    ConfigSource,
    NewPartitions,
    NewTopic,
    ResourcePatternType,
    ResourceType,
)

from evtctl.provision.connect_errors import ConnectWatch
from evtctl.provision.connection import redact_text
from evtctl.provision.model import (
    AclSpec,
    Broker,
    ClusterInfo,
    ClusterReader,
    ItemError,
    NewTopicSpec,
    Operation,
    Pattern,
    Permission,
    ProvisionError,
    ReadRequest,
    ResourceKind,
    Snapshot,
    TopicConfigs,
    TopicListing,
    TopicsRead,
)

K = TypeVar("K")
R = TypeVar("R")

_UNREACHABLE = {
    KafkaError._TIMED_OUT,
    KafkaError._TRANSPORT,
    KafkaError._ALL_BROKERS_DOWN,
    KafkaError._DESTROY,
    KafkaError.REQUEST_TIMED_OUT,
    KafkaError.NETWORK_EXCEPTION,
}
_RESOURCE = {
    ResourceKind.TOPIC: ResourceType.TOPIC,
    ResourceKind.GROUP: ResourceType.GROUP,
    ResourceKind.CLUSTER: ResourceType.BROKER,
    ResourceKind.TRANSACTIONAL_ID: ResourceType.TRANSACTIONAL_ID,
}
_PATTERN = {Pattern.LITERAL: ResourcePatternType.LITERAL,
            Pattern.PREFIXED: ResourcePatternType.PREFIXED}
_PERMISSION = {Permission.ALLOW: AclPermissionType.ALLOW,
               Permission.DENY: AclPermissionType.DENY}
DESCRIBE_CONFIGS_CHUNK = 250  # topics per DescribeConfigs request
_DYNAMIC_TOPIC_CONFIG = ConfigSource.DYNAMIC_TOPIC_CONFIG.value
_POLL = 0.05  # seconds between looks at librdkafka's error reports while waiting
_GRACE = 5.0  # librdkafka times a request out itself; this is only a backstop


class _Lost(ProvisionError):
    """A read that got no answer (the broker asked went away): worth asking once more."""


def _once_more(read: Callable[[], R]) -> R:
    """Reads are idempotent: one that got no answer is asked again, once."""
    try:
        return read()
    except _Lost:
        return read()


def _operation(value: Any) -> Operation | None:
    try:
        return Operation(str(value.name).lower())
    except (ValueError, AttributeError):
        return None


def _kafka_error(error: BaseException) -> KafkaError | None:
    if isinstance(error, KafkaException) and error.args and isinstance(error.args[0],
                                                                      KafkaError):
        return error.args[0]
    return None


def _topic_configs(entries: Mapping[str, Any]) -> TopicConfigs:
    """Split one topic's DescribeConfigs entries into those set on the topic and all in force."""
    on_topic: dict[str, str] = {}
    effective: dict[str, str] = {}
    for key, entry in entries.items():
        if entry.value is None:
            continue  # sensitive, or no value: never compared
        effective[key] = entry.value
        source = entry.source.value if hasattr(entry.source, "value") else entry.source
        if source == _DYNAMIC_TOPIC_CONFIG:
            on_topic[key] = entry.value
    return TopicConfigs(on_topic, effective)


def _listing(description: Any) -> TopicListing:
    partitions = description.partitions
    out_of_sync: dict[int, tuple[int, ...]] = {}
    offline: list[int] = []
    for partition in partitions:
        in_sync = {node.id for node in partition.isr}
        lagging = tuple(sorted(node.id for node in partition.replicas if node.id not in in_sync))
        if lagging:
            out_of_sync[partition.id] = lagging
        if partition.leader is None or partition.leader.id < 0:
            offline.append(partition.id)
    rf = max((len(p.replicas) for p in partitions), default=0)
    return TopicListing(description.name, len(partitions), rf, out_of_sync,
                        tuple(sorted(offline)))


class KafkaAdmin:
    """``ClusterAdmin`` on a real cluster, through confluent-kafka's AdminClient."""

    def __init__(self, config: Mapping[str, str], timeout: float = 10.0, *,
                 describe_chunk: int = DESCRIBE_CONFIGS_CHUNK) -> None:
        self._config = dict(config)
        self._timeout = timeout
        self._describe_chunk = max(1, describe_chunk)
        self._watch = ConnectWatch(self._config)
        # log_level 0: errors reach the user through us (the error callback), not
        # librdkafka's log on stderr.
        settings: dict[str, Any] = {"log_level": 0, "error_cb": self._on_error}
        settings.update(self._config)
        try:
            self._admin = AdminClient(settings)
        except (KafkaException, ValueError, TypeError) as error:
            raise ProvisionError(f"invalid client configuration: {self._redact(error)}",
                                 where="--command-config") from None
        self._cluster: ClusterInfo | None = None
        # Connecting starts now and goes on in librdkafka's threads while the caller does
        # other work (loading manifests); describe_cluster() waits for it.
        self._started = time.monotonic()
        try:
            self._cluster_future: Future[Any] | None = self._admin.describe_cluster(
                include_authorized_operations=True, request_timeout=self._timeout)
        except (KafkaException, ValueError, TypeError):
            self._cluster_future = None

    @property
    def _where(self) -> str:
        return f"kafka {self._config.get('bootstrap.servers', '?')}"

    def _on_error(self, error: KafkaError) -> None:
        self._watch.report(error.name(), error.str())

    # -- waiting --------------------------------------------------------------------------
    def _wait(self, future: Future[R], *, connecting: bool = False,
              budget: float | None = None) -> R:
        """The future's result, serving librdkafka's error reports meanwhile; while
        connecting, fails as soon as the connection cannot succeed."""
        deadline = time.monotonic() + (budget if budget is not None
                                       else self._timeout + _GRACE)
        while True:
            wait([future], timeout=_POLL)
            if future.done():
                return future.result()
            self._admin.poll(0)
            if connecting:
                failure = self._watch.failure()
                if failure is not None:
                    raise ProvisionError(self._redact(failure.message), where=self._where,
                                         hint=failure.hint)
            if time.monotonic() >= deadline:
                if connecting:
                    failure = self._watch.timeout(self._timeout)
                    raise ProvisionError(failure.message, where=self._where,
                                         hint=failure.hint)
                raise TimeoutError

    # -- reading --------------------------------------------------------------------------
    def describe_cluster(self) -> ClusterInfo:
        if self._cluster is None:
            try:
                future = self._cluster_future
                if future is None:
                    future = self._admin.describe_cluster(include_authorized_operations=True,
                                                          request_timeout=self._timeout)
                spent = time.monotonic() - self._started
                described = self._wait(future, connecting=True,
                                       budget=max(0.0, self._timeout - spent))
            except ProvisionError:
                raise
            except Exception as error:
                kerr = _kafka_error(error)
                if kerr is not None and kerr.code() == KafkaError._TIMED_OUT:
                    failure = self._watch.failure() or self._watch.timeout(self._timeout)
                    raise ProvisionError(self._redact(failure.message), where=self._where,
                                         hint=failure.hint) from None
                raise ProvisionError(f"cannot connect: {self._describe(error)}",
                                     where=self._where) from None
            brokers = tuple(sorted((Broker(n.id, n.host, n.port) for n in described.nodes),
                                   key=lambda b: b.node_id))
            raw_ops = described.authorized_operations
            operations = (None if raw_ops is None else
                          frozenset(op for op in map(_operation, raw_ops) if op is not None))
            self._cluster = ClusterInfo(str(described.cluster_id), brokers, self._principal(),
                                        operations)
        return self._cluster

    def read(self, request: ReadRequest) -> Snapshot:
        """Every read of the request submitted before any is awaited: one round trip."""
        return _once_more(lambda: self._read(request))

    def _read(self, request: ReadRequest) -> Snapshot:
        topic_futures = self._submit_topics(request.topics) if request.topics else {}
        config_futures = self._submit_configs(request.configs) if request.configs else []
        acl_future = self._submit_acls() if request.acls else None
        listing = self._list_topics() if request.listing else {}
        topics, lost = self._collect_topics(topic_futures)
        if lost:
            name, error = sorted(lost.items())[0]
            raise _Lost(f"cannot describe topic {name}: {error}", where=self._where)
        configs: Mapping[str, TopicConfigs] = {}
        configs_error = acls_error = None
        try:
            configs = self._collect_configs(config_futures)
        except _Lost:
            raise
        except ProvisionError as error:
            configs_error = error
        acls: frozenset[AclSpec] = frozenset()
        if acl_future is not None:
            try:
                acls = self._collect_acls(acl_future)
            except _Lost:
                raise
            except ProvisionError as error:
                acls_error = error
        return Snapshot(topics, listing, configs, acls, configs_error, acls_error)

    # Single reads, for callers that need one thing.
    def list_topics(self) -> Mapping[str, TopicListing]:
        return self.read(ReadRequest(listing=True)).listing

    def describe_topics(self, names: Sequence[str]) -> TopicsRead:
        return self.read(ReadRequest(topics=tuple(names))).topics

    def describe_configs(self, topics: Sequence[str]) -> Mapping[str, TopicConfigs]:
        """Configs of the topics that exist (an unknown topic is left out)."""
        return self.read(ReadRequest(configs=tuple(topics))).configs

    def describe_acls(self) -> frozenset[AclSpec]:
        return self.read(ReadRequest(acls=True)).acls

    def _list_topics(self) -> Mapping[str, TopicListing]:
        try:
            metadata = self._admin.list_topics(timeout=self._timeout)
        except KafkaException as error:
            raise _Lost(f"cannot list topics: {self._describe(error)}",
                        where=self._where) from None
        listing: dict[str, TopicListing] = {}
        for name, topic in metadata.topics.items():
            if topic.error is not None:
                continue  # declared topics are described by name, where errors are kept
            partitions = topic.partitions.values()
            out_of_sync = {p.id: tuple(sorted(set(p.replicas) - set(p.isrs)))
                           for p in partitions if set(p.replicas) - set(p.isrs)}
            offline = tuple(sorted(p.id for p in partitions if p.leader < 0))
            rf = max((len(p.replicas) for p in partitions), default=0)
            listing[name] = TopicListing(name, len(topic.partitions), rf, out_of_sync, offline)
        return listing

    def _submit_topics(self, names: Sequence[str]) -> Mapping[str, Future[Any]]:
        try:
            futures: Mapping[str, Future[Any]] = self._admin.describe_topics(
                TopicCollection(list(names)), request_timeout=self._timeout)
        except (KafkaException, ValueError, TypeError) as error:
            raise ProvisionError(f"cannot describe topics: {self._describe(error)}",
                                 where=self._where) from None
        return futures

    def _collect_topics(self, futures: Mapping[str, Future[Any]]
                        ) -> tuple[TopicsRead, dict[str, str]]:
        found: dict[str, TopicListing] = {}
        missing: set[str] = set()
        denied: set[str] = set()
        unsettled: dict[str, str] = {}
        lost: dict[str, str] = {}
        for name, future in futures.items():
            try:
                found[name] = _listing(self._wait(future))
            except TimeoutError:
                lost[name] = f"no answer within {self._timeout:g}s"
            except KafkaException as error:
                kerr = _kafka_error(error)
                code = kerr.code() if kerr is not None else None
                if code == KafkaError.UNKNOWN_TOPIC_OR_PART:
                    missing.add(name)
                elif code == KafkaError.TOPIC_AUTHORIZATION_FAILED:
                    denied.add(name)
                elif code in _UNREACHABLE:
                    lost[name] = self._describe(error)
                else:
                    unsettled[name] = self._describe(error)
        return TopicsRead(found, frozenset(missing), frozenset(denied), unsettled), lost

    def _submit_configs(self, topics: Sequence[str]) -> list[tuple[Any, Future[Any]]]:
        # Chunked: one DescribeConfigs of thousands of topics is a multi-megabyte response
        # that must arrive within one request timeout. All chunks are submitted before any
        # is awaited, so they travel pipelined and a no-op plan stays as fast as one request.
        size = self._describe_chunk
        pending: list[tuple[Any, Future[Any]]] = []
        for start in range(0, len(topics), size):
            resources = [ConfigResource(ResourceType.TOPIC, name)
                         for name in topics[start:start + size]]
            try:
                futures = self._admin.describe_configs(resources,
                                                       request_timeout=self._timeout)
            except (KafkaException, ValueError, TypeError) as error:
                raise ProvisionError(
                    f"cannot read topic configs: {self._describe(error)}",
                    where=self._where) from None
            pending.extend(futures.items())
        return pending

    def _collect_configs(self, pending: Sequence[tuple[Any, Future[Any]]]
                         ) -> Mapping[str, TopicConfigs]:
        out: dict[str, TopicConfigs] = {}
        for resource, future in pending:
            try:
                entries = self._wait(future)
            except Exception as error:
                kerr = _kafka_error(error)
                code = kerr.code() if kerr is not None else None
                if code == KafkaError.UNKNOWN_TOPIC_OR_PART:
                    continue
                if code == KafkaError.TOPIC_AUTHORIZATION_FAILED:
                    raise ProvisionError(
                        f"not authorised to DESCRIBE_CONFIGS topic {resource.name} as "
                        f"{self._principal()}", where=self._where,
                        hint="grant it DESCRIBE_CONFIGS on the managed topics (evtctl "
                             "compares configs before it changes them)") from None
                failure = _Lost if code in _UNREACHABLE or kerr is None else ProvisionError
                raise failure(f"cannot read the configs of topic {resource.name}: "
                              f"{self._describe(error)}", where=self._where) from None
            out[resource.name] = _topic_configs(entries)
        return out

    def _submit_acls(self) -> Future[Any]:
        any_filter = AclBindingFilter(  # None matches any name, principal and host
            ResourceType.ANY, None, ResourcePatternType.ANY, None, None,  # type: ignore[arg-type]
            AclOperation.ANY, AclPermissionType.ANY,
        )
        future: Future[Any] = self._admin.describe_acls(any_filter,
                                                        request_timeout=self._timeout)
        return future

    def _collect_acls(self, future: Future[Any]) -> frozenset[AclSpec]:
        try:
            bindings = self._wait(future)
        except Exception as error:
            kerr = _kafka_error(error)
            if kerr is not None and kerr.code() == KafkaError.SECURITY_DISABLED:
                raise ProvisionError("the cluster has no authorizer, so it has no ACLs to "
                                     "manage", where=self._where,
                                     hint="drop --acls, or configure authorizer.class.name "
                                          "on the brokers") from None
            if kerr is not None and kerr.code() == KafkaError.CLUSTER_AUTHORIZATION_FAILED:
                raise ProvisionError(f"not authorised to DESCRIBE the cluster as "
                                     f"{self._principal()} (needed to read ACLs)",
                                     where=self._where) from None
            failure = _Lost if kerr is None or kerr.code() in _UNREACHABLE else ProvisionError
            raise failure(f"cannot read ACLs: {self._describe(error)}",
                          where=self._where) from None
        found: set[AclSpec] = set()
        reverse_resource = {v: k for k, v in _RESOURCE.items()}
        reverse_pattern = {v: k for k, v in _PATTERN.items()}
        reverse_permission = {v: k for k, v in _PERMISSION.items()}
        for b in bindings:
            kind = reverse_resource.get(b.restype)
            operation = _operation(b.operation)
            pattern = reverse_pattern.get(b.resource_pattern_type)
            permission = reverse_permission.get(b.permission_type)
            if kind is None or operation is None or pattern is None or permission is None:
                continue  # a resource type evtctl does not look at (delegation tokens …)
            found.add(AclSpec(kind, b.name, b.principal, operation, b.host, pattern,
                              permission))
        return frozenset(found)

    def fresh_view(self) -> ClusterReader:
        """A new AdminClient: new connections, nothing cached — what the next run sees."""
        return KafkaAdmin(self._config, self._timeout, describe_chunk=self._describe_chunk)

    # -- writing --------------------------------------------------------------------------
    def create_topics(self, topics: Sequence[NewTopicSpec]) -> Mapping[str, ItemError | None]:
        if not topics:
            return {}
        new = [
            NewTopic(t.name, num_partitions=t.partitions if t.partitions is not None else -1,
                     replication_factor=(t.replication_factor
                                         if t.replication_factor is not None else -1),
                     config=dict(t.config))
            for t in topics
        ]
        return self._collect(
            lambda: self._admin.create_topics(new, request_timeout=self._timeout,
                                              operation_timeout=self._timeout),
            lambda key: str(key), [t.name for t in topics])

    def create_partitions(self, counts: Mapping[str, int]) -> Mapping[str, ItemError | None]:
        if not counts:
            return {}
        new = [NewPartitions(name, count) for name, count in counts.items()]
        return self._collect(
            lambda: self._admin.create_partitions(new, request_timeout=self._timeout,
                                                  operation_timeout=self._timeout),
            lambda key: str(key), list(counts))

    def alter_configs(
        self, changes: Mapping[str, Mapping[str, str]]
    ) -> Mapping[str, ItemError | None]:
        if not changes:
            return {}
        resources = [
            ConfigResource(
                ResourceType.TOPIC, topic,
                incremental_configs=[
                    ConfigEntry(key, value, incremental_operation=AlterConfigOpType.SET)
                    for key, value in sorted(values.items())
                ],
            )
            for topic, values in changes.items()
        ]
        return self._collect(
            lambda: self._admin.incremental_alter_configs(resources,
                                                          request_timeout=self._timeout),
            lambda key: str(key.name), list(changes))  # key: ConfigResource

    def delete_topics(self, topics: Sequence[str]) -> Mapping[str, ItemError | None]:
        if not topics:
            return {}
        return self._collect(
            lambda: self._admin.delete_topics(list(topics), request_timeout=self._timeout,
                                              operation_timeout=self._timeout),
            lambda key: str(key), list(topics))

    def create_acls(self, acls: Sequence[AclSpec]) -> Mapping[AclSpec, ItemError | None]:
        if not acls:
            return {}
        by_binding = {self._binding(a): a for a in acls}
        return self._collect(
            lambda: self._admin.create_acls(list(by_binding), request_timeout=self._timeout),
            lambda key: by_binding[key], list(acls))

    def delete_acls(self, acls: Sequence[AclSpec]) -> Mapping[AclSpec, ItemError | None]:
        if not acls:
            return {}
        by_filter = {self._binding(a, as_filter=True): a for a in acls}
        return self._collect(
            lambda: self._admin.delete_acls(list(by_filter), request_timeout=self._timeout),
            lambda key: by_filter[key], list(acls))

    # -- helpers --------------------------------------------------------------------------
    def _binding(self, acl: AclSpec, *, as_filter: bool = False) -> Any:
        kind = AclBindingFilter if as_filter else AclBinding
        operation = getattr(AclOperation, acl.operation.name)
        return kind(_RESOURCE[acl.resource_type], acl.resource, _PATTERN[acl.pattern],
                    acl.principal, acl.host, operation, _PERMISSION[acl.permission])

    def _collect(self, submit: Callable[[], Mapping[R, Future[Any]]],
                 key_of: Callable[[R], K], keys: Sequence[K]) -> dict[K, ItemError | None]:
        try:
            futures = submit()
        except (KafkaException, ValueError, TypeError) as error:
            failure = self._item_error(error)
            return {key: failure for key in keys}
        results: dict[K, ItemError | None] = {}
        for raw_key, future in futures.items():
            key = key_of(raw_key)
            try:
                self._wait(future)
                results[key] = None
            except Exception as error:
                results[key] = self._item_error(error)
        for key in keys:
            results.setdefault(key, ItemError("no answer for this item", unreachable=True))
        return results

    def _principal(self) -> str:
        user = self._config.get("sasl.username")
        if user:
            return f"User:{user}"
        return "this client's principal"

    def _item_error(self, error: BaseException) -> ItemError:
        unreachable = isinstance(error, TimeoutError)
        kerr = _kafka_error(error)
        if kerr is not None:
            unreachable = kerr.code() in _UNREACHABLE
        return ItemError(self._describe(error), unreachable)

    def _describe(self, error: BaseException) -> str:
        kerr = _kafka_error(error)
        if kerr is not None:
            text = f"{kerr.name()}: {kerr.str()}"
        elif isinstance(error, TimeoutError):
            text = f"no answer within {self._timeout:g}s"
        else:
            text = str(error) or type(error).__name__
        return self._redact(text)

    def _redact(self, error: object) -> str:
        return redact_text(str(error), self._config)
