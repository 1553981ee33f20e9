"""The project configuration, ``evtctl.yaml``: found, validated, with documented defaults.

Found by walking up from the linted paths (or named with ``--config``) and validated against
``schemas/config.schema.json``; every error carries the file, line and column. This module
only loads and validates the file: what the file names (rules, topics, contracts) is checked
against the rules and the organisation by the lint engine, as findings (EVT801, EVT802,
EVT903), for which ``ProjectConfig.locations`` keeps where each name is written. The keys,
their defaults and examples are documented in ``docs/configuration.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evtctl.structure import problems_from_errors
from evtctl.yamlsource import LDict, LList, decode, parse_yaml

CONFIG_NAMES = ("evtctl.yaml", "evtctl.yml")

DEFAULT_MODES: Mapping[str, str] = {
    "events": "FULL_TRANSITIVE",
    "results": "FULL_TRANSITIVE",
    "commands": "BACKWARD_TRANSITIVE",
    "private": "NONE",
}
DEFAULT_POLICY = "lenient"
DEFAULT_PROTOBUF_POLICY = "confluent"


class ConfigError(Exception):
    """The config file is unreadable or invalid; carries the place."""

    def __init__(self, message: str, file: Path, line: int = 1, column: int = 1) -> None:
        from evtctl.findings import display_path

        super().__init__(f"{display_path(file)}:{line}:{column}: {message}")
        self.message = message
        self.file = file
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Ignore:
    rule: str
    path: str  # glob, relative to the config's folder
    reason: str
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Environment:
    name: str
    cluster_id: str | None = None
    partitions: int | None = None
    replication_factor: int | None = None
    config: Mapping[str, str] = field(default_factory=dict)
    principal: str = "User:{service}"
    managed_prefixes: tuple[str, ...] = ()
    strict: bool = False  # provision: unmanaged topics/ACLs under managedPrefixes fail --check
    max_delete_percent: float = 10.0  # provision: share of managed topics one apply may delete


@dataclass(frozen=True)
class RegistrySettings:
    """``registry:`` of evtctl.yaml (see docs/registry.md)."""

    subject_strategy: str = "topic"  # Confluent's default, TopicNameStrategy
    policy: str = "strict"  # the JSON Schema policy the registry applies (Confluent's default)
    managed_prefixes: tuple[str, ...] = ()
    reference_prefix: str = ""  # before the subjects of referenced documents


@dataclass(frozen=True)
class ProjectConfig:
    path: Path | None
    root: Path
    companies: tuple[str, ...] = ()
    namespaces: tuple[str, ...] = ()
    rule_severities: Mapping[str, str] = field(default_factory=dict)
    policy: str = DEFAULT_POLICY
    default_modes: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_MODES))
    contract_modes: Mapping[str, str] = field(default_factory=dict)
    allow_remote_refs: bool = False
    protobuf_policy: str = DEFAULT_PROTOBUF_POLICY
    proto_include_paths: tuple[Path, ...] = ()  # resolved
    ignores: tuple[Ignore, ...] = ()
    environments: Mapping[str, Environment] = field(default_factory=dict)
    # Where names are written in the file, (line, column), keyed "rules/<key>",
    # "compatibility.contracts/<key>" and "ignores/<index>/rule".
    locations: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    registry: RegistrySettings = field(default_factory=RegistrySettings)

    def mode_for(self, topic: str, kind: str | None, contract: str,
                 declared: str | None = None) -> str:
        """Compatibility mode of a contract: the manifest, then the config, then the kind."""
        if declared:
            return declared
        override = self.contract_modes.get(f"{topic}/{contract}")
        if override:
            return override
        return self.default_modes.get(kind or "private", "NONE")

    def policy_for(self, schema_type: str) -> str:
        """The compatibility policy of a format: JSON Schema's strict/lenient, Protobuf's
        confluent/wire; Avro has none ("")."""
        if schema_type == "JSON":
            return self.policy
        if schema_type == "PROTOBUF":
            return self.protobuf_policy
        return ""


def find_config(search_from: Sequence[Path], *, within: Path | None = None) -> Path | None:
    """The nearest evtctl.yaml in a folder of the paths or above them; with ``within``,
    never above that folder (a tree extracted from git must not pick up the host's)."""
    top = within.resolve() if within is not None else None
    default = top if top is not None else Path.cwd().resolve()
    starts = [p.resolve() for p in search_from] or [default]
    for start in starts:
        folder = start if start.is_dir() else start.parent
        for candidate_dir in (folder, *folder.parents):
            if top is not None and candidate_dir != top and top not in candidate_dir.parents:
                break
            for name in CONFIG_NAMES:
                candidate = candidate_dir / name
                if candidate.is_file():
                    return candidate
    return None


def load_config(explicit: Path | None, search_from: Sequence[Path]) -> ProjectConfig:
    """The project config: the one named, the nearest one found, or the defaults."""
    path = explicit if explicit is not None else find_config(search_from)
    if path is None:
        root = search_from[0] if search_from else Path.cwd()
        return ProjectConfig(None, (root if root.is_dir() else root.parent).resolve())
    return parse_config(path)


def parse_config(path: Path) -> ProjectConfig:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read config: {exc.strerror or exc}", path) from None
    text, problem = decode(raw)
    if text is None:
        assert problem is not None
        raise ConfigError(problem.message, path, problem.line, problem.column)
    parsed = parse_yaml(text)
    for p in parsed.problems:
        raise ConfigError(p.message, path, p.line, p.column)
    if not parsed.documents or (len(parsed.documents) == 1
                                and parsed.documents[0].data is None):
        raise ConfigError("the config file is empty; start it with 'version: 1'", path)
    if len(parsed.documents) != 1:
        second = parsed.documents[1].pos
        raise ConfigError("the config file must hold exactly one YAML document", path,
                          *second)
    doc = parsed.documents[0]
    for p in doc.problems:
        raise ConfigError(p.message, path, p.line, p.column)
    data = doc.data
    if not isinstance(data, LDict):
        raise ConfigError("the config must be a mapping (start with 'version: 1')", path,
                          *doc.pos)
    from jsonschema import Draft202012Validator

    from evtctl.schemas_path import load_schema

    errors = problems_from_errors(
        Draft202012Validator(load_schema("config")).iter_errors(data), data)
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ConfigError(first.message + more, path, *first.pos)
    return _build(path, data)


def _strings(value: object) -> Mapping[str, str]:
    if not isinstance(value, dict):
        return {}
    out: dict[str, str] = {}
    for k, v in value.items():
        out[k] = ("true" if v else "false") if isinstance(v, bool) else str(v)
    return out


def _severities(value: object) -> dict[str, str]:
    """Rule severities; a bare ``off`` reads as false in YAML 1.1, and means "off"."""
    if not isinstance(value, dict):
        return {}
    return {k: ("off" if v is False else str(v)) for k, v in value.items()}


def _build(path: Path, data: LDict) -> ProjectConfig:
    compat = data.get("compatibility") or {}
    modes = dict(DEFAULT_MODES)
    modes.update(compat.get("defaults") or {})
    ignores = tuple(
        Ignore(i["rule"], i["path"], i["reason"], line=data["ignores"].item_pos[n][0],
               column=data["ignores"].item_pos[n][1])
        for n, i in enumerate(data.get("ignores") or ())
    )
    environments = {
        name: Environment(
            name=name,
            cluster_id=env.get("clusterId"),
            partitions=env.get("partitions"),
            replication_factor=env.get("replicationFactor"),
            config=_strings(env.get("config")),
            principal=env.get("principal", "User:{service}"),
            managed_prefixes=tuple(env.get("managedPrefixes") or ()),
            strict=bool(env.get("strict", False)),
            max_delete_percent=float(env.get("maxDeletePercent", 10.0)),
        )
        for name, env in (data.get("environments") or {}).items()
    }
    return ProjectConfig(
        path=path,
        root=path.resolve().parent,
        companies=tuple(data.get("companies") or ()),
        namespaces=tuple(data.get("namespaces") or ()),
        rule_severities=_severities(data.get("rules")),
        policy=compat.get("policy", DEFAULT_POLICY),
        default_modes=modes,
        contract_modes=dict(compat.get("contracts") or {}),
        allow_remote_refs=bool(compat.get("allowRemoteRefs", False)),
        protobuf_policy=(compat.get("protobuf") or {}).get("policy", DEFAULT_PROTOBUF_POLICY),
        proto_include_paths=tuple(
            (path.resolve().parent / folder).resolve()
            for folder in (compat.get("protobuf") or {}).get("includePaths") or ()),
        ignores=ignores,
        environments=environments,
        registry=_registry(data.get("registry")),
        locations=_locations(data),
    )


def _registry(value: object) -> RegistrySettings:
    if not isinstance(value, dict):
        return RegistrySettings()
    default = RegistrySettings()
    return RegistrySettings(
        subject_strategy=value.get("subjectStrategy", default.subject_strategy),
        policy=value.get("policy", default.policy),
        managed_prefixes=tuple(value.get("managedPrefixes") or ()),
        reference_prefix=value.get("referencePrefix", ""),
    )


def _locations(data: LDict) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    rules = data.get("rules")
    if isinstance(rules, LDict):
        out.update({f"rules/{k}": rules.key_pos.get(k, rules.pos) for k in rules})
    compat = data.get("compatibility")
    contracts = compat.get("contracts") if isinstance(compat, LDict) else None
    if isinstance(contracts, LDict):
        out.update({f"compatibility.contracts/{k}": contracts.key_pos.get(k, contracts.pos)
                    for k in contracts})
    ignores = data.get("ignores")
    if isinstance(ignores, LList):
        for n, item in enumerate(ignores):
            if isinstance(item, LDict):
                out[f"ignores/{n}/rule"] = item.value_pos.get("rule", item.pos)
    return out
