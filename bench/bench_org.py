"""Time the organisation views on a synthetic organisation against the parse floor.

The floor is the one `bench_lint.py` uses: a separate process that only reads and parses
every manifest and schema file once. Measured in the same run, as whole processes:

* `evtctl catalog ORG --out DIR` (every page, every schema rendered, every history
  compared, the flow laid out by Graphviz): with an empty cache (cold), again with the
  cache it filled (warm: nothing changed), and cold without Graphviz (`EVTCTL_DOT=`);
* `evtctl graph ORG --format mermaid` and `--format dot`;
* in one process, after the manifests are loaded: building the graph, selecting the
  whole organisation and rendering it as Mermaid (what the graph itself costs).

    python bench/bench_org.py --services 1000 [--repeat 3]
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
from bench_lint import FLOOR, _time
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    exe = [sys.executable, "-m", "evtctl"]
    with tempfile.TemporaryDirectory() as tmp:
        org = generate(Path(tmp) / "org", args.services)
        files = sum(1 for _ in org.rglob("*") if _.is_file())
        runs: dict[str, list[float]] = {k: [] for k in (
            "floor", "catalog", "catalog-warm", "catalog-noflow", "graph-mermaid",
            "graph-dot")}
        for i in range(args.repeat):
            cache = {**os.environ, "EVTCTL_CACHE_DIR": tempfile.mkdtemp(dir=tmp)}
            no_dot = {**os.environ, "EVTCTL_DOT": "", "EVTCTL_CACHE_DIR":
                      tempfile.mkdtemp(dir=tmp)}
            runs["floor"].append(_time([sys.executable, "-c", FLOOR, str(org)]))
            site = f"{tmp}/site{i}"
            runs["catalog"].append(_time([*exe, "catalog", str(org), "--out", site], cache))
            runs["catalog-warm"].append(_time([*exe, "catalog", str(org), "--out", site],
                                              cache))
            runs["catalog-noflow"].append(_time([*exe, "catalog", str(org), "--out",
                                                 f"{tmp}/bare{i}"], no_dot))
            runs["graph-mermaid"].append(_time([*exe, "graph", str(org), "-f", "mermaid"]))
            runs["graph-dot"].append(_time([*exe, "graph", str(org), "-f", "dot"]))
        load, graph = in_process(org, args.repeat)
    f = statistics.median(runs["floor"])
    print(f"organisation: {args.services} services, {files} files; median of {args.repeat}")
    print(f"parse floor                               {f:7.2f} s   1.00x")
    for key, label in (("catalog", "evtctl catalog, cold cache"),
                       ("catalog-warm", "evtctl catalog, warm cache"),
                       ("catalog-noflow", "evtctl catalog, cold, no Graphviz"),
                       ("graph-mermaid", "evtctl graph --format mermaid"),
                       ("graph-dot", "evtctl graph --format dot")):
        m = statistics.median(runs[key])
        print(f"{label:<42}{m:7.2f} s {m / f:6.2f}x")
    print(f"in process: load manifests {load:.2f} s; graph + select + Mermaid {graph:.3f} s "
          f"({graph / f:.2f}x the floor)")


if __name__ == "__main__":
    main()
