"""Benchmark the compatibility engine alone on generated, realistic event schemas.

Reports comparisons per second for the diff (both schemas already parsed), for a full check
(load + compare, no example search), and two baselines measured in the same run: json-parsing
both schemas, and jsonschema validating one event. Ratios make the figures portable between
machines.

    python bench/bench_compat.py [--schemas 200] [--seconds 2] [--org-services 100]

The second table runs the engine on the contract histories of the synthetic organisation
(`bench/gen_org.py`), as lint does: every contract's versions checked under FULL_TRANSITIVE
(events) or BACKWARD_TRANSITIVE (commands), lenient, schemas already loaded.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from typing import Any

from evtctl.compat.jsonschema import SchemaVersion, check_versions
from evtctl.compat.jsonschema.engine import compare_nodes, load_nodes


def make_schema(rng: random.Random, fields: int) -> dict[str, Any]:
    """An event schema: envelope, nested objects, enums, arrays and a shared $ref definition."""
    props: dict[str, Any] = {
        "eventId": {"type": "string", "format": "uuid"},
        "occurredAt": {"type": "string", "format": "date-time"},
        "status": {"enum": ["NEW", "ACTIVE", "CLOSED"][: rng.randint(2, 3)]},
        "address": {"$ref": "#/definitions/Address"},
        "tags": {
            "type": "array",
            "items": {"type": "string", "maxLength": rng.choice([32, 64])},
            "maxItems": 20,
        },
    }
    for i in range(fields):
        kind = rng.choice(["string", "integer", "number", "object", "nullable"])
        if kind == "object":
            props[f"f{i}"] = {
                "type": "object",
                "properties": {"x": {"type": "integer", "minimum": 0}, "y": {"type": "string"}},
                "required": ["x"],
            }
        elif kind == "nullable":
            props[f"f{i}"] = {"oneOf": [{"type": "null"}, {"type": "string"}]}
        else:
            props[f"f{i}"] = {"type": kind, "description": f"field {i}"}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": props,
        "required": ["eventId", "occurredAt"],
        "definitions": {
            "Address": {
                "type": "object",
                "properties": {
                    "street": {"type": "string"},
                    "city": {"type": "string"},
                    "zip": {"type": "string", "pattern": "^[0-9]{5}$"},
                },
                "required": ["city"],
            }
        },
    }


def evolve(rng: random.Random, schema: dict[str, Any]) -> dict[str, Any]:
    """A next version: one additive or breaking change."""
    new = json.loads(json.dumps(schema))
    props = new["properties"]
    choice = rng.randint(0, 3)
    if choice == 0:
        props[f"added{rng.randint(0, 999)}"] = {"type": "string"}
    elif choice == 1:
        props["status"]["enum"] = props["status"]["enum"][:1]
    elif choice == 2:
        props["tags"]["items"]["maxLength"] = 16
    else:
        new["definitions"]["Address"]["required"].append("street")
    return new


def rate(fn: Callable[[int], None], count: int, seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn(done % count)
        done += 1
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schemas", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--org-services", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(7)
    olds = [make_schema(rng, rng.randint(5, 30)) for _ in range(args.schemas)]
    news = [evolve(rng, s) for s in olds]
    texts = [(json.dumps(o), json.dumps(n)) for o, n in zip(olds, news, strict=False)]
    pairs = [(SchemaVersion(1, o), SchemaVersion(2, n)) for o, n in zip(olds, news, strict=False)]
    nodes = [(load_nodes(a), load_nodes(b)) for a, b in pairs]

    import jsonschema

    validators = [jsonschema.Draft7Validator(o) for o in olds]
    event = {
        "eventId": "00000000-0000-0000-0000-000000000000",
        "occurredAt": "2024-01-01T00:00:00Z",
        "tags": ["a"],
    }

    from evtctl.compat.jsonschema import model
    from evtctl.compat.jsonschema.metacheck import surely_valid

    modern = [{**o, "$schema": "https://json-schema.org/draft/2020-12/schema"} for o in olds]
    conforms = jsonschema.Draft202012Validator.FORMAT_CHECKER.conforms

    def cold(i: int) -> None:
        model._SHARED.clear()  # as if these schemas had never been seen in this process
        check_versions(list(pairs[i]), "FULL", "lenient", examples=False)

    figures = {
        "json.loads of both schemas (baseline)": rate(
            lambda i: (json.loads(texts[i][0]), json.loads(texts[i][1])), len(texts), args.seconds
        ),
        "jsonschema validating one event (baseline)": rate(
            lambda i: validators[i].is_valid(event), len(validators), args.seconds
        ),
        "diff only (schemas already loaded)": rate(
            lambda i: compare_nodes(*nodes[i], "lenient"), len(nodes), args.seconds
        ),
        "load + diff, FULL, no examples": rate(
            lambda i: check_versions(list(pairs[i]), "FULL", "lenient", examples=False),
            len(pairs),
            args.seconds,
        ),
        "load + diff, FULL, no examples, cold node cache": rate(cold, len(pairs), args.seconds),
        "metaschema check, jsonschema (2020-12)": rate(
            lambda i: jsonschema.Draft202012Validator.check_schema(modern[i]),
            len(modern),
            args.seconds,
        ),
        "metaschema check, fast pre-check (2020-12)": rate(
            lambda i: surely_valid(modern[i], "2020-12", conforms), len(modern), args.seconds
        ),
        "load + diff, FULL, with examples": rate(
            lambda i: check_versions(list(pairs[i]), "FULL", "lenient", examples=True),
            len(pairs),
            args.seconds,
        ),
    }
    parse = figures["json.loads of both schemas (baseline)"]
    print(
        f"{args.schemas} schema pairs, 5-30 fields each + envelope, "
        "nested objects, enums, arrays, $ref"
    )
    print(f"{'operation':45} {'per second':>12} {'vs json.loads':>14}")
    for name, value in figures.items():
        print(f"{name:45} {value:12,.0f} {value / parse:13.2f}x")
    if args.org_services > 0:
        organisation(args.org_services, args.seconds, parse)


def organisation(services: int, seconds: float, parse_rate: float) -> None:
    """Comparisons per second on the synthetic organisation's contract histories."""
    import sys
    import tempfile
    from pathlib import Path

    from evtctl.compat.jsonschema import check_chain
    from evtctl.compat.jsonschema.schemafile import load_schema_file
    from evtctl.manifest.loader import load_organisation

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gen_org import generate

    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "org", services)
        org = load_organisation([root]).org
        histories = []
        for _service, topic in org.topics():
            mode = "BACKWARD_TRANSITIVE" if topic.name.endswith(".commands") else "FULL_TRANSITIVE"
            for contract in topic.contracts:
                versions = [load_schema_file(v.schema_path, v.version, root=root)
                            for v in contract.versions]
                histories.append((versions, mode))
    # Directed comparisons one history needs: transitive pairs, both ways under FULL.
    def comparisons(versions: list[Any], mode: str) -> int:
        pairs = len(versions) * (len(versions) - 1) // 2
        return pairs * (2 if mode.startswith("FULL") else 1)

    total = sum(comparisons(v, m) for v, m in histories)
    start = time.perf_counter()
    rounds = 0
    while time.perf_counter() - start < seconds or rounds == 0:
        for versions, mode in histories:
            check_chain(versions, mode, "lenient", examples=False)
        rounds += 1
    elapsed = time.perf_counter() - start
    per_second = total * rounds / elapsed
    print()
    print(f"synthetic organisation: {services} services, {len(histories)} contract histories, "
          f"{total} directed comparisons per pass")
    print(f"{'comparisons per second (lint-style histories)':45} {per_second:12,.0f} "
          f"{per_second / parse_rate:13.2f}x")


if __name__ == "__main__":
    main()
