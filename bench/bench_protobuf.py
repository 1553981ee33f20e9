"""Benchmark the Protobuf format: compat pairs per second, protoc's cost per file, and what
keeps lint of many ``.proto`` files cheap.

    python bench/bench_protobuf.py [--pairs 200] [--seconds 2]

Every figure is also given as a ratio to a baseline measured in the same run (the machines
are shared and noisy): the protobuf runtime parsing both versions' compiled descriptors
(``FileDescriptorSet.FromString``), the cheapest way to read a compiled schema at all.

Rows:
* diff only, per policy: both versions already loaded (as lint has them from its cache);
* load + diff: both versions compiled by protoc through the worker, then compared;
* protoc per file: raw in-process ``run_main`` (the floor), one request to evtctl's
  long-lived worker, and a fresh ``python -m grpc_tools.protoc`` process per file (what a
  naive subprocess-per-file design pays);
* cached load: unpickling a loaded version, as a lint cache hit does instead of compiling.
"""

from __future__ import annotations

import argparse
import pickle
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from evtctl.compat.formats import LoadedSchema, LoadOptions, get_format

SCALARS = ("int32", "int64", "string", "bool", "double", "bytes", "sint64", "fixed32")


def make_proto(rng: random.Random, fields: int, change: str | None, index: int) -> str:
    """An event message: envelope, nested message, enum, map, oneof, repeated fields."""
    lines = ['syntax = "proto3";', f"package acme.bench{index}.v1;",
             'import "google/protobuf/timestamp.proto";', "",
             "enum Status { STATUS_UNSPECIFIED = 0; STATUS_OPEN = 1; STATUS_CLOSED = 2; }",
             "message Address { string street = 1; string city = 2; int32 zip = 3; }", "",
             "message Event {", "  string event_id = 1;",
             "  google.protobuf.Timestamp occurred_at = 2;", "  Status status = 3;",
             "  Address address = 4;", "  map<string, string> labels = 5;",
             "  oneof payer { string card = 6; string iban = 7; }",
             "  repeated string tags = 8;"]
    kinds = [rng.choice(SCALARS) for _ in range(fields)]
    if change == "type":
        kinds[-1] = "string" if kinds[-1] != "string" else "int64"
    for i, kind in enumerate(kinds):
        if change == "remove" and i == len(kinds) - 1:
            continue
        lines.append(f"  {kind} f{i} = {10 + i};")
    if change == "add":
        lines.append(f"  string added = {10 + fields};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def rate(fn: Callable[[], object], seconds: float, count: int) -> float:
    """Operations per second of ``fn`` (which performs ``count`` operations)."""
    fn()
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        fn()
        done += count
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    rng = random.Random(12)
    fmt = get_format("PROTOBUF")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths: list[tuple[Path, Path]] = []
        for i in range(args.pairs):
            fields = rng.randint(5, 30)
            change = rng.choice(["add", "remove", "type"])
            state = rng.getstate()
            v1 = make_proto(rng, fields, None, i)
            rng.setstate(state)  # the same fields, then one change
            v2 = make_proto(rng, fields, change, i)
            folder = root / f"s{i}"
            folder.mkdir()
            (folder / "v1.proto").write_text(v1)
            (folder / "v2.proto").write_text(v2)
            paths.append((folder / "v1.proto", folder / "v2.proto"))
        options = LoadOptions(root=root)

        def load_pair(pair: tuple[Path, Path]) -> list[LoadedSchema]:
            return [fmt.load(pair[0], 1, options), fmt.load(pair[1], 2, options)]

        loaded = [load_pair(p) for p in paths]
        from google.protobuf import descriptor_pb2

        sets = [(a.content.descriptor_set, b.content.descriptor_set) for a, b in loaded]

        def baseline() -> None:
            for a, b in sets:
                descriptor_pb2.FileDescriptorSet.FromString(a)
                descriptor_pb2.FileDescriptorSet.FromString(b)

        def diff(policy: str, examples: bool = False) -> Callable[[], None]:
            def run() -> None:
                for pair in loaded:
                    fmt.check(pair, "FULL", policy, chain=False, examples=examples)
            return run

        def load_and_diff() -> None:
            for pair in paths[:20]:
                fmt.check(load_pair(pair), "FULL", "confluent", chain=False, examples=False)

        blobs = [pickle.dumps(v) for pair in loaded for v in pair]

        def unpickle() -> None:
            for blob in blobs:
                pickle.loads(blob)

        rows: list[tuple[str, float]] = []
        base = rate(baseline, args.seconds, len(sets))
        rows.append(("runtime parse of both descriptor sets (baseline)", base))
        for policy in fmt.policies:
            rows.append((f"diff only, FULL, policy {policy}", rate(diff(policy), args.seconds,
                                                                  len(loaded))))
        rows.append(("diff only, FULL, confluent, with proven examples",
                     rate(diff("confluent", True), args.seconds, len(loaded))))
        rows.append(("load (protoc, both versions) + diff, FULL",
                     rate(load_and_diff, args.seconds, 20)))
        rows.append(("cached load: unpickle a loaded version (x2 per pair)",
                     rate(unpickle, args.seconds, len(blobs)) / 2))
        print(f"compat pairs per second ({args.pairs} generated pairs, 5–30 fields each)")
        print("| operation | pairs/s | vs baseline |\n| --- | ---: | ---: |")
        for name, value in rows:
            print(f"| {name} | {value:,.0f} | {value / base:.2f}x |")
        per_file(paths, args.seconds)


def per_file(paths: list[tuple[Path, Path]], seconds: float) -> None:
    from grpc_tools import _protoc_compiler

    from evtctl.compat.protobuf.compiler import compile_files
    from evtctl.compat.protobuf.known_types import well_known_root

    files = [p for pair in paths for p in pair][:50]
    out = Path(tempfile.mkdtemp()) / "out.pb"
    wkt = well_known_root()

    def raw() -> None:
        for f in files:
            _protoc_compiler.run_main([a.encode() for a in (
                "protoc", f"-I{f.parent}", f"-I{wkt}", "--include_imports",
                "--include_source_info", f"--descriptor_set_out={out}", str(f))])

    def worker() -> None:
        for f in files:
            compile_files([f.parent], [f])

    def fresh_process() -> None:
        for f in files[:5]:
            subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{f.parent}",
                            f"-I{wkt}", "--include_imports", "--include_source_info",
                            f"--descriptor_set_out={out}", str(f)], check=True)

    floor = rate(raw, seconds, len(files))
    rows = [("protoc run_main in-process, per file (floor)", floor),
            ("evtctl worker request (compile + model), per file", rate(worker, seconds,
                                                                      len(files))),
            ("fresh python -m grpc_tools.protoc process, per file", rate(fresh_process,
                                                                         seconds, 5))]
    started = time.perf_counter()
    from evtctl.compat.protobuf.compiler import _WORKER

    _WORKER.stop()
    compile_files([files[0].parent], [files[0]])
    start_cost = time.perf_counter() - started
    print("\nprotoc per file (files of the pairs above)")
    print("| operation | files/s | ms per file | vs floor |\n| --- | ---: | ---: | ---: |")
    for name, value in rows:
        print(f"| {name} | {value:,.0f} | {1000 / value:.2f} | {value / floor:.2f}x |")
    print(f"\nworker start (once per process): {start_cost * 1000:.0f} ms "
          f"= {start_cost * floor:.0f} in-process protoc runs")


if __name__ == "__main__":
    main()
