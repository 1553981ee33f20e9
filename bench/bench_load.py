"""Time manifest loading alone (``load_organisation``) against the parse floor, in one run.

Lint's own process spends most of its time reading manifests; this isolates that part from
the schema work. Each measurement is a fresh process that loads the whole synthetic
organisation (plus ``--noise`` YAML files that are not manifests) best of ``--repeat``
times; the floor parses every YAML file once with PyYAML's C loader in the same kind of
process. ``--compare DIR`` times another evtctl source tree alternately.

    python bench/bench_load.py --services 1000 --noise 1000 [--compare /tmp/evtctl-main]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lint import _noise
from gen_org import generate

LOAD = r"""
import gc, sys, time
from pathlib import Path
from evtctl.manifest.loader import load_organisation
gc.set_threshold(50_000, 20, 100)
best = None
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    result = load_organisation([Path(sys.argv[1])])
    took = time.perf_counter() - start
    best = took if best is None else min(best, took)
print(best, len(result.org.services))
"""

FLOOR = r"""
import os, sys, time, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
best = None
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    for folder, _dirs, files in os.walk(sys.argv[1]):
        for name in files:
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(folder, name), "rb") as fh:
                    list(yaml.load_all(fh.read(), Loader=loader))
    took = time.perf_counter() - start
    best = took if best is None else min(best, took)
print(best, 0)
"""


def _best(code: str, org: Path, repeat: int, env: dict[str, str]) -> tuple[float, int]:
    out = subprocess.run([sys.executable, "-c", code, str(org), str(repeat)], env=env,
                         capture_output=True, text=True, check=True, timeout=600).stdout
    took, services = out.split()
    return float(took), int(services)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--noise", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # a source tree as the current folder would shadow --compare
        org = generate(Path(tmp) / "org", args.services)
        _noise(org, args.noise)
        floors: list[float] = []
        ours: list[float] = []
        theirs: list[float] = []
        env = dict(os.environ)
        other = {**env, "PYTHONPATH": str(args.compare.resolve())} if args.compare else env
        for _ in range(args.rounds):
            floors.append(_best(FLOOR, org, args.repeat, env)[0])
            took, services = _best(LOAD, org, args.repeat, env)
            ours.append(took)
            if args.compare:
                theirs.append(_best(LOAD, org, args.repeat, other)[0])
    f = statistics.median(floors)
    print(f"{args.services} manifests ({services} services loaded) + {args.noise} other YAML "
          f"files; best of {args.repeat}, median of {args.rounds} rounds")
    print(f"parse floor (C loader)   {f:6.3f} s  1.00x")
    print(f"load_organisation        {statistics.median(ours):6.3f} s  "
          f"{statistics.median(ours) / f:.2f}x")
    if args.compare:
        m = statistics.median(theirs)
        print(f"  ... {args.compare}  {m:6.3f} s  {m / f:.2f}x")


if __name__ == "__main__":
    main()
