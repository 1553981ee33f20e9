"""Each contract version is compatible with the earlier ones under the contract's mode.

Modes are Confluent Schema Registry's (``BACKWARD``, ``FORWARD``, ``FULL``, each
``_TRANSITIVE``, and ``NONE``) and mean the same for every format; the default follows
the topic kind (events and results ``FULL_TRANSITIVE``, commands ``BACKWARD_TRANSITIVE``,
private ``NONE``). Each format is judged as Schema Registry judges it: JSON Schema with
Confluent's change kinds under the ``lenient`` policy unless the project config says
``strict``; Avro by Apache Avro's reader/writer resolution; Protobuf by Confluent's
``SchemaDiff`` (or with ``compatibility.protobuf.policy: wire``, also buf's wire rules). A
manifest sets a contract's mode with ``compatibility:``, the config with
``compatibility.contracts``. The finding sits on the version that breaks, names the
earlier version it breaks, the kind of change and where in the schema it happens, and
shows a proven example (an event one side accepts and the other rejects) where one exists.

Failing (v2 turns ``age`` from integer to string)::

    versions:
      - {version: 1, schema: schemas/persona.v1.json}   # age: {type: integer}
      - {version: 2, schema: schemas/persona.v2.json}   # age: {type: string}

Passing: v2 only adds an optional property (lenient policy).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from evtctl.compat import Change
from evtctl.findings import Location, Problem, Related
from evtctl.rules.base import Context

ID = "EVT505"
NAME = "contract-incompatible"
SUMMARY = "A new contract version must be compatible under the contract's mode."
CATEGORY = "contracts"


def check(ctx: Context) -> Iterator[Problem]:
    store = ctx.contracts
    for history in store.histories(ctx.org):
        changes = store.incompatible_changes(history)
        if not changes:
            continue  # not compared (EVT501-EVT503, EVT506 say why) or compatible
        contract = history.contract
        by_number = {v.version: v for v in contract.versions}
        for change in changes:
            version = by_number[change.to_version]
            earlier = by_number.get(change.from_version)
            related: list[Related] = []
            if earlier is not None:
                related.append(Related(earlier.at("version"),
                                       f"version {earlier.version} declared here"))
            if change.file and change.line:
                related.append(Related(Location(Path(change.file), change.line, change.column),
                                       "the change is here"))
            yield Problem(
                _message(contract.name, history.mode, history.policy, change),
                version.at("version"),
                related=tuple(related),
                json_path=change.path,
                hint=_example(change),
                anchor=f"{history.topic.name}/{contract.name}@{version.version}:"
                       f"{change.type}:{change.path}:{change.from_version}:"
                       f"{change.direction or ''}",
            )


def _message(contract: str, mode: str, policy: str, change: Change) -> str:
    new, old = change.to_version, change.from_version
    # Who breaks: a consumer on the new version reading old events (backward), or a
    # consumer still on the old version reading new events (forward).
    who = {
        "backward": f"consumers on v{new} cannot read events written with v{old}",
        "forward": f"consumers on v{old} cannot read events written with v{new}",
    }.get(change.direction or "")
    under = f"{mode} ({policy})" if policy else mode
    return (f"{contract} v{new} breaks v{old} under {under}: "
            f"{change.type} at {change.path}"
            + (f" ({who})" if who else "")
            + (f" — {change.description}" if change.description else ""))


def _example(change: Change) -> str | None:
    if not change.has_example:
        return None
    text = json.dumps(change.example, sort_keys=True, default=repr)
    if len(text) > 200:
        text = text[:197] + "..."
    note = change.example_note or "an event one side accepts and the other rejects"
    return f"{note}: {text}"
