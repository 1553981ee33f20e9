"""Provisioning speed: plan and apply of 1,000 topics against a local broker, next to the
floor (one batched CreateTopics request made directly with confluent-kafka) and to creating
topics one by one, all in the same run; plus a no-op plan of the same 1,000 topics.

    python bench/bench_provision.py [--topics 1000] [--bootstrap-server HOST:PORT]

Without --bootstrap-server it starts a local single-node broker (tests/kafka/local_kafka.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "kafka"))

TOPICS_PER_SERVICE = 10


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


def write_org(root: Path, company: str, topics: int) -> list[str]:
    names: list[str] = []
    for s in range(topics // TOPICS_PER_SERVICE):
        service = f"svc{s:04d}"
        owned = [f"{company}.bench.{service}.events.m{t}" for t in range(TOPICS_PER_SERVICE)]
        names.extend(owned)
        doc = {"apiVersion": "evtctl/v1", "kind": "Service",
               "metadata": {"company": company, "namespace": "bench", "name": service},
               "topics": [{"name": n, "partitions": 1, "config": {"retention.ms": "86400000"}}
                          for n in owned]}
        (root / f"{service}.yaml").write_text(yaml.safe_dump(doc))
    return names


def timed(label: str, results: dict[str, float], action: object) -> object:
    start = time.perf_counter()
    value = action()  # type: ignore[operator]
    results[label] = time.perf_counter() - start
    print(f"{label:<44} {results[label]:8.2f} s", flush=True)
    return value


def main(argv: Sequence[str] | None = None) -> int:
    from confluent_kafka.admin import AdminClient, NewTopic

    from evtctl.provision.run import ProvisionRequest, provision

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topics", type=int, default=1000)
    parser.add_argument("--bootstrap-server")
    args = parser.parse_args(argv)
    count = args.topics - args.topics % TOPICS_PER_SERVICE

    cluster = None
    bootstrap = args.bootstrap_server
    if bootstrap is None:
        from local_kafka import KafkaCluster

        cluster = KafkaCluster(nodes=1, heap="1g").start()
        bootstrap = cluster.bootstrap_servers
    admin = AdminClient({"bootstrap.servers": bootstrap, "log_level": "0"})
    run = uuid.uuid4().hex[:6]
    results: dict[str, float] = {}
    try:
        config = {"retention.ms": "86400000"}
        floor_names = [f"floor{run}.bench.s.events.m{i}" for i in range(count)]

        def floor() -> None:
            futures = admin.create_topics([NewTopic(n, 1, 1, config=config)
                                           for n in floor_names], request_timeout=120)
            for future in futures.values():
                future.result()
            # Done means visible to clients, as for evtctl apply (which waits for that too).
            while set(floor_names) - set(admin.list_topics(timeout=30).topics):
                time.sleep(0.25)

        def one_by_one() -> None:
            for i in range(count):
                name = f"single{run}.bench.s.events.m{i}"
                admin.create_topics([NewTopic(name, 1, 1, config=config)],
                                    request_timeout=60)[name].result()

        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            write_org(root, f"evt{run}", count)
            request = ProvisionRequest(paths=(root,), bootstrap_server=bootstrap, timeout=120)
            apply_request = ProvisionRequest(paths=(root,), bootstrap_server=bootstrap,
                                             apply=True, yes=True, timeout=120)
            ui = QuietUi()
            warm = [f"warm{run}.bench.s.events.m{i}" for i in range(200)]
            for future in admin.create_topics([NewTopic(n, 1, 1) for n in warm]).values():
                future.result()  # warm the broker's JIT before measuring anything
            timed(f"floor: one CreateTopics of {count}", results, floor)
            timed(f"one by one: {count} CreateTopics", results, one_by_one)
            timed(f"evtctl plan ({count} to create)", results,
                  lambda: provision(request, ui))
            code = timed(f"evtctl apply ({count} topics)", results,
                         lambda: provision(apply_request, ui))
            assert code == 0, ui.lines[-1]
            code = timed(f"evtctl no-op plan ({count} topics)", results,
                         lambda: provision(request, ui))
            assert code == 0 and ui.lines[-1].startswith("No changes"), ui.lines[-1]
        floor_s = results[f"floor: one CreateTopics of {count}"]
        print()
        print(f"apply / floor:       {results[f'evtctl apply ({count} topics)'] / floor_s:6.2f}x")
        one_by_one = results[f"one by one: {count} CreateTopics"]
        print(f"one by one / floor:  {one_by_one / floor_s:6.2f}x")
    finally:
        if cluster is not None:
            cluster.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
