"""Which YAML documents are evtctl manifests, which nearly are, and what a broken one declares.

A YAML file is skipped only when nothing in it looks like a manifest. A document *is* a
manifest when its ``apiVersion`` starts with ``evtctl/``. It *nearly is* one (a near miss,
reported, never skipped) when:

- its ``apiVersion`` value is a misspelling of ``evtctl/v1`` (``evtclt/v1``, ``Evtctl/v1``,
  ``evtctl.v1``), whatever the key is spelled like;
- a key is a misspelling of ``apiVersion`` (``apiversion``, ``api_version``, ``apiVerison``)
  and the document also has ``kind: Service``, a ``topics``/``consumes``/``produces``
  section or ``metadata`` with a ``company``;
- it has ``kind: Service`` and a ``topics``/``consumes``/``produces`` section or
  ``metadata.company``, or ``metadata.company`` and a section, but no usable ``apiVersion``
  (a Kubernetes ``Service`` has neither sections nor a company: it is not a near miss).

Key names count when they are the manifest's own keys misspelled (``Kind``, ``metadat``,
``Topics``): see :mod:`evtctl.suggest`.

The loader's cheap pre-filter, :func:`may_hold_manifest`, runs on the raw bytes of every
YAML file before anything is parsed; it lets through every file in which any of the above
could be found, so a near miss is never dropped before it is looked at: ``evtc``, ``evctl``,
``etvctl``, ``evtlc`` or ``evtcl`` anywhere (any case); a line whose key starts with ``api``
or ends in ``version`` after other letters (any case), except an exact ``apiVersion`` whose
value names no evtctl (such a document is a near miss only with ``kind: Service`` or a
section, looked for next); ``kind: service`` (any case); or ``topics:``, ``consumes:`` or
``produces:`` at the start of a line (any case). Kubernetes objects other than a
``Service``, compose files and CI workflows match none of these and are not parsed.
``tests/unit/test_recognise.py`` checks with generated near misses that the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from evtctl.naming import parse_topic_name
from evtctl.suggest import closest, edit_distance, is_typo_of
from evtctl.yamlsource import LDict, LList, Pos

API_VERSION = "evtctl/v1"
API_PREFIX = "evtctl/"
TOP_KEYS = ("apiVersion", "kind", "metadata", "topics", "consumes", "produces")
SECTIONS = ("topics", "consumes", "produces")

_TOKENS = re.compile(rb"evtc|evctl|etvctl|evtlc|evtcl")
# Matched at the start of a line only (``match`` with a position): a regular expression
# scanning every line of a file costs many times more than these substring searches.
_API_KEY = re.compile(rb"""[ \t-]*["']?(api[\w-]*|[\w-]+version)["']?[ \t]*:""")
_KIND = re.compile(rb"""[ \t-]*kind[ \t]*:[ \t]*["']?service""")
_SECTION = re.compile(rb"""(?:topics|consumes|produces)[ \t]*:""")


def may_hold_manifest(raw: bytes) -> bool:
    """False only when no document of the file can be a manifest or a near miss."""
    low = raw.lower()
    if _TOKENS.search(low) is not None:
        return True
    for needle in (b"api", b"version"):
        at = low.find(needle)
        while at >= 0:
            found = _API_KEY.match(low, low.rfind(b"\n", 0, at) + 1)
            if found is not None:
                if raw[found.start(1):found.end(1)] != b"apiVersion":
                    return True  # a key that may be apiVersion misspelt
                end = raw.find(b"\n", found.end())
                value = raw[found.end():end if end >= 0 else len(raw)].split(b"#")[0]
                if evtctl_like(value.decode("utf-8", "replace").strip().strip("'\"")):
                    return True
            at = low.find(needle, at + 1)
    if b"service" in low:
        at = low.find(b"kind")
        while at >= 0:
            if _KIND.match(low, low.rfind(b"\n", 0, at) + 1):
                return True
            at = low.find(b"kind", at + 1)
    for needle in (b"topics", b"consumes", b"produces"):
        at = low.find(needle)
        while at >= 0:
            if (at == 0 or low[at - 1] == 10) and _SECTION.match(low, at):  # 10: "\n"
                return True
            at = low.find(needle, at + 1)
    return False


@dataclass(frozen=True, slots=True)
class NearMiss:
    """One reason a document is not read as a manifest although it looks like one."""

    rule: str  # EVT004 (structure) or EVT005 (unknown key)
    message: str
    pos: Pos


def evtctl_like(value: object) -> bool:
    """An ``apiVersion`` value that names evtctl, rightly or misspelled."""
    if not isinstance(value, str):
        return False
    text = value.strip().lower()
    if text.startswith(API_PREFIX):
        return True
    head = re.split(r"[/.:\s]", text, maxsplit=1)[0]
    return bool(head) and edit_distance(head, "evtctl", 2) <= 2


def _key_for(data: LDict, target: str) -> str | None:
    """The key of ``data`` that is ``target`` or a misspelling of it."""
    if target in data:
        return target
    return next((k for k in data if isinstance(k, str) and is_typo_of(k, target)), None)


def _value(data: LDict, target: str) -> Any:
    key = _key_for(data, target)
    return None if key is None else data[key]


@dataclass(frozen=True, slots=True)
class _Signals:
    service: bool  # kind: Service (the key spelt right but for case)
    sections: bool  # topics, consumes or produces (spelt right but for case)
    loose_service: bool  # the same, with the key misspelt too
    loose_sections: bool
    company: bool  # metadata with a company (either key misspelt or not)


def _signals(data: LDict) -> _Signals:
    def is_service(value: object) -> bool:
        return isinstance(value, str) and (value.lower() == "service"
                                           or is_typo_of(value, "Service"))

    keys = {k.lower(): k for k in data if isinstance(k, str)}
    meta = _value(data, "metadata")
    return _Signals(
        service="kind" in keys and is_service(data[keys["kind"]]),
        sections=any(s in keys for s in SECTIONS),
        loose_service=is_service(_value(data, "kind")),
        loose_sections=any(_key_for(data, s) is not None for s in SECTIONS),
        company=isinstance(meta, LDict) and _key_for(meta, "company") is not None)


def is_manifest(data: object) -> bool:
    """The document declares itself an evtctl manifest (``apiVersion: evtctl/...``)."""
    return (isinstance(data, LDict) and isinstance(data.get("apiVersion"), str)
            and data["apiVersion"].startswith(API_PREFIX))


def near_misses(data: object) -> list[NearMiss]:
    """Why a document that is not a manifest looks like one; empty when it does not."""
    if not isinstance(data, LDict) or is_manifest(data):
        return []
    key = _key_for(data, "apiVersion")
    value = data.get(key) if key is not None else None
    s = _signals(data)
    # Each way in needs a trace the loader's pre-filter looks for (an apiVersion-like key or
    # value, "kind: service", a section key at the start of a line), so none is filtered out.
    looks = (evtctl_like(value)
             or (key is not None and key != "apiVersion"
                 and (s.loose_service or s.loose_sections or s.company))
             or (s.service and (s.loose_sections or s.company))
             or (s.sections and (s.company or s.loose_service)))
    if not looks:
        return []
    what = _what(s.loose_service, [x for x in SECTIONS if _key_for(data, x) is not None],
                 s.company)
    out: list[NearMiss] = []
    if key is not None and key != "apiVersion":
        out.append(NearMiss("EVT005", f"key {key!r} is not a manifest key; did you mean "
                            f"'apiVersion'? (keys are case-sensitive; without apiVersion "
                            "this document is not read as a manifest)",
                            data.key_pos.get(key, data.pos)))
    if key is None:
        out.append(NearMiss("EVT004", f"this document looks like an evtctl manifest ({what}) "
                            f"but has no apiVersion; add 'apiVersion: {API_VERSION}' as its "
                            "first key", data.pos))
    elif isinstance(value, str) and value.startswith(API_PREFIX):
        pass  # the key alone is misspelled
    elif evtctl_like(value):
        out.append(NearMiss("EVT004", f"apiVersion {value!r} is not an evtctl version; did "
                            f"you mean {API_VERSION!r}?", data.value_pos.get(key, data.pos)))
    else:
        out.append(NearMiss("EVT004", f"apiVersion {value!r} is not evtctl's, but this "
                            f"document looks like an evtctl manifest ({what}); use "
                            f"{API_VERSION!r}", data.value_pos.get(key, data.pos)))
    for other in data:
        if not isinstance(other, str) or other in TOP_KEYS or other == key:
            continue
        target = closest(other, TOP_KEYS)
        if target is not None and target != "apiVersion" and target not in data:
            out.append(NearMiss("EVT005", f"key {other!r} is not a manifest key; did you mean "
                                f"{target!r}?", data.key_pos.get(other, data.pos)))
    return out


def _what(service: bool, sections: list[str], company: bool) -> str:
    parts = (["kind: Service"] if service else []) + sections + (
        ["metadata.company"] if company else [])
    if not parts:
        return "its apiVersion names evtctl"
    return "it has " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1
                        else parts[0])


def unsupported_version(value: str) -> str:
    """The message for ``apiVersion: evtctl/<something this evtctl does not read>``."""
    close = ""
    if re.fullmatch(r"evtctl/v\d+", value):
        return (f"apiVersion {value!r} is a manifest format this evtctl does not know (it "
                f"reads {API_VERSION!r}); upgrade evtctl, or write the manifest in "
                f"{API_VERSION!r}")
    if re.fullmatch(r"evtctl/\s*v?1\s*", value.lower()) or is_typo_of(value, API_VERSION):
        close = f"; did you mean {API_VERSION!r}?"
    return f"apiVersion {value!r} is not supported; this evtctl reads {API_VERSION!r}{close}"


def manifest_items(data: object) -> list[LDict]:
    """The manifests (or near misses) held by a top-level YAML list."""
    if not isinstance(data, LList):
        return []
    return [item for item in data
            if isinstance(item, LDict) and (is_manifest(item) or near_misses(item))]


# --- what a manifest that did not load declares ------------------------------------------

def identity_of(data: LDict) -> str | None:
    """``company.namespace.name`` from a parsed document's metadata, when all three are set."""
    meta = _value(data, "metadata")
    if not isinstance(meta, LDict):
        return None
    parts = [_value(meta, k) for k in ("company", "namespace", "name")]
    if all(isinstance(p, str) and p for p in parts):
        return ".".join(parts)
    return None


def topics_of(data: LDict) -> tuple[str, ...]:
    """The topic names a parsed document declares under ``topics`` (misspelled key too)."""
    items = _value(data, "topics")
    if not isinstance(items, LList):
        return ()
    names: list[str] = []
    for item in items:
        if isinstance(item, LDict):
            names.extend(v for v in item.values()
                         if isinstance(v, str) and parse_topic_name(v) is not None)
    return tuple(dict.fromkeys(names))


_NAME = re.compile(r"""(?<![\w.-])name\s*:\s*["']?([A-Za-z0-9._-]+)""")
_META_FIELD = re.compile(r"""(?<![\w.-])(company|namespace|name)\s*:\s*["']?([A-Za-z0-9_-]+)""")
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:(.*)$")


def scrape(text: str) -> tuple[str | None, tuple[str, ...]]:
    """(service id, topic names) picked out of manifest text that does not parse.

    The service id comes from the ``company``, ``namespace`` and ``name`` found after
    ``metadata:`` and before the next top-level key; topic names are values of ``name:``
    keys below ``topics:`` that have the shape of a topic name (contract names do not)."""
    service_id: str | None = None
    topics: list[str] = []
    for key, body in _top_level_blocks(text):
        if key == "metadata":
            found: dict[str, str] = {}
            for match in _META_FIELD.finditer(body):
                found.setdefault(match.group(1), match.group(2))
            if all(k in found for k in ("company", "namespace", "name")):
                service_id = f"{found['company']}.{found['namespace']}.{found['name']}"
        elif key == "topics":
            topics.extend(m.group(1) for m in _NAME.finditer(body)
                          if parse_topic_name(m.group(1)) is not None)
    return service_id, tuple(dict.fromkeys(topics))


def _top_level_blocks(text: str) -> Iterator[tuple[str, str]]:
    """(key, text of its value) for each top-level key, by indentation alone."""
    key: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        match = _TOP_KEY.match(line)
        if match is not None:
            if key is not None:
                yield key, "\n".join(body)
            name = match.group(1)
            key = name if name in TOP_KEYS else closest(name, TOP_KEYS) or name
            body = [match.group(2)]
        elif line.startswith("---") or line.startswith("..."):
            if key is not None:
                yield key, "\n".join(body)
            key, body = None, []
        elif key is not None:
            body.append(line)
    if key is not None:
        yield key, "\n".join(body)


def looks_like_manifest_text(text: str) -> bool:
    """Whether text that does not parse has a manifest's shape (for syntax errors)."""
    if API_PREFIX in text:
        return True
    data = LDict((1, 1))
    for key, body in _top_level_blocks(text):
        first = body.strip().splitlines()[0].strip() if body.strip() else ""
        if key == "metadata":
            meta = LDict((1, 1))
            if re.search(r"(?<![\w.-])company\s*:", body):
                meta["company"] = ""
            data[key] = meta
        else:
            data[key] = first.strip("'\"")
    return bool(near_misses(data))
