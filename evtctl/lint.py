"""Run every rule over an organisation and turn problems into findings.

The engine adds what rules leave out: the rule id, the severity from the project
configuration, inline suppressions (``# evtctl: ignore[...]``, see ``evtctl.suppress``)
and the configured ignores, in that order, and reports the ``ignores`` entries that matched
nothing (EVT903). It sorts and de-duplicates in one place, and returns one value that every
reporter renders. Baselines (``evtctl.baseline``) filter that value afterwards;
``exit_code`` turns it into the exit status.

Linting part of a project (``evtctl.manifest.scope``): paths inside the folder of the
project's ``evtctl.yaml`` load the whole project, so that references into other folders
resolve, and findings are reported for the manifests below the paths only. Rules that look at
one service at a time (``scope`` "service": naming, schemas, compatibility) run on the
checked services alone; rules that read other services (``scope`` "organisation") run on
everything, and their findings in files only read are dropped. A path that is a schema file
checks the manifests that name it; any other file that is not a manifest (``evtctl.yaml``, a
shared schema that only ``$ref``s reach) checks the whole project, since there is no knowing
what it affects.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from evtctl.collector import fewer_collections
from evtctl.config import ProjectConfig
from evtctl.contracts.store import ContractStore, EarlierVersions
from evtctl.findings import (
    Finding,
    LintResult,
    Location,
    Problem,
    Severity,
    display_path,
    sort_findings,
)
from evtctl.manifest.loader import LoadResult, load_organisation
from evtctl.manifest.model import Organisation, Service
from evtctl.manifest.scope import Scope, project_scope
from evtctl.rules import all_rules
from evtctl.rules.base import Context, RuleSpec

# The rules that read contract versions from the store, and the one that compares histories.
CONTRACT_RULES = ("EVT502", "EVT503", "EVT504", "EVT505", "EVT506", "EVT507")
HISTORY_RULE = "EVT505"

FailOn = Literal["error", "warning"]
FAIL_ON: tuple[FailOn, ...] = ("error", "warning")


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
    """Load the manifests below ``paths`` (the whole project when they lie inside one) and
    check those below ``paths``. Raises PathNotFound."""
    scope = project_scope(paths, config)
    # On a large organisation, worker processes load the schemas while the manifests are read
    # (those of the manifests checked: the others are only read for references).
    store = _store(config, options)

    def expect(services: Sequence[Service]) -> None:
        store.expect([s for s in services if scope.covers(s.file)])

    try:
        with fewer_collections():
            loaded = load_organisation(scope.load, on_services=expect)
            return _lint(loaded, config, options, store, scope)
    finally:
        store.close()


def lint_loaded(loaded: LoadResult, config: ProjectConfig,
                options: LintOptions = LintOptions()) -> LintResult:
    store = _store(config, options)
    try:
        with fewer_collections():
            return _lint(loaded, config, options, store, None)
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


def _lint(loaded: LoadResult, config: ProjectConfig, options: LintOptions,
          store: ContractStore, scope: Scope | None) -> LintResult:
    checked_files, read_only, notes = _checked_files(loaded, scope)
    org = loaded.org
    checked_org = org if not read_only else Organisation(
        tuple(s for s in org.services if s.file in checked_files), org.failed)
    today = options.today or date.today()
    contexts = {
        "organisation": Context(org=org, config=config, today=today, contracts=store),
        "service": Context(org=checked_org, config=config, today=today, contracts=store),
    }
    if read_only and scope is not None:
        # Services checked because a schema they name was given were not expected yet.
        store.expect([s for s in checked_org.services if not scope.covers(s.file)])
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
        ctx = contexts["organisation" if spec.scope == "organisation" else "service"]
        for problem in spec.check(ctx):
            raw.append(_finding(spec, severity, problem))
    inline = _apply_suppressions(raw, loaded, config, specs)
    kept, ignored, matched = _apply_ignores(inline.kept, config)
    if not read_only:
        kept.extend(_unused_ignores(config, matched, specs))
    if read_only:
        unchecked = set(read_only)
        kept = [f for f in kept if f.file not in unchecked]
    extra: dict[str, object] = {"root": config.root}
    if notes:
        extra["notes"] = notes
    return LintResult(findings=sort_findings(kept), files=tuple(checked_files),
                      services=len(checked_org.service_ids()),
                      suppressed=inline.suppressed + ignored, extra=extra,
                      files_read=loaded.files_read,
                      manifests_loaded=len(checked_org.services),
                      failed=org.failed, read_only=tuple(read_only))


def _checked_files(loaded: LoadResult,
                   scope: Scope | None) -> tuple[list[Path], list[Path], list[str]]:
    """(manifest files checked, manifest files only read, notes on why the scope grew)."""
    files = list(loaded.files)
    if scope is None or not scope.partial:
        return files, [], []
    checked = {f for f in files if scope.covers(f)}
    manifests = {f.resolve() for f in files}
    named: dict[Path, set[Path]] = {}  # schema file -> manifests that name it
    for service in loaded.org.services:
        for topic in service.topics:
            for contract in topic.contracts:
                for version in contract.versions:
                    named.setdefault(version.schema_path.resolve(), set()).add(service.file)
    notes: list[str] = []
    for given in scope.given:
        if given.is_dir() or given in manifests:
            continue
        if given in named:
            checked |= named[given]
            continue
        notes.append(f"{display_path(given)} is not a manifest, nor a schema file a manifest "
                     "names; whatever it affects cannot be known, so the whole project is "
                     "checked")
        return files, [], notes
    return ([f for f in files if f in checked], [f for f in files if f not in checked], notes)


def _unused_ignores(config: ProjectConfig, matched: set[int],
                    specs: dict[str, RuleSpec]) -> list[Finding]:
    """EVT903 for each ``ignores`` entry that matched no finding (unknown rules: EVT802)."""
    from evtctl.rules import find_rule

    spec = specs["EVT903"]
    severity = severity_for(spec, config)
    if severity is None or config.path is None:
        return []
    out: list[Finding] = []
    for n, ignore in enumerate(config.ignores):
        if n in matched or (ignore.rule != "*" and find_rule(ignore.rule) is None):
            continue
        out.append(_finding(spec, severity, Problem(
            f"ignores: the entry for {ignore.rule!r} on {ignore.path!r} matches no finding; "
            f"remove it (it would hide the next finding that happens to match)",
            Location(config.path, ignore.line or 1, ignore.column or 1),
            anchor=f"{ignore.rule}:{ignore.path}")))
    return out


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
    kept, suppressed, _matched = _apply_ignores(findings, config)
    return kept, suppressed


def _apply_ignores(findings: list[Finding],
                   config: ProjectConfig) -> tuple[list[Finding], int, set[int]]:
    """(kept, how many were ignored, indices of the entries that matched something)."""
    if not config.ignores:
        return list(findings), 0, set()
    kept: list[Finding] = []
    suppressed = 0
    matched: set[int] = set()
    specs = {spec.id: spec for spec in all_rules()}
    for finding in findings:
        spec = specs.get(finding.rule)
        names = {finding.rule, "*"} | ({spec.name, *spec.aliases} if spec else set())
        try:
            rel = finding.file.resolve().relative_to(config.root).as_posix()
        except ValueError:
            rel = finding.file.as_posix()
        hits = [n for n, ig in enumerate(config.ignores)
                if ig.rule in names and _glob(rel, ig.path)]
        if hits:
            suppressed += 1
            matched.update(hits)
        else:
            kept.append(finding)
    return kept, suppressed, matched


def _glob(path: str, pattern: str) -> bool:
    """fnmatch where ``**/`` may also match nothing (``a/**/b.yaml`` matches ``a/b.yaml``)."""
    if fnmatch.fnmatchcase(path, pattern):
        return True
    return "**/" in pattern and fnmatch.fnmatchcase(path, pattern.replace("**/", ""))
