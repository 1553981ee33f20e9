"""Notes about a schema that the format's tools give, which do not stop it from being used.

A compiler's warning (``protoc``: an import nothing uses, say), or a construct the
registry's checker does not compare (a proto2 ``group``, which Confluent's ``SchemaDiff``
does not look into; an editions file, which its parser may not read). A warning by default:
the contract is loaded and compared, but a reviewer should know. Raise it to an error in
``evtctl.yaml`` (``rules: {schema-note: error}``) to keep schemas free of them.

Failing (``order.proto`` imports ``google/protobuf/timestamp.proto`` and never uses it)::

    versions:
      - {version: 1, schema: proto/order.proto}

Passing: the unused import is removed.
"""

from collections.abc import Iterator

from evtctl.findings import Problem
from evtctl.rules.base import Context
from evtctl.rules.schema_invalid import diagnostic_problems

ID = "EVT507"
NAME = "schema-note"
SUMMARY = "Warnings of a format's tools about a schema that still loads and compares."
CATEGORY = "contracts"
SEVERITY = "warning"


def check(ctx: Context) -> Iterator[Problem]:
    for lv in ctx.contracts.versions(ctx.org):
        yield from diagnostic_problems(lv, advisory=True)
