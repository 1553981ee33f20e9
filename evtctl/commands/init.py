"""`evtctl init`: scaffold a service manifest (and the project config if there is none).

The scaffold lints clean as it is: one events topic named after the service with one starter
contract, ``SomethingHappened`` v1, whose schema is written beside the manifest in the format
chosen (``--schema-type``, Schema Registry's names: JSON Schema ``.json``, Avro ``.avsc``,
Protobuf ``.proto`` with a package and the contract's ``message:``); the other sections are
commented examples. Existing files are never overwritten. Missing names (and the format) are
asked for on a terminal; without one the names must be given as options (the format defaults
to JSON).
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

from evtctl.commands.compat import SchemaType

SEGMENT = re.compile(r"^[A-Za-z0-9_-]+$")
EVENT = "SomethingHappened"  # the starter contract, to be renamed
EXTENSIONS = {SchemaType.JSON: ".json", SchemaType.AVRO: ".avsc", SchemaType.PROTOBUF: ".proto"}


@dataclass(frozen=True)
class InitRequest:
    company: str
    namespace: str
    service: str
    owner: str | None
    directory: Path
    schema_type: SchemaType = SchemaType.JSON


@dataclass(frozen=True)
class Created:
    manifest: Path
    schema: Path
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
        schema_type: SchemaType | None = typer.Option(
            None, "--schema-type", help="Format of the starter contract's schema (Schema "
            "Registry's names): JSON (JSON Schema), AVRO or PROTOBUF; asked on a terminal, "
            "else JSON."),
        config_update: bool = typer.Option(
            True, "--config-update/--no-config-update",
            help="Add a new company or namespace to the project's evtctl.yaml when it lists "
                 "them (asks first on a terminal)."),
    ) -> None:
        """Scaffold a service manifest that lints clean, plus evtctl.yaml if none exists.

        Refuses to overwrite existing files. Asks for missing names on a terminal.
        """
        raise typer.Exit(run(company, namespace, service, owner, directory, config_update,
                             schema_type))


def run(company: str | None, namespace: str | None, service: str | None, owner: str | None,
        directory: Path, config_update: bool = True,
        schema_type: SchemaType | None = None) -> int:
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
    if schema_type is None:
        schema_type = _ask_schema_type() if interactive else SchemaType.JSON
    request = InitRequest(values["company"], values["namespace"], values["service"],
                          owner.strip() if owner else None, directory, schema_type)
    try:
        created = scaffold(request)
    except InitError as exc:
        return fail(str(exc), where="init")
    from evtctl.findings import display_path

    sys.stdout.write(f"created {display_path(created.manifest)}\n")
    sys.stdout.write(f"created {display_path(created.schema)}\n")
    if created.config is not None:
        sys.stdout.write(f"created {display_path(created.config)}\n")
    if created.note is not None:
        note(created.note)
    _allow(created, config_update, interactive)
    sys.stdout.write(f"next: evtctl lint {display_path(created.manifest)}\n")
    return 0


def _ask_schema_type() -> SchemaType:
    names = ", ".join(t.value for t in SchemaType)
    while True:
        answer = typer.prompt(f"Contract format ({names})", default=SchemaType.JSON.value)
        try:
            return SchemaType(answer.strip().upper())
        except ValueError:
            typer.echo(f"{answer!r} is not a format; choose one of {names}")


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
    schema = directory / schema_path(request)
    config_dir = _config_dir(directory)
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    found = find_config([existing])
    config = None if found is not None else config_dir / "evtctl.yaml"
    for path in (manifest, schema, config):
        if path is not None and path.exists():
            raise InitError(f"{path} already exists; not overwriting it")
    try:
        schema.parent.mkdir(parents=True, exist_ok=True)
        _create(schema, schema_text(request))
        _create(manifest, manifest_text(request))
        if config is not None:
            _create(config, config_text(request))
    except OSError as exc:
        raise InitError(f"cannot write {exc.filename}: {exc.strerror or exc}") from None
    note, missing = _not_allowed(request, found)
    return Created(manifest, schema, config, note, found, missing)


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


def schema_path(r: InitRequest) -> str:
    """Where the starter schema goes, relative to the manifest."""
    return f"schemas/something-happened.v1{EXTENSIONS[r.schema_type]}"


def _identifier(segment: str) -> str:
    """A topic name segment as an Avro namespace / Protobuf package part (letters, digits
    and '_', not starting with a digit)."""
    name = segment.replace("-", "_")
    return f"_{name}" if name[0].isdigit() else name


def type_namespace(r: InitRequest) -> str:
    return ".".join(_identifier(s) for s in (r.company, r.namespace, r.service))


def manifest_text(r: InitRequest) -> str:
    base = f"{r.company}.{r.namespace}.{r.service}"
    owner = f"\n  owner: {_yaml_str(r.owner)}" if r.owner else ""
    message = (f"\n        message: {type_namespace(r)}.v1.{EVENT}"
               if r.schema_type is SchemaType.PROTOBUF else "")
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
    contracts:
      # A starter contract: rename it (and its schema file) after a fact of your domain.
      - name: {EVENT}{message}
        versions:
          - {{version: 1, schema: {schema_path(r)}}}
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


def schema_text(r: InitRequest) -> str:
    """The starter schema: an id and when it happened, in the chosen format."""
    if r.schema_type is SchemaType.AVRO:
        return _json_text({
            "type": "record", "name": EVENT, "namespace": type_namespace(r),
            "doc": f"Something happened in {r.service}; describe the fact here.",
            "fields": [
                {"name": "id", "type": "string", "doc": "Identifies what it happened to."},
                {"name": "occurredAt",
                 "type": {"type": "long", "logicalType": "timestamp-millis"},
                 "doc": "When it happened."},
            ]})
    if r.schema_type is SchemaType.PROTOBUF:
        return f"""\
syntax = "proto3";

package {type_namespace(r)}.v1;

import "google/protobuf/timestamp.proto";

// Something happened in {r.service}; describe the fact here.
message {EVENT} {{
  // Identifies what it happened to.
  string id = 1;
  // When it happened.
  google.protobuf.Timestamp occurred_at = 2;
}}
"""
    return _json_text({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": EVENT,
        "description": f"Something happened in {r.service}; describe the fact here.",
        "type": "object",
        "required": ["id", "occurredAt"],
        "properties": {
            "id": {"type": "string", "description": "Identifies what it happened to."},
            "occurredAt": {"type": "string", "format": "date-time",
                           "description": "When it happened."},
        }})


def _json_text(data: object) -> str:
    import json

    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


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
