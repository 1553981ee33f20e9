"""Each contract version is compatible with the earlier ones under the contract's mode.

Modes are Confluent Schema Registry's (``BACKWARD``, ``FORWARD``, ``FULL``, each
``_TRANSITIVE``, and ``NONE``); the default follows the topic kind (events and
results ``FULL_TRANSITIVE``, commands ``BACKWARD_TRANSITIVE``, private ``NONE``) and
the policy is ``lenient`` unless the project config says ``strict``. A manifest sets
a contract's mode with ``compatibility:``, the config with
``compatibility.contracts``. The finding sits on the version that breaks, names the
earlier version it breaks, the kind of change and where in the schema it happens,
and shows an event that one side accepts and the other rejects.

Failing (v2 turns ``age`` from integer to string)::

    versions:
      - {version: 1, schema: schemas/persona.v1.json}   # age: {type: integer}
      - {version: 2, schema: schemas/persona.v2.json}   # age: {type: string}

Passing: v2 only adds an optional property (lenient policy).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from evtctl.findings import Problem, Related
from evtctl.rules.base import Context
from evtctl.rules.contract_schemas import compat_cache, history_inputs, history_mode, prepare

ID = "EVT505"
NAME = "contract-incompatible"
SUMMARY = "A new contract version must be compatible under the contract's mode."
CATEGORY = "contracts"


def check(ctx: Context) -> Iterator[Problem]:
    prepare(ctx)
    cache = compat_cache(ctx)
    try:
        for _service, topic in ctx.org.topics():
            for contract in topic.contracts:
                mode = history_mode(ctx, topic, contract)
                if mode is None:
                    continue
                loaded = history_inputs(ctx, contract)
                if loaded is None:
                    continue  # EVT501, EVT502 or EVT503 reports why
                changes = cache.incompatible_changes(loaded, mode, ctx.config.policy)
                by_number = {v.version: v for v in contract.versions}
                for change in changes:
                    version = by_number[change["to_version"]]
                    earlier = by_number.get(change["from_version"])
                    yield Problem(
                        _message(contract.name, mode, ctx.config.policy, change),
                        version.at("version"),
                        related=(Related(earlier.at("version"),
                                         f"version {earlier.version} declared here"),)
                        if earlier else (),
                        json_path=change["path"],
                        hint=_example(change),
                        anchor=f"{topic.name}/{contract.name}@{version.version}:"
                               f"{change['type']}:{change['path']}:{change['from_version']}:"
                               f"{change.get('direction') or ''}",
                    )
    finally:
        cache.close()
        ctx.memo.pop("compat-cache", None)


def _message(contract: str, mode: str, policy: str, change: dict[str, Any]) -> str:
    new, old = change["to_version"], change["from_version"]
    # Who breaks: a consumer on the new version reading old events (backward), or a
    # consumer still on the old version reading new events (forward).
    who = {
        "backward": f"consumers on v{new} cannot read events written with v{old}",
        "forward": f"consumers on v{old} cannot read events written with v{new}",
    }.get(change.get("direction") or "")
    return (f"{contract} v{new} breaks v{old} under {mode} ({policy}): "
            f"{change['type']} at {change['path']}"
            + (f" ({who})" if who else "")
            + (f" — {change['description']}" if change.get("description") else ""))


def _example(change: dict[str, Any]) -> str | None:
    if "example" not in change or change["example"] is None:
        return None
    text = json.dumps(change["example"], sort_keys=True)
    if len(text) > 200:
        text = text[:197] + "..."
    note = change.get("example_note") or "an event one side accepts and the other rejects"
    return f"{note}: {text}"
