"""Services use the companies and namespaces the project configuration allows.

When ``evtctl.yaml`` lists ``companies`` or ``namespaces``, a manifest naming another
one is an error (a typo, or a namespace nobody agreed on). Without such lists the
rule checks nothing.

Failing (with ``namespaces: [identity, billing]``)::

    metadata: {company: arcadia, namespace: identiy, name: personaservice}

Passing::

    metadata: {company: arcadia, namespace: identity, name: personaservice}
"""

import difflib
from collections.abc import Iterator

from evtctl.findings import Problem
from evtctl.rules.base import Context

ID = "EVT106"
NAME = "unknown-company-namespace"
SUMMARY = "Company and namespace must be among those the project config allows."
CATEGORY = "naming"


def check(ctx: Context) -> Iterator[Problem]:
    allowed = {"company": ctx.config.companies, "namespace": ctx.config.namespaces}
    for service in ctx.org.services:
        for key, value in (("company", service.company), ("namespace", service.namespace)):
            options = allowed[key]
            if options and value not in options:
                close = difflib.get_close_matches(value, options, n=1)
                hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(options)
                yield Problem(f"{key} {value!r} is not allowed by the project config; {hint}",
                              service.at(key), anchor=f"{key}:{value}")
