"""All versions of a contract are in one format.

A contract is one subject in a Schema Registry, and the registry compares a new version
only with versions of the same ``schemaType``: a contract whose v1 is JSON Schema and whose
v2 is Avro cannot be checked for compatibility, and consumers decoding it with the old
format break. Moving a contract to another format is a new contract (a new event name or
topic), with the old one deprecated first.

Failing::

    versions:
      - {version: 1, schema: schemas/order-placed.v1.json}
      - {version: 2, schema: schemas/order-placed.v2.avsc}

Passing: both versions are ``.avsc`` files (or both JSON Schema).
"""

from collections.abc import Iterator

from evtctl.compat.formats import TITLES
from evtctl.findings import Problem, Related
from evtctl.rules.base import Context

ID = "EVT506"
NAME = "contract-format-mixed"
SUMMARY = "A contract's versions must all be in one format."
CATEGORY = "contracts"


def check(ctx: Context) -> Iterator[Problem]:
    for history in ctx.contracts.histories(ctx.org):
        if len(history.formats) < 2:
            continue
        first = history.versions[0]
        first_type = first.spec.schema_type
        for lv in history.versions[1:]:
            this = lv.spec.schema_type
            if this is None or first_type is None or this == first_type:
                continue
            yield Problem(
                f"{lv.contract.name} v{lv.version.version} is {_title(this)} but "
                f"v{first.version.version} is {_title(first_type)}: a contract's versions "
                "share one format (a registry compares only schemas of the same type)",
                lv.version.at("schema"),
                related=(Related(first.version.at("schema"),
                                 f"v{first.version.version} is {_title(first_type)}"),),
                hint="keep the format, or publish the new format as a new contract and "
                     "deprecate this one",
                anchor=lv.anchor)


def _title(schema_type: str) -> str:
    return TITLES.get(schema_type, schema_type)
