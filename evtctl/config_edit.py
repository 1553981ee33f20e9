"""Adding a name to a list in ``evtctl.yaml`` (``companies``, ``namespaces``), keeping the
file as its authors wrote it: comments, order and layout stay; one item is added to a flow
list (``[a, b]``) or one line to a block list (``- a``). The edited file must load and list
the name, or nothing is written. Used by ``evtctl init``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from evtctl.config import ConfigError, parse_config
from evtctl.yamlsource import LDict, LList, parse_yaml


class ConfigEditError(Exception):
    """The file cannot be edited safely; the message says why."""


def add_to_list(path: Path, key: str, value: str) -> None:
    """Add ``value`` to the top-level list ``key`` of the config at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigEditError(f"cannot read {path}: {exc}") from None
    parsed = parse_yaml(text)
    data = parsed.documents[0].data if len(parsed.documents) == 1 else None
    node = data.get(key) if isinstance(data, LDict) else None
    if not isinstance(node, LList) or not node:
        raise ConfigEditError(f"{path} has no non-empty {key} list to add to")
    item = _scalar(value)
    lines = text.splitlines(keepends=True)
    line, column = node.pos
    if lines[line - 1][column - 1:column] == "[":
        new = _add_to_flow(text, _offset(lines, line, column), item)
    else:
        last_line, last_column = node.item_pos[-1]
        source = lines[last_line - 1]
        dash = source.rfind("-", 0, last_column - 1)
        if dash < 0 or last_line != max(p[0] for p in node.item_pos):
            raise ConfigEditError(f"the {key} list of {path} is laid out in a way evtctl "
                                  "does not edit")
        prefix = source[:dash] + "- "
        if not source.endswith("\n"):
            lines[last_line - 1] = source + "\n"
        lines.insert(last_line, prefix + item + "\n")
        new = "".join(lines)
    _write_checked(path, new, key, value)


def _scalar(value: str) -> str:
    """``value`` as a YAML string: plain when YAML reads it back as that string."""
    import yaml

    try:
        plain = yaml.safe_load(value)
    except yaml.YAMLError:
        plain = None
    return value if plain == value else json.dumps(value)


def _offset(lines: list[str], line: int, column: int) -> int:
    return sum(len(x) for x in lines[:line - 1]) + column - 1


def _add_to_flow(text: str, start: int, item: str) -> str:
    """Insert ``, item`` before the ``]`` that closes the flow list opened at ``start``."""
    quote: str | None = None
    depth = 0
    for n in range(start, len(text)):
        char = text[n]
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                end = start + 1 + len(text[start + 1:n].rstrip())  # after the last item
                sep = ", " if text[start + 1:end].strip() else ""
                return text[:end] + sep + item + text[end:]
    raise ConfigEditError("unclosed flow list")


def _write_checked(path: Path, new: str, key: str, value: str) -> None:
    temp = path.with_name(f".{path.name}.evtctl-edit")
    try:
        temp.write_text(new, encoding="utf-8")
        try:
            config = parse_config(temp)
        except ConfigError as exc:
            raise ConfigEditError(f"the edited file would not load ({exc.message})") from None
        if value not in getattr(config, key):
            raise ConfigEditError(f"the edited file would not list {value!r} in {key}")
        os.replace(temp, path)
    except OSError as exc:
        raise ConfigEditError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        temp.unlink(missing_ok=True)
