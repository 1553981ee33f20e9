"""The only module of evtctl that imports confluent_kafka: a small AdminClient adapter.

Every call is bounded by ``timeout`` seconds; per-item failures come back as ``ItemError``
values (never exceptions), and whole-call failures as ``ProvisionError`` with secrets
redacted from the message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

from confluent_kafka import KafkaError, KafkaException
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

from evtctl.provision.connection import redact_text
from evtctl.provision.model import (
    AclSpec,
    ItemError,
    NewTopicSpec,
    Operation,
    ProvisionError,
    ResourceKind,
    TopicConfigs,
    TopicListing,
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
_RESOURCE = {ResourceKind.TOPIC: ResourceType.TOPIC, ResourceKind.GROUP: ResourceType.GROUP}
_OPERATION = {Operation.READ: AclOperation.READ, Operation.WRITE: AclOperation.WRITE}
DESCRIBE_CONFIGS_CHUNK = 250  # topics per DescribeConfigs request
_DYNAMIC_TOPIC_CONFIG = ConfigSource.DYNAMIC_TOPIC_CONFIG.value


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


class KafkaAdmin:
    """``ClusterAdmin`` on a real cluster, through confluent-kafka's AdminClient."""

    def __init__(self, config: Mapping[str, str], timeout: float = 30.0, *,
                 describe_chunk: int = DESCRIBE_CONFIGS_CHUNK) -> None:
        self._config = dict(config)
        self._timeout = timeout
        self._describe_chunk = max(1, describe_chunk)
        # log_level 0: errors reach the user through us, not librdkafka's log
        settings: dict[str, str | int | float | bool] = {"log_level": 0}
        settings.update(self._config)
        try:
            self._admin = AdminClient(settings)
        except (KafkaException, ValueError, TypeError) as error:
            raise ProvisionError(f"invalid client configuration: {self._redact(error)}") from None
        self._cluster: tuple[str, int] | None = None

    # -- reading --------------------------------------------------------------------------
    def cluster_id(self) -> str:
        return self._describe_cluster()[0]

    def broker_count(self) -> int:
        return self._describe_cluster()[1]

    def _describe_cluster(self) -> tuple[str, int]:
        if self._cluster is None:
            future = self._admin.describe_cluster(request_timeout=self._timeout)
            try:
                described = future.result(timeout=self._timeout + 5)
            except Exception as error:
                servers = self._config.get("bootstrap.servers", "?")
                raise ProvisionError(
                    f"cannot connect to Kafka at {servers}: {self._describe(error)}"
                ) from None
            self._cluster = (str(described.cluster_id), len(described.nodes))
        return self._cluster

    def list_topics(self) -> Mapping[str, TopicListing]:
        try:
            metadata = self._admin.list_topics(timeout=self._timeout)
        except KafkaException as error:
            raise ProvisionError(f"cannot list topics: {self._describe(error)}") from None
        listing: dict[str, TopicListing] = {}
        for name, topic in metadata.topics.items():
            if topic.error is not None:
                continue
            partitions = topic.partitions
            rf = max((len(p.replicas) for p in partitions.values()), default=0)
            listing[name] = TopicListing(name, len(partitions), rf)
        return listing

    def describe_configs(self, topics: Sequence[str]) -> Mapping[str, TopicConfigs]:
        if not topics:
            return {}
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
                    f"cannot read topic configs: {self._describe(error)}") from None
            pending.extend(futures.items())
        out: dict[str, TopicConfigs] = {}
        for resource, future in pending:
            try:
                entries = future.result(timeout=self._timeout + 5)
            except Exception as error:
                raise ProvisionError(
                    f"cannot read the configs of topic {resource.name}: {self._describe(error)}"
                ) from None
            out[resource.name] = _topic_configs(entries)
        return out

    def describe_acls(self) -> frozenset[AclSpec]:
        any_filter = AclBindingFilter(  # None matches any name, principal and host
            ResourceType.ANY, None, ResourcePatternType.ANY, None, None,  # type: ignore[arg-type]
            AclOperation.ANY, AclPermissionType.ANY,
        )
        try:
            bindings = self._admin.describe_acls(
                any_filter, request_timeout=self._timeout).result(timeout=self._timeout + 5)
        except Exception as error:
            raise ProvisionError(f"cannot read ACLs: {self._describe(error)}") from None
        found: set[AclSpec] = set()
        reverse_resource = {v: k for k, v in _RESOURCE.items()}
        reverse_operation = {v: k for k, v in _OPERATION.items()}
        for b in bindings:
            kind = reverse_resource.get(b.restype)
            operation = reverse_operation.get(b.operation)
            if (kind is None or operation is None
                    or b.resource_pattern_type != ResourcePatternType.LITERAL
                    or b.permission_type != AclPermissionType.ALLOW):
                continue  # not a shape evtctl manages
            found.add(AclSpec(kind, b.name, b.principal, operation, b.host))
        return frozenset(found)

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
        return kind(_RESOURCE[acl.resource_type], acl.resource, ResourcePatternType.LITERAL,
                    acl.principal, acl.host, _OPERATION[acl.operation],
                    AclPermissionType.ALLOW)

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
                future.result(timeout=self._timeout + 5)
                results[key] = None
            except Exception as error:
                results[key] = self._item_error(error)
        for key in keys:
            results.setdefault(key, ItemError("no answer for this item", unreachable=True))
        return results

    def _item_error(self, error: BaseException) -> ItemError:
        unreachable = isinstance(error, TimeoutError)
        if isinstance(error, KafkaException) and error.args and isinstance(error.args[0],
                                                                          KafkaError):
            unreachable = error.args[0].code() in _UNREACHABLE
        return ItemError(self._describe(error), unreachable)

    def _describe(self, error: BaseException) -> str:
        if isinstance(error, KafkaException) and error.args and isinstance(error.args[0],
                                                                          KafkaError):
            kerr = error.args[0]
            text = f"{kerr.name()}: {kerr.str()}"
        elif isinstance(error, TimeoutError):
            text = f"no answer within {self._timeout:.0f}s"
        else:
            text = str(error) or type(error).__name__
        return self._redact(text)

    def _redact(self, error: object) -> str:
        return redact_text(str(error), self._config)
