"""One provision run: manifests + config → desired state; cluster → observed state; plan;
and, when asked, apply. Talks to the user only through ``Ui`` (the command implements it),
and to Kafka only through a ``ClusterAdmin``.

Nothing is planned on partial knowledge (``guard``): manifests that fail to load, paths that
do not cover the project when deleting, reads the principal may not make, and deletions beyond
the environment's share all stop the run with exit 2 before any request that changes the
cluster.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from evtctl.provision.apply import NOT_ATTEMPTED, ApplyStats, Progress, apply_plan
from evtctl.provision.confirm import DEFAULT_VISIBILITY_TIMEOUT
from evtctl.provision.desired import desired_state
from evtctl.provision.guard import (
    DeleteLimit,
    check_coverage,
    check_delete_options,
    check_delete_share,
    managed_topic_count,
    refuse_failed_manifests,
)
from evtctl.provision.model import ClusterAdmin, DesiredState, Plan, ProvisionError, Status
from evtctl.provision.observe import observe
from evtctl.provision.plan import PlanOptions, plan
from evtctl.provision.render import render_json, render_text

if TYPE_CHECKING:
    from evtctl.manifest.loader import LoadResult

EXIT_OK, EXIT_DIFF, EXIT_USAGE = 0, 1, 2
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class ProvisionRequest:
    paths: tuple[Path, ...]
    bootstrap_server: str | None = None
    environment: str | None = None
    command_config: Path | None = None
    config_file: Path | None = None
    apply: bool = False
    yes: bool = False
    check: bool = False
    acls: bool = False
    allow_delete: int = 0  # how many times --allow-delete was given
    max_deletes: int | None = None
    allow_destructive: bool = False
    strict: bool = False  # or the environment's `strict: true`
    output_format: str = "text"
    timeout: float = DEFAULT_TIMEOUT  # connect budget, and each request's
    visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT


class Ui(Protocol):
    def show(self, lines: Sequence[str]) -> None:
        """Plan or result lines, to standard output (coloured on a terminal)."""

    def show_json(self, text: str) -> None: ...

    def note(self, text: str) -> None:
        """A remark on standard error."""

    def confirm(self, question: str) -> bool | None:
        """The user's answer, or None when nobody can answer (no terminal)."""

    def progress(self, total: int) -> AbstractContextManager[Progress | None]: ...


AdminFactory = Callable[[Mapping[str, str], float], ClusterAdmin]


def failed_manifests(loaded: LoadResult) -> list[str]:
    """What keeps the plan from seeing the whole organisation, as 'file:line:column: reason':
    each manifest that failed to load (near misses included), then every other loading
    problem of a manifest that did load. Any of them refuses the plan: an unknown key may be
    a misspelt ``topics`` whose entries the plan would then treat as undeclared."""
    if loaded.complete and not loaded.problems:
        return []
    failed = [f"{m.location.display_file()}:{m.location.line}:{m.location.column}: "
              f"{m.rule}: {m.reason}" for m in loaded.failed]
    failed_files = {m.location.file for m in loaded.failed}
    failed += [f"{f.location.display_file()}:{f.line}:{f.column}: {f.rule}: {f.message}"
               for f in loaded.findings if f.location.file not in failed_files]
    return failed


def load_desired(request: ProvisionRequest) -> DesiredState:
    from evtctl.config import ConfigError, load_config
    from evtctl.manifest.discovery import PathNotFound
    from evtctl.manifest.loader import load_organisation

    paths = request.paths or (Path("."),)
    try:
        config = load_config(request.config_file, paths)
    except ConfigError as error:
        raise ProvisionError(f"invalid config: {error}") from None
    except OSError as error:
        raise ProvisionError(f"cannot read the config: {error}") from None
    env = None
    if request.environment is not None:
        env = config.environments.get(request.environment)
        if env is None:
            known = ", ".join(sorted(config.environments)) or "none"
            where = config.path or "no evtctl.yaml found"
            raise ProvisionError(f"unknown environment {request.environment!r} "
                                 f"(environments in {where}: {known})", where="--env")
    if request.allow_delete:
        check_coverage(paths, config.root if config.path is not None else None, config.path)
    try:
        loaded = load_organisation(list(paths))
    except PathNotFound as error:
        raise ProvisionError(str(error)) from None
    refuse_failed_manifests(failed_manifests(loaded))
    if not loaded.org.services:
        raise ProvisionError("no service manifests found in "
                             + ", ".join(str(p) for p in paths))
    return desired_state(loaded.org, env, acls=request.acls)


def kafka_admin(config: Mapping[str, str], timeout: float) -> ClusterAdmin:
    from evtctl.provision.kafka import KafkaAdmin

    return KafkaAdmin(config, timeout)


def _check_request(request: ProvisionRequest) -> None:
    if request.apply and request.check:
        raise ProvisionError("--check and --apply cannot be combined", where="--check")
    if request.output_format not in ("text", "json"):
        raise ProvisionError(f"unknown format {request.output_format!r} (use text or json)",
                             where="--format")
    check_delete_options(DeleteLimit(request.allow_delete, request.max_deletes))


def provision(request: ProvisionRequest, ui: Ui,
              admin_factory: AdminFactory = kafka_admin,
              environ: Mapping[str, str] | None = None,
              stats: ApplyStats | None = None) -> int:
    """Run provision; returns the exit code. Raises ProvisionError for exit-2 failures."""
    from evtctl.provision.connection import client_config

    _check_request(request)
    settings = client_config(request.bootstrap_server, request.command_config,
                             os.environ if environ is None else environ)
    # The client starts connecting while the manifests load (a read, nothing changes);
    # a manifest that fails to load is still reported first.
    admin = admin_factory(settings, request.timeout)
    desired = load_desired(request)
    info = admin.describe_cluster()
    expected = desired.expected_cluster_id
    if expected is not None and info.cluster_id != expected:
        raise ProvisionError(
            f"cluster id mismatch: environment {desired.environment} expects {expected}, "
            f"but {settings['bootstrap.servers']} is cluster {info.cluster_id}; nothing was "
            "changed", where=f"kafka {settings['bootstrap.servers']}")
    strict = request.strict or desired.strict
    options = PlanOptions(allow_delete=bool(request.allow_delete),
                          allow_destructive=request.allow_destructive, strict=strict)
    observed = observe(admin, desired, info, full_listing=bool(request.allow_delete) or strict,
                       where=f"kafka {settings['bootstrap.servers']}")
    the_plan = plan(desired, observed, options)
    if request.allow_delete:
        limit = DeleteLimit(request.allow_delete, request.max_deletes,
                            desired.max_delete_percent)
        check_delete_share(the_plan,
                           managed_topic_count(observed, desired.managed_prefixes), limit)

    if not request.apply:
        _show(ui, request, the_plan, applied=False, environment=desired.environment)
        if request.check and not the_plan.in_sync:
            return EXIT_DIFF
        return EXIT_OK

    if request.output_format == "text":
        _show(ui, request, the_plan, applied=False, environment=desired.environment)
    if not the_plan.planned:
        if request.output_format == "json":
            _show(ui, request, the_plan, applied=True, environment=desired.environment)
        if the_plan.refused:
            ui.note("Nothing applied: every change in the plan is refused.")
        return EXIT_OK if the_plan.in_sync else EXIT_DIFF
    if not request.yes:
        answer = ui.confirm(f"Apply {len(the_plan.planned)} changes to cluster "
                            f"{info.cluster_id}?")
        if answer is None:
            raise ProvisionError("--apply asks for confirmation, but there is no terminal "
                                 "to ask on", where="--apply",
                                 hint="pass --yes to apply without asking")
        if not answer:
            ui.note("Apply cancelled: nothing was changed.")
            return EXIT_DIFF
    with ui.progress(len(the_plan.planned)) as progress:
        result = apply_plan(the_plan, admin, progress=progress,
                            visibility_timeout=request.visibility_timeout, stats=stats)
    _show(ui, request, result, applied=True, environment=desired.environment)
    unsent = sum(1 for a in result.actions
                 if a.status is Status.NOT_APPLIED and a.reason == NOT_ATTEMPTED)
    if unsent:
        ui.note(f"evtctl: error: kafka {settings['bootstrap.servers']}: Kafka stopped "
                f"answering during the apply; {unsent} changes were not sent")
        ui.note("hint: run evtctl provision again when the cluster is back: it plans only "
                "what is still missing")
    return EXIT_OK if result.succeeded else EXIT_DIFF


def _show(ui: Ui, request: ProvisionRequest, the_plan: Plan, *, applied: bool,
          environment: str | None) -> None:
    if request.output_format == "json":
        ui.show_json(render_json(the_plan, applied=applied))
    else:
        ui.show(render_text(the_plan, applied=applied, environment=environment))
