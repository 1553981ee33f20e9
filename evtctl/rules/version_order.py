"""Contract versions are unique and listed in increasing order.

The list is the contract's history: compatibility is checked from each version to
the next, and ``Name@N`` must name one version.

Failing::

    versions:
      - {version: 2, schema: schemas/persona-created.v2.json}
      - {version: 1, schema: schemas/persona-created.v1.json}

Passing::

    versions:
      - {version: 1, schema: schemas/persona-created.v1.json}
      - {version: 2, schema: schemas/persona-created.v2.json}
"""

from collections.abc import Iterator

from evtctl.findings import Location, Problem, Related
from evtctl.rules.base import Context

ID = "EVT501"
NAME = "version-order"
SUMMARY = "Contract versions must be unique and increasing."
CATEGORY = "contracts"


def check(ctx: Context) -> Iterator[Problem]:
    for _service, topic in ctx.org.topics():
        for contract in topic.contracts:
            previous = None
            seen: dict[int, Location] = {}
            for version in contract.versions:
                where = version.at("version")
                anchor = f"{topic.name}/{contract.name}@{version.version}"
                if version.version in seen:
                    yield Problem(f"{contract.name} lists version {version.version} twice; "
                                  "each version appears once", where,
                                  related=(Related(seen[version.version], "first listed here"),),
                                  anchor=anchor)
                elif previous is not None and version.version < previous:
                    yield Problem(f"{contract.name} version {version.version} comes after version "
                                  f"{previous}; list versions oldest first", where, anchor=anchor)
                seen.setdefault(version.version, where)
                previous = max(previous or 0, version.version)
