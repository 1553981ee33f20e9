"""One ``evtctl registry`` run: manifests + config → desired subjects; registry → observed
state; plan; the registry's verdicts beside it; and, when asked, apply. Talks to the user
only through ``Ui`` (the command implements it), to the registry only through a
:class:`SchemaRegistry`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from evtctl.registry.actions import Plan, Status
from evtctl.registry.apply import Progress, apply_plan
from evtctl.registry.desired import DesiredState
from evtctl.registry.model import RegistryError, RegistryUnavailable, RequestFailed, SchemaRegistry
from evtctl.registry.observe import RegistryState
from evtctl.registry.render import render_json, render_text

EXIT_OK, EXIT_DIFF, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class RegistryRequest:
    paths: tuple[Path, ...]
    url: str | None = None
    registry_config: Path | None = None
    config_file: Path | None = None
    apply: bool = False
    yes: bool = False
    check: bool = False
    allow_delete: bool = False
    hard_delete: bool = False
    output_format: str = "text"
    timeout: float = 30.0
    workers: int = 8


class Ui(Protocol):
    def show(self, lines: Sequence[str]) -> None: ...

    def show_json(self, text: str) -> None: ...

    def note(self, text: str) -> None: ...

    def confirm(self, question: str) -> bool | None: ...

    def progress(self, total: int) -> AbstractContextManager[Progress | None]: ...


RegistryFactory = Callable[[Mapping[str, str], float], SchemaRegistry]


def rest_registry(config: Mapping[str, str], timeout: float) -> SchemaRegistry:
    from evtctl.registry.rest import RestRegistry

    return RestRegistry(config, timeout)


def load_desired(paths: Sequence[Path], config_file: Path | None,
                 on_subject: Callable[[str], None] | None = None) -> DesiredState:
    """The desired subjects of the manifests below ``paths``. Raises RegistryError when the
    manifests or the config do not load (registering half an organisation is not safe)."""
    from evtctl.config import ConfigError, load_config
    from evtctl.manifest.discovery import PathNotFound
    from evtctl.manifest.loader import load_organisation
    from evtctl.registry.desired import desired_state

    paths = list(paths) or [Path(".")]
    try:
        config = load_config(config_file, paths)
    except ConfigError as error:
        raise RegistryError(f"invalid config: {error}") from None
    except OSError as error:
        raise RegistryError(f"cannot read the config: {error}") from None
    try:
        loaded = load_organisation(paths)
    except PathNotFound as error:
        raise RegistryError(str(error)) from None
    if loaded.has_errors:
        shown = [f"{f.location.display_file()}:{f.line}:{f.column}: {f.rule}: {f.message}"
                 for f in loaded.findings]
        more = f" (and {len(shown) - 5} more)" if len(shown) > 5 else ""
        raise RegistryError("the manifests do not load; fix them first (evtctl lint): "
                            + "; ".join(shown[:5]) + more)
    if not loaded.org.services:
        raise RegistryError("no service manifests found in " + ", ".join(str(p) for p in paths),
                            "manifests are YAML files with 'apiVersion: evtctl/v1'")
    return desired_state(loaded.org, config, on_subject)


def run_registry(request: RegistryRequest, ui: Ui,
                 registry_factory: RegistryFactory = rest_registry,
                 environ: Mapping[str, str] | None = None) -> int:
    """Run the command; returns the exit code. Raises RegistryError for exit-2 failures."""
    from evtctl.registry.connection import client_config

    if request.apply and request.check:
        raise RegistryError("--check and --apply cannot be combined")
    if request.hard_delete and not request.allow_delete:
        raise RegistryError("--hard-delete needs --allow-delete (a hard delete follows the "
                            "soft delete)")
    if request.output_format not in ("text", "json"):
        raise RegistryError(f"unknown format {request.output_format!r} (use text or json)")
    from evtctl.registry.observe import SubjectReader, observe

    settings = client_config(request.url, request.registry_config,
                             os.environ if environ is None else environ)
    registry = registry_factory(settings, request.timeout)
    # The registry is read while the manifests' schemas load: each subject as it is named.
    reader = SubjectReader(registry, request.workers)
    try:
        try:
            registry_first = reader.listing  # the first contact: is the registry usable?
            desired = load_desired(request.paths, request.config_file, reader.want)
            registry_first()
            state = observe(registry, desired, workers=request.workers,
                            deleted=request.hard_delete, reader=reader)
        except RequestFailed as error:
            raise _reading_failed(registry, error) from None
        finally:
            reader.close()
        return _run(request, ui, registry, desired, state)
    finally:
        registry.close()


def _run(request: RegistryRequest, ui: Ui, registry: SchemaRegistry,
         desired: DesiredState, state: RegistryState) -> int:
    from evtctl.registry.observe import with_lookups
    from evtctl.registry.plan import PlanOptions, plan_with_registry
    from evtctl.registry.verdicts import with_registry_verdicts

    options = PlanOptions(allow_delete=request.allow_delete, hard_delete=request.hard_delete)
    try:
        first, state = plan_with_registry(
            desired, state, options,
            lambda known, asked: with_lookups(registry, known, asked, request.workers))
    except RequestFailed as error:
        raise _reading_failed(registry, error) from None
    the_plan = with_registry_verdicts(first, registry, state, workers=request.workers)
    if not request.apply:
        _show(ui, request, the_plan, applied=False)
        if request.check:
            return EXIT_OK if the_plan.in_sync else EXIT_DIFF
        return EXIT_DIFF if (the_plan.findings or the_plan.refused) else EXIT_OK
    if request.output_format == "text":
        _show(ui, request, the_plan, applied=False)
    if not the_plan.planned:
        if request.output_format == "json":
            _show(ui, request, the_plan, applied=True)
        if the_plan.refused or the_plan.findings:
            ui.note("Nothing applied: nothing in the plan can be carried out as it is.")
        return EXIT_OK if the_plan.in_sync else EXIT_DIFF
    if not request.yes:
        answer = ui.confirm(f"Apply {len(the_plan.planned)} changes to the Schema Registry at "
                            f"{the_plan.registry}?")
        if answer is None:
            raise RegistryError("--apply asks for confirmation, but there is no terminal to ask "
                                "on; pass --yes to apply without asking")
        if not answer:
            ui.note("Apply cancelled: nothing was changed.")
            return EXIT_DIFF
    with ui.progress(len(the_plan.planned)) as progress:
        result = apply_plan(the_plan, registry, workers=request.workers, progress=progress)
    _show(ui, request, result, applied=True)
    unsent = sum(1 for a in result.actions if a.status is Status.NOT_APPLIED
                 and a.reason and "stopped answering" in a.reason)
    if unsent:
        ui.note(f"error: the registry stopped answering during the apply; {unsent} changes were "
                "not sent. Run evtctl registry again when it is back: it plans only what is "
                "still missing.")
    return EXIT_OK if result.succeeded else EXIT_DIFF


def _reading_failed(registry: SchemaRegistry, error: RequestFailed) -> RegistryError:
    if error.unreachable:
        return RegistryUnavailable(f"the Schema Registry at {registry.url} stopped answering "
                                   f"while it was read: {error.message}")
    if error.status in (401, 403):
        return RegistryUnavailable(
            f"the Schema Registry at {registry.url} refused a read (HTTP {error.status}): "
            f"{error.message}", "the credentials need read access to every managed subject")
    return RegistryError(f"reading the Schema Registry at {registry.url} failed (HTTP "
                         f"{error.status}): {error.message}")


def _show(ui: Ui, request: RegistryRequest, the_plan: Plan, *, applied: bool) -> None:
    if request.output_format == "json":
        ui.show_json(render_json(the_plan, applied=applied))
    else:
        ui.show(render_text(the_plan, applied=applied))
