"""Run every rule over an organisation and turn problems into findings.

The engine adds what rules leave out: the rule id, the severity from the project
configuration, inline suppressions (``# evtctl: ignore[...]``, see ``evtctl.suppress``)
and the configured ignores, in that order. It sorts and de-duplicates in one place,
and returns one value that every reporter renders. Baselines (``evtctl.baseline``)
filter that value afterwards; ``exit_code`` turns it into the exit status.
"""

from __future__ import annotations

import contextlib
import fnmatch
import gc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from evtctl.config import ProjectConfig
from evtctl.contracts.store import ContractStore, EarlierVersions
from evtctl.findings import Finding, LintResult, Problem, Severity, sort_findings
from evtctl.manifest.loader import LoadResult, load_organisation
from evtctl.rules import all_rules
from evtctl.rules.base import Context, RuleSpec

# The rules that read contract versions from the store, and the one that compares histories.
CONTRACT_RULES = ("EVT502", "EVT503", "EVT504", "EVT505", "EVT506", "EVT507")
HISTORY_RULE = "EVT505"

FailOn = Literal["error", "warning"]
FAIL_ON: tuple[FailOn, ...] = ("error", "warning")
# Collector thresholds while lint runs. Lint builds many objects that live until the end
# (manifests, schemas, shared schema nodes), and CPython's defaults (a young collection
# every 700 allocations, an older one every 10 younger ones) walk them again and again:
# about a tenth of the CPU of a large lint. Cyclic garbage is still collected, less often.
# The worker processes that the schema rules fork inherit them.
GC_THRESHOLDS = (50_000, 20, 100)


@dataclass(frozen=True)
class LintOptions:
    today: date | None = None
    use_cache: bool = True
    registry: EarlierVersions | None = None  # lint --registry (evtctl.registry.lint)


def severity_for(spec: RuleSpec, config: ProjectConfig) -> Severity | None:
    """The configured severity of a rule, or None when it is turned off."""
    for key in (spec.id, spec.name, *spec.aliases):
        value = config.rule_severities.get(key)
        if value is not None:
            return None if value == "off" else Severity(value)
    return spec.severity


def lint_paths(paths: Sequence[Path], config: ProjectConfig,
               options: LintOptions = LintOptions()) -> LintResult:
    """Load the manifests below ``paths`` and check them. Raises PathNotFound."""
    # On a large organisation, worker processes load the schemas while the manifests are read.
    store = _store(config, options)
    try:
        with _fewer_collections():
            loaded = load_organisation(paths, on_services=store.expect)
            return _lint(loaded, config, options, store)
    finally:
        store.close()


def lint_loaded(loaded: LoadResult, config: ProjectConfig,
                options: LintOptions = LintOptions()) -> LintResult:
    store = _store(config, options)
    try:
        with _fewer_collections():
            return _lint(loaded, config, options, store)
    finally:
        store.close()


def _store(config: ProjectConfig, options: LintOptions) -> ContractStore:
    """The run's contract store, told which contract rules will read it."""
    from evtctl.rules import find_rule

    def active(rule_id: str) -> bool:
        spec = find_rule(rule_id)
        return spec is not None and severity_for(spec, config) is not None

    return ContractStore(config, use_cache=options.use_cache,
                         check_histories=active(HISTORY_RULE),
                         load_versions=any(active(r) for r in CONTRACT_RULES),
                         registry=options.registry)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """The block runs with :data:`GC_THRESHOLDS`; the caller's thresholds come back after."""
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _lint(loaded: LoadResult, config: ProjectConfig, options: LintOptions,
          store: ContractStore) -> LintResult:
    ctx = Context(org=loaded.org, config=config, today=options.today or date.today(),
                  contracts=store)
    specs = {spec.id: spec for spec in all_rules()}
    raw: list[Finding] = []
    for rp in loaded.problems:
        spec = specs[rp.rule]
        severity = severity_for(spec, config)
        if severity is not None:
            raw.append(_finding(spec, severity, rp.problem))
    for spec in specs.values():
        if spec.check is None:
            continue
        severity = severity_for(spec, config)
        if severity is None:
            continue
        for problem in spec.check(ctx):
            raw.append(_finding(spec, severity, problem))
    inline = _apply_suppressions(raw, loaded, config, specs)
    kept, ignored = apply_ignores(inline.kept, config)
    return LintResult(findings=sort_findings(kept), files=tuple(loaded.files),
                      services=len(loaded.org.services),
                      suppressed=inline.suppressed + ignored,
                      extra={"root": config.root})


def _apply_suppressions(raw: list[Finding], loaded: LoadResult, config: ProjectConfig,
                        specs: dict[str, RuleSpec]) -> SuppressionResult:
    """Inline suppressions, plus the findings about the suppressions themselves."""
    from evtctl.rules import find_rule
    from evtctl.suppress import apply_suppressions

    def resolve(key: str) -> str | None:
        spec = find_rule(key)
        return spec.id if spec is not None else None

    def active(rule_id: str) -> bool:
        return severity_for(specs[rule_id], config) is not None

    outcome = apply_suppressions(raw, loaded.texts, resolve, active)
    kept = list(outcome.kept)
    for rule_id, problem in outcome.problems:
        severity = severity_for(specs[rule_id], config)
        if severity is not None:
            kept.append(_finding(specs[rule_id], severity, problem))
    return SuppressionResult(kept, outcome.suppressed)


@dataclass(frozen=True)
class SuppressionResult:
    kept: list[Finding]
    suppressed: int


def _finding(spec: RuleSpec, severity: Severity, problem: Problem) -> Finding:
    return Finding(spec.id, severity, problem.message, problem.location, problem.related,
                   problem.json_path, problem.hint, problem.anchor)


def project_root(result: LintResult) -> Path:
    """The project root the engine linted under (for baselines and fingerprints)."""
    root = result.extra.get("root")
    return root if isinstance(root, Path) else Path.cwd()


def apply_baseline(result: LintResult, baseline_file: Path) -> LintResult:
    """Only the findings the baseline does not record; ``extra["baselined"]`` counts the rest.

    Raises BaselineError for an unreadable baseline.
    """
    from evtctl.baseline import filter_new, read

    new, matched = filter_new(result.findings, read(baseline_file), project_root(result))
    return replace(result, findings=tuple(new), extra={**result.extra, "baselined": matched})


def exit_code(result: LintResult, fail_on: FailOn = "error") -> int:
    """1 when a finding is at or above the ``fail_on`` severity, else 0."""
    if result.errors or (fail_on == "warning" and result.warnings):
        return 1
    return 0


def apply_ignores(findings: list[Finding], config: ProjectConfig) -> tuple[list[Finding], int]:
    """Drop the findings that an ``ignores`` entry of the config covers."""
    if not config.ignores:
        return findings, 0
    kept: list[Finding] = []
    suppressed = 0
    specs = {spec.id: spec for spec in all_rules()}
    for finding in findings:
        spec = specs.get(finding.rule)
        names = {finding.rule, "*"} | ({spec.name, *spec.aliases} if spec else set())
        try:
            rel = finding.file.resolve().relative_to(config.root).as_posix()
        except ValueError:
            rel = finding.file.as_posix()
        if any(ig.rule in names and _glob(rel, ig.path) for ig in config.ignores):
            suppressed += 1
        else:
            kept.append(finding)
    return kept, suppressed


def _glob(path: str, pattern: str) -> bool:
    """fnmatch where ``**/`` may also match nothing (``a/**/b.yaml`` matches ``a/b.yaml``)."""
    if fnmatch.fnmatchcase(path, pattern):
        return True
    return "**/" in pattern and fnmatch.fnmatchcase(path, pattern.replace("**/", ""))
