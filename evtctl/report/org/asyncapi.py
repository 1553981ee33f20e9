"""One AsyncAPI 3.0 document per service, from the organisation graph.

A service's document has a channel for every topic it owns or uses (``address`` is the
topic; Kafka channel bindings give partitions, replicas and the topic configs stated in
the manifest), a message per contract version on it (``<Event>_v<N>``; the payload is the
version's schema file, copied beside the documents and referenced, with the
``schemaFormat`` of its format: JSON Schema ``application/schema+json;version=draft-07``,
Avro ``application/vnd.apache.avro+json;version=1.9.0``, Protobuf
``application/vnd.google.protobuf;version=3``, the text inlined; a ``.proto`` that imports
local files has no payload, since AsyncAPI's Protobuf parser cannot follow such imports, and
says so), and an operation for every edge of the
service in the graph: ``send`` for what it publishes, sends or replies, ``receive`` for
what it consumes (Kafka operation binding: its consumer group). A command sent with a
``replyTopic`` carries an AsyncAPI ``reply`` naming the reply channel and its messages.

Only the messages an operation uses are listed on it: a pinned event its version, an
unpinned one its latest version; the owner's own operations use every version.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evtctl.config import ProjectConfig
from evtctl.graph import ContractNode, Edge, EdgeKind, OrgGraph, TopicNode

if TYPE_CHECKING:
    from evtctl.contracts.store import VersionSpec

ASYNCAPI_VERSION = "3.0.0"
KAFKA_BINDING = "0.5.0"
SCHEMA_FORMATS = {
    ("JSON", ".json"): "application/schema+json;version=draft-07",
    ("JSON", ".yaml"): "application/schema+yaml;version=draft-07",
    ("JSON", ".yml"): "application/schema+yaml;version=draft-07",
    ("AVRO", ""): "application/vnd.apache.avro+json;version=1.9.0",
    ("PROTOBUF", ""): "application/vnd.google.protobuf;version=3",
}
CONTENT_TYPES = {"JSON": "application/json", "AVRO": "application/vnd.apache.avro+binary",
                 "PROTOBUF": "application/x-protobuf"}
# Topic configs the Kafka binding types; every other config is passed on as a string.
_INTEGER_CONFIGS = ("retention.ms", "retention.bytes", "delete.retention.ms",
                    "max.message.bytes")
_BOOLEAN_CONFIGS = ("confluent.key.schema.validation", "confluent.value.schema.validation")
_ID = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass
class Export:
    documents: dict[str, Path] = field(default_factory=dict)  # service id -> file
    notes: list[str] = field(default_factory=list)


def channel_id(topic: str) -> str:
    return _ID.sub("_", topic)


def message_id(contract: str, version: int) -> str:
    return f"{_ID.sub('_', contract)}_v{version}"


@dataclass
class _Payloads:
    """Copies schema files beside the documents, once each, and says how to reference them."""

    config: ProjectConfig
    out: Path
    notes: list[str]
    copied: dict[Path, str] = field(default_factory=dict)  # source -> path under out
    loaded: dict[tuple[Path, int], tuple[str | None, list[Path], str | None]] = field(
        default_factory=dict)

    def payload(self, contract: ContractNode, version: int) -> dict[str, Any] | str:
        """The message's payload (a Multi Format Schema Object), or why there is none."""
        from evtctl.report.org.catalog.contracts import store_for

        v = contract.contract.version(version)
        assert v is not None
        spec = store_for(self.config).spec(contract.contract, v)
        if spec.schema_type is None:
            return spec.skipped or "unknown format"
        files, error = self._files(spec)
        if error is not None:
            return error
        main = self._copy_all(files)
        suffix = v.schema_path.suffix.lower() if spec.schema_type == "JSON" else ""
        schema_format = SCHEMA_FORMATS.get((spec.schema_type, suffix),
                                           SCHEMA_FORMATS[("JSON", ".json")])
        if spec.schema_type == "PROTOBUF":
            if len(files) > 1:
                # AsyncAPI's Protobuf schema parser cannot follow imports of local files
                # (only Google's well-known types): such a payload would fail the document.
                imports = ", ".join(self.copied[f] for f in files[1:])
                return (f"the AsyncAPI Protobuf schema parser cannot follow imports of local "
                        f"files ({imports}); the schema is copied to {main} for readers")
            # A .proto file is not JSON, so it cannot be a $ref target: its text is inlined.
            text = files[0].read_text(encoding="utf-8")
            return {"schemaFormat": schema_format, "schema": text}
        return {"schemaFormat": schema_format, "schema": {"$ref": f"./{main}"}}

    def _files(self, spec: VersionSpec) -> tuple[list[Path], str | None]:
        """Every file the version is made of (main first), read through the contract store."""
        key = (spec.path, spec.number)
        if key not in self.loaded:
            from evtctl.compat.formats import SchemaFileError, get_format
            from evtctl.report.org.catalog.contracts import load_version

            assert spec.schema_type is not None
            try:
                get_format(spec.schema_type)
            except ImportError:
                # The format is not built in yet: the file is referenced as it is (the
                # files it imports, if any, are not known, so not copied).
                self.loaded[key] = ((None, [spec.path], None) if spec.path.is_file() else
                                    (None, [], f"{spec.path}: no such schema file"))
                return self.loaded[key][1], self.loaded[key][2]
            try:
                schema = load_version(spec, self.config)
                self.loaded[key] = (None, list(schema.files), None)
            except SchemaFileError as exc:
                self.loaded[key] = (None, [], str(exc))
            except (OSError, ValueError, RecursionError) as exc:
                self.loaded[key] = (None, [], f"{spec.path}: cannot be read: {exc}")
        _unused, files, error = self.loaded[key]
        return files, error

    def _copy_all(self, files: list[Path]) -> str:
        for f in files:
            if f in self.copied:
                continue
            try:
                rel = f.resolve().relative_to(self.config.root).as_posix()
            except ValueError:
                rel = "external/" + hashlib.sha256(str(f).encode()).hexdigest()[:12] + "/" + f.name
            target = self.out / "schemas" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)
            self.copied[f] = f"schemas/{rel}"
        return self.copied[files[0]]


def export(graph: OrgGraph, config: ProjectConfig, out: Path,
           services: list[str] | None = None) -> Export:
    """Write one document per service (all, or ``services``) under ``out``."""
    import yaml

    from evtctl.report.org.catalog.contracts import store_for

    result = Export()
    store_for(config, fresh=True)  # files may have changed since an earlier export
    payloads = _Payloads(config, out, result.notes)
    out.mkdir(parents=True, exist_ok=True)
    for sid in services if services is not None else sorted(graph.services):
        doc = document(graph, sid, payloads)
        file = out / f"{_ID.sub('_', sid)}.asyncapi.yaml"
        file.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True,
                                       width=100), encoding="utf-8")
        result.documents[sid] = file
    return result


def document(graph: OrgGraph, sid: str, payloads: _Payloads) -> dict[str, Any]:
    service = graph.services[sid].service
    edges = [e for e in graph.of_service(sid) if e.primary]
    topics = sorted({e.topic for e in edges} | {
        e.reply_topic for e in edges if e.reply_topic and e.reply_topic in graph.topics})
    channels: dict[str, Any] = {}
    for name in topics:
        channels[channel_id(name)] = _channel(graph, graph.topics[name], sid, edges, payloads)
    operations: dict[str, Any] = {}
    for edge in edges:
        op_id, op = _operation(graph, edge, channels)
        n, base = 2, op_id
        while op_id in operations:
            op_id, n = f"{base}_{n}", n + 1
        operations[op_id] = op
    info: dict[str, Any] = {
        "title": sid,
        "version": "manifest-" + _digest(service.file),
        "description": service.description or f"The {service.name} service of the "
                                              f"{service.namespace} namespace.",
        "tags": [{"name": f"namespace:{service.namespace}"}]
        + ([{"name": f"owner:{service.owner}"}] if service.owner else []),
        "x-evtctl-service": sid,
    }
    if service.owner:
        info["x-evtctl-owner"] = service.owner
    doc: dict[str, Any] = {"asyncapi": ASYNCAPI_VERSION, "info": info,
                           "defaultContentType": "application/json", "channels": channels,
                           "operations": operations}
    return doc


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return "unknown"


def _used_messages(topic: TopicNode, edges: list[Edge], owner: bool) -> list[tuple[ContractNode,
                                                                                  int]]:
    """(contract, version) pairs the service's edges on this topic use, in contract order."""
    wanted: set[tuple[str, int]] = set()
    for c in topic.contracts:
        if owner or any(e.events is None for e in edges):
            if owner:
                wanted.update((c.name, v.version) for v in c.versions)
            elif c.versions:
                wanted.add((c.name, max(v.version for v in c.versions)))
    for e in edges:
        for ref in e.events or ():
            found = topic.contract(ref.name)
            if found is None or not found.versions:
                continue
            number = ref.version if ref.version is not None else max(
                v.version for v in found.versions)
            if found.contract.version(number) is not None:
                wanted.add((found.name, number))
    out: list[tuple[ContractNode, int]] = []
    for c in topic.contracts:
        out.extend((c, v.version) for v in c.versions if (c.name, v.version) in wanted)
    return out


def _channel(graph: OrgGraph, topic: TopicNode, sid: str, edges: list[Edge],
             payloads: _Payloads) -> dict[str, Any]:
    mine = [e for e in edges if e.topic == topic.name]
    owner = topic.owner == sid
    messages: dict[str, Any] = {}
    if not mine and topic.is_reply:
        # A reply channel named by one of the service's commands: every reply message.
        owner = True
    for contract, number in _used_messages(topic, mine, owner):
        messages[message_id(contract.name, number)] = _message(contract, number, payloads)
    channel: dict[str, Any] = {"address": topic.name, "messages": messages}
    if topic.owner is not None:
        channel["description"] = (f"{topic.kind.value if topic.kind else 'A'} topic of "
                                  f"{topic.owner}" if topic.kind else f"Topic of {topic.owner}")
    else:
        channel["description"] = "Not declared by any manifest."
    binding: dict[str, Any] = {"topic": topic.name}
    t = topic.declaration
    if t is not None:
        if t.partitions is not None:
            binding["partitions"] = t.partitions
        if t.replication_factor is not None:
            binding["replicas"] = t.replication_factor
        configs = _configs(topic.name, dict(t.config), payloads.notes)
        if configs:
            binding["topicConfiguration"] = configs
    binding["bindingVersion"] = KAFKA_BINDING
    channel["bindings"] = {"kafka": binding}
    return channel


def _configs(topic: str, config: dict[str, str], notes: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in sorted(config.items()):
        if key == "cleanup.policy":
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if all(p in ("delete", "compact") for p in parts):
                out[key] = parts
                continue
        elif key in _INTEGER_CONFIGS:
            try:
                out[key] = int(value)
                continue
            except ValueError:
                pass
        elif key in _BOOLEAN_CONFIGS:
            if value.lower() in ("true", "false"):
                out[key] = value.lower() == "true"
                continue
        else:
            out[key] = value
            continue
        notes.append(f"{topic}: config {key}={value!r} is left out of the Kafka binding, "
                     "which does not allow that value")
    return out


def _message(contract: ContractNode, number: int, payloads: _Payloads) -> dict[str, Any]:
    from evtctl.report.org.catalog.contracts import store_for

    v = contract.contract.version(number)
    assert v is not None
    spec = store_for(payloads.config).spec(contract.contract, v)
    message: dict[str, Any] = {"name": contract.name, "title": f"{contract.name} v{number}"}
    if contract.contract.description:
        message["summary"] = contract.contract.description
    if spec.schema_type in CONTENT_TYPES:
        message["contentType"] = CONTENT_TYPES[spec.schema_type]
    payload = payloads.payload(contract, number)
    if isinstance(payload, str):
        payloads.notes.append(f"{contract.name} v{number} on {contract.topic}: no payload "
                              f"schema in the document: {payload}")
        message["x-evtctl-no-payload"] = payload
    else:
        message["payload"] = payload
    message["x-evtctl-version"] = number
    if v.deprecated is not None:
        message["x-evtctl-deprecated"] = {"sunset": v.deprecated.sunset,
                                          "reason": v.deprecated.reason}
    return message


def _operation(graph: OrgGraph, edge: Edge, channels: dict[str, Any]) -> tuple[str, dict[str,
                                                                                        Any]]:
    topic = graph.topics[edge.topic]
    cid = channel_id(edge.topic)
    owner = topic.owner == edge.service.id
    used = _used_messages(topic, [edge], owner and edge.implied)
    action = "receive" if edge.kind is EdgeKind.CONSUME else "send"
    verb = {EdgeKind.PUBLISH: "publish", EdgeKind.CONSUME: "consume", EdgeKind.SEND: "send",
            EdgeKind.REPLY: "reply"}[edge.kind]
    op: dict[str, Any] = {
        "action": action,
        "channel": {"$ref": f"#/channels/{cid}"},
        "summary": _summary(edge, topic),
        "messages": [{"$ref": f"#/channels/{cid}/messages/{message_id(c.name, n)}"}
                     for c, n in used],
    }
    if edge.kind is EdgeKind.CONSUME:
        op["bindings"] = {"kafka": {"groupId": {"type": "string", "enum": [edge.group]},
                                    "bindingVersion": KAFKA_BINDING}}
    if edge.kind is EdgeKind.SEND and edge.reply_topic and channel_id(edge.reply_topic) in channels:
        rid = channel_id(edge.reply_topic)
        op["reply"] = {"channel": {"$ref": f"#/channels/{rid}"},
                       "messages": [{"$ref": f"#/channels/{rid}/messages/{m}"}
                                    for m in channels[rid]["messages"]]}
    op["x-evtctl-edge"] = {"kind": edge.kind.value, "implied": edge.implied}
    return f"{verb}_{cid}", op


def _summary(edge: Edge, topic: TopicNode) -> str:
    events = ("every event" if edge.events is None and not edge.implied else
              ", ".join(c.name for c in topic.contracts) if edge.implied else
              ", ".join(str(e) for e in edge.events or ()))
    what = {EdgeKind.PUBLISH: "Publishes", EdgeKind.CONSUME: "Consumes",
            EdgeKind.SEND: "Sends the commands", EdgeKind.REPLY: "Replies with"}[edge.kind]
    return f"{what} {events or 'records'} on {topic.name}."

