"""Schemas must not ``$ref`` remote documents unless the project allows it.

Fetching a URL while linting makes results depend on the network and lets a pull
request make CI call out to any address. evtctl refuses remote ``$ref``s; set
``compatibility.allowRemoteRefs: true`` in ``evtctl.yaml`` to allow them. Bundle the
referenced schema into the project instead.

Failing::

    {"properties": {"address": {"$ref": "https://schemas.example.com/address.json"}}}

Passing::

    {"properties": {"address": {"$ref": "address.json"}}}
"""

from collections.abc import Iterator

from evtctl.compat.formats import SchemaErrorKind
from evtctl.findings import Problem
from evtctl.rules.base import Context
from evtctl.rules.schema_invalid import describe

ID = "EVT504"
NAME = "schema-remote-ref"
SUMMARY = "Schemas must not reference remote documents unless allowed."
CATEGORY = "contracts"


def check(ctx: Context) -> Iterator[Problem]:
    for lv in ctx.contracts.versions(ctx.org):
        if lv.error is None or lv.error.kind != SchemaErrorKind.REMOTE_REFERENCE:
            continue
        text, related = describe(lv.error)
        yield Problem(f"{lv.contract.name} v{lv.version.version}: {text}",
                      lv.version.at("schema"), related=related, anchor=lv.anchor)
