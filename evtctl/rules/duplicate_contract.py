"""A contract (event type) appears once per topic.

Two contracts with one name on one topic give consumers two histories for the same
event type, and a pinned ``Name@N`` becomes ambiguous.

Failing::

    contracts:
      - {name: PersonaCreated, versions: [{version: 1, schema: a.json}]}
      - {name: PersonaCreated, versions: [{version: 2, schema: b.json}]}

Passing::

    contracts:
      - name: PersonaCreated
        versions: [{version: 1, schema: a.json}, {version: 2, schema: b.json}]
"""

from collections.abc import Iterator

from evtctl.findings import Problem, Related
from evtctl.manifest.model import Contract
from evtctl.rules.base import Context

ID = "EVT203"
NAME = "duplicate-contract"
SUMMARY = "An event type must appear once among a topic's contracts."
CATEGORY = "declarations"


def check(ctx: Context) -> Iterator[Problem]:
    for _service, topic in ctx.org.topics():
        first: dict[str, Contract] = {}
        for contract in topic.contracts:
            if contract.name in first:
                yield Problem(
                    f"contract {contract.name!r} appears twice on {topic.name}; put all its "
                    "versions under one contract",
                    contract.at("name"),
                    related=(Related(first[contract.name].at("name"), "first declared here"),),
                    anchor=f"{topic.name}/{contract.name}")
            else:
                first[contract.name] = contract
