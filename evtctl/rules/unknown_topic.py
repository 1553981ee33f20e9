"""What a service consumes or sends must be a declared topic.

A subscription to a topic no manifest declares is a typo, or a dependency on a
service that is not governed; either way nobody promises anything about its events.

Failing::

    consumes:
      - topic: arcadia.billing.invoicesevice.events

Passing::

    consumes:
      - topic: arcadia.billing.invoiceservice.events
"""

import difflib
from collections.abc import Iterator

from evtctl.findings import Problem
from evtctl.naming import kafka_name_problem
from evtctl.ownership import links
from evtctl.rules.base import Context

ID = "EVT401"
NAME = "unknown-topic"
SUMMARY = "Consumed and produced topics must be declared by some manifest."
CATEGORY = "references"


def check(ctx: Context) -> Iterator[Problem]:
    known = list(ctx.org.topic_owners())
    for service, entry, verb in links(ctx.org):
        if ctx.org.owner_of(entry.topic) is not None or kafka_name_problem(entry.topic):
            continue
        close = difflib.get_close_matches(entry.topic, known, n=1, cutoff=0.8)
        hint = f"did you mean {close[0]!r}?" if close else (
            "declare it in its owner's manifest, or fix the name")
        yield Problem(f"{service.id} {verb} {entry.topic}, which no manifest declares; {hint}",
                      entry.at("topic"), anchor=f"{verb}:{entry.topic}")
