"""Desired state: the manifests' topics with an environment's defaults filled in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from evtctl.manifest.model import Organisation
from evtctl.provision.acls import derive_acls, principal_for
from evtctl.provision.model import DesiredState, DesiredTopic

DEFAULT_PRINCIPAL = "User:{service}"


class EnvironmentDefaults(Protocol):
    """What provisioning reads from an environment of the project config."""

    @property
    def name(self) -> str: ...
    @property
    def cluster_id(self) -> str | None: ...
    @property
    def partitions(self) -> int | None: ...
    @property
    def replication_factor(self) -> int | None: ...
    @property
    def config(self) -> Mapping[str, str]: ...
    @property
    def principal(self) -> str: ...
    @property
    def managed_prefixes(self) -> tuple[str, ...]: ...
    @property
    def strict(self) -> bool: ...
    @property
    def max_delete_percent(self) -> float: ...


def desired_state(org: Organisation, env: EnvironmentDefaults | None, *,
                  acls: bool) -> DesiredState:
    """Without an environment there are no defaults: what a manifest does not state is
    neither set on create (beyond the broker's defaults) nor compared."""
    topics: list[DesiredTopic] = []
    seen: set[str] = set()
    for service, topic in org.topics():
        if topic.name in seen:
            continue  # declared twice: a lint error; the first declaration wins here
        seen.add(topic.name)
        config = {str(k): str(v) for k, v in (env.config if env else {}).items()}
        config.update({str(k): str(v) for k, v in topic.config.items()})
        topics.append(DesiredTopic(
            name=topic.name,
            partitions=topic.partitions if topic.partitions is not None
            else (env.partitions if env else None),
            replication_factor=topic.replication_factor if topic.replication_factor is not None
            else (env.replication_factor if env else None),
            config=config,
            owner=service.id,
        ))
    managed = tuple(env.managed_prefixes) if env else ()
    companies = sorted({f"{s.company}." for s in org.services})
    org_prefixes = tuple(dict.fromkeys([*managed, *companies]))
    template = env.principal if env else DEFAULT_PRINCIPAL
    bindings = None
    principals: frozenset[str] = frozenset()
    warnings: list[str] = []
    if acls:
        bindings, warnings = derive_acls(org, template)
        principals = frozenset(principal_for(s, template) for s in org.services)
    return DesiredState(
        topics=tuple(topics),
        managed_prefixes=managed,
        org_prefixes=org_prefixes,
        acls=bindings,
        acl_principals=principals,
        expected_cluster_id=env.cluster_id if env else None,
        environment=env.name if env else None,
        warnings=tuple(warnings),
        strict=env.strict if env else False,
        max_delete_percent=env.max_delete_percent if env else 10.0,
    )
