"""Small organisations on disk for the registry tests: manifests, schemas, evtctl.yaml."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

DRAFT7 = "http://json-schema.org/draft-07/schema#"


def record(title: str, *props: str, closed: bool = False, required: Sequence[str] = ("id",),
           draft: str = DRAFT7, **typed: Any) -> dict[str, Any]:
    """A JSON Schema object with string properties ``props`` (plus ``id``) and more typed."""
    properties: dict[str, Any] = {"id": {"type": "string"}}
    properties.update({p: {"type": "string"} for p in props})
    properties.update(typed)
    doc: dict[str, Any] = {"$schema": draft, "title": title, "type": "object",
                           "required": list(required), "properties": properties}
    if closed:
        doc["additionalProperties"] = False
    return doc


@dataclass
class Org:
    root: Path
    company: str = "acme"
    namespace: str = "shop"
    registry: dict[str, Any] = field(default_factory=dict)
    compatibility: dict[str, Any] = field(default_factory=dict)
    _services: dict[str, dict[str, Any]] = field(default_factory=dict)

    def topic(self, service: str, kind: str = "events") -> str:
        return f"{self.company}.{self.namespace}.{service}.{kind}"

    def write_schema(self, service: str, name: str, doc: Any) -> str:
        """Write a schema file next to the service's manifest; returns its manifest path."""
        path = self.root / service / "schemas" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith((".yaml", ".yml")):
            path.write_text(yaml.safe_dump(doc, sort_keys=False))
        else:
            path.write_text(json.dumps(doc, indent=2))
        return f"schemas/{name}"

    def contract(self, service: str, name: str, versions: Sequence[Any], *,
                 kind: str = "events", key: Sequence[Any] | None = None,
                 **extra: Any) -> None:
        """Add a contract: ``versions`` are schema documents (v1, v2, ...) or
        ``(number, document)`` pairs, or ``(number, document, deprecated)``."""
        topics = self._services.setdefault(service, {})
        topic = topics.setdefault(self.topic(service, kind),
                                  {"name": self.topic(service, kind), "contracts": []})
        entry: dict[str, Any] = {"name": name, "versions": self._versions(service, name,
                                                                          versions)}
        if key is not None:
            entry["key"] = {"versions": self._versions(service, name + "-key", key)}
        entry.update(extra)
        topic["contracts"] = [c for c in topic["contracts"] if c["name"] != name] + [entry]
        self.save()

    def write_text(self, service: str, name: str, text: str) -> str:
        """Write a schema file as it is (a .proto, say); returns its manifest path."""
        path = self.root / service / "schemas" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return f"schemas/{name}"

    def contract_files(self, service: str, name: str, files: Sequence[str], *,
                       kind: str = "events", **extra: Any) -> None:
        """Add a contract whose versions are files already written (v1, v2, ...)."""
        topics = self._services.setdefault(service, {})
        topic = topics.setdefault(self.topic(service, kind),
                                  {"name": self.topic(service, kind), "contracts": []})
        entry: dict[str, Any] = {"name": name, "versions": [
            {"version": n, "schema": f} for n, f in enumerate(files, start=1)]}
        entry.update(extra)
        topic["contracts"] = [c for c in topic["contracts"] if c["name"] != name] + [entry]
        self.save()

    def _versions(self, service: str, name: str, versions: Sequence[Any]) -> list[Any]:
        out = []
        for index, item in enumerate(versions, start=1):
            number, doc, deprecated = index, item, None
            if isinstance(item, tuple):
                number, doc = item[0], item[1]
                deprecated = item[2] if len(item) > 2 else None
            file = self.write_schema(service, f"{name.lower()}.v{number}.json", doc)
            version: dict[str, Any] = {"version": number, "schema": file}
            if deprecated is not None:
                version["deprecated"] = deprecated
            out.append(version)
        return out

    def save(self) -> None:
        for service, topics in self._services.items():
            document = {
                "apiVersion": "evtctl/v1", "kind": "Service",
                "metadata": {"company": self.company, "namespace": self.namespace,
                             "name": service},
                "topics": list(topics.values()),
            }
            path = self.root / service / "service.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(document, sort_keys=False))
        config: dict[str, Any] = {"version": 1}
        if self.compatibility:
            config["compatibility"] = self.compatibility
        if self.registry:
            config["registry"] = self.registry
        (self.root / "evtctl.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(args: Sequence[str], env: Mapping[str, str] | None = None,
            input: str | None = None) -> CliResult:
    from evtctl.cli import app

    result = CliRunner().invoke(app, list(args), env=dict(env or {}), input=input,
                                catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)


class RecordingUi:
    """The registry command's UI, recording: text lines and notes in ``lines``, JSON
    documents in ``json``; nobody to ask (``confirm`` answers None)."""

    def __init__(self) -> None:
        self.json: list[str] = []
        self.lines: list[str] = []

    def show(self, lines: object) -> None:
        self.lines.extend(lines)  # type: ignore[call-overload]

    def show_json(self, text: str) -> None:
        self.json.append(text)

    def note(self, text: str) -> None:
        self.lines.append(text)

    def confirm(self, question: str) -> bool | None:
        return None

    def progress(self, total: int) -> object:
        from contextlib import nullcontext

        return nullcontext(None)
