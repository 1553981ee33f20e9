"""``evtctl asyncapi``: the documents pass the official AsyncAPI parser (``@asyncapi/parser``
from npm, run with Node) with no error and no warning, and parsed back they say what the
organisation says: channels, operations, groups, replies, messages and payloads."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from orgkit import PARSER_DIR, SAMPLE, evtctl, need, need_program, write_service

from evtctl.graph import EdgeKind, graph_of
from evtctl.manifest.loader import load_organisation

pytestmark = pytest.mark.node
CHECKER = Path(__file__).with_name("asyncapi_check.mjs")


def parse(files: list[Path]) -> list[dict[str, Any]]:
    node = need_program("node")
    need((PARSER_DIR / "node_modules" / "@asyncapi" / "parser").is_dir(),
         f"@asyncapi/parser in {PARSER_DIR} (.ci/run installs it)")
    proc = subprocess.run([node, str(CHECKER), str(PARSER_DIR), *map(str, files)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def export(source: Path, out: Path, *args: str) -> list[Path]:
    run = evtctl(["asyncapi", str(source), "--out", str(out), *args])
    assert run.exit_code == 0, run.stderr
    return sorted(out.glob("*.asyncapi.yaml"))


def problems(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in doc["diagnostics"] if d["severity"] <= 1]  # 0 error, 1 warning


def clean(value: Any) -> Any:
    """A parsed payload without the parser's own ``x-parser-*`` annotations."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if not k.startswith("x-parser-")}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def test_sample_documents_are_valid_and_round_trip(tmp_path: Path) -> None:
    files = export(SAMPLE, tmp_path / "out")
    assert len(files) == 8
    docs = parse(files)
    g = graph_of(load_organisation([SAMPLE]).org)
    for doc in docs:
        assert problems(doc) == [], (doc["file"], problems(doc))
        sid = doc["title"]
        edges = [e for e in g.of_service(sid) if e.primary]
        channels = {c["address"]: c for c in doc["channels"]}
        assert set(channels) == {e.topic for e in edges}, sid
        for name, channel in channels.items():
            topic = g.topics[name]
            t = topic.declaration
            assert t is not None
            assert channel["kafka"].get("partitions") == t.partitions
            assert channel["kafka"].get("replicas") == t.replication_factor
            if topic.owner == sid:
                assert sorted(channel["messages"]) == sorted(
                    f"{c.name}_v{v.version}" for c in topic.contracts for v in c.versions)
        ops = doc["operations"]
        assert len(ops) == len(edges), sid
        for e in edges:
            action = "receive" if e.kind is EdgeKind.CONSUME else "send"
            found = [o for o in ops if o["channels"] == [e.topic] and o["action"] == action]
            assert len(found) == 1, (sid, e.topic, action)
            op = found[0]
            if e.kind is EdgeKind.CONSUME:
                assert op["groupId"] == {"type": "string", "enum": [e.group]}
            for ref in e.events or ():
                versions = [v.version for v in g.topics[e.topic].contract(ref.name).versions]
                expect = ref.version if ref.version is not None else max(versions)
                assert f"{ref.name}_v{expect}" in op["messages"], (sid, ref)
            if e.reply_topic:
                assert op["reply"] == {"channel": e.reply_topic,
                                       "messages": ["CreatePersonaResult_v1"]}
        for m in doc["messages"]:
            name, _v, number = m["id"].rpartition("_v")
            assert m["name"] == name == m["id"].rsplit("_v", 1)[0]
            assert m["title"] == f"{name} v{number}"
            if m["payload"] is not None:
                assert m["schemaFormat"].startswith("application/schema+"), m
    # A .proto importing a local file: no payload (the parser cannot follow the import).
    refunds = next(d for d in docs if d["title"] == "arcadia.billing.refundservice")
    assert {m["id"]: m["payload"] for m in refunds["messages"]} == {
        "RefundIssued_v1": None, "RefundIssued_v2": None, "IssueRefund_v1": None}
    bff = next(d for d in docs if d["title"] == "arcadia.identity.personabff")
    created = next(m for m in bff["messages"] if m["id"] == "PersonaCreated_v2")
    on_disk = json.loads((SAMPLE / "identity/personaservice/schemas/persona-created.v2.json"
                          ).read_text())
    assert clean(created["payload"]["schema"]) == on_disk
    invoice = next(d for d in docs if d["title"] == "arcadia.billing.invoiceservice")
    events = next(c for c in invoice["channels"]
                  if c["address"] == "arcadia.billing.invoiceservice.events")
    assert events["kafka"]["topicConfiguration"] == {
        "cleanup.policy": ["delete"], "retention.ms": 2592000000, "min.insync.replicas": "2"}
    paid = next(m for m in invoice["messages"] if m["id"] == "InvoiceIssued_v1")
    # A $ref to another file (../../shared-schemas/money.json) is resolved by the parser.
    assert "$ref" not in json.dumps(clean(paid["payload"]["schema"]))


def test_one_service_and_other_formats(tmp_path: Path) -> None:
    org = tmp_path / "org"
    folder = write_service(org, "c", "n", "owner", """topics:
  - name: c.n.owner.events
    partitions: 3
    config: {cleanup.policy: "compact,delete", retention.ms: "not-a-number"}
    contracts:
      - name: Rec
        versions: [{version: 1, schema: rec.avsc}]
      - name: Msg
        versions: [{version: 1, schema: msg.proto}]
""").parent
    (folder / "rec.avsc").write_text(json.dumps({
        "type": "record", "name": "Rec", "namespace": "c.n",
        "fields": [{"name": "id", "type": "string"}, {"name": "n", "type": "int"}]}))
    (folder / "msg.proto").write_text('syntax = "proto3";\npackage c.n;\n'
                                      "message Msg { string id = 1; int32 n = 2; }\n")
    write_service(org, "c", "m", "reader", "consumes:\n  - topic: c.n.owner.events\n")
    out = tmp_path / "out"
    run = evtctl(["asyncapi", str(org), "--out", str(out), "--service", "c.n.owner"])
    assert run.exit_code == 0, run.stderr
    assert "retention.ms='not-a-number' is left out" in run.stderr
    files = sorted(out.glob("*.asyncapi.yaml"))
    assert [f.name for f in files] == ["c.n.owner.asyncapi.yaml"]
    (doc,) = parse(files)
    assert problems(doc) == [], problems(doc)
    formats = {m["id"]: m["schemaFormat"] for m in doc["messages"]}
    assert formats == {"Rec_v1": "application/vnd.apache.avro+json;version=1.9.0",
                       "Msg_v1": "application/vnd.google.protobuf;version=3"}
    # The Avro and Protobuf schema parsers read the payloads (as JSON Schema, parsed back).
    payloads = {m["id"]: clean(m["payload"]["schema"]) for m in doc["messages"]}
    assert payloads["Rec_v1"]["required"] == ["id", "n"]
    assert payloads["Msg_v1"]["title"] == "Msg"
    (channel,) = doc["channels"]
    assert channel["kafka"]["topicConfiguration"] == {"cleanup.policy": ["compact", "delete"]}
    bad = evtctl(["asyncapi", str(org), "--out", str(out), "--service", "c.n.nobody"])
    assert bad.exit_code == 2 and "--service 'c.n.nobody'" in bad.stderr
