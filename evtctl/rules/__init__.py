"""The rule registry: every rule, listed explicitly, in id order.

A rule is a module with ``ID``, ``NAME``, ``SUMMARY``, ``CATEGORY``, optionally
``SEVERITY`` (default error), ``ALIASES`` and ``SCOPE`` (``"organisation"`` for a rule that
reads other services than the one it reports on; default ``"service"``), a ``check(ctx)``
generator (absent for the rules the loader or the engine checks), and a docstring with a
failing and a passing example.
Ids are stable and never reused.
"""

from __future__ import annotations

from functools import cache

from evtctl.rules.base import RuleSpec, rule_from_module

_MODULES = (
    "yaml_invalid", "yaml_tag", "duplicate_key", "manifest_structure", "unknown_key",
    "topic_name_illegal", "topic_name_collision", "topic_name_grammar", "topic_name_owner",
    "multiple_event_topics", "unknown_company_namespace",
    "duplicate_topic", "duplicate_service", "duplicate_contract",
    "foreign_publisher", "foreign_subscriber",
    "unknown_topic", "unknown_event", "unknown_version", "deprecated_version_pinned",
    "retired_version_pinned", "reply_topic", "shared_consumer_group",
    "version_order", "schema_missing", "schema_invalid", "schema_remote_ref", "schema_note",
    "contract_incompatible", "contract_format_mixed",
    "config_unknown_name", "config_unknown_rule",
    "suppression_reason", "suppression_unused", "ignore_unused",
)


@cache
def all_rules() -> tuple[RuleSpec, ...]:
    import importlib

    specs = []
    for name in _MODULES:
        module = importlib.import_module(f"evtctl.rules.{name}")
        specs.append(rule_from_module(module))
    return tuple(sorted(specs, key=lambda s: s.id))


@cache
def _index() -> dict[str, RuleSpec]:
    index: dict[str, RuleSpec] = {}
    for spec in all_rules():
        for key in (*spec.aliases, spec.name, spec.id):
            index[key] = spec
    return index


def find_rule(key: str) -> RuleSpec | None:
    """A rule by id, name or alias (ids are case-insensitive)."""
    index = _index()
    return index.get(key.upper()) or index.get(key)
