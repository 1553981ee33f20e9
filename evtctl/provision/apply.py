"""Carrying out a plan: batched admin requests, one result per action.

Actions run kind by kind (creates, partitions, configs, deletes, then ACLs), each kind in
batches. When the cluster stops answering, the apply stops: actions whose request got no
answer are ``failed`` (they may or may not have taken effect; the next plan tells), and the
ones never sent are ``not-applied``. Refused actions are left as they are.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from evtctl.provision.model import (
    AclSpec,
    Action,
    ActionKind,
    ClusterAdmin,
    ItemError,
    NewTopicSpec,
    Plan,
    ProvisionError,
    Status,
)

DEFAULT_BATCH_SIZE = 250
Progress = Callable[[int, int], None]  # (actions done, actions to do)
_ORDER = (
    ActionKind.CREATE_TOPIC,
    ActionKind.ADD_PARTITIONS,
    ActionKind.ALTER_CONFIG,
    ActionKind.DELETE_TOPIC,
    ActionKind.CREATE_ACL,
    ActionKind.DELETE_ACL,
)
NOT_ATTEMPTED = "not attempted: the cluster stopped answering earlier in this apply"


@dataclass
class _Run:
    admin: ClusterAdmin
    results: dict[int, Action]
    total: int
    progress: Progress | None
    done: int = 0
    stopped: bool = False

    def record(self, index: int, action: Action, error: ItemError | None) -> None:
        if error is None:
            self.results[index] = action.with_status(Status.APPLIED)
            return
        reason = error.message
        if error.unreachable:
            self.stopped = True
            reason += " (no answer: it may or may not have taken effect; plan again to see)"
        self.results[index] = action.with_status(Status.FAILED, reason)

    def advance(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)


def apply_plan(plan: Plan, admin: ClusterAdmin, *, batch_size: int | None = None,
               progress: Progress | None = None, visibility_timeout: float = 30.0) -> Plan:
    """Carry out the planned actions; the returned plan holds every action's outcome."""
    batch_size = batch_size or DEFAULT_BATCH_SIZE
    todo = [(i, a) for i, a in enumerate(plan.actions) if a.status is Status.PLANNED]
    run = _Run(admin, {}, len(todo), progress)
    for kind in _ORDER:
        items = [(i, a) for i, a in todo if a.kind is kind]
        for batch in _batches(items, kind, batch_size):
            if run.stopped:
                for index, action in batch:
                    run.results[index] = action.with_status(Status.NOT_APPLIED, NOT_ATTEMPTED)
                continue
            _EXECUTORS[kind](run, batch)
            run.advance(len(batch))
        if kind is ActionKind.CREATE_TOPIC and not run.stopped:
            created = {a.topic for i, a in items if run.results[i].status is Status.APPLIED}
            _await_visible(admin, created, visibility_timeout)
    actions = tuple(run.results.get(i, a) for i, a in enumerate(plan.actions))
    return Plan(plan.cluster_id, actions, plan.warnings)


def _await_visible(admin: ClusterAdmin, topics: set[str], timeout: float) -> None:
    """Wait (bounded) until the brokers' metadata shows the created topics: KRaft answers
    CreateTopics once the controller has committed them, and brokers learn of them a moment
    later. Without this, a plan right after an apply could plan the same creates again."""
    deadline = time.monotonic() + timeout
    while topics and time.monotonic() < deadline:
        try:
            missing = topics - set(admin.list_topics())
        except ProvisionError:
            return  # reading failed: the next plan will tell
        if not missing:
            return
        topics = missing
        time.sleep(0.25)


def _batches(items: list[tuple[int, Action]], kind: ActionKind,
             size: int) -> Iterable[list[tuple[int, Action]]]:
    if kind is ActionKind.ALTER_CONFIG:
        # One resource per topic; keep all of a topic's keys in the same request.
        by_topic: dict[str, list[tuple[int, Action]]] = {}
        for item in items:
            by_topic.setdefault(item[1].topic, []).append(item)
        groups = list(by_topic.values())
        for start in range(0, len(groups), size):
            yield [item for group in groups[start:start + size] for item in group]
        return
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _new_topic(action: Action) -> NewTopicSpec:
    details = action.details
    partitions = details.get("partitions")
    rf = details.get("replication_factor")
    config = {k[len("config."):]: str(v) for k, v in details.items()
              if k.startswith("config.") and v is not None}
    return NewTopicSpec(action.topic, partitions if isinstance(partitions, int) else None,
                        rf if isinstance(rf, int) else None, config)


def _by_topic(run: _Run, batch: Sequence[tuple[int, Action]],
              results: Mapping[str, ItemError | None]) -> None:
    for index, action in batch:
        run.record(index, action, results.get(action.topic))


def _by_acl(run: _Run, batch: Sequence[tuple[int, Action]],
            results: Mapping[AclSpec, ItemError | None]) -> None:
    for index, action in batch:
        assert action.acl is not None
        run.record(index, action, results.get(action.acl))


def _create_topics(run: _Run, batch: Sequence[tuple[int, Action]]) -> None:
    _by_topic(run, batch, run.admin.create_topics([_new_topic(a) for _, a in batch]))


def _add_partitions(run: _Run, batch: Sequence[tuple[int, Action]]) -> None:
    counts = {a.topic: int(str(a.details["to"])) for _, a in batch}
    _by_topic(run, batch, run.admin.create_partitions(counts))


def _alter_configs(run: _Run, batch: Sequence[tuple[int, Action]]) -> None:
    changes: dict[str, dict[str, str]] = {}
    for _, action in batch:
        changes.setdefault(action.topic, {})[str(action.details["key"])] = \
            str(action.details["new"])
    _by_topic(run, batch, run.admin.alter_configs(changes))


def _delete_topics(run: _Run, batch: Sequence[tuple[int, Action]]) -> None:
    _by_topic(run, batch, run.admin.delete_topics([a.topic for _, a in batch]))


def _create_acls(run: _Run, batch: Sequence[tuple[int, Action]]) -> None:
    _by_acl(run, batch, run.admin.create_acls([a.acl for _, a in batch if a.acl is not None]))


def _delete_acls(run: _Run, batch: Sequence[tuple[int, Action]]) -> None:
    _by_acl(run, batch, run.admin.delete_acls([a.acl for _, a in batch if a.acl is not None]))


_EXECUTORS: dict[ActionKind, Callable[[_Run, Sequence[tuple[int, Action]]], None]] = {
    ActionKind.CREATE_TOPIC: _create_topics,
    ActionKind.ADD_PARTITIONS: _add_partitions,
    ActionKind.ALTER_CONFIG: _alter_configs,
    ActionKind.DELETE_TOPIC: _delete_topics,
    ActionKind.CREATE_ACL: _create_acls,
    ActionKind.DELETE_ACL: _delete_acls,
}
