"""Time the organisation views on a synthetic organisation against the parse floor.

The floor is the one `bench_lint.py` uses: a separate process that only reads and parses
every manifest and schema file once. Measured in the same run, as whole processes:

* `evtctl catalog ORG --out DIR` (every page, every schema rendered, every history
  compared, the flow laid out by Graphviz): with an empty cache (cold), again with the
  cache it filled (warm: nothing changed), and cold without Graphviz (`EVTCTL_DOT=`);
* `evtctl catalog` right after `evtctl lint` filled the cache (cold for the catalogue's
  own cache, warm for lint's: the histories lint compared are not compared again);
* `evtctl graph ORG --format mermaid` and `--format dot`;
* in one process, after the manifests are loaded: building the graph, selecting the
  whole organisation and rendering it as Mermaid (what the graph itself costs).

``--compare DIR`` also times the catalogue rows with another evtctl source tree (``DIR`` on
``PYTHONPATH``, e.g. an export of ``main``), each run right after this tree's, against the
same floor. User + system CPU of every process (children included) is reported beside
the wall time: on a shared machine it moves less.

    python bench/bench_org.py --services 1000 [--repeat 3] [--compare DIR]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lint import FLOOR, LAST_CPU, _time
from gen_org import generate


def in_process(org: Path, repeat: int) -> tuple[float, float]:
    """(load manifests, graph + select + Mermaid) best of ``repeat``, in this process."""
    from evtctl.graph import build_graph
    from evtctl.manifest.loader import load_organisation
    from evtctl.report.org import mermaid
    from evtctl.report.org.view import select

    loads, graphs = [], []
    gc.set_threshold(50_000, 20, 100)  # as lint runs
    for _ in range(repeat):
        start = time.perf_counter()
        loaded = load_organisation([org])
        loads.append(time.perf_counter() - start)
        start = time.perf_counter()
        mermaid.render(select(build_graph(loaded.org)))
        graphs.append(time.perf_counter() - start)
    return min(loads), min(graphs)


CATALOG_ROWS = (("catalog", "evtctl catalog, cold cache"),
                ("catalog-warm", "evtctl catalog, warm cache"),
                ("catalog-noflow", "evtctl catalog, cold, no Graphviz"),
                ("catalog-after-lint", "evtctl catalog after evtctl lint"))


def _timed(cmd: list[str], env: dict[str, str], cpu: dict[str, list[float]],
           key: str) -> float:
    """Wall seconds of ``cmd``; its CPU (user + system, children included) into ``cpu``."""
    wall = _time(cmd, env)
    cpu.setdefault(key, []).append(LAST_CPU[0])
    return wall


def _catalogs(exe: list[str], org: Path, tmp: str, i: int, env: dict[str, str],
              runs: dict[str, list[float]], cpu: dict[str, list[float]]) -> None:
    cache = {**env, "EVTCTL_CACHE_DIR": tempfile.mkdtemp(dir=tmp)}
    no_dot = {**env, "EVTCTL_DOT": "", "EVTCTL_CACHE_DIR": tempfile.mkdtemp(dir=tmp)}
    after_lint = {**env, "EVTCTL_CACHE_DIR": tempfile.mkdtemp(dir=tmp)}
    site = tempfile.mkdtemp(dir=tmp)
    runs["catalog"].append(_timed([*exe, "catalog", str(org), "--out", site], cache, cpu,
                                  "catalog"))
    runs["catalog-warm"].append(_timed([*exe, "catalog", str(org), "--out", site], cache,
                                       cpu, "catalog-warm"))
    runs["catalog-noflow"].append(_timed([*exe, "catalog", str(org), "--out",
                                          tempfile.mkdtemp(dir=tmp)], no_dot, cpu,
                                         "catalog-noflow"))
    _time([*exe, "lint", str(org)], after_lint, (0, 1))
    runs["catalog-after-lint"].append(_timed([*exe, "catalog", str(org), "--out",
                                              tempfile.mkdtemp(dir=tmp)], after_lint, cpu,
                                             "catalog-after-lint"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", type=Path, default=None,
                        help="another evtctl source tree to time in the same run")
    args = parser.parse_args()
    exe = [sys.executable, "-m", "evtctl"]
    env = dict(os.environ)
    other_env = {**env, "PYTHONPATH": str(args.compare.resolve())} if args.compare else {}
    with tempfile.TemporaryDirectory() as tmp:
        # Run from the scratch folder: ``python -m evtctl`` puts the current folder first on
        # sys.path, so run from a source tree it would shadow --compare.
        os.chdir(tmp)
        org = generate(Path(tmp) / "org", args.services)
        files = sum(1 for _ in org.rglob("*") if _.is_file())
        keys = ("floor", *(k for k, _l in CATALOG_ROWS), "graph-mermaid", "graph-dot")
        runs: dict[str, list[float]] = {k: [] for k in keys}
        theirs: dict[str, list[float]] = {k: [] for k in keys}
        cpu: dict[str, list[float]] = {}
        their_cpu: dict[str, list[float]] = {}
        for i in range(args.repeat):
            runs["floor"].append(_timed([sys.executable, "-c", FLOOR, str(org)], env, cpu,
                                        "floor"))
            _catalogs(exe, org, tmp, i, env, runs, cpu)
            if args.compare:
                _catalogs(exe, org, tmp, i, other_env, theirs, their_cpu)
            runs["graph-mermaid"].append(_time([*exe, "graph", str(org), "-f", "mermaid"]))
            runs["graph-dot"].append(_time([*exe, "graph", str(org), "-f", "dot"]))
        load, graph = in_process(org, args.repeat)
    f = statistics.median(runs["floor"])
    fc = statistics.median(cpu["floor"])
    print(f"organisation: {args.services} services, {files} files; median of {args.repeat}")
    print(f"{'parse floor':<42}{f:7.2f} s   1.00x   CPU {fc:6.2f} s")
    for key, label in (*CATALOG_ROWS, ("graph-mermaid", "evtctl graph --format mermaid"),
                       ("graph-dot", "evtctl graph --format dot")):
        m = statistics.median(runs[key])
        used = f"   CPU {statistics.median(cpu[key]):6.2f} s" if key in cpu else ""
        print(f"{label:<42}{m:7.2f} s {m / f:6.2f}x{used}")
    if args.compare:
        print(f"the same, with {args.compare} on PYTHONPATH:")
        for key, label in CATALOG_ROWS:
            m = statistics.median(theirs[key])
            print(f"{label:<42}{m:7.2f} s {m / f:6.2f}x   CPU "
                  f"{statistics.median(their_cpu[key]):6.2f} s")
    print(f"in process: load manifests {load:.2f} s; graph + select + Mermaid {graph:.3f} s "
          f"({graph / f:.2f}x the floor)")


if __name__ == "__main__":
    main()
