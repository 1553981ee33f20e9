"""Every contract version's schema file exists, inside the project.

Paths are relative to the manifest. A schema outside the project folder is refused:
manifests come from pull requests, and lint must not read files elsewhere on the
machine.

Failing::

    versions:
      - {version: 1, schema: schemas/persona-created.v1.jsn}

Passing::

    versions:
      - {version: 1, schema: schemas/persona-created.v1.json}
"""

from collections.abc import Iterator

from evtctl.findings import Problem
from evtctl.rules.base import Context

ID = "EVT502"
NAME = "schema-missing"
SUMMARY = "A contract version's schema file must exist inside the project."
CATEGORY = "contracts"


def check(ctx: Context) -> Iterator[Problem]:
    for lv in ctx.contracts.versions(ctx.org):
        if lv.error is not None and lv.missing:
            yield Problem(f"{lv.contract.name} v{lv.version.version}: {lv.error.message}",
                          lv.version.at("schema"), anchor=lv.anchor)
