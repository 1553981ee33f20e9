"""Applied means visible: after a batch, read back what it changed through a fresh view.

Kafka's answer to CreateTopics, CreatePartitions, IncrementalAlterConfigs, DeleteTopics,
CreateAcls or DeleteAcls says the controller has committed the change to the metadata log.
Each broker then applies the committed records to its own metadata cache and authorizer,
and Metadata, DescribeConfigs and DescribeAcls are answered from there by whichever broker
a client asks. So "answered" is not yet "what the next client sees". evtctl reads each change
back through a new client (new connections, nothing cached) — partitions from Metadata,
configs from DescribeConfigs, ACLs from DescribeAcls — until every item shows, or a bound
runs out; an item that never shows is reported as not applied, with what the view showed.

The same read settles items whose request got no answer (a broker stopped mid-apply): if the
view shows the change, it was applied.

Pure: the view comes from a callable; clock and sleep are injectable for the unit tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from evtctl.provision.model import (
    AclSpec,
    Action,
    ActionKind,
    ClusterReader,
    ReadRequest,
    TopicConfigs,
    TopicsRead,
)
from evtctl.provision.plan import same_value

DEFAULT_VISIBILITY_TIMEOUT = 30.0
PER_ITEM = 0.1  # a broker publishes a large batch (250 new topics) in seconds when busy
_FIRST_DELAY = 0.02
_MAX_DELAY, _MAX_DELAY_PER_ITEM = 0.2, 0.002  # a view costs a connection and a few reads


def bound(timeout: float, items: int) -> float:
    """How long a batch of ``items`` may take to show: ``timeout``, or more for a big batch."""
    return max(timeout, PER_ITEM * items)
_TOPIC_READS = (ActionKind.CREATE_TOPIC, ActionKind.ADD_PARTITIONS, ActionKind.DELETE_TOPIC)
_ACL_READS = (ActionKind.CREATE_ACL, ActionKind.DELETE_ACL)


@dataclass(frozen=True, slots=True)
class Seen:
    """What one fresh view showed of the items asked about."""

    topics: TopicsRead
    configs: Mapping[str, TopicConfigs]
    acls: frozenset[AclSpec]


@dataclass
class Confirmation:
    """The outcome for each item (None: visible; else what the last view showed), and how
    many views were read (for the benchmark and the tests)."""

    outcome: dict[int, str | None]
    views: int = 0
    waited: float = 0.0


def confirm(items: Sequence[tuple[int, Action]], view: Callable[[], ClusterReader], *,
            timeout: float = DEFAULT_VISIBILITY_TIMEOUT,
            clock: Callable[[], float] = time.monotonic,
            sleep: Callable[[float], None] = time.sleep) -> Confirmation:
    """Read fresh views until every item shows or the bound runs out (``timeout``, or
    PER_ITEM seconds an item for a big batch). Raises
    ProvisionError when a view cannot be read at all (the cluster stopped answering)."""
    start = clock()
    deadline = start + bound(timeout, len(items))
    remaining = dict(items)
    result = Confirmation({})
    delay = _FIRST_DELAY
    max_delay = _MAX_DELAY + _MAX_DELAY_PER_ITEM * len(items)
    while remaining:
        seen = look(view(), remaining.values())
        result.views += 1
        for index, action in list(remaining.items()):
            why = not_visible(action, seen)
            result.outcome[index] = why
            if why is None:
                del remaining[index]
        if not remaining or clock() + delay > deadline:
            break
        sleep(delay)
        delay = min(delay * 2, max_delay)
    result.waited = clock() - start
    return result


def look(reader: ClusterReader, actions: Iterable[Action]) -> Seen:
    """One fresh view: only the reads these actions need."""
    actions = list(actions)
    topics = sorted({a.topic for a in actions if a.kind in _TOPIC_READS})
    configured = sorted({a.topic for a in actions if a.kind is ActionKind.ALTER_CONFIG
                         or (a.kind is ActionKind.CREATE_TOPIC and _create_config(a))})
    needs_acls = any(a.kind in _ACL_READS for a in actions)
    snapshot = reader.read(ReadRequest(topics=tuple(topics), configs=tuple(configured),
                                       acls=needs_acls))
    return Seen(snapshot.topics, snapshot.configs, snapshot.acls)


def _create_config(action: Action) -> dict[str, str]:
    return {k[len("config."):]: str(v) for k, v in action.details.items()
            if k.startswith("config.") and v is not None}


def _topic_state(name: str, seen: Seen) -> str | None:
    """Why the view does not show the topic, or None when it does."""
    if name in seen.topics.found:
        return None
    if name in seen.topics.denied:
        return "the view may not describe the topic"
    if name in seen.topics.unsettled:
        return f"the view shows the topic with an error ({seen.topics.unsettled[name]})"
    return "the view does not show the topic"


def _config_state(name: str, wanted: Mapping[str, str], seen: Seen) -> str | None:
    configs = seen.configs.get(name)
    if configs is None:
        return "the view has no configs for the topic"
    for key, value in sorted(wanted.items()):
        current = configs.set_on_topic.get(key)
        if current is None or not same_value(key, current, value):
            shown = "not set" if current is None else repr(current)
            return f"the view shows {key} {shown}"
    return None


def not_visible(action: Action, seen: Seen) -> str | None:
    """Why the view does not (yet) show the action's effect, or None when it does."""
    kind, name = action.kind, action.topic
    if kind is ActionKind.CREATE_TOPIC:
        missing = _topic_state(name, seen)
        if missing is not None:
            return missing
        wanted = action.details.get("partitions")
        shown = seen.topics.found[name].partitions
        if isinstance(wanted, int) and shown != wanted:
            return f"the view shows {shown} partitions"
        config = _create_config(action)
        return _config_state(name, config, seen) if config else None
    if kind is ActionKind.ADD_PARTITIONS:
        missing = _topic_state(name, seen)
        if missing is not None:
            return missing
        shown = seen.topics.found[name].partitions
        return None if shown == action.details["to"] else f"the view shows {shown} partitions"
    if kind is ActionKind.ALTER_CONFIG:
        key, new = str(action.details["key"]), str(action.details["new"])
        return _config_state(name, {key: new}, seen)
    if kind is ActionKind.DELETE_TOPIC:
        return None if name in seen.topics.missing else "the view still shows the topic"
    if kind is ActionKind.CREATE_ACL:
        return None if action.acl in seen.acls else "the view does not show the binding"
    if kind is ActionKind.DELETE_ACL:
        return None if action.acl not in seen.acls else "the view still shows the binding"
    return None  # refused kinds are never sent
