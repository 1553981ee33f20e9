"""Lint loads and compares schemas in worker processes on large organisations: the findings
are exactly those of a serial run, with the cache off, cold or warm."""

from __future__ import annotations

import importlib.util
import json
import multiprocessing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from evtctl.config import load_config
from evtctl.contracts import prefetch
from evtctl.lint import CONTRACT_RULES, LintOptions, lint_loaded, lint_paths
from evtctl.manifest.loader import load_organisation

BENCH = Path(__file__).resolve().parents[2] / "bench" / "gen_org.py"

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="worker processes need fork")


def _generate(out: Path, services: int) -> Path:
    spec = importlib.util.spec_from_file_location("gen_org", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(out, services)  # type: ignore[no-any-return]


def _break(org: Path) -> None:
    """Findings of every contract rule: breaking changes, an invalid schema, a bad $ref, a
    missing file."""
    services = sorted(p for p in org.glob("*/*") if p.is_dir())
    v2 = services[0] / "schemas" / "thing0-happened.v2.json"
    schema = json.loads(v2.read_text())
    schema["properties"]["id"] = {"type": "integer"}
    schema["required"].append("status")
    v2.write_text(json.dumps(schema, indent=2))
    v3 = services[1] / "schemas" / "thing1-happened.v3.json"
    schema = json.loads(v3.read_text())
    del schema["properties"]["address"]["properties"]["city"]
    schema["properties"]["address"]["additionalProperties"] = False
    v3.write_text(json.dumps(schema, indent=2))
    (services[2] / "schemas" / "do-thing.v1.json").write_text('{"type": "objekt"}')
    (services[3] / "schemas" / "thing0-happened.v1.json").write_text(
        '{"properties": {"a": {"$ref": "#/$defs/nowhere"}}}')
    (services[4] / "schemas" / "do-thing.v2.json").unlink()
    (services[5] / "schemas" / "thing1-happened.v2.json").write_text(
        '{"properties": {"a": {"$ref": "https://example.com/a.json"}}}')


def _findings(org: Path, use_cache: bool, after_loading: bool = False) -> list[tuple[Any, ...]]:
    config = load_config(None, [org])
    options = LintOptions(use_cache=use_cache)
    if after_loading:  # the API path without a prefetch: workers start in the first rule
        result = lint_loaded(load_organisation([org]), config, options)
    else:
        result = lint_paths([org], config, options)
    return [(f.rule, str(f.file), f.line, f.column, f.message, f.json_path, f.hint, f.anchor,
             tuple((str(r.location.file), r.location.line, r.message) for r in f.related))
            for f in result.findings]


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _generate(tmp_path_factory.mktemp("parallel") / "org", 24)
    _break(root)
    return root


def _spy(monkeypatch: pytest.MonkeyPatch, warm_stays_serial: bool = False) -> list[str]:
    """Records each worker pool started: while the manifests load, or after. Unless
    ``warm_stays_serial``, a warm cache starts workers too (the path still exists when only
    part of the cache is warm)."""
    if not warm_stays_serial:
        monkeypatch.setattr(prefetch, "CACHED_SHARE", 2.0)
    runs: list[str] = []
    real_run = prefetch._run_workers
    real_start = prefetch.Prefetch._start

    def run(store: Any, units: Any, workers: int) -> None:
        runs.append(f"after loading: {workers}")
        real_run(store, units, workers)

    def start(self: prefetch.Prefetch) -> None:
        real_start(self)
        if self.started:
            runs.append(f"while loading: {self.workers}")

    monkeypatch.setattr(prefetch, "_run_workers", run)
    monkeypatch.setattr(prefetch.Prefetch, "_start", start)
    return runs


@pytest.mark.parametrize("use_cache", [False, True])
def test_parallel_findings_equal_serial_findings(
        org: Path, use_cache: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "serial-cache"))
    monkeypatch.setenv("EVTCTL_JOBS", "1")
    serial = _findings(org, use_cache)
    assert {f[0] for f in serial} >= {"EVT502", "EVT503", "EVT504", "EVT505"}

    runs = _spy(monkeypatch)
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_VERSIONS", 0)
    monkeypatch.setenv("EVTCTL_JOBS", "2")
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "parallel-cache"))
    assert _findings(org, use_cache) == serial  # cold cache (or none)
    assert _findings(org, use_cache) == serial  # warm cache (or none)
    assert runs == ["while loading: 2", "while loading: 2"]


@pytest.mark.parametrize("use_cache", [False, True])
def test_workers_started_after_loading_give_serial_findings(
        org: Path, use_cache: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "serial-cache"))
    monkeypatch.setenv("EVTCTL_JOBS", "1")
    serial = _findings(org, use_cache)

    runs = _spy(monkeypatch)
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_VERSIONS", 0)
    monkeypatch.setenv("EVTCTL_JOBS", "2")
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "parallel-cache"))
    assert _findings(org, use_cache, after_loading=True) == serial
    assert _findings(org, use_cache, after_loading=True) == serial
    assert runs == ["after loading: 2", "after loading: 2"]


def test_small_batches_while_loading_give_serial_findings(
        org: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many batches, sent while the manifests are still being read, come back in order."""
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "serial-cache"))
    monkeypatch.setenv("EVTCTL_JOBS", "1")
    serial = _findings(org, use_cache=True)
    runs = _spy(monkeypatch)
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_VERSIONS", 20)
    monkeypatch.setattr(prefetch, "PREFETCH_BATCH", 1)
    monkeypatch.setenv("EVTCTL_JOBS", "2")
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "parallel-cache"))
    assert _findings(org, use_cache=True) == serial
    assert runs == ["while loading: 2"]


def test_no_prefetch_when_the_schema_rules_are_off(
        org: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _spy(monkeypatch)
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_VERSIONS", 0)
    monkeypatch.setenv("EVTCTL_JOBS", "2")
    config = load_config(None, [org])
    config = replace(config, rule_severities={
        **config.rule_severities, **{r: "off" for r in CONTRACT_RULES}})
    result = lint_paths([org], config, LintOptions(use_cache=False))
    assert not {f.rule for f in result.findings} & set(CONTRACT_RULES)
    assert runs == []


def test_the_parallel_cache_serves_a_serial_run(
        org: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_VERSIONS", 0)
    monkeypatch.setenv("EVTCTL_JOBS", "2")
    parallel = _findings(org, use_cache=True)
    calls: list[str] = []
    import evtctl.compat.jsonschema.checker
    import evtctl.compat.jsonschema.schemafile

    real_load = evtctl.compat.jsonschema.schemafile.load_tracked
    real_check = evtctl.compat.jsonschema.checker.check
    monkeypatch.setattr(evtctl.compat.jsonschema.schemafile, "load_tracked",
                        lambda *a, **k: calls.append("load") or real_load(*a, **k))
    monkeypatch.setattr(evtctl.compat.jsonschema.checker, "check",
                        lambda *a, **k: calls.append("check") or real_check(*a, **k))
    monkeypatch.setenv("EVTCTL_JOBS", "1")
    assert _findings(org, use_cache=True) == parallel
    # Only the invalid files (never cached) are loaded again; no history is compared again.
    assert "check" not in calls
    assert calls.count("load") == 3


def test_small_organisations_and_one_job_stay_serial(
        org: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _spy(monkeypatch)
    monkeypatch.setenv("EVTCTL_JOBS", "1")
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_VERSIONS", 0)
    _findings(org, use_cache=False)
    monkeypatch.setenv("EVTCTL_JOBS", "2")
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_VERSIONS", 10_000)
    _findings(org, use_cache=False)
    assert runs == []


@pytest.mark.parametrize("value, expected", [("1", 1), ("3", 3), ("0", 1), ("x", None)])
def test_jobs_follows_evtctl_jobs(value: str, expected: int | None,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVTCTL_JOBS", value)
    assert prefetch.jobs() == (expected if expected is not None else _cores())


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def test_lint_process_shares_the_schema_work_once_manifests_are_read(
        org: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The prefetch forks one worker per core but one; once the manifests are read, lint's
    own process works through what was not sent yet, with the same findings."""
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "serial-cache"))
    monkeypatch.setenv("EVTCTL_JOBS", "1")
    serial = _findings(org, use_cache=True)
    import os

    here = os.getpid()
    own: list[int] = []
    real_work = prefetch._work

    def work(store: Any, units: Any) -> Any:
        units = list(units)
        if os.getpid() == here:
            own.append(len(units))
        return real_work(store, units)

    monkeypatch.setattr(prefetch, "_work", work)
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_VERSIONS", 0)
    monkeypatch.setattr(prefetch, "PREFETCH_BATCH", 10_000)  # nothing sent early
    monkeypatch.setenv("EVTCTL_JOBS", "2")
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "parallel-cache"))
    assert _findings(org, use_cache=True) == serial
    assert own and max(own) <= prefetch.OWN_TURN


@pytest.mark.parametrize("after_loading", [False, True])
def test_a_warm_cache_starts_no_worker(org: Path, after_loading: bool, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Cache hits cost lint's process less than a worker's round trip: once the cache holds
    the organisation's versions, the run stays in one process, with the same findings."""
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "serial-cache"))
    monkeypatch.setenv("EVTCTL_JOBS", "1")
    serial = _findings(org, use_cache=True)
    runs = _spy(monkeypatch, warm_stays_serial=True)
    monkeypatch.setattr(prefetch, "PARALLEL_MIN_VERSIONS", 0)
    monkeypatch.setenv("EVTCTL_JOBS", "2")
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "parallel-cache"))
    assert _findings(org, use_cache=True, after_loading=after_loading) == serial  # cold
    assert _findings(org, use_cache=True, after_loading=after_loading) == serial  # warm
    assert runs == [f"{'after' if after_loading else 'while'} loading: 2"]
    # Every file changed: the cache holds none of them, workers start again.
    for schema in org.rglob("*.json"):
        schema.write_text(schema.read_text() + "\n")
    try:
        assert _findings(org, use_cache=True, after_loading=after_loading) == serial
    finally:
        for schema in org.rglob("*.json"):
            schema.write_text(schema.read_text()[:-1])
    assert len(runs) == 2
