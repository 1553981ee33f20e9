"""What the registry should hold, from the manifests and the project config.

Every contract's value versions (and key versions, when the contract declares a ``key``)
are loaded through the contract-format seam and turned into their registry form; each
lands in the subject its strategy names (:mod:`evtctl.registry.subjects`). Documents the
versions reference become subjects of their own, registered before the subjects that use
them.

Problems here are about the manifests, not the registry: a version that does not load, a
strategy that needs a record name the schema lacks, versions of one contract that name
different records, two contracts that land in one subject with different versions. Each is
reported with its fix, and the subject it concerns is *blocked*: nothing is planned for a
subject evtctl cannot know completely.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from evtctl.compat.formats import (
    SCHEMA_TYPES,
    LoadedSchema,
    LoadOptions,
    RegistrySchema,
    SchemaFileError,
    choose_format,
    get_format,
)
from evtctl.config import ProjectConfig
from evtctl.manifest.model import Contract, ContractVersion, Organisation, Service, Topic
from evtctl.registry.subjects import record_name_hint, reference_subject, subject_name

REFERENCE = "reference"  # the role of a subject holding referenced documents
REFERENCE_MODE = "NONE"  # see docs/registry.md: the referring subjects carry the checks


@dataclass(frozen=True, slots=True)
class Origin:
    """The contract a subject comes from, for messages."""

    manifest: Path
    line: int
    column: int
    service: str
    topic: str
    contract: str

    def where(self, root: Path) -> str:
        return f"{_display(self.manifest, root)}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Deprecated:
    sunset: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class DesiredVersion:
    version: int  # the manifest's number; 0 for a referenced document (any number will do)
    form: RegistrySchema
    key: str  # content key of ``form`` (see :func:`form_key`)
    file: str  # the schema file, relative to the project root
    loaded: LoadedSchema | None = None  # None for referenced documents
    deprecated: Deprecated | None = None


@dataclass(frozen=True, slots=True)
class DesiredSubject:
    name: str
    role: str  # "value", "key" or "reference"
    schema_type: str
    mode: str  # the compatibility level the subject should have
    versions: tuple[DesiredVersion, ...]
    origins: tuple[Origin, ...] = ()
    stage: int = 0  # apply order: referenced documents first (deepest first), contracts last


@dataclass(frozen=True, slots=True)
class ManifestProblem:
    message: str
    location: str  # "file:line:column", or the subject
    hint: str | None = None
    subject: str | None = None


@dataclass(frozen=True)
class DesiredState:
    subjects: tuple[DesiredSubject, ...]
    root: Path
    policies: Mapping[str, str]  # the project's policy per format (evtctl's verdicts)
    registry_policy: str  # the JSON Schema policy the registry applies
    problems: tuple[ManifestProblem, ...] = ()
    blocked: frozenset[str] = frozenset()  # subjects with a problem: nothing is planned there
    managed_prefixes: tuple[str, ...] = ()
    org_prefixes: tuple[str, ...] = ()
    contracts: int = 0
    reference_prefix: str = ""
    by_name: dict[str, DesiredSubject] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.by_name.update((s.name, s) for s in self.subjects)

    def reference_subject(self, name: str, form: RegistrySchema) -> str:
        return reference_subject(name, form, self.root, self.reference_prefix)


def form_key(form: RegistrySchema) -> str:
    """Equal for equal registry forms (type, text, and references by name, recursively)."""
    refs = [(name, form_key(ref)) for name, ref in form.references]
    blob = json.dumps([form.schema_type, form.text, refs], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


# -- building ----------------------------------------------------------------------------------
@dataclass
class _Candidate:
    """One contract's claim on a subject."""

    name: str
    role: str
    schema_type: str
    mode: str
    versions: tuple[DesiredVersion, ...]
    origin: Origin
    forms: list[RegistrySchema]


def desired_state(org: Organisation, config: ProjectConfig,
                  on_subject: Callable[[str], None] | None = None) -> DesiredState:
    """The desired subjects; ``on_subject`` hears each contract's subject name as soon as it
    is known (the registry can be read meanwhile)."""
    root = config.root
    options = LoadOptions(root=root, allow_remote=config.allow_remote_refs,
                          include_paths=config.proto_include_paths)
    claims: dict[str, list[_Candidate]] = {}
    problems: list[ManifestProblem] = []
    blocked: set[str] = set()
    contracts = 0
    for service, topic, contract in _contracts(org):
        contracts += 1
        strategy = contract.subject_strategy or config.registry.subject_strategy
        kind = topic.kind.value if topic.kind else None
        mode = config.mode_for(topic.name, kind, contract.name, contract.compatibility).upper()
        origin = Origin(contract.loc.file, contract.loc.line, contract.loc.column, service.id,
                        topic.name, contract.name)
        for role, versions in (("value", contract.versions), ("key", contract.key_versions)):
            if not versions:
                continue
            built = _build(versions, contract.schema_type, role, strategy, mode, origin,
                           replace(options, message=contract.message), root, problems)
            if built is None:
                blocked.add(_fallback_subject(strategy, topic.name, role, contract.name))
                continue
            claims.setdefault(built.name, []).append(built)
            if on_subject is not None:
                on_subject(built.name)
    prefix = config.registry.reference_prefix
    subjects = _merge(claims, problems, blocked, root)
    references = _references(subjects, claims, problems, blocked, root, prefix)
    subjects = _block_dependents(subjects, blocked, root, prefix)
    companies = sorted({s.company for s in org.services})
    return DesiredState(
        subjects=(*references, *subjects), root=root,
        policies={t: config.policy_for(t) for t in SCHEMA_TYPES},
        registry_policy=config.registry.policy, problems=tuple(problems),
        blocked=frozenset(blocked), managed_prefixes=config.registry.managed_prefixes,
        org_prefixes=tuple(f"{c}." for c in companies), contracts=contracts,
        reference_prefix=prefix)


def _contracts(org: Organisation) -> Iterator[tuple[Service, Topic, Contract]]:
    seen: set[str] = set()
    for service, topic in org.topics():
        if topic.name in seen:
            continue  # a topic declared twice is lint's finding (EVT201); the first one counts
        seen.add(topic.name)
        for contract in topic.contracts:
            yield service, topic, contract


def _fallback_subject(strategy: str, topic: str, role: str, contract: str) -> str:
    return subject_name(strategy, topic, role, contract) or f"{topic}-{contract}"


def _schema_type(contract_version: ContractVersion, declared: str | None) -> str | SchemaFileError:
    choice = choose_format(contract_version.schema, declared)
    if choice.schema_type is None:
        return SchemaFileError(choice.reason or "unknown format", contract_version.schema_path)
    return choice.schema_type


def _build(versions: Sequence[ContractVersion], declared: str | None, role: str, strategy: str,
           mode: str, origin: Origin, options: LoadOptions, root: Path,
           problems: list[ManifestProblem]) -> _Candidate | None:
    """The subject and versions of a contract's value or key schemas, or None (with the
    problems recorded) when they cannot be known."""
    where = f"{origin.contract} ({role}) on {origin.topic}"
    loaded: list[tuple[ContractVersion, LoadedSchema, RegistrySchema]] = []
    failed = False
    for version in sorted(versions, key=lambda v: v.version):
        location = f"{_display(version.loc.file, root)}:{version.loc.line}:{version.loc.column}"
        schema_type = _schema_type(version, declared)
        try:
            if isinstance(schema_type, SchemaFileError):
                raise schema_type
            fmt = get_format(schema_type)
            schema = fmt.load(version.schema_path, version.version,
                              replace(options, references=version.reference_paths))
            form = fmt.registry_schema(schema)
        except SchemaFileError as error:
            problems.append(ManifestProblem(
                f"{where} v{version.version} cannot be registered: {error}", location,
                "fix the schema (evtctl lint reports it too)"))
            failed = True
            continue
        except NotImplementedError:
            problems.append(ManifestProblem(
                f"{where} v{version.version}: evtctl cannot register {schema_type} schemas yet",
                location))
            failed = True
            continue
        loaded.append((version, schema, form))
    if failed or not loaded:
        return None
    names = {subject_name(strategy, origin.topic, role, form.record_name)
             for _v, _s, form in loaded}
    schema_types = {schema.schema_type for _v, schema, _f in loaded}
    location = origin.where(root)
    if len(schema_types) > 1:
        problems.append(ManifestProblem(
            f"{where}: versions are in different formats ({', '.join(sorted(schema_types))}); "
            "a subject holds one format", location))
        return None
    (schema_type,) = schema_types
    if None in names:
        missing = [v.version for v, _s, form in loaded if not form.record_name]
        problems.append(ManifestProblem(
            f"{where}: the {strategy} strategy names the subject after the record, but "
            f"v{', v'.join(map(str, missing))} names none ({record_name_hint(schema_type)})",
            location, "name the record in every version, or use subjectStrategy: topic"))
        return None
    if len(names) > 1:
        shown = ", ".join(f"v{v.version} {form.record_name!r}" for v, _s, form in loaded)
        problems.append(ManifestProblem(
            f"{where}: its versions name different records ({shown}); a serializer with the "
            f"{strategy} strategy would write them to different subjects",
            location, "give every version of the contract the same record name"))
        return None
    (name,) = names
    assert name is not None
    desired = tuple(
        DesiredVersion(
            version=v.version, form=form, key=form_key(form),
            file=_display(v.schema_path, root), loaded=schema,
            deprecated=(Deprecated(v.deprecated.sunset, v.deprecated.reason)
                        if v.deprecated is not None else None))
        for v, schema, form in loaded)
    return _Candidate(name, role, schema_type, mode, desired, origin,
                      [form for _v, _s, form in loaded])


def _merge(claims: dict[str, list[_Candidate]], problems: list[ManifestProblem],
           blocked: set[str], root: Path) -> list[DesiredSubject]:
    """One subject per name: contracts that claim the same subject must agree on every
    version (the same record type shared by several topics, say), else it is a problem."""
    subjects: list[DesiredSubject] = []
    for name, found in claims.items():
        first = found[0]
        signature = _signature(first)
        disagree = [c for c in found[1:] if _signature(c) != signature]
        if disagree:
            blocked.add(name)
            problems.append(_conflict(name, found, root))
            continue
        subjects.append(DesiredSubject(name, first.role, first.schema_type, first.mode,
                                       first.versions, tuple(c.origin for c in found)))
    return subjects


def _signature(candidate: _Candidate) -> tuple[object, ...]:
    return (candidate.role, candidate.schema_type, candidate.mode,
            tuple((v.version, v.key) for v in candidate.versions))


def _conflict(name: str, found: list[_Candidate], root: Path) -> ManifestProblem:
    named = [f"{c.origin.contract} ({c.origin.where(root)})" for c in found]
    contracts = ", ".join(named[:-1]) + " and " + named[-1]
    same_topic = len({c.origin.topic for c in found}) == 1
    if same_topic and name == f"{found[0].origin.topic}-{found[0].role}":
        return ManifestProblem(
            f"contracts {contracts} share topic {found[0].origin.topic}, so the topic "
            f"strategy puts them all in subject {name!r}, which holds one schema history",
            found[0].origin.where(root),
            "set subjectStrategy: topic-record (or record) for this topic's contracts, or in "
            "evtctl.yaml's registry block, so each event type gets its own subject "
            "(producers and consumers must use the same strategy)", name)
    return ManifestProblem(
        f"contracts {contracts} both map to subject {name!r} with different versions or modes",
        found[0].origin.where(root),
        "give the records different names, or use the topic-record strategy", name)


def _references(subjects: list[DesiredSubject], claims: dict[str, list[_Candidate]],
                problems: list[ManifestProblem], blocked: set[str],
                root: Path, prefix: str) -> list[DesiredSubject]:
    """Subjects for the documents the versions reference, deepest first."""
    docs: dict[str, list[tuple[RegistrySchema, int, str]]] = {}  # subject -> (form, depth, file)
    contract_names = {s.name for s in subjects} | set(claims)

    def walk(form: RegistrySchema, depth: int) -> None:
        for ref_name, ref in form.references:
            subject = reference_subject(ref_name, ref, root, prefix)
            docs.setdefault(subject, []).append((ref, depth, _display(ref.path, root)
                                                 if ref.path else ref_name))
            walk(ref, depth + 1)

    for subject in subjects:
        for version in subject.versions:
            walk(version.form, 1)
    out: list[DesiredSubject] = []
    for name, found in docs.items():
        files = {file for _f, _d, file in found}
        types = {form.schema_type for form, _d, _f in found}
        if name in contract_names or len(files) > 1 or len(types) > 1:
            blocked.add(name)
            what = ("a contract's subject" if name in contract_names
                    else "files " + ", ".join(sorted(files)))
            problems.append(ManifestProblem(
                f"referenced documents map to subject {name!r}, which is also {what}",
                name, "rename one of the files", name))
            continue
        unique: dict[str, DesiredVersion] = {}
        for form, _depth, file in found:
            key = form_key(form)
            unique.setdefault(key, DesiredVersion(0, form, key, file))
        depth = max(d for _f, d, _file in found)
        (schema_type,) = types
        out.append(DesiredSubject(name, REFERENCE, schema_type, REFERENCE_MODE,
                                  tuple(unique.values()), stage=-depth))
    out.sort(key=lambda s: (s.stage, s.name))
    return out


def _block_dependents(subjects: list[DesiredSubject], blocked: set[str],
                      root: Path, prefix: str) -> list[DesiredSubject]:
    """Subjects whose versions use a blocked referenced document are blocked too."""
    for subject in subjects:
        used = {reference_subject(name, ref, root, prefix)
                for version in subject.versions for name, ref in _all_references(version.form)}
        if used & blocked:
            blocked.add(subject.name)
    return subjects


def _all_references(form: RegistrySchema) -> Iterator[tuple[str, RegistrySchema]]:
    for name, ref in form.references:
        yield name, ref
        yield from _all_references(ref)


@lru_cache(maxsize=65536)
def _display(path: Path, root: Path) -> str:
    """``path`` below the project root, as messages show it (paths resolved once each)."""
    try:
        return path.resolve().relative_to(_resolved(root)).as_posix()
    except ValueError:
        return path.as_posix()


@lru_cache(maxsize=64)
def _resolved(root: Path) -> Path:
    return root.resolve()
