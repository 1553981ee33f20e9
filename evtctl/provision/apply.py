"""Carrying out a plan: batched admin requests, one result per action, each confirmed.

Actions run kind by kind (creates, partitions, configs, deletes, then ACLs), each kind in
batches. After each batch the changes are read back through a fresh view (``confirm``):
an action is ``applied`` only once the view shows it; one the cluster answered but that never
shows within the bound is ``not-applied``, with what the view showed.

When the cluster stops answering, the apply stops: actions whose request got no answer are
``failed`` unless the fresh view shows them (they may or may not have taken effect; the next
plan tells), and the ones never sent are ``not-applied``. Refused actions are left as they
are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from evtctl.provision.confirm import DEFAULT_VISIBILITY_TIMEOUT, bound, confirm
from evtctl.provision.model import (
    AclSpec,
    Action,
    ActionKind,
    ClusterAdmin,
    ClusterReader,
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
NO_ANSWER = "no answer: it may or may not have taken effect; plan again to see"


@dataclass
class ApplyStats:
    """What confirming cost: fresh views read, seconds spent waiting for visibility."""

    views: int = 0
    waited: float = 0.0
    late: int = 0  # batches whose first view did not show everything yet


@dataclass
class _Run:
    admin: ClusterAdmin
    results: dict[int, Action]
    total: int
    progress: Progress | None
    visibility_timeout: float
    stats: ApplyStats = field(default_factory=ApplyStats)
    done: int = 0
    stopped: bool = False
    # items answered (error None) or unanswered (error unreachable), to confirm
    answered: list[tuple[int, Action, ItemError | None]] = field(default_factory=list)
    reader: ClusterReader | None = None
    reader_used: bool = False

    def record(self, index: int, action: Action, error: ItemError | None) -> None:
        if error is None or error.unreachable:
            self.answered.append((index, action, error))
            if error is not None:
                self.stopped = True
            return
        self.results[index] = action.with_status(Status.FAILED, error.message)

    def view(self) -> ClusterReader:
        """The apply's reader for a batch's first look (a new client, made when the apply
        started, so its connection is ready); a new one for every further look, in case the
        broker it asks is the one behind."""
        if self.reader is None or self.reader_used:
            self.reader = self.admin.fresh_view()
        self.reader_used = True
        return self.reader

    def fresh_batch(self) -> None:
        self.reader_used = False

    def confirm_batch(self) -> None:
        items, self.answered = self.answered, []
        if not items:
            return
        try:
            checked = confirm([(i, a) for i, a, _ in items], self.view,
                              timeout=self.visibility_timeout)
        except ProvisionError as error:
            for index, action, failure in items:
                reason = (f"{failure.message} ({NO_ANSWER})" if failure is not None else
                          f"answered as done, but a fresh view could not be read to confirm "
                          f"it ({error}); plan again to see")
                self.results[index] = action.with_status(Status.FAILED, reason)
            self.stopped = True
            return
        self.stats.views += checked.views
        self.stats.waited += checked.waited
        self.stats.late += checked.views > 1
        for index, action, failure in items:
            why = checked.outcome.get(index)
            if why is None:
                self.results[index] = action.with_status(
                    Status.APPLIED, None if failure is None else
                    f"the answer was lost ({failure.message}), but a fresh view shows it")
            elif failure is None:
                waited = bound(self.visibility_timeout, len(items))
                self.results[index] = action.with_status(
                    Status.NOT_APPLIED,
                    f"Kafka answered that it was done, but after {waited:g}s {why}")
            else:
                self.results[index] = action.with_status(
                    Status.FAILED, f"{failure.message} ({NO_ANSWER}; {why})")

    def advance(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)


def apply_plan(plan: Plan, admin: ClusterAdmin, *, batch_size: int | None = None,
               progress: Progress | None = None,
               visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT,
               stats: ApplyStats | None = None) -> Plan:
    """Carry out the planned actions; the returned plan holds every action's outcome."""
    batch_size = batch_size or DEFAULT_BATCH_SIZE
    todo = [(i, a) for i, a in enumerate(plan.actions) if a.status is Status.PLANNED]
    run = _Run(admin, {}, len(todo), progress, visibility_timeout,
               stats if stats is not None else ApplyStats())
    if todo:
        run.reader = admin.fresh_view()  # connects while the first batch is sent
    for kind in _ORDER:
        items = [(i, a) for i, a in todo if a.kind is kind]
        for batch in _batches(items, kind, batch_size):
            if run.stopped:
                for index, action in batch:
                    run.results[index] = action.with_status(Status.NOT_APPLIED, NOT_ATTEMPTED)
                continue
            _EXECUTORS[kind](run, batch)
            run.fresh_batch()
            run.confirm_batch()
            run.advance(len(batch))
    actions = tuple(run.results.get(i, a) for i, a in enumerate(plan.actions))
    return Plan(plan.cluster_id, actions, plan.warnings)


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
