"""Generate a synthetic organisation of N services for benchmarks.

Each service owns an events topic (two contracts with three schema versions each),
a commands topic (one contract, two versions) and a dead-letter topic; it consumes
the events of three other services and sends a command to one. Schemas evolve the
way real ones do (optional properties added), so the organisation lints clean.

With ``--format avro`` the contracts are Avro (``.avsc``) instead: records with an enum, a
nested record, an array, a map and nullable fields, each version adding an optional field
(compatible under the default modes), and the first event contract's versions using a
shared ``Money`` record from ``shared/money.avsc`` as a reference.

    python bench/gen_org.py OUT_DIR --services 1000 [--format json|avro]
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


MONEY = {"type": "record", "name": "Money", "namespace": "synth.shared",
         "fields": [{"name": "units", "type": "long"}, {"name": "currency", "type": "string"}]}


def generate(out: Path, services: int, seed: int = 7, fmt: str = "json") -> Path:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "evtctl.yaml").write_text("version: 1\ncompanies: [synth]\n")
    avro = fmt == "avro"
    ext = ".avsc" if avro else ".json"
    if avro:
        (out / "shared").mkdir()
        (out / "shared" / "money.avsc").write_text(json.dumps(MONEY, indent=2))
    names = [(NAMESPACES[i % len(NAMESPACES)], f"svc{i:05d}") for i in range(services)]
    for i, (ns, name) in enumerate(names):
        folder = out / ns / name
        (folder / "schemas").mkdir(parents=True)
        prefix = f"synth.{ns}.{name}"
        contracts = []
        for c in range(2):
            versions = []
            for v in range(1, 4):
                file = f"schemas/thing{c}-happened.v{v}{ext}"
                schema_rng = random.Random(seed * 1000 + i * 10 + c)
                schema = (_avro(f"Thing{c}Happened", v, f"synth.{ns}.{name}", schema_rng,
                                money=c == 0) if avro
                          else _schema(f"Thing{c}Happened", v, schema_rng))
                (folder / file).write_text(json.dumps(schema, indent=2))
                refs = ", references: [../../shared/money.avsc]" if avro and c == 0 else ""
                versions.append(f"          - {{version: {v}, schema: {file}{refs}}}")
            contracts.append(f"      - name: Thing{c}Happened\n        versions:\n"
                             + "\n".join(versions))
        for v in (1, 2):
            schema = (_avro("DoThing", v, f"synth.{ns}.{name}", random.Random(seed + i),
                            money=False) if avro
                      else _schema("DoThing", v, random.Random(seed + i)))
            (folder / f"schemas/do-thing.v{v}{ext}").write_text(json.dumps(schema, indent=2))
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
          - {{version: 1, schema: schemas/do-thing.v1{ext}}}
          - {{version: 2, schema: schemas/do-thing.v2{ext}}}
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
    parser.add_argument("--format", choices=("json", "avro"), default="json")
    args = parser.parse_args()
    generate(args.out, args.services, fmt=args.format)
    print(f"wrote {args.services} services to {args.out}")


if __name__ == "__main__":
    main()
