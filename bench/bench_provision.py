"""Provisioning speed: `evtctl provision --apply` of N new topics, as a whole process, next to
the floor measured in the same run — a process that imports confluent-kafka and makes one
batched CreateTopics request of the same N topics (every future awaited) — and where the
fixed costs go (imports, connection, describe round trips, requests, visibility wait).

    python bench/bench_provision.py [--topics 10,100,1000] [--repeat 3]
                                    [--bootstrap-server HOST:PORT]

Without --bootstrap-server it starts a local single-node broker (tests/kafka/local_kafka.py).
Each measurement uses topic names of its own; floor and evtctl runs alternate, and the
medians are reported, so a noisy shared machine shifts both alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "kafka"))

TOPICS_PER_SERVICE = 10
CONFIG = {"retention.ms": "86400000"}

FLOOR = """
import sys
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
admin = AdminClient({"bootstrap.servers": bootstrap, "log_level": 0})
topics = [NewTopic(f"{prefix}.m{i}", 1, 1, config={"retention.ms": "86400000"})
          for i in range(count)]
for future in admin.create_topics(topics, request_timeout=120).values():
    future.result()
if len(sys.argv) > 4:  # and wait until a new client sees them all
    import time
    from confluent_kafka import KafkaException, TopicCollection
    names = [t.topic for t in topics]
    while True:
        view = AdminClient({"bootstrap.servers": bootstrap, "log_level": 0})
        try:
            for future in view.describe_topics(TopicCollection(names)).values():
                future.result()
            break
        except KafkaException:
            time.sleep(0.05)
"""


class QuietUi:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def show(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)

    def show_json(self, text: str) -> None:
        self.lines = [text]

    def note(self, text: str) -> None:
        pass

    def confirm(self, question: str) -> bool | None:
        return True

    def progress(self, total: int) -> AbstractContextManager[None]:
        return nullcontext(None)


def write_org(root: Path, company: str, topics: int) -> None:
    for s in range(max(1, topics // TOPICS_PER_SERVICE)):
        service = f"svc{s:04d}"
        per = min(topics, TOPICS_PER_SERVICE)
        doc = {"apiVersion": "evtctl/v1", "kind": "Service",
               "metadata": {"company": company, "namespace": "bench", "name": service},
               "topics": [{"name": f"{company}.bench.{service}.events.m{t}", "partitions": 1,
                           "config": dict(CONFIG)} for t in range(per)]}
        (root / f"{service}.yaml").write_text(yaml.safe_dump(doc))


def run_process(args: Sequence[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} … failed ({done.returncode}):\n"
                         f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds


def floor_once(bootstrap: str, count: int, visible: bool = False) -> float:
    prefix = f"floor{uuid.uuid4().hex[:8]}.bench.s.events"
    return run_process([sys.executable, "-c", FLOOR, bootstrap, prefix, str(count),
                        *(["visible"] if visible else [])])


def evtctl_once(bootstrap: str, count: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        write_org(Path(folder), f"evt{uuid.uuid4().hex[:8]}", count)
        return run_process([sys.executable, "-m", "evtctl", "provision", folder,
                            "--bootstrap-server", bootstrap, "--apply", "--yes"])


class TimedAdmin:
    """Wraps the real adapter; adds up the seconds each method takes."""

    def __init__(self, inner: Any, spent: dict[str, float]) -> None:
        self._inner = inner
        self._spent = spent

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._inner, name)
        if not callable(method):
            return method

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self._spent[name] = self._spent.get(name, 0.0) + time.perf_counter() - start

        return timed


def phases_once(bootstrap: str, count: int) -> dict[str, float]:
    """One apply in-process, with the time of each phase."""
    from evtctl.provision.apply import ApplyStats
    from evtctl.provision.kafka import KafkaAdmin
    from evtctl.provision.run import ProvisionRequest, provision

    spent: dict[str, float] = {}

    def factory(config: Mapping[str, str], timeout: float) -> Any:
        return TimedAdmin(KafkaAdmin(config, timeout), spent)

    stats = ApplyStats()
    with tempfile.TemporaryDirectory() as folder:
        write_org(Path(folder), f"evt{uuid.uuid4().hex[:8]}", count)
        request = ProvisionRequest(paths=(Path(folder),), bootstrap_server=bootstrap,
                                   apply=True, yes=True)
        start = time.perf_counter()
        ui = QuietUi()
        code = provision(request, ui, admin_factory=factory, stats=stats)
        total = time.perf_counter() - start
    if code != 0:
        raise SystemExit("\n".join(ui.lines))
    connect = spent.get("describe_cluster", 0.0)
    reads = spent.get("read", 0.0)  # observe: one round of reads
    writes = spent.get("create_topics", 0.0)
    confirm = stats.waited  # the fresh view's connection, its reads and any waiting
    return {"total": total, "connect": connect, "describe": reads, "create": writes,
            "confirm (visibility)": stats.waited, "views": float(stats.views),
            "late batches": float(stats.late), "local work": total - connect - reads - writes
            - confirm}


def process_start(code: str, repeat: int) -> float:
    return statistics.median(run_process([sys.executable, "-c", code]) for _ in range(repeat))


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--topics", default="10,100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bootstrap-server")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.topics.split(",")]

    cluster = None
    bootstrap = args.bootstrap_server
    if bootstrap is None:
        from local_kafka import KafkaCluster

        cluster = KafkaCluster(nodes=1, heap="1g").start()
        bootstrap = cluster.bootstrap_servers
    try:
        floor_once(bootstrap, 200)  # warm the broker's JIT before measuring anything
        evtctl_once(bootstrap, 20)
        bare = process_start("pass", args.repeat)
        kafka_import = process_start("import confluent_kafka.admin", args.repeat)
        cli_import = process_start("import evtctl.cli", args.repeat)
        print(f"python -c pass                 {bare:7.3f} s")
        print(f"import confluent_kafka.admin   {kafka_import:7.3f} s  ({kafka_import / bare:.2f}x)")
        print(f"import evtctl.cli              {cli_import:7.3f} s  ({cli_import / bare:.2f}x)")
        print()
        print(f"{'topics':>7} {'floor s':>8} {'+visible':>9} {'evtctl s':>9} {'ratio':>6} "
              f"{'vs visible':>10}   phases (in-process apply, seconds)")
        for count in counts:
            floors: list[float] = []
            visibles: list[float] = []
            applies: list[float] = []
            for _ in range(args.repeat):  # alternate, so load drifts hit all three alike
                floors.append(floor_once(bootstrap, count))
                visibles.append(floor_once(bootstrap, count, visible=True))
                applies.append(evtctl_once(bootstrap, count))
            phases = [phases_once(bootstrap, count) for _ in range(args.repeat)]
            shown = "  ".join(f"{k} {median([p[k] for p in phases]):.3f}"
                              for k in phases[0])
            f, v, e = median(floors), median(visibles), median(applies)
            print(f"{count:>7} {f:8.3f} {v:9.3f} {e:9.3f} {e / f:5.2f}x {e / v:9.2f}x   "
                  f"{shown}", flush=True)
    finally:
        if cluster is not None:
            cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
