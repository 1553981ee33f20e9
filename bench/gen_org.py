"""Generate a synthetic organisation of N services for benchmarks.

Each service owns an events topic (two contracts with three schema versions each),
a commands topic (one contract, two versions) and a dead-letter topic; it consumes
the events of three other services and sends a command to one. Schemas evolve the
way real ones do (optional properties added), so the organisation lints clean.

    python bench/gen_org.py OUT_DIR --services 1000 [--format json|protobuf|avro]

With ``--format avro`` the contracts are Avro (``.avsc``): records with an enum, a nested
record, an array, a map and nullable fields, each version adding an optional field
(compatible under the default modes), and the first event contract's versions using a
shared ``Money`` record from ``shared/money.avsc`` as a reference.

With ``--format protobuf`` every schema is a ``.proto`` file instead: one message per
contract version (an envelope, an enum, a nested message, a map, a oneof, a repeated
field, ``google.protobuf.Timestamp`` and a ``Money`` message imported from a shared file
found through ``includePaths``); later versions add fields, so it lints clean too.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

NAMESPACES = ("identity", "billing", "orders", "shipping", "catalog", "analytics", "support",
              "marketing")


def _schema(title: str, version: int, rng: random.Random) -> dict[str, object]:
    props: dict[str, object] = {
        "id": {"type": "string", "format": "uuid"},
        "occurredAt": {"type": "string", "format": "date-time"},
        "status": {"enum": ["new", "active", "closed"]},
        "amount": {"$ref": "#/$defs/money"},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 64}},
        "address": {
            "type": "object",
            "required": ["country"],
            "properties": {"street": {"type": "string"}, "city": {"type": "string"},
                           "country": {"type": "string", "pattern": "^[A-Z]{2}$"}},
        },
    }
    for extra in range(rng.randint(2, 6)):
        props[f"field{extra}"] = rng.choice([{"type": "string"}, {"type": "integer", "minimum": 0},
                                             {"type": "boolean"}, {"type": ["string", "null"]}])
    for added in range(1, version):
        props[f"addedInV{added + 1}"] = {"type": "string", "description": f"new in v{added + 1}"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{title} v{version}",
        "type": "object",
        "required": ["id", "occurredAt"],
        "properties": props,
        "$defs": {"money": {"type": "object", "required": ["amount", "currency"],
                            "properties": {"amount": {"type": "string"},
                                           "currency": {"type": "string"}}}},
    }


_PROTO_SCALARS = ("string", "int64", "bool", "int32", "double")


def _proto(package: str, message: str, version: int, rng: random.Random) -> str:
    fields = [
        "  string id = 1;", "  google.protobuf.Timestamp occurred_at = 2;",
        "  Status status = 3;", "  synth.common.v1.Money amount = 4;",
        "  repeated string tags = 5;", "  Address address = 6;",
        "  map<string, string> labels = 7;",
        "  oneof payer {\n    string card = 8;\n    string iban = 9;\n  }",
    ]
    for extra in range(rng.randint(2, 6)):
        fields.append(f"  {rng.choice(_PROTO_SCALARS)} field{extra} = {10 + extra};")
    for added in range(1, version):
        fields.append(f"  string added_in_v{added + 1} = {20 + added};  // new in v{added + 1}")
    return (
        'syntax = "proto3";\n\n'
        f"package {package};\n\n"
        'import "google/protobuf/timestamp.proto";\n'
        'import "synth/common/v1/money.proto";\n\n'
        f"// {message} v{version}\n"
        f"message {message} {{\n" + "\n".join(fields) + "\n}\n\n"
        "enum Status {\n  STATUS_UNSPECIFIED = 0;\n  STATUS_NEW = 1;\n  STATUS_ACTIVE = 2;\n"
        "  STATUS_CLOSED = 3;\n}\n\n"
        "message Address {\n  string street = 1;\n  string city = 2;\n  string country = 3;\n}\n"
    )


MONEY_PROTO = ('syntax = "proto3";\n\npackage synth.common.v1;\n\n'
               "message Money {\n  string currency = 1;\n  int64 minor_units = 2;\n}\n")


def _avro(title: str, version: int, space: str, rng: random.Random,
          money: bool) -> dict[str, object]:
    fields: list[dict[str, object]] = [
        {"name": "id", "type": "string"},
        {"name": "occurredAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "status", "type": {"type": "enum", "name": "Status",
                                    "symbols": ["NEW", "ACTIVE", "CLOSED"], "default": "NEW"}},
        {"name": "address", "type": {"type": "record", "name": "Address", "fields": [
            {"name": "street", "type": ["null", "string"], "default": None},
            {"name": "city", "type": "string"}, {"name": "country", "type": "string"}]}},
        {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
        {"name": "labels", "type": {"type": "map", "values": "string"}, "default": {}},
    ]
    if money:
        fields.append({"name": "amount", "type": "synth.shared.Money"})
    for extra in range(rng.randint(2, 6)):
        fields.append({"name": f"field{extra}",
                       "type": rng.choice(["string", "long", "boolean", ["null", "string"]])})
    for added in range(1, version):
        fields.append({"name": f"addedInV{added + 1}", "type": ["null", "string"],
                       "default": None, "doc": f"new in v{added + 1}"})
    return {"type": "record", "name": title, "namespace": space, "fields": fields}


MONEY_AVRO = {"type": "record", "name": "Money", "namespace": "synth.shared",
              "fields": [{"name": "units", "type": "long"},
                         {"name": "currency", "type": "string"}]}


def generate(out: Path, services: int, seed: int = 7, fmt: str = "json") -> Path:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    protobuf = fmt == "protobuf"
    avro = fmt == "avro"
    ext = "proto" if protobuf else "avsc" if avro else "json"
    if avro:
        (out / "shared").mkdir()
        (out / "shared" / "money.avsc").write_text(json.dumps(MONEY_AVRO, indent=2))
    if protobuf:
        shared = out / "shared" / "synth" / "common" / "v1"
        shared.mkdir(parents=True)
        (shared / "money.proto").write_text(MONEY_PROTO)
        (out / "evtctl.yaml").write_text(
            "version: 1\ncompanies: [synth]\n"
            "compatibility:\n  protobuf:\n    includePaths: [shared]\n")
    else:
        (out / "evtctl.yaml").write_text("version: 1\ncompanies: [synth]\n")
    names = [(NAMESPACES[i % len(NAMESPACES)], f"svc{i:05d}") for i in range(services)]
    for i, (ns, name) in enumerate(names):
        folder = out / ns / name
        (folder / "schemas").mkdir(parents=True)
        prefix = f"synth.{ns}.{name}"
        contracts = []
        for c in range(2):
            versions = []
            for v in range(1, 4):
                file = f"schemas/thing{c}-happened.v{v}.{ext}"
                schema_rng = random.Random(seed * 1000 + i * 10 + c)
                refs = ""
                if protobuf:
                    (folder / file).write_text(_proto(
                        f"{prefix}.thing{c}.v1", f"Thing{c}Happened", v, schema_rng))
                elif avro:
                    (folder / file).write_text(json.dumps(_avro(
                        f"Thing{c}Happened", v, prefix, schema_rng, money=c == 0), indent=2))
                    refs = ", references: [../../shared/money.avsc]" if c == 0 else ""
                else:
                    (folder / file).write_text(json.dumps(
                        _schema(f"Thing{c}Happened", v, schema_rng), indent=2))
                versions.append(f"          - {{version: {v}, schema: {file}{refs}}}")
            contracts.append(f"      - name: Thing{c}Happened\n        versions:\n"
                             + "\n".join(versions))
        for v in (1, 2):
            if protobuf:
                (folder / f"schemas/do-thing.v{v}.proto").write_text(_proto(
                    f"{prefix}.commands.v1", "DoThing", v, random.Random(seed + i)))
            elif avro:
                (folder / f"schemas/do-thing.v{v}.avsc").write_text(json.dumps(_avro(
                    "DoThing", v, prefix, random.Random(seed + i), money=False), indent=2))
            else:
                (folder / f"schemas/do-thing.v{v}.json").write_text(json.dumps(
                    _schema("DoThing", v, random.Random(seed + i)), indent=2))
        consumes = []
        for other in rng.sample([j for j in range(services) if j != i], k=min(3, services - 1)):
            ons, oname = names[other]
            consumes.append(f"  - topic: synth.{ons}.{oname}.events\n"
                            f"    events: [Thing0Happened, Thing1Happened@3]")
        target_ns, target = names[(i + 1) % services]
        manifest = f"""apiVersion: evtctl/v1
kind: Service
metadata:
  company: synth
  namespace: {ns}
  name: {name}
  owner: team-{ns}
topics:
  - name: {prefix}.events
    partitions: 6
    config: {{retention.ms: "604800000", cleanup.policy: delete}}
    contracts:
{chr(10).join(contracts)}
  - name: {prefix}.commands
    contracts:
      - name: DoThing
        versions:
          - {{version: 1, schema: schemas/do-thing.v1.{ext}}}
          - {{version: 2, schema: schemas/do-thing.v2.{ext}}}
  - name: {prefix}.private.dlq
    partitions: 1
consumes:
{chr(10).join(consumes) if consumes else "  []"}
produces:
  - topic: synth.{target_ns}.{target}.commands
    events: [DoThing]
"""
        if services == 1:
            manifest = manifest.replace("consumes:\n  []\n", "").replace(
                f"produces:\n  - topic: synth.{target_ns}.{target}.commands\n"
                "    events: [DoThing]\n", "")
        (folder / "service.yaml").write_text(manifest)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--format", choices=("json", "protobuf", "avro"), default="json")
    args = parser.parse_args()
    generate(args.out, args.services, fmt=args.format)
    print(f"wrote {args.services} services to {args.out}")


if __name__ == "__main__":
    main()
