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
    node = yaml.compose(text, Loader=loader)
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
