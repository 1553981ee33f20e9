"""The plan (pure): desired subjects against what the registry holds.

For every subject the manifests make, in apply order (referenced documents first):

* versions the registry has are compared with git after the registry's normalisation —
  both sides parsed by the format and compared by fingerprint — and a difference is drift,
  with a short diff (registered versions are immutable: evtctl never "fixes" them);
* versions it lacks are registered in order, once evtctl's own check accepts each one
  against the versions production has (the registry's, not git's), under the contract's
  mode and the project's policy; a version the registry could not number as the manifest
  does (a gap, a subject that starts later), or that repeats a registered schema (the
  registry would answer with the old version), is refused with the reason;
* the subject's compatibility level is set to the contract's mode before anything is
  registered, so the registry enforces it from the first new version on;
* registered versions no manifest declares, and subjects under the managed prefixes no
  manifest makes, are drift; they are deleted only with ``allow_delete`` (soft), and hard
  deleted only with ``hard_delete`` too.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from evtctl.compat import Change, CompatResult, mode_label
from evtctl.compat.formats import ContractFormat, LoadedSchema, RegistrySchema, get_format
from evtctl.registry.actions import (
    Action,
    ActionKind,
    DeprecatedVersion,
    Finding,
    FindingKind,
    Plan,
    Status,
    SubjectLine,
)
from evtctl.registry.desired import (
    REFERENCE,
    DesiredState,
    DesiredSubject,
    DesiredVersion,
    ManifestProblem,
    form_key,
)
from evtctl.registry.forms import DanglingReference, RegisteredForms
from evtctl.registry.model import Payload, Reference, RegisteredVersion
from evtctl.registry.observe import ObservedSubject, RegistryState

DIFF_LINES = 12


@dataclass(frozen=True)
class PlanOptions:
    allow_delete: bool = False
    hard_delete: bool = False  # needs allow_delete


def plan(desired: DesiredState, state: RegistryState,
         options: PlanOptions = PlanOptions()) -> Plan:
    """The plan; ``Plan.asked`` lists the lookups it needs answered (see ``_same``): run it
    again with ``state.lookups`` holding the answers (:func:`plan_with_registry`)."""
    return _Planner(desired, state, options).run()


def plan_with_registry(desired: DesiredState, state: RegistryState, options: PlanOptions,
                       answer: Callable[[RegistryState, Sequence[tuple[str, Payload]]],
                                        RegistryState]) -> tuple[Plan, RegistryState]:
    """:func:`plan`, asking ``answer`` for the lookups until none is missing (each pass may
    number references differently, so ask again; three passes at most)."""
    the_plan = plan(desired, state, options)
    for _ in range(3):
        if not the_plan.asked:
            break
        state = answer(state, the_plan.asked)
        the_plan = plan(desired, state, options)
    return the_plan, state


class _Planner:
    def __init__(self, desired: DesiredState, state: RegistryState,
                 options: PlanOptions) -> None:
        self.desired = desired
        self.state = state
        self.options = options
        self.actions: list[Action] = []
        self.findings: list[Finding] = [_problem(p) for p in desired.problems]
        self.deprecated: list[DeprecatedVersion] = []
        self.warnings: list[str] = []
        self.lines: list[SubjectLine] = []
        # (reference subject, content key) -> the version that holds (or will hold) it
        self.ref_versions: dict[tuple[str, str], int] = {}
        self._forms = RegisteredForms(state.referenced)
        self.asked: list[tuple[str, Payload]] = []  # lookups the registry must answer
        self._loaded: dict[tuple[str, int], LoadedSchema] = {}

    def run(self) -> Plan:
        for subject in self.desired.subjects:
            if subject.name in self.desired.blocked:
                continue
            observed = self.state.subjects.get(subject.name, ObservedSubject(subject.name, False))
            self.lines.append(SubjectLine(subject.name, subject.role, subject.schema_type,
                                          _origin(subject, self.desired), observed.exists,
                                          subject.stage))
            if subject.role == REFERENCE:
                self._reference(subject, observed)
            else:
                self._contract(subject, observed)
        self._unknown_subjects()
        self._policy_warning()
        return Plan(self.state.url, tuple(self.actions), tuple(self.findings),
                    tuple(self.deprecated), tuple(self.warnings), tuple(self.lines),
                    self.desired.contracts, asked=tuple(self.asked))

    # -- referenced documents -------------------------------------------------------------
    def _reference(self, subject: DesiredSubject, observed: ObservedSubject) -> None:
        start = len(self.actions)
        self._compatibility(subject, observed)
        taken = dict(observed.versions)
        number = observed.highest
        for wanted in subject.versions:
            found = next((n for n, v in sorted(taken.items())
                          if self._same_or_dangling(subject, wanted.form, v)), None)
            if found is not None:
                self.ref_versions[(subject.name, wanted.key)] = found
                continue
            number += 1
            self.ref_versions[(subject.name, wanted.key)] = number
            self.actions.append(self._register(subject, wanted, number))
        self._order_new_subject(start, observed)

    # -- contracts ------------------------------------------------------------------------
    def _contract(self, subject: DesiredSubject, observed: ObservedSubject) -> None:
        start = len(self.actions)
        self._compatibility(subject, observed)
        declared = {v.version for v in subject.versions}
        missing: list[DesiredVersion] = []
        for wanted in subject.versions:
            registered = observed.versions.get(wanted.version)
            if registered is None:
                missing.append(wanted)
            else:
                self._compare(subject, wanted, registered)
            if wanted.deprecated is not None:
                self.deprecated.append(DeprecatedVersion(
                    subject.name, wanted.version, wanted.file, wanted.deprecated.sunset,
                    wanted.deprecated.reason, registered is not None))
        self._register_missing(subject, observed, missing)
        self._order_new_subject(start, observed)
        for number in sorted(set(observed.versions) - declared):
            self._undeclared(subject.name, number, live=True)
        if self.options.hard_delete:
            for number in sorted(set(observed.deleted or ()) - declared):
                self._undeclared(subject.name, number, live=False)

    def _register_missing(self, subject: DesiredSubject, observed: ObservedSubject,
                          missing: Sequence[DesiredVersion]) -> None:
        if not missing:
            return
        fmt = get_format(subject.schema_type)
        try:
            history = [self._registered_loaded(subject, fmt, n) for n in sorted(observed.versions)]
        except DanglingReference as error:
            self._dangling(error)
            return
        candidates = [w.loaded for w in missing if w.loaded is not None]
        policy = self.desired.policies.get(subject.schema_type, "")
        verdicts = _verdicts(fmt, history, candidates, subject.mode, policy)
        strict = self._registry_policy_verdicts(subject, fmt, history, candidates)
        next_number = observed.highest + 1
        refused: str | None = None
        planned_keys: dict[str, int] = {}
        for wanted in missing:
            action = self._register(subject, wanted, wanted.version)
            if refused is not None:
                self.actions.append(action.with_status(Status.REFUSED, refused))
                continue
            reason = self._numbering(wanted, next_number, observed)
            reason = reason or self._duplicate(subject, wanted, observed, planned_keys)
            verdict = verdicts.get(wanted.version)
            if reason is None and verdict is not None:
                reason = _incompatible(fmt, verdict, policy)
            if reason is not None:
                self.actions.append(action.with_status(Status.REFUSED, reason))
                refused = f"waits for v{wanted.version}, which is refused"
                continue
            refusal = strict.get(wanted.version)
            if refusal is not None:
                action = action.with_note(
                    f"the registry checks {fmt.title} with the {self.desired.registry_policy} "
                    f"policy (registry.policy), which refuses it: {_summary(fmt, refusal)}")
            self.actions.append(action)
            planned_keys[wanted.key] = wanted.version
            next_number += 1

    def _registry_policy_verdicts(self, subject: DesiredSubject, fmt: ContractFormat,
                                  history: list[LoadedSchema],
                                  candidates: list[LoadedSchema]) -> dict[int, CompatResult]:
        """Where the registry's JSON Schema policy differs from the project's: the versions
        it will refuse although evtctl accepts them."""
        policy = self.desired.registry_policy
        if (subject.schema_type != "JSON" or policy == self.desired.policies.get("JSON")
                or policy not in fmt.policies):
            return {}
        return _verdicts(fmt, history, candidates, subject.mode, policy)

    def _numbering(self, wanted: DesiredVersion, next_number: int,
                   observed: ObservedSubject) -> str | None:
        if wanted.version == next_number:
            return None
        if not observed.exists and observed.deleted:
            return (f"the subject's versions are soft-deleted up to v{next_number - 1}, so the "
                    f"registry would number this v{next_number}; hard-delete them first "
                    "(--allow-delete --hard-delete), or number the versions on from there")
        if not observed.exists:
            return (f"a new subject starts at v1, so the registry would number this v"
                    f"{next_number}; register the contract's history from v1 (the manifest's "
                    f"first version is v{wanted.version})")
        return (f"the registry numbers versions itself and would make this v{next_number} "
                f"(the subject's highest version, live or soft-deleted, is v{next_number - 1})")

    def _duplicate(self, subject: DesiredSubject, wanted: DesiredVersion,
                   observed: ObservedSubject, planned: dict[str, int]) -> str | None:
        earlier = planned.get(wanted.key)
        if earlier is None:
            earlier = next((n for n, v in sorted(observed.versions.items())
                            if self._same(subject, wanted.form, v)), None)
        if earlier is None:
            return None
        return (f"the same schema as v{earlier}: the registry would answer with v{earlier} "
                f"instead of creating v{wanted.version}")

    # -- comparing a registered version with git ------------------------------------------
    def _compare(self, subject: DesiredSubject, wanted: DesiredVersion,
                 registered: RegisteredVersion) -> None:
        try:
            if self._same(subject, wanted.form, registered):
                return
        except DanglingReference as error:
            self._dangling(error)
            return
        self.findings.append(Finding(
            FindingKind.DRIFTED_VERSION, subject.name,
            f"registered v{wanted.version} differs from {wanted.file} in git",
            version=wanted.version,
            hint="registered versions cannot change: restore the file as registered, or "
                 "add the change as a new version",
            diff=self._diff(subject, wanted, registered)))

    def _same_or_dangling(self, subject: DesiredSubject, form: RegistrySchema,
                          registered: RegisteredVersion) -> bool:
        try:
            return self._same(subject, form, registered)
        except DanglingReference:
            return False  # a version whose references are gone holds nothing we can use

    def _same(self, subject: DesiredSubject, form: RegistrySchema,
              registered: RegisteredVersion) -> bool:
        """Whether git's ``form`` is what the registry holds as ``registered``: the same
        text, or the same content by the format's fingerprint (formatting and key order do
        not count for JSON), or else what the registry says when asked which version holds
        git's text (its own normalisation: Confluent reprints Protobuf, for one). The
        first pass of a plan asks; :func:`plan` is run again with the answers."""
        theirs = self._registered_form(registered, form.record_name)
        if theirs.schema_type != subject.schema_type:
            return False
        if form_key(form) == form_key(theirs):
            return True
        fmt = get_format(subject.schema_type)
        try:
            if _fingerprint(fmt, form) == _fingerprint(fmt, theirs):
                return True
        except Exception:
            pass  # one side does not parse: the registry decides
        payload = self._payload(form)
        if payload is None:
            return False
        key = (subject.name, payload)
        if key in self.state.lookups:
            return self.state.lookups[key] == registered.version
        self.asked.append(key)
        return False

    def _payload(self, form: RegistrySchema) -> Payload | None:
        """``form`` as it would be sent, its references numbered as planned."""
        references = []
        for name, ref in form.references:
            ref_subject = self.desired.reference_subject(name, ref)
            version = self.ref_versions.get((ref_subject, form_key(ref)))
            if version is None:
                return None
            references.append(Reference(name, ref_subject, version))
        return Payload(form.schema_type, form.text, tuple(references))

    def _diff(self, subject: DesiredSubject, wanted: DesiredVersion,
              registered: RegisteredVersion) -> tuple[str, ...]:
        fmt = get_format(subject.schema_type)
        theirs = self._registered_form(registered, wanted.form.record_name)
        try:
            ours_text = fmt.render(fmt.load_registered(wanted.form, 1, "git"))
            theirs_text = fmt.render(fmt.load_registered(theirs, 1, "registry"))
        except Exception as error:
            return (f"(the registered schema cannot be read: {error})",)
        if ours_text == theirs_text:
            names = [name for (name, ref), (_n, their_ref)
                     in zip(wanted.form.references, theirs.references, strict=False)
                     if form_key(ref) != form_key(their_ref)]
            if len(wanted.form.references) != len(theirs.references):
                return ("the schema is the same, but it references other documents",)
            return (f"the schema is the same; the referenced {', '.join(names) or 'documents'} "
                    "differ",)
        lines = list(difflib.unified_diff(
            _diffable(theirs_text).splitlines(), _diffable(ours_text).splitlines(),
            f"registry {subject.name} v{registered.version}", wanted.file, n=1, lineterm=""))
        if len(lines) > DIFF_LINES:
            lines = [*lines[:DIFF_LINES], f"… ({len(lines) - DIFF_LINES} more lines)"]
        return tuple(lines)

    def _registered_form(self, registered: RegisteredVersion,
                         record_name: str | None = None) -> RegistrySchema:
        """A registered version in registry form (raises DanglingReference), read as the
        contract's ``record_name`` (see :meth:`RegisteredForms.form`)."""
        return self._forms.form(registered, record_name)

    def _registered_loaded(self, subject: DesiredSubject, fmt: ContractFormat,
                           number: int) -> LoadedSchema:
        key = (subject.name, number)
        found = self._loaded.get(key)
        if found is None:
            registered = self.state.subjects[subject.name].versions[number]
            record = subject.versions[-1].form.record_name if subject.versions else None
            found = fmt.load_registered(self._registered_form(registered, record), number,
                                        f"registry subject {subject.name} v{number}")
            self._loaded[key] = found
        return found

    # -- compatibility levels, deletes, unknown subjects ----------------------------------
    def _order_new_subject(self, start: int, observed: ObservedSubject) -> None:
        """A new subject gets its level after its first version (not every registry accepts
        a level for a subject that does not exist yet; the first version is never checked
        anyway), and none when nothing will be registered in it."""
        if observed.exists:
            return
        mine = self.actions[start:]
        level = [a for a in mine if a.kind is ActionKind.SET_COMPATIBILITY]
        if not level:
            return
        rest = [a for a in mine if a.kind is not ActionKind.SET_COMPATIBILITY]
        if not rest or rest[0].status is not Status.PLANNED:
            self.actions[start:] = rest
            return
        self.actions[start:] = [rest[0], *level, *rest[1:]]

    def _compatibility(self, subject: DesiredSubject, observed: ObservedSubject) -> None:
        current = observed.compatibility.upper() if observed.compatibility else None
        if current == subject.mode:
            return
        if current is None:
            old = (f"{self.state.global_compatibility} (global default)" if observed.exists
                   else f"{self.state.global_compatibility} (global default; new subject)")
        else:
            old = current
        self.actions.append(Action(ActionKind.SET_COMPATIBILITY, subject.name,
                                   details={"from": old, "to": subject.mode}))

    def _undeclared(self, subject: str, number: int, *, live: bool) -> None:
        """A registered version no manifest declares: drift, or deletes with the flags."""
        if not self.options.allow_delete:
            if live:
                self.findings.append(Finding(
                    FindingKind.UNDECLARED_VERSION, subject,
                    f"registered v{number} is not declared by any manifest", version=number,
                    hint="declare it, or pass --allow-delete to soft-delete it"))
            return
        why = {"why": "no manifest declares it"}
        if live:
            self.actions.append(Action(ActionKind.DELETE_VERSION, subject, number, why))
        if self.options.hard_delete:
            self.actions.append(Action(ActionKind.DELETE_VERSION, subject, number, why,
                                       permanent=True))

    def _unknown_subjects(self) -> None:
        desired = self.desired
        for name in self.state.listed:
            if name in desired.by_name or name in desired.blocked:
                continue
            if any(name.startswith(p) for p in desired.managed_prefixes):
                observed = self.state.subjects.get(name)
                count = len(observed.versions) if observed else 0
                what = (f"subject {name} ({count} version{'s' if count != 1 else ''}) is under "
                        "a managed prefix, but no manifest makes it")
                self.lines.append(SubjectLine(name, "unknown", None, None, True, 1))
                if not self.options.allow_delete:
                    self.findings.append(Finding(FindingKind.UNKNOWN_SUBJECT, name, what,
                                                 hint="pass --allow-delete to soft-delete it"))
                    continue
                details: dict[str, str | int | bool | None] = {
                    "versions": count, "why": "no manifest makes it"}
                self.actions.append(Action(ActionKind.DELETE_SUBJECT, name, details=details))
                if self.options.hard_delete:
                    self.actions.append(Action(ActionKind.DELETE_SUBJECT, name, details=details,
                                               permanent=True))
            elif any(name.startswith(p) for p in desired.org_prefixes):
                self.warnings.append(
                    f"subject {name} is under the organisation's prefix but no manifest makes "
                    "it (list the prefix in registry.managedPrefixes to treat it as drift)")
        if not (self.options.allow_delete and self.options.hard_delete):
            return
        for name in self.state.soft_deleted:
            if (name not in desired.by_name and name not in desired.blocked
                    and any(name.startswith(p) for p in desired.managed_prefixes)):
                self.lines.append(SubjectLine(name, "unknown", None, None, True, 1))
                self.actions.append(Action(
                    ActionKind.DELETE_SUBJECT, name, permanent=True,
                    details={"versions": "soft-deleted", "why": "no manifest makes it"}))

    def _policy_warning(self) -> None:
        desired = self.desired
        project = desired.policies.get("JSON")
        if desired.registry_policy == project:
            return
        if any(s.schema_type == "JSON" and s.role != REFERENCE and s.mode != "NONE"
               for s in desired.subjects):
            self.warnings.append(
                f"the project checks JSON Schema with the {project} policy, the "
                f"registry with {desired.registry_policy} (registry.policy): versions the "
                "registry refuses are marked")

    def _dangling(self, error: DanglingReference) -> None:
        if any(f.kind is FindingKind.DANGLING_REFERENCE and f.subject == error.subject
               and f.version == error.version for f in self.findings):
            return  # one finding per lost reference, however many steps needed it
        self.findings.append(Finding(
            FindingKind.DANGLING_REFERENCE, error.subject, str(error), version=error.version,
            hint="the registry lost a referenced version; nothing is planned for this subject"))

    # -- building actions -----------------------------------------------------------------
    def _register(self, subject: DesiredSubject, wanted: DesiredVersion, number: int) -> Action:
        references = []
        for name, ref in wanted.form.references:
            ref_subject = self.desired.reference_subject(name, ref)
            version = self.ref_versions[(ref_subject, form_key(ref))]
            references.append(Reference(name, ref_subject, version))
        details: dict[str, str | int | bool | None] = {"file": wanted.file,
                                                      "schemaType": subject.schema_type}
        return Action(ActionKind.REGISTER, subject.name, number, details, form=wanted.form,
                      references=tuple(references), key=wanted.key)


def _diffable(text: str) -> str:
    """Rendered JSON (JSON Schema, Avro) with sorted keys, so the diff shows what changed and
    not where keys moved; anything else as rendered."""
    try:
        return json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False)
    except ValueError:
        return text


def _fingerprint(fmt: ContractFormat, form: RegistrySchema) -> str:
    return fmt.fingerprint(fmt.load_registered(form, 1, "registered schema"), str)


def _verdicts(fmt: ContractFormat, history: list[LoadedSchema], candidates: list[LoadedSchema],
              mode: str, policy: str) -> dict[int, CompatResult]:
    """The incompatible candidates (by version number), each with its breaking changes: one
    chained check over the registered history and the candidates, each candidate against its
    predecessors as the mode says (the history's own pairs are left out)."""
    if mode == "NONE" or not candidates or not (history or len(candidates) > 1):
        return {}
    result = fmt.check([*history, *candidates], mode, policy, chain=True, examples=False)
    new = {c.version for c in candidates}
    broken: dict[int, list[Change]] = {}
    for change in result.changes:
        if change.to_version in new and not change.compatible:
            broken.setdefault(change.to_version, []).append(change)
    return {number: replace(result, compatible=False, changes=tuple(changes))
            for number, changes in broken.items()}


def _summary(fmt: ContractFormat, result: CompatResult, limit: int = 3) -> str:
    broken = [c for c in result.changes if not c.compatible]
    shown = "; ".join(f"{_placed(fmt.describe(c), c.path)} (v{c.from_version} → "
                      f"v{c.to_version}, {c.direction})" for c in broken[:limit])
    more = f"; and {len(broken) - limit} more" if len(broken) > limit else ""
    return shown + more


def _placed(description: str, path: str) -> str:
    """The description with its place, unless its wording already names it (Avro's does)."""
    return description if path in description else f"{description} at {path}"


def _incompatible(fmt: ContractFormat, result: CompatResult, policy: str) -> str:
    under = mode_label(result.mode, policy)
    return (f"incompatible under {under}: {_summary(fmt, result)}; "
            "evtctl compat --registry shows the details")


def _problem(problem: ManifestProblem) -> Finding:
    return Finding(FindingKind.PROBLEM, problem.subject, problem.message, hint=problem.hint,
                   location=problem.location)


def _origin(subject: DesiredSubject, desired: DesiredState) -> str | None:
    if not subject.origins:
        files = sorted({v.file for v in subject.versions})
        return ", ".join(files) if files else None
    first = subject.origins[0]
    more = f" (and {len(subject.origins) - 1} more)" if len(subject.origins) > 1 else ""
    return f"{first.service} {first.contract} ({subject.role}) at {first.where(desired.root)}{more}"

