"""Load manifests into the model: discovery, safe YAML, schema validation, source map.

Nothing here raises on bad input. Every problem with a file becomes a problem of one
of the loading rules at the right line, and whatever could be read still reaches the
model, so the other rules see as much of the organisation as possible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from evtctl.findings import Finding, Location, Problem, Related, Severity
from evtctl.manifest.discovery import yaml_files
from evtctl.manifest.model import (
    Consume,
    Contract,
    ContractVersion,
    Deprecation,
    EventRef,
    FieldLocations,
    Organisation,
    Produce,
    Service,
    Topic,
)
from evtctl.structure import problems_from_errors
from evtctl.yamlsource import LDict, LList, YamlProblem, decode, parse_yaml

API_VERSION = "evtctl/v1"
API_PREFIX = "evtctl/"

# Rule ids of the loading rules (documented in evtctl.rules.loading).
YAML_INVALID = "EVT001"
YAML_TAG = "EVT002"
DUPLICATE_KEY = "EVT003"
STRUCTURE = "EVT004"
UNKNOWN_KEY = "EVT005"

_YAML_RULES = {
    "syntax": YAML_INVALID, "encoding": YAML_INVALID, "limit": YAML_INVALID,
    "key-type": STRUCTURE, "tag": YAML_TAG, "duplicate-key": DUPLICATE_KEY,
}


@dataclass(frozen=True, slots=True)
class RuleProblem:
    rule: str
    problem: Problem


@dataclass
class LoadResult:
    org: Organisation
    files: list[Path]  # the manifest files read (files holding at least one manifest)
    problems: list[RuleProblem] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict)  # manifest sources (for suppressions)

    @property
    def findings(self) -> list[Finding]:
        """Loading problems as findings with their default severity (error)."""
        return [
            Finding(p.rule, Severity.ERROR, p.problem.message, p.problem.location,
                    p.problem.related, p.problem.json_path, p.problem.hint, p.problem.anchor)
            for p in self.problems
        ]

    @property
    def has_errors(self) -> bool:
        return bool(self.problems)


def load_organisation(paths: Sequence[Path],
                      on_services: Callable[[list[Service]], None] | None = None) -> LoadResult:
    """Read every manifest below ``paths``. Raises PathNotFound for a missing path.

    ``on_services`` sees the services of each file as soon as they are built, in the order
    of the organisation (lint starts loading their schemas while the rest is read)."""
    services: list[Service] = []
    result = LoadResult(Organisation(()), [])
    for file in yaml_files(paths):
        found = load_file(file, result)
        if found:
            services.extend(found)
            if on_services is not None:
                on_services(found)
    result.org = Organisation(tuple(services))
    return result


def load_file(file: Path, result: LoadResult) -> list[Service] | None:
    """The services in one file, or None when it is not an evtctl manifest."""
    try:
        raw = file.read_bytes()
    except OSError as exc:
        if API_PREFIX.encode() in file.name.encode() or file.suffix in (".yaml", ".yml"):
            _add(result, YAML_INVALID, f"cannot read file: {exc.strerror or exc}", file, (1, 1))
            result.files.append(file)
            return []
        return None
    if API_PREFIX.encode() not in raw:
        return None  # cheap pre-filter: not a manifest (CI workflow, compose file...)
    text, problem = decode(raw)
    if text is None:
        assert problem is not None
        _add(result, YAML_INVALID, problem.message, file, (problem.line, problem.column))
        result.files.append(file)
        return []
    parsed = parse_yaml(text)
    services: list[Service] = []
    manifest_docs = 0
    for doc in parsed.documents:
        data = doc.data
        if not (isinstance(data, LDict) and isinstance(data.get("apiVersion"), str)
                and data["apiVersion"].startswith(API_PREFIX)):
            continue
        manifest_docs += 1
        for yp in doc.problems:
            _add_yaml(result, file, yp)
        service = _document(file, data, doc.index, result)
        if service is not None:
            services.append(service)
    if parsed.problems:
        # A file that looks like a manifest but cannot be parsed is reported, not skipped.
        for yp in parsed.problems:
            _add_yaml(result, file, yp)
    elif manifest_docs == 0:
        return None
    result.files.append(file)
    result.texts[file] = text
    return services


def _add(result: LoadResult, rule: str, message: str, file: Path, pos: tuple[int, int],
         related: tuple[Any, ...] = (), anchor: str = "") -> None:
    result.problems.append(RuleProblem(rule, Problem(
        message, Location(file, pos[0], pos[1]), related, anchor=anchor)))


def _add_yaml(result: LoadResult, file: Path, yp: YamlProblem) -> None:
    related: tuple[Related, ...] = ()
    if yp.other is not None:
        related = (Related(Location(file, *yp.other), "first defined here"),)
    _add(result, _YAML_RULES[yp.kind], yp.message, file, (yp.line, yp.column), related,
         anchor=yp.message if yp.kind != "limit" else "limit")


@cache
def _fast_check() -> Any:
    from evtctl.fastschema import try_compile
    from evtctl.schemas_path import load_schema

    return try_compile(load_schema("manifest"))


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    from evtctl.schemas_path import load_schema

    return Draft202012Validator(load_schema("manifest"))


def _document(file: Path, data: LDict, index: int, result: LoadResult) -> Service | None:
    if data.get("apiVersion") != API_VERSION:
        pos = data.value_pos.get("apiVersion", data.pos)
        _add(result, STRUCTURE, f"apiVersion {data['apiVersion']!r} is not supported; this "
             f"evtctl reads {API_VERSION!r} (upgrade evtctl or fix the apiVersion)", file, pos)
        return None
    fast = _fast_check()
    if fast is not None and fast(data):
        return _build_service(file, data, index)  # valid: no need for jsonschema's errors
    for sp in problems_from_errors(_validator().iter_errors(data), data):
        rule = UNKNOWN_KEY if sp.kind == "unknown-key" else STRUCTURE
        _add(result, rule, sp.message, file, sp.pos,
             anchor="/".join(str(p) for p in sp.path) + ":" + sp.message)
    return _build_service(file, data, index)


# --- building the model (lenient: take what has the right type, skip the rest) ---

def _loc(file: Path, pos: tuple[int, int]) -> Location:
    return Location(file, pos[0], pos[1])


def _field_locs(file: Path, node: LDict) -> FieldLocations:
    return FieldLocations(file, node.value_pos)  # the parsed map is not changed afterwards


def _str(node: LDict, key: str) -> str | None:
    value = node.get(key)
    return value if isinstance(value, str) else None


def _int(node: LDict, key: str) -> int | None:
    value = node.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _items(node: LDict, key: str) -> list[tuple[Any, tuple[int, int]]]:
    value = node.get(key)
    if not isinstance(value, LList):
        return []
    return list(zip(value, value.item_pos, strict=True))


def _build_service(file: Path, data: LDict, index: int) -> Service | None:
    meta = data.get("metadata")
    if not isinstance(meta, LDict):
        return None
    company, namespace, name = _str(meta, "company"), _str(meta, "namespace"), _str(meta, "name")
    if company is None or namespace is None or name is None:
        return None
    pos = dict(meta.value_pos)
    for key in ("topics", "consumes", "produces"):
        if key in data.value_pos:
            pos[key] = data.value_pos[key]
    locs = FieldLocations(file, pos)
    return Service(
        loc=_loc(file, meta.value_pos.get("name", data.pos)),
        field_locs=locs,
        company=company, namespace=namespace, name=name,
        owner=_str(meta, "owner"), description=_str(meta, "description"),
        topics=tuple(t for n, p in _items(data, "topics")
                     if (t := _build_topic(file, n, p)) is not None),
        consumes=tuple(c for n, p in _items(data, "consumes")
                       if (c := _build_consume(file, n, p)) is not None),
        produces=tuple(pr for n, p in _items(data, "produces")
                       if (pr := _build_produce(file, n, p)) is not None),
        document=index,
    )


def _build_topic(file: Path, node: Any, pos: tuple[int, int]) -> Topic | None:
    if not isinstance(node, LDict) or _str(node, "name") is None:
        return None
    config_node = node.get("config")
    config: dict[str, str] = {}
    if isinstance(config_node, LDict):
        for key, value in config_node.items():
            if isinstance(value, bool):
                config[key] = "true" if value else "false"
            elif isinstance(value, str | int | float):
                config[key] = str(value)
    return Topic(
        loc=_loc(file, pos), field_locs=_field_locs(file, node),
        name=node["name"],
        partitions=_int(node, "partitions"),
        replication_factor=_int(node, "replicationFactor"),
        config=config,
        contracts=tuple(c for n, p in _items(node, "contracts")
                        if (c := _build_contract(file, n, p)) is not None),
    )


def _build_contract(file: Path, node: Any, pos: tuple[int, int]) -> Contract | None:
    if not isinstance(node, LDict) or _str(node, "name") is None:
        return None
    return Contract(
        loc=_loc(file, pos), field_locs=_field_locs(file, node),
        name=node["name"],
        compatibility=_str(node, "compatibility"),
        description=_str(node, "description"),
        schema_type=_str(node, "schemaType"),
        message=_str(node, "message"),
        versions=tuple(v for n, p in _items(node, "versions")
                       if (v := _build_version(file, n, p)) is not None),
        subject_strategy=_str(node, "subjectStrategy"),
        key_versions=_key_versions(file, node.get("key")),
    )


def _key_versions(file: Path, key: Any) -> tuple[ContractVersion, ...]:
    if not isinstance(key, LDict):
        return ()
    return tuple(v for n, p in _items(key, "versions")
                 if (v := _build_version(file, n, p)) is not None)


def _build_version(file: Path, node: Any, pos: tuple[int, int]) -> ContractVersion | None:
    if not isinstance(node, LDict):
        return None
    number, schema = _int(node, "version"), _str(node, "schema")
    if number is None or schema is None:
        return None
    deprecated: Deprecation | None = None
    dep = node.get("deprecated")
    dep_pos = node.value_pos.get("deprecated", pos)
    if dep is True:
        deprecated = Deprecation(loc=_loc(file, dep_pos), field_locs={})
    elif isinstance(dep, LDict):
        deprecated = Deprecation(loc=_loc(file, dep_pos), field_locs=_field_locs(file, dep),
                                 sunset=_str(dep, "sunset"), reason=_str(dep, "reason"))
    references = node.get("references")
    refs = (tuple(r for r in references if isinstance(r, str) and r)
            if isinstance(references, LList) else ())
    return ContractVersion(loc=_loc(file, pos), field_locs=_field_locs(file, node),
                           version=number, schema=schema, deprecated=deprecated,
                           references=refs)


def _event_refs(file: Path, node: LDict) -> tuple[EventRef, ...] | None:
    if not isinstance(node.get("events"), LList):
        return None
    refs: list[EventRef] = []
    for value, pos in _items(node, "events"):
        if not isinstance(value, str) or not value:
            continue
        name, sep, version = value.partition("@")
        pinned = (int(version) if sep and version.isdigit() and len(version) <= 10
                  and int(version) >= 1 else None)
        if sep and pinned is None:
            continue
        refs.append(EventRef(loc=_loc(file, pos), field_locs={}, name=name, version=pinned))
    return tuple(refs)


def _build_consume(file: Path, node: Any, pos: tuple[int, int]) -> Consume | None:
    if not isinstance(node, LDict) or _str(node, "topic") is None:
        return None
    return Consume(loc=_loc(file, pos), field_locs=_field_locs(file, node),
                   topic=node["topic"], events=_event_refs(file, node),
                   group=_str(node, "group"))


def _build_produce(file: Path, node: Any, pos: tuple[int, int]) -> Produce | None:
    if not isinstance(node, LDict) or _str(node, "topic") is None:
        return None
    return Produce(loc=_loc(file, pos), field_locs=_field_locs(file, node),
                   topic=node["topic"], events=_event_refs(file, node),
                   reply_topic=_str(node, "replyTopic"))
