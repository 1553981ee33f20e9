"""Where a JSON pointer's value is written in a schema file: line and column, 1-based.

Used on the error path only (a metaschema violation, an unresolvable reference), so a
plain scan is good enough: JSON text is tokenised up to the value, YAML is composed into
nodes (which carry their marks). A key is reported at its own position, an array member
at its value's; anything that cannot be found is (0, 0) — "somewhere in the file".
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

Step = str | int

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.DOTALL)


def positions(text: str, paths: Sequence[Sequence[Step]],
              yaml: bool = False) -> list[tuple[int, int]]:
    """:func:`position` of several paths, reading the text once."""
    if not paths:
        return []
    if yaml:
        try:
            import yaml as pyyaml

            loader: Any = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)
            root = pyyaml.compose(text, Loader=loader)
        except Exception:  # the document parsed before: this cannot fail in practice
            return [(0, 0)] * len(paths)
        return [_node_position(root, p) or (0, 0) for p in paths]
    wanted = {tuple(str(s) for s in p): i for i, p in enumerate(paths)}
    found: list[tuple[int, int]] = [(0, 0)] * len(paths)
    try:
        for path, offset in _json_walk(text, wanted):
            line = text.count("\n", 0, offset) + 1
            found[wanted[path]] = (line, offset - (text.rfind("\n", 0, offset) + 1) + 1)
    except (ValueError, StopIteration, RecursionError):
        pass
    return found


def _json_walk(text: str, wanted: dict[tuple[str, ...], int]) -> Any:
    """(path, offset) for each wanted path, in one pass over the tokens: a key's offset for
    an object member, the value's for an array item."""
    tokens = _TOKEN.finditer(text)
    # Each open container: [is_object, path, next array index, key awaiting a value]
    stack: list[list[Any]] = []
    pending_key: tuple[str, int] | None = None
    prefixes = {p[:i] for p in wanted for i in range(len(p) + 1)}
    for token in tokens:
        t = token.group()
        if t in (":", ","):
            continue
        if t in ("}", "]"):
            stack.pop()
            continue
        if stack and stack[-1][0] and pending_key is None:
            pending_key = (json.loads(t), token.start())  # a key
            continue
        if stack and stack[-1][0]:
            assert pending_key is not None
            path = (*stack[-1][1], pending_key[0])
            at = pending_key[1]
            pending_key = None
        elif stack:
            path = (*stack[-1][1], str(stack[-1][2]))
            stack[-1][2] += 1
            at = token.start()
        else:
            path, at = (), token.start()
        if path in wanted:
            yield path, at
        if t in ("{", "["):
            # Containers off every wanted path are skipped whole.
            if path in prefixes:
                stack.append([t == "{", path, 0])
            else:
                _skip(token, tokens)


def position(text: str, steps: Sequence[Step], yaml: bool = False) -> tuple[int, int]:
    """Line and column of the value at ``steps`` (its key, when it has one) in ``text``."""
    try:
        offset = _yaml_position(text, steps) if yaml else _json_offset(text, steps)
    except (ValueError, IndexError, StopIteration, RecursionError):
        return 0, 0
    if offset is None:
        return 0, 0
    if isinstance(offset, tuple):
        return offset
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _json_offset(text: str, steps: Sequence[Step]) -> int | None:
    tokens = _TOKEN.finditer(text)
    token = next(tokens)
    at = token.start()
    for step in steps:
        if token.group() == "{":
            found = None
            while True:
                key = next(tokens)
                if key.group() == "}":
                    return None
                name = json.loads(key.group())
                next(tokens)  # ':'
                value = next(tokens)
                if name == str(step):
                    found = (key, value)
                    break
                _skip(value, tokens)
                sep = next(tokens)
                if sep.group() == "}":
                    return None
            at, token = found[0].start(), found[1]
        elif token.group() == "[":
            index = int(step)
            value = next(tokens)
            if value.group() == "]":
                return None
            for _ in range(index):
                _skip(value, tokens)
                sep = next(tokens)
                if sep.group() == "]":
                    return None
                value = next(tokens)
            at, token = value.start(), value
        else:
            return None
    return at


def _skip(first: re.Match[str], tokens: Any) -> None:
    """Consume the rest of the value that starts with ``first``."""
    if first.group() not in ("{", "["):
        return
    depth = 1
    while depth:
        text = next(tokens).group()
        if text in ("{", "["):
            depth += 1
        elif text in ("}", "]"):
            depth -= 1


def _yaml_position(text: str, steps: Sequence[Step]) -> tuple[int, int] | None:
    import yaml

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _node_position(yaml.compose(text, Loader=loader), steps)


def _node_position(node: Any, steps: Sequence[Step]) -> tuple[int, int] | None:
    import yaml

    mark = node.start_mark if node is not None else None
    for step in steps:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                    mark, node = key.start_mark, value
                    break
            else:
                return None
        elif isinstance(node, yaml.SequenceNode):
            index = int(step)
            if index >= len(node.value):
                return None
            node = node.value[index]
            mark = node.start_mark
        else:
            return None
    return (mark.line + 1, mark.column + 1) if mark is not None else None
