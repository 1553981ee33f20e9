"""Events named in ``consumes`` and ``produces`` are contracts on the topic.

Naming an event makes a service depend on its contract; an event the topic does not
declare has no schema and no compatibility promise.

Failing::

    consumes:
      - topic: arcadia.billing.invoiceservice.events
        events: [InvoicePayed]

Passing::

    consumes:
      - topic: arcadia.billing.invoiceservice.events
        events: [InvoicePaid]
"""

import difflib
from collections.abc import Iterator

from evtctl.findings import Problem, Related
from evtctl.ownership import links
from evtctl.rules.base import Context

ID = "EVT402"
NAME = "unknown-event"
SUMMARY = "Consumed and produced events must be contracts on their topic."
CATEGORY = "references"


def check(ctx: Context) -> Iterator[Problem]:
    for service, entry, verb in links(ctx.org):
        found = ctx.org.owner_of(entry.topic)
        if found is None or entry.events is None:
            continue
        _owner, topic = found
        names = [c.name for c in topic.contracts]
        for ref in entry.events:
            if ref.name in names:
                continue
            close = difflib.get_close_matches(ref.name, names, n=1)
            hint = (f"did you mean {close[0]!r}?" if close else
                    f"its contracts are: {', '.join(names)}" if names else
                    "the topic declares no contracts")
            yield Problem(f"{service.id} {verb} event {ref.name!r} on {entry.topic}, which is "
                          f"not a contract there; {hint}",
                          ref.loc, related=(Related(topic.at("name"), "topic declared here"),),
                          anchor=f"{verb}:{entry.topic}/{ref.name}")
