"""Load manifests into the model: discovery, safe YAML, schema validation, source map.

Nothing here raises on bad input. Every problem with a file becomes a problem of one
of the loading rules at the right line, and whatever could be read still reaches the
model, so the other rules see as much of the organisation as possible.

No manifest is skipped silently: a YAML file is passed over only when nothing in it looks
like a manifest (:mod:`evtctl.manifest.recognise` says what does). A document that is a
manifest, or nearly is one, and does not load is a :class:`FailedManifest` — its file,
line, column, the loading rule and the reason, plus what could still be read of it (its
service id, its topic names), so that other manifests' references to it are not reported
as if it did not exist.

What a caller gets, :class:`LoadResult`:

- ``org``: the services that loaded, and ``org.failed``, the manifests that did not;
- ``files_read``: YAML files looked at; ``files``: those holding a manifest (loaded or
  failed); ``manifests_loaded`` / ``manifests_failed``: documents, counted;
- ``problems``: every loading problem (``findings`` as findings), ``has_errors``;
- ``complete``: True when every manifest below the paths loaded whole — none failed, no
  topic, consumes, produces, contract or version entry was dropped, and none breaks the
  manifest schema (a misspelt key, a value of the wrong type: its part is ``incomplete``).
  Anything that acts on the organisation as a whole (``evtctl provision``) must refuse unless
  ``complete`` is True, and can name each failure from ``org.failed`` (``location``,
  ``rule``, ``reason``) and each loading problem from ``findings``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from evtctl.findings import Finding, Location, Problem, Related, Severity
from evtctl.manifest.discovery import yaml_files
from evtctl.manifest.model import (
    Consume,
    Contract,
    ContractVersion,
    Deprecation,
    EventRef,
    FailedManifest,
    FieldLocations,
    Organisation,
    Produce,
    Service,
    Topic,
)
from evtctl.manifest.recognise import (
    API_PREFIX,
    API_VERSION,
    identity_of,
    is_manifest,
    looks_like_manifest_text,
    manifest_items,
    may_hold_manifest,
    near_misses,
    scrape,
    topics_of,
    unsupported_version,
)
from evtctl.structure import problems_from_errors
from evtctl.yamlsource import MAX_FILE_BYTES, LDict, LList, YamlProblem, decode, parse_yaml

__all__ = ["API_PREFIX", "API_VERSION", "LoadResult", "RuleProblem", "load_file",
           "load_organisation"]

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
    files: list[Path]  # the manifest files: files holding at least one manifest, loaded or not
    problems: list[RuleProblem] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict)  # manifest sources (for suppressions)
    files_read: int = 0  # YAML files looked at, manifests or not
    failed: list[FailedManifest] = field(default_factory=list)

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

    @property
    def manifests_loaded(self) -> int:
        return len(self.org.services)

    @property
    def manifests_failed(self) -> int:
        return len(self.failed)

    @property
    def complete(self) -> bool:
        """Every manifest loaded whole: none failed, no entry of one was dropped."""
        return not self.failed and not any(_incomplete(s) for s in self.org.services)


def _incomplete(service: Service) -> bool:
    return service.incomplete or any(
        t.incomplete or any(c.incomplete for c in t.contracts) for t in service.topics)


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
    result.org = Organisation(tuple(services), tuple(result.failed))
    return result


def load_file(file: Path, result: LoadResult) -> list[Service] | None:
    """The services in one file, or None when nothing in it looks like an evtctl manifest."""
    result.files_read += 1
    try:
        raw = file.read_bytes()
    except OSError as exc:
        message = f"cannot read file: {exc.strerror or exc}"
        _add(result, YAML_INVALID, message, file, (1, 1))
        _fail(result, file, (1, 1), YAML_INVALID, message)
        result.files.append(file)
        return []
    if not (API_PREFIX.encode() in raw if len(raw) > MAX_FILE_BYTES else may_hold_manifest(raw)):
        return None  # cheap pre-filter: nothing here can be a manifest (CI workflow, chart...)
    text, problem = decode(raw)
    if text is None:
        assert problem is not None
        loose = raw.decode("utf-8", "replace") if problem.kind != "limit" else ""
        if API_PREFIX.encode() not in raw and not looks_like_manifest_text(loose):
            return None
        _add(result, YAML_INVALID, problem.message, file, (problem.line, problem.column))
        service_id, topics = scrape(loose)
        _fail(result, file, (problem.line, problem.column), YAML_INVALID, problem.message,
              service_id, topics)
        result.files.append(file)
        return []
    parsed = parse_yaml(text)
    services: list[Service] = []
    recognised = 0
    for doc in parsed.documents:
        data = doc.data
        if is_manifest(data):
            recognised += 1
            for yp in doc.problems:
                _add_yaml(result, file, yp)
            service = _document(file, data, doc.index, result)
            if service is not None:
                services.append(service)
        elif misses := near_misses(data):
            recognised += 1
            for yp in doc.problems:
                _add_yaml(result, file, yp)
            for miss in misses:
                _add(result, miss.rule, miss.message, file, miss.pos, anchor=miss.message)
            _fail_data(result, file, misses[0].pos, misses[0].rule, misses[0].message, data)
        elif items := manifest_items(data):
            recognised += 1
            message = (f"this document is a YAML list of {len(items)} manifest"
                       f"{'s' if len(items) != 1 else ''}; evtctl reads one manifest per "
                       "YAML document: drop the leading '- ' and separate the manifests "
                       "with '---' lines")
            _add(result, STRUCTURE, message, file, doc.pos, anchor="list-of-manifests")
            for item in items:
                _fail_data(result, file, item.pos, STRUCTURE, message, item)
    if parsed.problems:
        first = parsed.problems[0]
        region = _document_text(text, first.line)
        if not recognised and not looks_like_manifest_text(region):
            return None  # someone else's broken YAML
        # A file that looks like a manifest but cannot be parsed is reported, not skipped.
        for yp in parsed.problems:
            _add_yaml(result, file, yp)
        service_id, topics = scrape(region)
        _fail(result, file, (first.line, first.column), _YAML_RULES[first.kind], first.message,
              service_id, topics)
    elif recognised == 0:
        return None
    result.files.append(file)
    result.texts[file] = text
    return services


def _document_text(text: str, line: int) -> str:
    """The text of the YAML document holding ``line`` (between ``---`` separators)."""
    lines = text.splitlines()
    start = 0
    for n in range(min(line, len(lines)) - 1, -1, -1):
        if lines[n].startswith("---"):
            start = n + 1
            break
    end = len(lines)
    for n in range(max(line, 1), len(lines)):
        if lines[n].startswith("---"):
            end = n
            break
    return "\n".join(lines[start:end])


def _fail(result: LoadResult, file: Path, pos: tuple[int, int], rule: str, reason: str,
          service_id: str | None = None, topics: tuple[str, ...] = (),
          complete: bool = False) -> None:
    result.failed.append(FailedManifest(Location(file, pos[0], pos[1]), rule, reason,
                                        service_id, topics, complete))


def _fail_data(result: LoadResult, file: Path, pos: tuple[int, int], rule: str, reason: str,
               data: LDict) -> None:
    """A parsed document that is not loaded: its service id and topics are still known."""
    _fail(result, file, pos, rule, reason, identity_of(data), topics_of(data), complete=True)


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
        message = unsupported_version(data["apiVersion"])
        _add(result, STRUCTURE, message, file, pos)
        _fail_data(result, file, pos, STRUCTURE, message, data)
        return None
    fast = _fast_check()
    flawed: list[_Path] = []  # where the document breaks the manifest schema
    if fast is None or not fast(data):  # valid: no need for jsonschema's errors
        for sp in problems_from_errors(_validator().iter_errors(data), data):
            rule = UNKNOWN_KEY if sp.kind == "unknown-key" else STRUCTURE
            _add(result, rule, sp.message, file, sp.pos,
                 anchor="/".join(str(p) for p in sp.path) + ":" + sp.message)
            flawed.append(tuple(sp.path))
    service = _build_service(file, data, index, flawed)
    if service is None:
        meta_pos = data.value_pos.get("metadata", data.pos)
        _fail_data(result, file, meta_pos, STRUCTURE,
                   "the manifest's metadata does not give company, namespace and name as "
                   "text, so its service is not loaded", data)
    return service


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


_Path = tuple[str | int, ...]


def _split(flawed: Sequence[_Path], key: str) -> tuple[bool, dict[int, list[_Path]]]:
    """Schema problems of a node: (any outside its ``key`` entries, those inside entry i).

    A problem marks the smallest part of the model holding it (service, topic, contract) as
    incomplete: a misspelt ``topics:`` or ``contracts:`` key, or a value of the wrong type,
    means something the author wrote was not read, so no rule may take its absence as proof
    and ``evtctl provision`` refuses to plan from it."""
    here, inner = False, dict[int, list[_Path]]()
    for path in flawed:
        if len(path) >= 3 and path[0] == key and isinstance(path[1], int):
            inner.setdefault(path[1], []).append(path[2:])
        else:
            here = True
    return here, inner


def _build_service(file: Path, data: LDict, index: int,
                   flawed: Sequence[_Path] = ()) -> Service | None:
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
    here, in_topics = _split(flawed, "topics")
    topics = _built(file, data, "topics",
                    lambda f, n, p, i: _build_topic(f, n, p, in_topics.get(i, ())))
    consumes = _built(file, data, "consumes", lambda f, n, p, i: _build_consume(f, n, p))
    produces = _built(file, data, "produces", lambda f, n, p, i: _build_produce(f, n, p))
    return Service(
        loc=_loc(file, meta.value_pos.get("name", data.pos)),
        field_locs=locs,
        company=company, namespace=namespace, name=name,
        owner=_str(meta, "owner"), description=_str(meta, "description"),
        topics=topics[0], consumes=consumes[0], produces=produces[0],
        document=index,
        incomplete=here or topics[1] or consumes[1] or produces[1],
    )


_B = TypeVar("_B")


def _built(file: Path, node: LDict, key: str,
           build: Callable[[Path, Any, tuple[int, int], int], _B | None],
           ) -> tuple[tuple[_B, ...], bool]:
    """The entries of a list that could be built (``build`` gets each entry's index), and
    whether any could not be.

    A section that is there but not a list counts as entries that could not be built."""
    value = node.get(key)
    items = _items(node, key)
    built = tuple(b for i, (n, p) in enumerate(items) if (b := build(file, n, p, i)) is not None)
    return built, len(built) < len(items) or (value is not None and not isinstance(value, LList))


def _build_topic(file: Path, node: Any, pos: tuple[int, int],
                 flawed: Sequence[_Path] = ()) -> Topic | None:
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
    here, in_contracts = _split(flawed, "contracts")
    contracts, dropped = _built(
        file, node, "contracts",
        lambda f, n, p, i: _build_contract(f, n, p, bool(in_contracts.get(i))))
    return Topic(
        loc=_loc(file, pos), field_locs=_field_locs(file, node),
        name=node["name"],
        partitions=_int(node, "partitions"),
        replication_factor=_int(node, "replicationFactor"),
        config=config,
        contracts=contracts,
        incomplete=here or dropped,
    )


def _build_contract(file: Path, node: Any, pos: tuple[int, int],
                    flawed: bool = False) -> Contract | None:
    if not isinstance(node, LDict) or _str(node, "name") is None:
        return None
    versions, dropped = _built(file, node, "versions",
                               lambda f, n, p, i: _build_version(f, n, p))
    incomplete = flawed or dropped
    return Contract(
        loc=_loc(file, pos), field_locs=_field_locs(file, node),
        name=node["name"],
        compatibility=_str(node, "compatibility"),
        description=_str(node, "description"),
        schema_type=_str(node, "schemaType"),
        message=_str(node, "message"),
        versions=versions,
        incomplete=incomplete,
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
