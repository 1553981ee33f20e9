"""Carrying a plan out.

Subjects are applied stage by stage — referenced documents first, deepest first, then the
contracts' subjects, then deletions of unknown subjects — and the subjects of one stage in
parallel. Within a subject the actions run in plan order (compatibility level, then the
versions in order, then deletes), each only if the one before it succeeded: a version is
never registered after an earlier one failed, and a version whose reference did not get
registered is not sent. When the registry stops answering, nothing more is sent.

A registration is checked against the number the plan expected: from the registry's answer
when it gives one, else by reading the subject's last version back once the subject is done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from evtctl.registry.actions import Action, ActionKind, Plan, Status
from evtctl.registry.model import Payload, RequestFailed, SchemaRegistry
from evtctl.registry.observe import DEFAULT_WORKERS, parallel

Progress = Callable[[int, int], None]


def apply_plan(plan: Plan, registry: SchemaRegistry, *, workers: int = DEFAULT_WORKERS,
               progress: Progress | None = None) -> Plan:
    run = _Run(plan, registry, progress)
    stages = {line.name: line.stage for line in plan.subjects}
    by_stage: dict[int, list[str]] = {}
    for action in plan.planned:
        subjects = by_stage.setdefault(stages.get(action.subject, 1), [])
        if action.subject not in subjects:
            subjects.append(action.subject)
    for stage in sorted(by_stage):
        parallel(run.subject, by_stage[stage], workers)
    deprecated = tuple(replace(d, registered=d.registered or (d.subject, d.version)
                               in run.registered) for d in plan.deprecated)
    return replace(plan, actions=tuple(run.results.get(i, a) for i, a in enumerate(plan.actions)),
                   deprecated=deprecated)


class _Run:
    def __init__(self, plan: Plan, registry: SchemaRegistry, progress: Progress | None) -> None:
        self.plan = plan
        self.registry = registry
        self.progress = progress
        self.total = len(plan.planned)
        self.done = 0
        self.lock = threading.Lock()
        self.stopped = threading.Event()  # the registry stopped answering
        self.results: dict[int, Action] = {}
        self.registered: set[tuple[str, int]] = set()  # versions this run registered
        self.sent: set[tuple[str, int]] = set()  # versions this run planned to register
        self.by_subject: dict[str, list[int]] = {}
        for index, action in enumerate(plan.actions):
            if action.status is Status.PLANNED:
                self.by_subject.setdefault(action.subject, []).append(index)
                if action.kind is ActionKind.REGISTER and action.version is not None:
                    self.sent.add((action.subject, action.version))

    def subject(self, name: str) -> None:
        broken: str | None = None
        last: tuple[int, int, int] | None = None  # (action index, version, schema id)
        for index in self.by_subject[name]:
            action = self.plan.actions[index]
            if self.stopped.is_set():
                self._finish(index, action.with_status(
                    Status.NOT_APPLIED, "the registry stopped answering; not sent"))
                continue
            if broken is not None:
                self._finish(index, action.with_status(Status.NOT_APPLIED, broken))
                continue
            waiting = self._waiting_for(action)
            if waiting is not None:
                broken = f"not sent: its reference {waiting} was not registered"
                self._finish(index, action.with_status(Status.NOT_APPLIED, broken))
                continue
            try:
                outcome = self._do(action)
            except RequestFailed as error:
                if error.unreachable:
                    self.stopped.set()
                reason = _reason(action, error)
                self._finish(index, action.with_status(Status.FAILED, reason))
                broken = f"not sent: an earlier step for {name} failed"
                continue
            if action.kind is ActionKind.REGISTER and action.version is not None:
                schema_id, number = outcome
                if number is not None and number != action.version:
                    self._finish(index, action.with_status(
                        Status.FAILED, f"the registry numbered it v{number}, not "
                                       f"v{action.version} (something else registered in "
                                       "this subject meanwhile?)"))
                    broken = f"not sent: an earlier step for {name} failed"
                    continue
                last = (index, action.version, schema_id) if number is None else None
                with self.lock:
                    self.registered.add((action.subject, action.version))
            self._finish(index, action.with_status(Status.APPLIED))
        if last is not None and not self.stopped.is_set():
            self._verify(name, *last)

    def _do(self, action: Action) -> tuple[int, int | None]:
        registry = self.registry
        if action.kind is ActionKind.REGISTER:
            assert action.form is not None
            payload = Payload(action.form.schema_type, action.form.text, action.references)
            return registry.register(action.subject, payload)
        if action.kind is ActionKind.SET_COMPATIBILITY:
            registry.set_compatibility(action.subject, str(action.details["to"]))
        elif action.kind is ActionKind.DELETE_VERSION:
            assert action.version is not None
            registry.delete_version(action.subject, action.version, permanent=action.permanent)
        else:
            registry.delete_subject(action.subject, permanent=action.permanent)
        return (0, None)

    def _waiting_for(self, action: Action) -> str | None:
        """The reference this registration needs that this run failed to register."""
        for ref in action.references:
            key = (ref.subject, ref.version)
            if key in self.sent and key not in self.registered:
                return f"{ref.subject} v{ref.version}"
        return None

    def _verify(self, subject: str, index: int, version: int, schema_id: int) -> None:
        """The registry did not say which number it gave the last version: read it back."""
        problem: str | None = None
        try:
            found = self.registry.version(subject, version)
        except RequestFailed as error:
            problem = f"registered, but reading v{version} back failed: {error.message}"
        else:
            if found.id != schema_id:
                problem = (f"registered as schema id {schema_id}, but the subject's v{version} "
                           f"is id {found.id}: the registry numbered it differently")
        if problem is not None:
            with self.lock:
                self.results[index] = self.results[index].with_status(Status.FAILED, problem)
                self.registered.discard((subject, version))

    def _finish(self, index: int, action: Action) -> None:
        with self.lock:
            self.results[index] = action
            if self.plan.actions[index].status is Status.PLANNED:
                self.done += 1
                if self.progress is not None:
                    self.progress(self.done, self.total)


def _reason(action: Action, error: RequestFailed) -> str:
    if error.unreachable:
        return f"no answer from the registry ({error.message}); it may or may not have taken effect"
    if action.kind is ActionKind.REGISTER and error.status == 409:
        return (f"the registry refused it as incompatible: {error.message} (evtctl's own check "
                "accepted it; the registry applies its own rules — see docs/registry.md)")
    status = f"HTTP {error.status}" if error.status else "an error"
    return f"the registry answered {status}: {error.message}"
