"""Safe YAML loading that keeps a source map and survives hostile input.

PyYAML's C composer recurses once per nesting level and crashes the interpreter on
very deep input, and its constructors expand aliases without limit. So documents are
built here from the parser's event stream, iteratively, with limits on depth and on
the number of nodes an alias may expand to. Only the plain YAML types are built
(mappings, sequences, strings, numbers, booleans, null); any other tag is an error,
so no YAML can construct objects. Duplicate keys are errors.

Every mapping and sequence is a :class:`LDict` / :class:`LList` that remembers where
it starts and where each of its keys and values sit (1-based line and column).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEPTH = 100
MAX_NODES = 2_000_000
MAX_SCALAR_NUMBER_CHARS = 40
MAX_FILE_BYTES = 32 * 1024 * 1024

Pos = tuple[int, int]

_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}


class LDict(dict[str, Any]):
    """A mapping that knows where it and each of its entries are."""

    __slots__ = ("key_pos", "pos", "size", "value_pos")

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.key_pos: dict[str, Pos] = {}
        self.value_pos: dict[str, Pos] = {}
        self.size = 1


class LList(list[Any]):
    """A sequence that knows where it and each of its items are."""

    __slots__ = ("item_pos", "pos", "size")

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.item_pos: list[Pos] = []
        self.size = 1


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """Something wrong with the YAML itself, at a 1-based position."""

    kind: str  # syntax | encoding | tag | duplicate-key | limit | key-type
    message: str
    line: int
    column: int
    other: Pos | None = None  # the first occurrence, for duplicate keys


@dataclass
class YamlDocument:
    data: Any
    pos: Pos
    index: int
    problems: list[YamlProblem] = field(default_factory=list)


@dataclass
class YamlFile:
    documents: list[YamlDocument]
    problems: list[YamlProblem]  # problems outside any complete document (syntax, encoding)


def decode(raw: bytes) -> tuple[str | None, YamlProblem | None]:
    """Bytes to text: UTF-8 (with or without BOM); anything else is a clear problem."""
    if len(raw) > MAX_FILE_BYTES:
        mib = len(raw) / (1024 * 1024)
        return None, YamlProblem(
            "limit", f"file is {mib:.1f} MiB; manifests are limited to "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MiB", 1, 1)
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(raw, nul)
        return None, YamlProblem("encoding", "binary file (NUL byte); expected UTF-8 text",
                                 line, col)
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        return None, YamlProblem(
            "encoding", f"not UTF-8: invalid byte 0x{raw[exc.start]:02x}; save the file as UTF-8",
            line, col)


def _byte_position(raw: bytes, offset: int) -> Pos:
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def _resolved_first(resolver: Any) -> frozenset[str]:
    """First characters for which PyYAML's resolver may give a plain scalar a tag other
    than str (bool, int, float, null, merge, ...). Any other first character resolves to
    str, so the resolver need not run. With wildcard or path resolvers every character
    counts (the resolver then always runs)."""
    table: dict[Any, Any] = resolver.yaml_implicit_resolvers
    if None in table or resolver.yaml_path_resolvers:
        return _EVERY_CHARACTER
    return frozenset(k for k in table if k)


class _Everything(frozenset[str]):
    def __contains__(self, item: object) -> bool:
        return True


_EVERY_CHARACTER = _Everything()

# Plain scalars that needed the resolver, and what they resolved to (str, int, float,
# bool or None: immutable, so one value serves every occurrence). Bounded: short texts,
# a few thousand of them (keys, small numbers, booleans repeat across manifests).
_PLAIN_VALUES: dict[str, Any] = {}
_PLAIN_TEXT_CHARS = 64
_PLAIN_ENTRIES = 4096


def _mark(event: Any) -> Pos:
    m = event.start_mark
    return (m.line + 1, m.column + 1)


class _Builder:
    """Builds located values from parser events without recursion."""

    def __init__(self, text: str) -> None:
        self.loader = _Loader(text)
        self.resolver = yaml.resolver.Resolver()
        self.resolved_first = _resolved_first(self.resolver)
        # Resolved plain scalars are remembered across files, unless a wildcard or path
        # resolver makes the answer depend on more than the text.
        self.plain: dict[str, Any] | None = (
            None if self.resolved_first is _EVERY_CHARACTER else _PLAIN_VALUES)
        self.constructor = yaml.constructor.SafeConstructor()

    def documents(self) -> Iterator[YamlDocument | YamlProblem]:
        loader = self.loader
        index = 0
        try:
            loader.get_event()  # StreamStart
            while not loader.check_event(yaml.StreamEndEvent):
                start = loader.get_event()  # DocumentStart
                doc = YamlDocument(None, _mark(start), index)
                doc.data = self._document(doc)
                loader.get_event()  # DocumentEnd
                index += 1
                yield doc
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            context = exc.context or ""
            if context and exc.context_mark is not None and exc.context_mark is not mark:
                cm = exc.context_mark
                context += f" (started at line {cm.line + 1}, column {cm.column + 1})"
            problem = " ".join(p for p in (context, exc.problem) if p) or "invalid YAML"
            yield YamlProblem("syntax", f"YAML syntax error: {problem}", line, col)
        except yaml.YAMLError as exc:
            yield YamlProblem("syntax", f"YAML error: {exc}", 1, 1)
        except _Abort as exc:
            yield exc.problem
        finally:
            loader.dispose()

    def _document(self, doc: YamlDocument) -> Any:
        # The hot loop of manifest loading: one pass per parser event, so dispatch on the
        # event's class by identity, and add plain scalars (most events) to their parent
        # inline; anything unusual (bad keys, duplicates, merges, containers) goes to _add.
        get_event = self.loader.get_event
        resolved_first = self.resolved_first
        plain = self.plain
        anchors: dict[str, Any] = {}
        # Each frame: [container, pending_key, key_pos, anchor, is_list]; for lists
        # pending_key is unused.
        stack: list[list[Any]] = []
        total = 0
        while True:
            event = get_event()
            cls = event.__class__
            if cls is _MappingEnd or cls is _SequenceEnd:
                container, _, _, anchor, _ = stack.pop()
                if not stack:
                    return container
                self._add(stack[-1], container, container.size, container.pos, doc, event)
                if anchor is not None:
                    anchors[anchor] = container
                continue  # its nodes were counted as they came
            mark = event.start_mark
            pos = (mark.line + 1, mark.column + 1)
            if cls is _Scalar:
                text: str = event.value
                value: Any
                if event.tag is not None:
                    value = self._scalar(event, pos, doc)
                elif not event.implicit[0] or (text and text[0] not in resolved_first):
                    value = text  # quoted, or no implicit resolver starts with this character
                elif plain is not None and text in plain:
                    value = plain[text]  # resolved before: "name", "1", "true"...
                else:
                    value = self._scalar(event, pos, doc)
                size = 1
                anchor = event.anchor
            elif cls is _MappingStart or cls is _SequenceStart:
                self._check_tag(event, pos, doc)
                is_list = cls is _SequenceStart
                new: LDict | LList = LList(pos) if is_list else LDict(pos)
                total += 1
                if len(stack) >= MAX_DEPTH:
                    raise _Abort(YamlProblem(
                        "limit", f"nesting deeper than {MAX_DEPTH} levels", pos[0], pos[1]))
                stack.append([new, _NO_KEY, None, event.anchor, is_list])
                continue
            elif cls is _Alias:
                if event.anchor not in anchors:
                    raise _Abort(YamlProblem(
                        "syntax", f"unknown alias *{event.anchor}", pos[0], pos[1]))
                value = anchors[event.anchor]
                size = value.size if isinstance(value, LDict | LList) else 1
                anchor = None
            else:  # pragma: no cover - the parser emits nothing else inside a document
                raise _Abort(YamlProblem("syntax", f"unexpected {event}", pos[0], pos[1]))
            total += size
            if total > MAX_NODES:
                raise _Abort(YamlProblem(
                    "limit", f"document expands to more than {MAX_NODES:,} nodes "
                    "(aliases nested too deep?)", pos[0], pos[1]))
            if anchor is not None:
                anchors[anchor] = value
            if not stack:
                return value  # the document ends after its root node
            frame = stack[-1]
            if cls is _Scalar:
                parent = frame[0]
                if frame[4]:
                    parent.size += 1
                    parent.append(value)
                    parent.item_pos.append(pos)
                    continue
                key = frame[1]
                if key is _NO_KEY:
                    parent.size += 1
                    frame[1], frame[2] = text, pos
                    continue
                if key is not _BAD_KEY and key not in parent:
                    parent.size += 1
                    frame[1] = _NO_KEY
                    parent[key] = value
                    parent.key_pos[key] = frame[2]
                    parent.value_pos[key] = pos
                    continue
            self._add(frame, value, size, pos, doc, event)

    def _add(self, frame: list[Any], value: Any, size: int, pos: Pos,
             doc: YamlDocument, event: Any) -> None:
        container = frame[0]
        container.size += size
        if isinstance(container, LList):
            container.append(value)
            container.item_pos.append(pos)
            return
        if frame[1] is _NO_KEY:
            if isinstance(value, LDict | LList):
                doc.problems.append(YamlProblem(
                    "key-type", "a mapping key must be a plain string, not a "
                    + ("mapping" if isinstance(value, LDict) else "sequence"), pos[0], pos[1]))
                frame[1], frame[2] = _BAD_KEY, pos
            else:
                key = event.value if isinstance(event, yaml.ScalarEvent) else str(value)
                frame[1], frame[2] = key, pos
            return
        key, key_pos = frame[1], frame[2]
        frame[1] = _NO_KEY
        if key is _BAD_KEY:
            return
        if key == "<<" and isinstance(value, LDict | LList):
            self._merge(container, value)
            return
        if key in container:
            first = container.key_pos[key]
            doc.problems.append(YamlProblem(
                "duplicate-key",
                f"duplicate key {key!r} (first defined at line {first[0]}); "
                "a mapping must not repeat a key",
                key_pos[0], key_pos[1], other=first))
            return
        container[key] = value
        container.key_pos[key] = key_pos
        container.value_pos[key] = pos

    @staticmethod
    def _merge(container: LDict, value: LDict | LList) -> None:
        sources = ([value] if isinstance(value, LDict)
                   else [v for v in value if isinstance(v, LDict)])
        for source in sources:
            for k, v in source.items():
                if k not in container:
                    container[k] = v
                    container.key_pos[k] = source.key_pos[k]
                    container.value_pos[k] = source.value_pos[k]

    def _check_tag(self, event: Any, pos: Pos, doc: YamlDocument) -> None:
        tag = event.tag
        if tag and tag != "!" and tag not in _ALLOWED_TAGS:
            doc.problems.append(YamlProblem(
                "tag", f"YAML tag {_short_tag(tag)!r} is not allowed; manifests hold plain "
                "data only (remove the tag)", pos[0], pos[1]))

    def _scalar(self, event: Any, pos: Pos, doc: YamlDocument) -> Any:
        text: str = event.value
        tag = event.tag
        if tag and tag != "!":
            if tag not in _ALLOWED_TAGS:
                self._check_tag(event, pos, doc)
                return text
            return self._typed(text, tag, pos, doc)
        if not event.implicit[0]:
            return text
        if text and text[0] not in self.resolved_first:
            return text  # no implicit resolver starts with this character: a string
        resolve: Any = self.resolver.resolve  # PyYAML is untyped
        tag = resolve(yaml.ScalarNode, text, (True, False))
        problems = len(doc.problems)
        value = self._typed(text, tag, pos, doc)
        plain = self.plain
        if (plain is not None and len(doc.problems) == problems and value == value  # not NaN
                and len(text) <= _PLAIN_TEXT_CHARS and len(plain) < _PLAIN_ENTRIES):
            plain[text] = value  # the same plain text always gives the same value
        return value

    def _typed(self, text: str, tag: str, pos: Pos, doc: YamlDocument) -> Any:
        if tag == "tag:yaml.org,2002:str" or tag == "tag:yaml.org,2002:timestamp":
            return text
        if tag == "tag:yaml.org,2002:null":
            return None
        if (tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
                and len(text) > MAX_SCALAR_NUMBER_CHARS):
            doc.problems.append(YamlProblem(
                "limit", f"number with {len(text)} characters is too large; "
                "quote it if it is meant as text", pos[0], pos[1]))
            return text
        node = yaml.ScalarNode(tag, text)
        try:
            if tag == "tag:yaml.org,2002:int":
                return self.constructor.construct_yaml_int(node)
            if tag == "tag:yaml.org,2002:float":
                return self.constructor.construct_yaml_float(node)
            if tag == "tag:yaml.org,2002:bool":
                return self.constructor.construct_yaml_bool(node)
        except (ValueError, yaml.YAMLError):
            doc.problems.append(YamlProblem(
                "syntax", f"cannot read {text!r} as {tag.rsplit(':', 1)[-1]}", pos[0], pos[1]))
            return text
        return text


def _short_tag(tag: str) -> str:
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


class _Abort(Exception):
    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_NO_KEY = object()
_BAD_KEY = object()

_Scalar = yaml.ScalarEvent
_Alias = yaml.AliasEvent
_MappingStart = yaml.MappingStartEvent
_MappingEnd = yaml.MappingEndEvent
_SequenceStart = yaml.SequenceStartEvent
_SequenceEnd = yaml.SequenceEndEvent


def parse_yaml(text: str) -> YamlFile:
    """All documents of a YAML text, with located values and the problems found."""
    documents: list[YamlDocument] = []
    problems: list[YamlProblem] = []
    for item in _Builder(text).documents():
        if isinstance(item, YamlDocument):
            documents.append(item)
        else:
            problems.append(item)
    return YamlFile(documents, problems)


def locate(root: Any, path: tuple[str | int, ...], *, key: bool = False) -> Pos | None:
    """The position of the value at ``path`` (or of its key), or of its nearest parent."""
    node = root
    best: Pos | None = node.pos if isinstance(node, LDict | LList) else None
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, LDict) and isinstance(part, str) and part in node:
            best = node.key_pos[part] if (last and key) else node.value_pos[part]
            node = node[part]
        elif isinstance(node, LList) and isinstance(part, int) and 0 <= part < len(node):
            best = node.item_pos[part]
            node = node[part]
        else:
            break
    return best
