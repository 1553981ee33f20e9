"""Time `evtctl lint` on a synthetic organisation against the parse floor.

The floor is a separate Python process that only reads and parses the same files
once (every manifest with PyYAML's C loader, every schema with json) — nothing less
can lint them. Both are timed as whole processes, in the same run, so the ratio holds
on a noisy machine. Start-up is measured the same way against `python -c pass`.

    python bench/bench_lint.py --services 1000 [--repeat 3] [--format json|protobuf|avro]

With ``--format avro`` the schemas are ``.avsc`` files (the floor parses them with json).

With ``--format protobuf`` the organisation's schemas are ``.proto`` files and the floor
also compiles each of them once with protoc, in-process (``grpc_tools``' ``run_main``, the
same flags and import roots evtctl uses) and parses the descriptor set it writes: protoc's
per-file cost is in the floor, since nothing can judge a ``.proto`` without compiling it.

``--compare DIR`` also times another evtctl source tree (``DIR`` on ``PYTHONPATH``, e.g. an
export of ``main``) in the same run, each of its runs right after this tree's, so both are
reported against the same floor. ``--noise N`` adds N YAML files that are not manifests
(Kubernetes objects, compose files, CI workflows) for the loader's pre-filter to skip.
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
        elif name.endswith((".json", ".avsc")):
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


# User + system CPU of the last process _time ran (children included): on a shared machine
# it moves less than the wall time.
LAST_CPU = [0.0]


def _time(cmd: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> float:
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = os.times()
    LAST_CPU[0] = (after.children_user - before.children_user
                   + after.children_system - before.children_system)
    if proc.returncode not in ok:
        raise SystemExit(
            f"{cmd} exited {proc.returncode}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    return elapsed


NOISE = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app{n}}}\n"
    "spec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n"
    "        - {{name: app, image: 'registry/app:{n}'}}\n",
    "apiVersion: v1\nkind: Service\nmetadata: {{name: app{n}, namespace: shop}}\n"
    "spec: {{selector: {{app: app{n}}}, ports: [{{port: 80}}]}}\n",
    "services:\n  app{n}: {{image: 'registry/app:{n}', ports: ['80:80']}}\n",
    "on: [push]\njobs:\n  build{n}:\n    runs-on: ubuntu-latest\n"
    "    steps: [{{uses: actions/checkout@v4}}, {{run: make test}}]\n",
)


def _noise(org: Path, count: int) -> None:
    folder = org / "deploy"
    folder.mkdir()
    for n in range(count):
        (folder / f"file{n:05d}.yaml").write_text(NOISE[n % len(NOISE)].format(n=n))


def _runs(exe: list[str], org: Path, tmp: str, env: dict[str, str],
          into: dict[str, list[float]]) -> None:
    cache = tempfile.mkdtemp(dir=tmp)
    with_cache = {**env, "EVTCTL_CACHE_DIR": cache}
    # Exit 1 is fine here: a tree may hold findings (the noise, for an older evtctl).
    for key, extra, run_env in (("cold", [], with_cache), ("warm", [], with_cache),
                                ("nocache", ["--no-cache"], env)):
        into[key].append(_time([*exe, "lint", str(org), "--format", "json", *extra], run_env,
                               (0, 1)))
        into.setdefault(f"{key} cpu", []).append(LAST_CPU[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", type=Path, default=None,
                        help="another evtctl source tree to time in the same run")
    parser.add_argument("--noise", type=int, default=0,
                        help="YAML files that are not manifests, to add to the organisation")
    parser.add_argument("--format", choices=("json", "protobuf", "avro"), default="json")
    args = parser.parse_args()
    floor_code = PROTO_FLOOR if args.format == "protobuf" else FLOOR
    exe = [sys.executable, "-m", "evtctl"]
    with tempfile.TemporaryDirectory() as tmp:
        # Every process runs in the scratch folder: ``python -m evtctl`` puts the current
        # folder first on sys.path, so run from a source tree it would shadow --compare.
        os.chdir(tmp)
        org = generate(Path(tmp) / "org", args.services, fmt=args.format)
        if args.noise:
            _noise(org, args.noise)
        files = sum(1 for _ in org.rglob("*") if _.is_file())
        floor: list[float] = []
        ours: dict[str, list[float]] = {"cold": [], "warm": [], "nocache": []}
        theirs: dict[str, list[float]] = {"cold": [], "warm": [], "nocache": []}
        other_env = {**os.environ, "PYTHONPATH": str(args.compare.resolve())} if args.compare \
            else {}
        floor_cpu: list[float] = []
        for _ in range(args.repeat):
            floor.append(_time([sys.executable, "-c", floor_code, str(org)]))
            floor_cpu.append(LAST_CPU[0])
            _runs(exe, org, tmp, dict(os.environ), ours)
            if args.compare:
                _runs(exe, org, tmp, other_env, theirs)
        cold, warm, nocache = ours["cold"], ours["warm"], ours["nocache"]
        bare, version, helpcmd = [], [], []
        for _ in range(10):
            bare.append(_time([sys.executable, "-c", "pass"]))
            version.append(_time([*exe, "--version"]))
            helpcmd.append(_time([*exe, "--help"]))
    f = statistics.median(floor)
    print(f"organisation ({args.format}): {args.services} services, {files} files; "
          f"median of {args.repeat} runs")
    print(f"parse floor             {f:7.2f} s   1.00x         CPU "
          f"{statistics.median(floor_cpu):6.2f} s")
    for label, runs, key in (
        ("lint, cold cache", cold, "cold"),
        ("lint, warm cache", warm, "warm"),
        ("lint, --no-cache", nocache, "nocache"),
    ):
        m = statistics.median(runs)
        print(f"{label:<23} {m:7.2f} s   {m / f:.2f}x floor   CPU "
              f"{statistics.median(ours[key + ' cpu']):6.2f} s")
    if args.compare:
        print(f"the same, with {args.compare} on PYTHONPATH:")
        for label, key in (("lint, cold cache", "cold"), ("lint, warm cache", "warm"),
                           ("lint, --no-cache", "nocache")):
            m = statistics.median(theirs[key])
            print(f"{label:<23} {m:7.2f} s   {m / f:.2f}x floor   CPU "
                  f"{statistics.median(theirs[key + ' cpu']):6.2f} s")
    b = statistics.median(bare)
    for label, runs in (("evtctl --version", version), ("evtctl --help", helpcmd)):
        m = statistics.median(runs)
        print(f"{label:<23} {m * 1000:7.1f} ms  {m / b:.2f}x `python -c pass` ({b * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
