"""Benchmark the compatibility engine alone on generated, realistic event schemas.

Reports comparisons per CPU second for the diff (both schemas already parsed), for a full
check (load + compare, no example search), and two baselines measured in the same run:
json-parsing both schemas, and jsonschema validating one event. Ratios make the figures
portable between machines; CPU time (not wall time) keeps them apart from the neighbours on
a shared one.

    python bench/bench_compat.py [--schemas 200] [--seconds 2] [--org-services 100]

The second table runs the engine on the contract histories of the synthetic organisation
(`bench/gen_org.py`), as lint does: every contract's versions checked under FULL_TRANSITIVE
(events) or BACKWARD_TRANSITIVE (commands), lenient, schemas already loaded.

The third table checks large schemas (50-500 KB, shaped like the large public schemas of
SchemaStore: hundreds of definitions referring to each other, recursion, long
descriptions, patterns, formats, enums, nullable alternatives), each against a next
version with a few breaking and additive changes: FULL, lenient, from the parsed JSON
(the model built cold, as for a pair seen the first time), with and without example
search. Figures per pair, against json.loads of the same pair (the baseline), and per
100 KB, to show how the cost grows with size. ``--realworld DIR`` times real pairs too.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from functools import partial
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
    """Calls per CPU second (this process's: on a shared machine, wall time also measures
    the neighbours)."""
    done, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        fn(done % count)
        done += 1
    return done / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schemas", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--org-services", type=int, default=100)
    parser.add_argument("--large", type=str, default="50,100,200,500",
                        help="sizes in KB of the large-schema rows ('' to skip)")
    parser.add_argument("--realworld", type=str, default=None,
                        help="a folder of real schema pairs (*.json holding old/new) to time")
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
    print(f"{'operation (per CPU second)':45} {'per second':>12} {'vs json.loads':>14}")
    for name, value in figures.items():
        print(f"{name:45} {value:12,.0f} {value / parse:13.2f}x")
    if args.org_services > 0:
        organisation(args.org_services, args.seconds, parse)
    if args.large:
        large(args.large, args.realworld)


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
    start = time.process_time()
    rounds = 0
    while time.process_time() - start < seconds or rounds == 0:
        for versions, mode in histories:
            check_chain(versions, mode, "lenient", examples=False)
        rounds += 1
    elapsed = time.process_time() - start
    per_second = total * rounds / elapsed
    print()
    print(f"synthetic organisation: {services} services, {len(histories)} contract histories, "
          f"{total} directed comparisons per pass")
    print(f"{'comparisons per second (lint-style histories)':45} {per_second:12,.0f} "
          f"{per_second / parse_rate:13.2f}x")



# -- large schemas -----------------------------------------------------------------------------

def make_large(rng: random.Random, target: int) -> dict[str, Any]:
    """A schema of about ``target`` bytes of JSON text, shaped like a large public schema."""
    words = ["result", "location", "region", "artifact", "message", "rule", "tool",
             "invocation", "notification", "fix", "change", "graph", "node", "edge", "run"]
    defs: dict[str, Any] = {}
    schema: dict[str, Any] = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object", "title": "a large schema",
        "properties": {}, "required": [], "definitions": defs,
    }
    size = 0
    i = 0
    while size < target:
        name = f"{rng.choice(words)}{i}"
        props: dict[str, Any] = {}
        for j in range(rng.randint(5, 14)):
            kind = rng.randint(0, 9)
            text = " ".join(rng.choice(words) for _ in range(rng.randint(6, 18)))
            if kind == 0:
                prop: dict[str, Any] = {"type": "string", "pattern": "^[a-z][a-z0-9-]{1,30}$"}
            elif kind == 1:
                prop = {"type": "string", "format": rng.choice(["uri", "date-time", "uuid"])}
            elif kind == 2:
                prop = {"type": "integer", "minimum": 0, "maximum": 10_000}
            elif kind == 3:
                prop = {"enum": ["none", "note", "warning", "error"][: rng.randint(2, 4)]}
            elif kind == 4 and defs:
                prop = {"type": "array", "items": {"$ref": "#/definitions/" + rng.choice(
                    list(defs))}, "uniqueItems": rng.random() < 0.3}
            elif kind == 5 and defs:
                prop = {"$ref": "#/definitions/" + rng.choice(list(defs))}
            elif kind == 6:
                prop = {"oneOf": [{"type": "null"}, {"type": "string", "maxLength": 200}]}
            elif kind == 7:
                prop = {"type": "array", "items": {"$ref": f"#/definitions/{name}"}}  # recursion
            elif kind == 8:
                prop = {"type": "object", "additionalProperties": {"type": "string"}}
            else:
                prop = {"type": "boolean", "default": False}
            prop["description"] = text
            props[f"{rng.choice(words)}{j}"] = prop
        defs[name] = {"type": "object", "description": f"A {name}.", "properties": props,
                      "required": sorted(rng.sample(list(props), k=min(2, len(props)))),
                      "additionalProperties": rng.random() < 0.7}
        if i % 7 == 0:
            schema["properties"][name] = {"$ref": f"#/definitions/{name}"}
        size += len(json.dumps(defs[name]))
        i += 1
    schema["required"] = list(schema["properties"])[:3]
    return schema


def evolve_large(rng: random.Random, schema: dict[str, Any]) -> dict[str, Any]:
    """A next version: four breaking changes (an enum value dropped, a maximum lowered, a
    type changed, a property made required) and eight additive ones, in random places."""
    new = json.loads(json.dumps(schema))
    definitions = new["definitions"]
    places = [(d, p) for d in definitions for p in definitions[d]["properties"]]
    rng.shuffle(places)
    breaking = {
        "enum": lambda prop: len(prop.get("enum", ())) > 1,
        "maximum": lambda prop: prop.get("type") == "integer",
        "type": lambda prop: prop.get("type") == "boolean",
    }
    for what, fits in breaking.items():
        found = next(((d, p) for d, p in places if fits(definitions[d]["properties"][p])), None)
        if found is None:
            continue
        prop = definitions[found[0]]["properties"][found[1]]
        if what == "enum":
            prop["enum"] = prop["enum"][:-1]
        elif what == "maximum":
            prop["maximum"] = 100
        else:
            prop["type"] = "string"
    d, p = places[-1]
    definitions[d]["required"] = sorted(set(definitions[d]["required"]) | {p})
    for d, _p in places[:8]:
        definitions[d]["properties"][f"added{rng.randint(0, 99)}"] = {
            "type": "string", "description": "new"}
    return new


def _cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def _parse(texts: tuple[str, str]) -> None:
    json.loads(texts[0])
    json.loads(texts[1])


def _cold_check(versions: list[SchemaVersion], examples: bool) -> None:
    from evtctl.compat.jsonschema import model

    model._SHARED.clear()  # a pair seen for the first time
    check_versions(versions, "FULL", "lenient", examples=examples)


def large(sizes: str, realworld: str | None) -> None:
    rng = random.Random(11)
    rows: list[tuple[str, float, float, float, float, int, int]] = []
    wanted = [int(s) * 1000 for s in sizes.split(",") if s.strip()]
    pairs: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    for target in wanted:
        for k in range(2):
            old = make_large(rng, target)
            pairs.append((f"{target // 1000} KB #{k + 1}", old, evolve_large(rng, old)))
    if realworld:
        from pathlib import Path

        for path in sorted(Path(realworld).glob("*.json")):
            data = json.loads(path.read_text("utf-8"))
            pairs.append((path.stem, data["old"], data["new"]))
    for label, old, new in pairs:
        texts = (json.dumps(old), json.dumps(new))
        versions = [SchemaVersion(1, old, "file:///bench/v1.json"),
                    SchemaVersion(2, new, "file:///bench/v2.json")]
        _cold_check(versions, True)  # warm the imports
        parse = min(_cpu(partial(_parse, texts)) for _ in range(3))
        # Interleaved, the best of three each: the neighbours' load drifts during a run.
        times: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(3):
            for examples in (False, True):
                times[examples].append(_cpu(partial(_cold_check, versions, examples)))
        without, with_examples = min(times[False]), min(times[True])
        result = check_versions(versions, "FULL", "lenient", examples=True)
        broken = sum(1 for c in result.changes if not c.compatible)
        rows.append((label, max(len(t) for t in texts) / 1000, parse, without, with_examples,
                     broken, len(result.changes)))
    print()
    print("large schemas: FULL lenient from parsed JSON, cold model, CPU seconds per pair")
    print(f"{'pair':24} {'KB':>6} {'json.loads':>10} {'no examples':>12} {'ratio':>7} "
          f"{'examples':>9} {'ratio':>7} {'ex/no':>6} {'ms/100KB':>9} {'broken':>6} {'changes':>7}")
    for label, kb, parse, without, with_examples, broken, listed in rows:
        print(f"{label:24} {kb:6.0f} {parse:10.4f} {without:12.4f} {without / parse:6.1f}x "
              f"{with_examples:9.4f} {with_examples / parse:6.1f}x "
              f"{with_examples / without:5.2f}x {1000 * without / kb * 100:9.1f} {broken:6} "
              f"{listed:7}")
    for name, chosen in (("generated", [r for r in rows if " KB #" in r[0]]),
                         ("real-world", [r for r in rows if " KB #" not in r[0]])):
        if not chosen:
            continue
        slowest = max(chosen, key=lambda r: r[4])
        largest = max(chosen, key=lambda r: r[1])
        extra = max(chosen, key=lambda r: r[4] - r[3])
        total_without = sum(r[3] for r in chosen)
        total_with = sum(r[4] for r in chosen)
        total_parse = sum(r[2] for r in chosen)
        total_kb = sum(r[1] for r in chosen)
        print(f"{name}: {len(chosen)} pairs, pairs/s without examples "
              f"{len(chosen) / total_without:.1f}, with examples {len(chosen) / total_with:.1f} "
              f"(with/without {total_with / total_without:.2f}x; without/json.loads "
              f"{total_without / total_parse:.1f}x); {1000 * total_without / total_kb * 100:.1f} "
              f"ms per 100 KB without examples, {1000 * total_with / total_kb * 100:.1f} with")
        print(f"  slowest with examples: {slowest[0]} ({slowest[1]:.0f} KB) {slowest[4]:.3f} s; "
              f"largest: {largest[0]} ({largest[1]:.0f} KB) {largest[4]:.3f} s with examples, "
              f"{largest[3]:.3f} s without; most extra for examples: {extra[0]} "
              f"+{extra[4] - extra[3]:.3f} s ({extra[4] / extra[3]:.2f}x)")


if __name__ == "__main__":
    main()
