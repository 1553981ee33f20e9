"""Shell completion of option and argument values, for every command in one table.

``evtctl --install-completion`` installs the shell's script; the script asks the CLI for
candidates, and these functions answer for values: output formats, ``--fail-on`` levels,
compatibility modes, rule ids and names, schema names, and ``--env`` names read from the
project's ``evtctl.yaml`` (the one ``--config`` names, else the nearest one above the paths
given, else above the current folder). Completion never fails loudly: a config that cannot
be read completes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

Values = Callable[[Any], list[str]]  # the click context -> the candidates


def _fixed(*values: str) -> Values:
    return lambda _ctx: list(values)


def _lint_formats(_ctx: Any) -> list[str]:
    from evtctl.commands.lint import FORMATS

    return ["auto", *FORMATS]


def _modes(_ctx: Any) -> list[str]:
    from evtctl.compat import MODES

    return list(MODES)


def _policies(ctx: Any) -> list[str]:
    """The policies of the ``--schema-type`` given, else of every format installed."""
    from evtctl.compat.formats import SCHEMA_TYPES, get_format

    chosen = (getattr(ctx, "params", {}) or {}).get("schema_type")
    types = [getattr(chosen, "value", chosen)] if chosen else list(SCHEMA_TYPES)
    out: list[str] = []
    for schema_type in types:
        try:
            out.extend(p for p in get_format(str(schema_type)).policies if p not in out)
        except (ImportError, KeyError):  # a format whose package is not there
            continue
    return out


def _diff_fail_on(_ctx: Any) -> list[str]:
    from evtctl.diff.result import FAIL_ON

    return list(FAIL_ON)


def _rules(_ctx: Any) -> list[str]:
    from evtctl.rules import all_rules

    return [key for spec in all_rules() for key in (spec.id, spec.name)]


def _schemas(_ctx: Any) -> list[str]:
    from evtctl.commands.schema import SCHEMAS

    return list(SCHEMAS)


def _environments(ctx: Any) -> list[str]:
    from evtctl.config import ConfigError, find_config, parse_config

    params: Mapping[str, Any] = getattr(ctx, "params", {}) or {}
    explicit = params.get("config")
    paths = [Path(p) for p in params.get("paths") or ()]
    try:
        found = Path(explicit) if explicit else find_config([p for p in paths if p.exists()])
        if found is None:
            return []
        return sorted(parse_config(found).environments)
    except (ConfigError, OSError):
        return []


# command name -> parameter name -> candidates
COMPLETIONS: Mapping[str, Mapping[str, Values]] = {
    "lint": {"format": _lint_formats, "fail_on": _fixed("error", "warning")},
    "compat": {"mode": _modes, "policy": _policies},
    "diff": {"format": _fixed("text", "json", "markdown"), "fail_on": _diff_fail_on},
    "provision": {"output_format": _fixed("text", "json"), "env": _environments},
    "rules": {"rule": _rules, "format": _fixed("text", "json")},
    "schema": {"name": _schemas},
}


def attach(command: Any, completion_item: Any) -> None:
    """Give the parameters of ``command``'s subcommands their value completions."""
    for name, sub in getattr(command, "commands", {}).items():
        table = COMPLETIONS.get(name, {})
        for param in sub.params:
            values = table.get(param.name)
            if values is not None:
                param.shell_complete = _completer(values, completion_item)


def _completer(values: Values, completion_item: Any) -> Callable[[Any, str], list[Any]]:
    def complete(ctx: Any, incomplete: str) -> list[Any]:
        return [completion_item(v) for v in values(ctx) if v.startswith(incomplete)]

    return complete
