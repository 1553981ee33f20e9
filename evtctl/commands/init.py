"""`evtctl init`: scaffold a service manifest (and the project config if there is none).

The scaffold lints clean as it is: one events topic named after the service, with the
other sections present as commented examples. Existing files are never overwritten.
Missing names are asked for on a terminal; without one they must be given as options.
When the project's ``evtctl.yaml`` lists companies or namespaces and not the new one, init
adds it there (asking first on a terminal; ``--no-config-update`` leaves the file alone and
says what lint will report), so that the new manifest really lints clean.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import typer

SEGMENT = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class InitRequest:
    company: str
    namespace: str
    service: str
    owner: str | None
    directory: Path


@dataclass(frozen=True)
class Created:
    manifest: Path
    config: Path | None  # None when a config already covers the directory
    note: str | None = None  # something the user should fix in the existing config
    existing: Path | None = None  # the config that already covered the directory
    # (list key, value) the existing config must list for the manifest to lint clean
    missing: tuple[tuple[str, str], ...] = ()


class InitError(Exception):
    """The scaffold cannot be written (bad name, file exists, unwritable folder)."""


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init_command(
        company: str | None = typer.Option(None, "--company",
                                           help="Company segment, e.g. arcadia."),
        namespace: str | None = typer.Option(None, "--namespace",
                                             help="Namespace segment, e.g. identity."),
        service: str | None = typer.Option(None, "--service",
                                           help="Service name, e.g. personaservice."),
        owner: str | None = typer.Option(None, "--owner", help="Team that reviews changes."),
        directory: Path = typer.Option(Path("."), "--dir",
                                       help="Folder for the manifest (default: .)."),
        config_update: bool = typer.Option(
            True, "--config-update/--no-config-update",
            help="Add a new company or namespace to the project's evtctl.yaml when it lists "
                 "them (asks first on a terminal)."),
    ) -> None:
        """Scaffold a service manifest that lints clean, plus evtctl.yaml if none exists.

        Refuses to overwrite existing files. Asks for missing names on a terminal.
        """
        raise typer.Exit(run(company, namespace, service, owner, directory, config_update))


def run(company: str | None, namespace: str | None, service: str | None, owner: str | None,
        directory: Path, config_update: bool = True) -> int:
    from evtctl.cli_errors import fail, note

    interactive = _interactive()
    values: dict[str, str] = {}
    for label, value in (("company", company), ("namespace", namespace), ("service", service)):
        if value is None:
            if not interactive:
                return fail(f"--{label} is required (no terminal to ask on)", where="init",
                            hint=f"give it as --{label} NAME")
            value = typer.prompt(label.capitalize())
        values[label] = value.strip()
    if owner is None and interactive:
        owner = typer.prompt("Owner (team, optional)", default="", show_default=False) or None
    request = InitRequest(values["company"], values["namespace"], values["service"],
                          owner.strip() if owner else None, directory)
    try:
        created = scaffold(request)
    except InitError as exc:
        return fail(str(exc), where="init")
    from evtctl.findings import display_path

    sys.stdout.write(f"created {display_path(created.manifest)}\n")
    if created.config is not None:
        sys.stdout.write(f"created {display_path(created.config)}\n")
    if created.note is not None:
        note(created.note)
    _allow(created, config_update, interactive)
    sys.stdout.write(f"next: evtctl lint {display_path(created.manifest)}\n")
    return 0


def _interactive() -> bool:
    """Whether names can be asked for (standard input is a terminal)."""
    return sys.stdin.isatty()


def scaffold(request: InitRequest) -> Created:
    """Write the manifest (and config); raises InitError, never overwrites."""
    for label, value in (("company", request.company), ("namespace", request.namespace),
                         ("service", request.service)):
        if not SEGMENT.match(value):
            raise InitError(f"{label} {value!r} cannot be a topic name segment; use letters, "
                            "digits, '_' and '-'")
    if request.owner is not None and ("\n" in request.owner or not request.owner.strip()):
        raise InitError("--owner must be one line of text")
    from evtctl.config import find_config

    directory = request.directory
    manifest = directory / f"{request.service}.yaml"
    config_dir = _config_dir(directory)
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    found = find_config([existing])
    config = None if found is not None else config_dir / "evtctl.yaml"
    for path in (manifest, config):
        if path is not None and path.exists():
            raise InitError(f"{path} already exists; not overwriting it")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _create(manifest, manifest_text(request))
        if config is not None:
            _create(config, config_text(request))
    except OSError as exc:
        raise InitError(f"cannot write {exc.filename}: {exc.strerror or exc}") from None
    note, missing = _not_allowed(request, found)
    return Created(manifest, config, note, found, missing)


def _not_allowed(request: InitRequest,
                 found: Path | None) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """(a note when the existing config is invalid, the names it must list but does not)."""
    if found is None:
        return None, ()
    from evtctl.config import ConfigError, parse_config

    try:
        config = parse_config(found)
    except ConfigError as exc:
        return f"the project config is invalid: {exc}", ()
    missing = tuple((key, value) for key, value, allowed in (
        ("companies", request.company, config.companies),
        ("namespaces", request.namespace, config.namespaces)) if allowed and value not in allowed)
    return None, missing


def _allow(created: Created, update: bool, interactive: bool) -> None:
    """Add the names the existing config lacks (asking on a terminal), or say what to do."""
    from evtctl.cli_errors import note
    from evtctl.config_edit import ConfigEditError, add_to_list
    from evtctl.findings import display_path

    if created.existing is None:
        return
    where = display_path(created.existing)
    for key, value in created.missing:
        label = "company" if key == "companies" else "namespace"
        agreed = update and (not interactive or typer.confirm(
            f"{where} does not list {label} {value!r}; add it to {key}?", default=True))
        if agreed:
            try:
                add_to_list(created.existing, key, value)
            except ConfigEditError as exc:
                note(f"could not add {label} {value!r} to {where}: {exc}; add it by hand, "
                     "or lint reports EVT106 unknown-company-namespace")
                continue
            sys.stdout.write(f"updated {where}: added {label} {value!r} to {key}\n")
        else:
            note(f"{where} does not list {label} {value!r}; add it to {key} there, or lint "
                 "reports EVT106 unknown-company-namespace")


def _create(path: Path, text: str) -> None:
    with path.open("x", encoding="utf-8") as stream:  # 'x': fail rather than overwrite
        stream.write(text)


def _config_dir(directory: Path) -> Path:
    """The project root for a new config: the current folder when it holds ``directory``."""
    cwd = Path.cwd().resolve()
    target = directory.resolve()
    return cwd if target == cwd or cwd in target.parents else directory


def _yaml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


def manifest_text(r: InitRequest) -> str:
    base = f"{r.company}.{r.namespace}.{r.service}"
    owner = f"\n  owner: {_yaml_str(r.owner)}" if r.owner else ""
    return f"""\
# evtctl service manifest (format v1): 'evtctl rules' lists what is checked,
# 'evtctl schema manifest' prints the JSON Schema for your editor.
apiVersion: evtctl/v1
kind: Service
metadata:
  company: {r.company}
  namespace: {r.namespace}
  name: {r.service}{owner}
topics:
  # Facts this service publishes; anyone may subscribe.
  - name: {base}.events
    # contracts:
    #   - name: SomethingHappened
    #     versions:
    #       - {{version: 1, schema: schemas/something-happened.v1.json}}
  # Requests for this service to act; only this service subscribes.
  # - name: {base}.commands
  # Replies to the commands this service sends (SAGA).
  # - name: {base}.private.reply
# consumes:
#   - topic: <company>.<namespace>.<service>.events
#     events: [SomethingHappened]
# produces:
#   - topic: <company>.<namespace>.<service>.commands
#     events: [DoSomething]
#     replyTopic: {base}.private.reply
"""


def config_text(r: InitRequest) -> str:
    return f"""\
# evtctl project configuration: docs/configuration.md describes every key.
version: 1
companies: [{r.company}]
namespaces: [{r.namespace}]
# rules:                      # severity per rule id or name: error, warning or off
#   multiple-event-topics: error
compatibility:
  policy: lenient             # or strict, as in Confluent Schema Registry
# ignores:                    # accepted findings, each with a reason
#   - rule: unknown-topic
#     path: legacy/**
#     reason: legacy services are onboarded in Q3
"""
