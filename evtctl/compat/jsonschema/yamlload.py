"""Safe YAML for schema files: JSON values only, no duplicate keys, no alias bombs."""

from __future__ import annotations

from typing import Any


class YamlError(Exception):
    def __init__(self, message: str, line: int = 0, column: int = 0, limit: bool = False) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column
        self.limit = limit  # refused to protect the run (not a syntax error)


def load_yaml(text: str, max_nodes: int) -> Any:
    """Parse one YAML document into JSON values; raise :class:`YamlError` with a position."""
    import yaml

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
        pass

    def mapping(loader: Any, node: Any) -> dict[str, Any]:
        loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise _at(f"mapping keys must be strings, got {key!r}", key_node)
            if key in out:
                raise _at(f"duplicate key {key!r}", key_node)
            out[key] = loader.construct_object(value_node, deep=True)
        return out

    def as_string(loader: Any, node: Any) -> str:
        return str(loader.construct_scalar(node))

    Loader.add_constructor("tag:yaml.org,2002:map", mapping)
    for tag in ("timestamp", "binary", "set", "omap", "pairs"):
        Loader.add_constructor(f"tag:yaml.org,2002:{tag}", _reject(tag))
    Loader.add_constructor("tag:yaml.org,2002:timestamp", as_string)
    try:
        loader = Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise YamlError("the file is empty", 1, 1)
            if _expanded_size(node, max_nodes) > max_nodes:
                raise YamlError("document expands to too many nodes (YAML alias bomb?)", 1, 1,
                                limit=True)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = f"invalid YAML: {exc.problem or exc.context}"
        raise YamlError(
            message, (mark.line + 1) if mark else 0, (mark.column + 1) if mark else 0
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlError("document is nested too deeply") from None


def _reject(tag: str) -> Any:
    def construct(loader: Any, node: Any) -> Any:
        raise _at(f"YAML type !!{tag} is not a JSON value", node)

    return construct


def _at(message: str, node: Any) -> YamlError:
    mark = node.start_mark
    return YamlError(message, mark.line + 1, mark.column + 1)


def _expanded_size(root: Any, limit: int) -> int:
    """Number of nodes once aliases are expanded, computed without expanding (memoised)."""
    sizes: dict[int, int] = {}
    visiting: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes or (not done and id(node) in visiting):
            continue
        children = _children(node)
        if done:
            total = 1 + sum(sizes.get(id(c), 1) for c in children)
            sizes[id(node)] = min(total, limit + 1)
            continue
        visiting.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes.get(id(root), 1)


def _children(node: Any) -> list[Any]:
    value = getattr(node, "value", None)
    if not isinstance(value, list):
        return []
    out: list[Any] = []
    for item in value:
        if isinstance(item, tuple):
            out.extend(item)
        else:
            out.append(item)
    return out
