"""Time `evtctl lint` on a synthetic organisation against the parse floor.

The floor is a separate Python process that only reads and parses the same files
once (every manifest with PyYAML's C loader, every schema with json) — nothing less
can lint them. Both are timed as whole processes, in the same run, so the ratio holds
on a noisy machine. Start-up is measured the same way against `python -c pass`.

    python bench/bench_lint.py --services 1000 [--repeat 3] [--format json|protobuf]

With ``--format protobuf`` the organisation's schemas are ``.proto`` files and the floor
also compiles each of them once with protoc, in-process (``grpc_tools``' ``run_main``, the
same flags and import roots evtctl uses) and parses the descriptor set it writes: protoc's
per-file cost is in the floor, since nothing can judge a ``.proto`` without compiling it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_org import generate

FLOOR = r"""
import json, os, sys, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for folder, _dirs, files in os.walk(sys.argv[1]):
    for name in files:
        path = os.path.join(folder, name)
        with open(path, "rb") as fh:
            data = fh.read()
        if name.endswith((".yaml", ".yml")):
            list(yaml.load_all(data, Loader=loader))
        elif name.endswith(".json"):
            json.loads(data)
"""

PROTO_FLOOR = r"""
import os, sys, tempfile, yaml
from pathlib import Path
import grpc_tools
from grpc_tools import _protoc_compiler
from google.protobuf import descriptor_pb2
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
wkt = Path(grpc_tools.__file__).parent / "_proto"
root = sys.argv[1]
shared = os.path.join(root, "shared")
out = os.path.join(tempfile.mkdtemp(), "out.pb")
for folder, _dirs, files in os.walk(root):
    for name in files:
        path = os.path.join(folder, name)
        if name.endswith((".yaml", ".yml")):
            with open(path, "rb") as fh:
                list(yaml.load_all(fh.read(), Loader=loader))
        elif name.endswith(".proto") and folder != os.path.join(shared, "synth", "common", "v1"):
            args = ["protoc", f"-I{shared}", f"-I{folder}", f"-I{wkt}", "--include_imports",
                    "--include_source_info", f"--descriptor_set_out={out}", path]
            if _protoc_compiler.run_main([a.encode() for a in args]) != 0:
                raise SystemExit(f"protoc failed on {path}")
            with open(out, "rb") as fh:
                descriptor_pb2.FileDescriptorSet.FromString(fh.read())
"""


def _time(cmd: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(
            f"{cmd} exited {proc.returncode}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", choices=("json", "protobuf"), default="json")
    args = parser.parse_args()
    floor_code = PROTO_FLOOR if args.format == "protobuf" else FLOOR
    exe = [sys.executable, "-m", "evtctl"]
    with tempfile.TemporaryDirectory() as tmp:
        org = generate(Path(tmp) / "org", args.services, fmt=args.format)
        files = sum(1 for _ in org.rglob("*") if _.is_file())
        floor, cold, warm, nocache = [], [], [], []
        for _ in range(args.repeat):
            floor.append(_time([sys.executable, "-c", floor_code, str(org)]))
            cache = tempfile.mkdtemp(dir=tmp)
            env = {**os.environ, "EVTCTL_CACHE_DIR": cache}
            cold.append(_time([*exe, "lint", str(org), "--format", "json"], env))
            warm.append(_time([*exe, "lint", str(org), "--format", "json"], env))
            nocache.append(_time([*exe, "lint", str(org), "--format", "json", "--no-cache"]))
        bare, version, helpcmd = [], [], []
        for _ in range(10):
            bare.append(_time([sys.executable, "-c", "pass"]))
            version.append(_time([*exe, "--version"]))
            helpcmd.append(_time([*exe, "--help"]))
    f = statistics.median(floor)
    print(f"organisation ({args.format}): {args.services} services, {files} files; "
          f"median of {args.repeat} runs")
    print(f"parse floor             {f:7.2f} s   1.00x")
    for label, runs in (
        ("lint, cold cache", cold),
        ("lint, warm cache", warm),
        ("lint, --no-cache", nocache),
    ):
        m = statistics.median(runs)
        print(f"{label:<23} {m:7.2f} s   {m / f:.2f}x floor")
    b = statistics.median(bare)
    for label, runs in (("evtctl --version", version), ("evtctl --help", helpcmd)):
        m = statistics.median(runs)
        print(f"{label:<23} {m * 1000:7.1f} ms  {m / b:.2f}x `python -c pass` ({b * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
