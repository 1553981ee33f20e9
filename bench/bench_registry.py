"""Registry speed: plan and apply of N subjects × 3 versions against a local Schema Registry,
next to the floor — the same registry changes made directly with confluent-kafka's client in
one process — all in the same run; plus a no-op plan of the same subjects next to the floor
of the reads it needs.

    python bench/bench_registry.py [--subjects 1000] [--url URL] [--workers 8]

Without --url it starts a local Apicurio Registry (tests/registry/local_apicurio.py).

Rows (each a fresh set of subjects, so nothing is cached by the registry or the client):

* floor, sequential: for each subject, register v1, set its level, register v2 and v3 —
  exactly the writes evtctl's apply sends, one request at a time;
* floor, parallel: the same, subjects spread over ``--workers`` threads (evtctl's default);
* ``evtctl registry --apply --yes`` in process: manifests and schemas loaded, the registry
  read, every version checked by evtctl, the plan applied (with its read-back checks);
* read floor: the reads a plan needs (versions, level, each version's schema), parallel;
* raw read floor: the same requests over plain keep-alive HTTP connections
  (``http.client``, one per thread, nothing parsed but the version lists): what the
  registry itself takes to answer them, with the least client work there can be; and
  the same one request at a time, for the registry's time per request;
* ``evtctl registry`` (no-op plan) of the subjects just applied.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "registry"))

CONTRACTS_PER_SERVICE = 2
VERSIONS = 3
DRAFT7 = "http://json-schema.org/draft-07/schema#"


class QuietUi:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def show(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)

    def show_json(self, text: str) -> None:
        self.lines = [text]

    def note(self, text: str) -> None:
        self.lines.append(text)

    def confirm(self, question: str) -> bool | None:
        return True

    def progress(self, total: int) -> AbstractContextManager[None]:
        return nullcontext(None)


def schema(title: str, version: int, index: int) -> dict[str, Any]:
    """A closed record that gains an optional property per version (BACKWARD-compatible for
    evtctl and for Apicurio's checker)."""
    props: dict[str, Any] = {"id": {"type": "string"}, "at": {"type": "string"},
                             "amount": {"type": "integer", "minimum": 0},
                             f"field{index % 7}": {"type": "string", "maxLength": 64}}
    for added in range(2, version + 1):
        props[f"addedInV{added}"] = {"type": "string"}
    return {"$schema": DRAFT7, "title": title, "type": "object",
            "additionalProperties": False, "required": ["id", "at"], "properties": props}


def write_org(root: Path, company: str, subjects: int) -> list[str]:
    """``subjects`` contracts (two per events topic, topic-record strategy); returns the
    subject names."""
    names: list[str] = []
    for s in range(subjects // CONTRACTS_PER_SERVICE):
        service = f"svc{s:05d}"
        folder = root / service
        (folder / "schemas").mkdir(parents=True)
        topic = f"{company}.bench.{service}.events"
        contracts = []
        for c in range(CONTRACTS_PER_SERVICE):
            title = f"Event{c}"
            versions = []
            for v in range(1, VERSIONS + 1):
                file = f"schemas/event{c}.v{v}.json"
                (folder / file).write_text(json.dumps(schema(title, v, s), indent=2))
                versions.append({"version": v, "schema": file})
            contracts.append({"name": title, "compatibility": "BACKWARD", "versions": versions})
            names.append(f"{topic}-{title}")
        document = {"apiVersion": "evtctl/v1", "kind": "Service",
                    "metadata": {"company": company, "namespace": "bench", "name": service},
                    "topics": [{"name": topic, "contracts": contracts}]}
        (folder / "service.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    (root / "evtctl.yaml").write_text(yaml.safe_dump(
        {"version": 1, "registry": {"subjectStrategy": "topic-record", "policy": "lenient"}}))
    return names


def client(url: str) -> Any:
    from confluent_kafka.schema_registry import SchemaRegistryClient

    return SchemaRegistryClient({"url": url, "timeout": 60})


def floor_writes(url: str, subjects: int, workers: int) -> float:
    """The writes evtctl's apply makes, made directly with the client."""
    from confluent_kafka.schema_registry import Schema

    sr = client(url)
    prefix = "floor" + uuid.uuid4().hex[:8]

    def one(index: int) -> None:
        subject = f"{prefix}.{index}-Event"
        for version in range(1, VERSIONS + 1):
            text = json.dumps(schema("Event", version, index), separators=(",", ":"))
            sr.register_schema(subject, Schema(text, "JSON"))
            if version == 1:
                sr.set_compatibility(subject, "BACKWARD")

    start = time.perf_counter()
    if workers <= 1:
        for index in range(subjects):
            one(index)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, range(subjects)))
    elapsed = time.perf_counter() - start
    sr.close()
    return elapsed


def floor_reads(url: str, names: list[str], workers: int) -> float:
    """The reads a plan of ``names`` needs, made directly with the client in parallel."""
    sr = client(url)

    def one(subject: str) -> None:
        versions = sr.get_versions(subject)
        sr.get_compatibility(subject)
        for version in versions:
            sr.get_version(subject, version)

    start = time.perf_counter()
    sr.get_subjects()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, names))
    elapsed = time.perf_counter() - start
    sr.close()
    return elapsed


def raw_reads(url: str, names: list[str], workers: int) -> float:
    """The reads of :func:`floor_reads` over plain HTTP/1.1 keep-alive connections."""
    import http.client
    import threading
    from urllib.parse import quote, urlsplit

    parts = urlsplit(url)
    local = threading.local()
    opened: list[http.client.HTTPConnection] = []

    def get(path: str) -> bytes:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(parts.hostname or "localhost",
                                                            parts.port, timeout=60)
            opened.append(conn)
        conn.request("GET", parts.path + path, headers={"Accept": "application/json"})
        answer = conn.getresponse()
        body = answer.read()
        if answer.status not in (200, 404):  # 404: no level of the subject's own
            raise RuntimeError(f"GET {path}: HTTP {answer.status}")
        return body

    def one(subject: str) -> None:
        quoted = quote(subject, safe="")
        versions = json.loads(get(f"/subjects/{quoted}/versions"))
        get(f"/config/{quoted}")
        for version in versions:
            get(f"/subjects/{quoted}/versions/{version}")

    start = time.perf_counter()
    get("/subjects")
    if workers <= 1:
        for name in names:
            one(name)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, names))
    elapsed = time.perf_counter() - start
    for conn in opened:
        conn.close()
    return elapsed


def evtctl(root: Path, url: str, workers: int, *args: str) -> tuple[float, int, list[str]]:
    from evtctl.registry.run import RegistryRequest, run_registry

    request = RegistryRequest((root,), url=url, apply="--apply" in args, yes=True,
                              check="--check" in args, workers=workers, timeout=60)
    ui = QuietUi()
    start = time.perf_counter()
    code = run_registry(request, ui, environ={})
    return time.perf_counter() - start, code, ui.lines


def timed(label: str, fn: Callable[[], float], rows: list[tuple[str, float]]) -> float:
    elapsed = fn()
    rows.append((label, elapsed))
    print(f"{label}: {elapsed:.2f} s", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1000)
    parser.add_argument("--url")
    parser.add_argument("--workers", type=int, default=8)
    args = parser.parse_args()
    registry = None
    url = args.url
    if url is None:
        from local_apicurio import Apicurio

        registry = Apicurio(heap="1g").start()
        url = registry.url
    try:
        run(url, args.subjects, args.workers)
    finally:
        if registry is not None:
            registry.stop()


def run(url: str, subjects: int, workers: int) -> None:
    rows: list[tuple[str, float]] = []
    # Warm the registry (its JIT) and the client once, outside the measurements.
    floor_writes(url, min(50, subjects), workers)
    with tempfile.TemporaryDirectory(prefix="evtctl-bench-registry-") as tmp:
        root = Path(tmp) / "org"
        names = write_org(root, "b" + uuid.uuid4().hex[:8], subjects)
        sequential = timed(f"floor: {subjects * VERSIONS} registrations + {subjects} levels, "
                           "sequential", lambda: floor_writes(url, subjects, 1), rows)
        parallel_floor = timed(f"floor: the same, {workers} threads",
                               lambda: floor_writes(url, subjects, workers), rows)
        elapsed, code, lines = evtctl(root, url, workers, "--apply")
        assert code == 0, "\n".join(lines[-20:])
        rows.append(("evtctl registry --apply --yes", elapsed))
        print(f"evtctl apply: {elapsed:.2f} s ({lines[-1]})", flush=True)
        reads = timed("read floor: the plan's reads, direct",
                      lambda: floor_reads(url, names, workers), rows)
        raw = timed("raw read floor: the same over plain HTTP",
                    lambda: raw_reads(url, names, workers), rows)
        sample = names[:100]
        one_by_one = timed(f"the same, one request at a time, {len(sample)} subjects",
                           lambda: raw_reads(url, sample, 1), rows)
        per_request = one_by_one / (len(sample) * (2 + VERSIONS) + 1)
        noop, code, lines = evtctl(root, url, workers, "--check")
        assert code == 0 and lines[-1].startswith("No changes"), lines[-1]
        rows.append(("evtctl registry (no-op plan)", noop))
        print(f"evtctl no-op plan: {noop:.2f} s", flush=True)
    print()
    print(f"| operation ({subjects} subjects × {VERSIONS} versions) | seconds | vs sequential "
          "floor | vs parallel floor |")
    print("| --- | ---: | ---: | ---: |")
    for label, seconds in rows[:3]:
        print(f"| {label} | {seconds:.2f} | {seconds / sequential:.2f}x | "
              f"{seconds / parallel_floor:.2f}x |")
    print(f"| read floor (the plan's reads, {workers} threads) | {reads:.2f} | — | — |")
    print(f"| raw read floor (plain HTTP, {workers} threads) | {raw:.2f} | — | — |")
    print(f"| evtctl registry, no-op plan | {noop:.2f} | vs read floor {noop / reads:.2f}x | "
          f"vs raw read floor {noop / raw:.2f}x |")
    count = subjects * (2 + VERSIONS) + 1
    print(f"registry's own time per request, one at a time: {per_request * 1000:.1f} ms; "
          f"with {workers} threads: {raw / count * 1000:.2f} ms a request "
          f"({count / raw:.0f} requests/s) for the plan's {count} reads")


if __name__ == "__main__":
    main()
