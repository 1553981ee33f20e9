"""Benchmark the Avro compatibility engine against Apache Avro's Java library.

On generated, realistic event schemas (an envelope, an enum, a shared named record used
twice, arrays, maps, nullable unions with defaults, nested records; 5–30 fields) each pair
differs by one everyday evolution — an optional field added, int promoted to long, an enum
symbol added or removed, a field dropped or retyped. Reports pairs per second for:

* ``json.loads`` of both schemas (the baseline, measured in the same run);
* evtctl: parse (load) both, check only (already parsed), load + check, check with examples;
* Java: ``SchemaCompatibility.checkReaderWriterCompatibility`` on the same pairs, after a
  warm-up, in one JVM (``bench/java/AvroCompatBench.java``); JVM start reported apart;
* a 1,000-field record pair (every third field a nullable union; one field retyped, one
  promoted): evtctl's check, and load + check, median of several runs.

    python bench/bench_avro.py [--pairs 300] [--seconds 1] [--no-java]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evtctl.compat.avro.checker import Checker
from evtctl.compat.avro.examples import Prover
from evtctl.compat.avro.loader import build, source_from_bytes

REPO = Path(__file__).resolve().parents[1]
JAVA_VERSION = os.environ.get("EVTCTL_AVRO_JAVA_VERSION", "1.12.2")


def event(rng: random.Random, fields: int) -> dict[str, Any]:
    address = {"type": "record", "name": "Address", "fields": [
        {"name": "street", "type": "string"}, {"name": "city", "type": "string"},
        {"name": "zip", "type": ["null", "string"], "default": None}]}
    out: list[dict[str, Any]] = [
        {"name": "eventId", "type": "string"},
        {"name": "occurredAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "status", "type": {"type": "enum", "name": "Status",
                                    "symbols": ["NEW", "ACTIVE", "CLOSED"]}},
        {"name": "billing", "type": address},
        {"name": "shipping", "type": ["null", "Address"], "default": None},
        {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
    ]
    for i in range(fields):
        kind = rng.choice(("int", "string", "double", "nullable", "map", "nested"))
        if kind == "nullable":
            out.append({"name": f"f{i}", "type": ["null", "string"], "default": None})
        elif kind == "map":
            out.append({"name": f"f{i}", "type": {"type": "map", "values": "long"}})
        elif kind == "nested":
            out.append({"name": f"f{i}", "type": {"type": "record", "name": f"Part{i}",
                                                  "fields": [{"name": "x", "type": "int"},
                                                             {"name": "y", "type": "string"}]}})
        else:
            out.append({"name": f"f{i}", "type": kind})
    return {"type": "record", "name": "OrderPlaced", "namespace": "com.acme.orders",
            "fields": out}


def evolve(rng: random.Random, schema: dict[str, Any]) -> dict[str, Any]:
    new = json.loads(json.dumps(schema))
    fields = new["fields"]
    action = rng.choice(("add", "add", "promote", "symbol+", "symbol-", "drop", "retype"))
    if action == "add":
        fields.append({"name": f"added{rng.randrange(999)}", "type": ["null", "long"],
                       "default": None})
    elif action == "promote":
        for f in fields:
            if f["type"] == "int":
                f["type"] = "long"
                break
    elif action in ("symbol+", "symbol-"):
        symbols = fields[2]["type"]["symbols"]
        if action == "symbol+":
            symbols.append("ARCHIVED")
        else:
            symbols.pop()
    elif action == "drop":
        fields.pop(rng.randrange(6, len(fields)))
    else:
        f = fields[rng.randrange(6, len(fields))]
        f["type"] = "boolean" if f["type"] != "boolean" else "string"
        f.pop("default", None)
    return new


def rate(fn: Callable[[], Any], count: int, seconds: float) -> float:
    """Items per second: best of repeated timed passes within ``seconds``."""
    fn()
    best = float("inf")
    deadline = time.perf_counter() + seconds
    while True:
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
        if time.perf_counter() > deadline:
            break
    return count / best


def load(text: str) -> Any:
    return build(source_from_bytes(text.encode(), Path("s.avsc"), "s.avsc"), [])[0].root


def java_rates(pairs: list[tuple[str, str]], seconds: float) -> dict[str, Any] | None:
    javac, java = shutil.which("javac"), shutil.which("java")
    libs = Path(os.environ.get("EVTCTL_AVRO_LIBS") or
                Path.home() / ".cache" / "evtctl" / f"avro-{JAVA_VERSION}" / "libs")
    if javac is None or java is None:
        print("java: javac/java not found; skipped", file=sys.stderr)
        return None
    if not (libs / f"avro-{JAVA_VERSION}.jar").is_file():
        subprocess.run(["bash", str(REPO / "tests" / "java" / "fetch_avro.sh")], check=True,
                       stdout=subprocess.DEVNULL)
    classpath = os.pathsep.join(str(p) for p in sorted(libs.glob("*.jar")))
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([javac, "-d", work, "-cp", classpath,
                        str(REPO / "bench" / "java" / "AvroCompatBench.java")], check=True)
        text = "\n".join(json.dumps({"reader": r, "writer": w}) for r, w in pairs)
        start = time.perf_counter()
        done = subprocess.run([java, "-cp", os.pathsep.join((work, classpath)),
                               "AvroCompatBench", str(seconds)], input=text, text=True,
                              capture_output=True, check=True)
        wall = time.perf_counter() - start
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = wall
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--no-java", action="store_true")
    args = parser.parse_args()
    rng = random.Random(7)
    pairs: list[tuple[str, str]] = []
    for _ in range(args.pairs):
        old = event(rng, rng.randint(5, 30))
        new = evolve(rng, old)
        pairs.append((json.dumps(new), json.dumps(old)))  # (reader, writer): BACKWARD
    loaded = [(load(r), load(w)) for r, w in pairs]
    n = len(pairs)
    incompatible = sum(1 for r, w in loaded if Checker().check(r, w))

    def loads() -> None:
        for r, w in pairs:
            json.loads(r)
            json.loads(w)

    def parse() -> None:
        for r, w in pairs:
            load(r)
            load(w)

    def check() -> None:
        for r, w in loaded:
            Checker().check(r, w)

    def load_check() -> None:
        for r, w in pairs:
            Checker().check(load(r), load(w))

    def with_examples() -> None:
        from evtctl.compat.avro.checker import flatten

        for r, w in loaded:
            prover = Prover(w, r)
            for item in flatten(Checker().check(r, w), 100):
                prover.example(item)

    base = rate(loads, n, args.seconds)
    rows = [("json.loads of both schemas (baseline)", base)]
    rows.append(("evtctl: parse both (load)", rate(parse, n, args.seconds)))
    rows.append(("evtctl: check only (parsed)", rate(check, n, args.seconds)))
    rows.append(("evtctl: load + check", rate(load_check, n, args.seconds)))
    rows.append(("evtctl: check + proven examples", rate(with_examples, n, args.seconds)))
    java = None if args.no_java else java_rates(pairs, args.seconds)
    if java is not None:
        rows.append(("Java: checkReaderWriterCompatibility (parsed, JIT warm)",
                     java["pairs_per_s"]))
        rows.append(("Java: parse both", n / java["parse_s"]))
        if java["incompatible"] != incompatible:
            print(f"verdicts differ: Java {java['incompatible']}, evtctl {incompatible}",
                  file=sys.stderr)
    print(f"{n} pairs, {incompatible} incompatible (BACKWARD)")
    print(f"{'operation':58} {'pairs/s':>10} {'vs baseline':>12}")
    for label, value in rows:
        print(f"{label:58} {value:10,.0f} {value / base:11.2f}x")
    if java is not None:
        print(f"JVM start (runtime start to main): {java['jvm_start_ms']} ms; whole Java process "
              f"{java['process_s']:.2f} s")

    wide_old = {"type": "record", "name": "Wide", "fields": [
        {"name": f"f{i}", "type": ["null", "int", "string"] if i % 3 == 0 else "int"}
        for i in range(1000)]}
    wide_new = json.loads(json.dumps(wide_old))
    wide_new["fields"][10]["type"] = "long"
    wide_new["fields"][11]["type"] = "string"
    old_text, new_text = json.dumps(wide_old), json.dumps(wide_new)
    r, w = load(new_text), load(old_text)
    timings = []
    for _ in range(15):
        start = time.perf_counter()
        Checker().check(r, w)
        timings.append(time.perf_counter() - start)
    both = []
    for _ in range(9):
        start = time.perf_counter()
        Checker().check(load(new_text), load(old_text))
        both.append(time.perf_counter() - start)
    one_loads = []
    for _ in range(9):
        start = time.perf_counter()
        json.loads(new_text)
        json.loads(old_text)
        one_loads.append(time.perf_counter() - start)
    print(f"1,000-field record: check {statistics.median(timings) * 1000:.1f} ms; load + check "
          f"{statistics.median(both) * 1000:.1f} ms (json.loads of both: "
          f"{statistics.median(one_loads) * 1000:.2f} ms)")


if __name__ == "__main__":
    main()
