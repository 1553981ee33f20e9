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

A did-you-mean is offered only for a near spelling of a contract on the topic; otherwise the
message lists the topic's contracts (the event may have been removed). Nothing is reported
against a topic one of whose contract entries did not load.
"""

from collections.abc import Iterator

from evtctl.findings import Problem, Related
from evtctl.ownership import links
from evtctl.rules.base import Context
from evtctl.suggest import closest

ID = "EVT402"
NAME = "unknown-event"
SUMMARY = "Consumed and produced events must be contracts on their topic."
CATEGORY = "references"
SCOPE = "organisation"


def check(ctx: Context) -> Iterator[Problem]:
    for service, entry, verb in links(ctx.org):
        found = ctx.org.owner_of(entry.topic)
        if found is None or entry.events is None:
            continue
        owner, topic = found
        if topic.incomplete:
            continue  # a contract entry of the topic did not load: its file says why
        names = [c.name for c in topic.contracts]
        for ref in entry.events:
            if ref.name in names:
                continue
            close = closest(ref.name, names)
            listed = f"its contracts are: {', '.join(names)}" if names else (
                "the topic declares no contracts")
            # Only a near spelling is offered as the same event; anything else may be an
            # event the owner removed, and saying so is the truth.
            hint = (f"did you mean {close!r}?" if close else
                    f"{listed}; if {owner.id} removed {ref.name}, stop "
                    f"{'consuming' if verb == 'consumes' else 'sending'} it")
            yield Problem(f"{service.id} {verb} event {ref.name!r} on {entry.topic}, which is "
                          f"not a contract there; {hint}",
                          ref.loc, related=(Related(topic.at("name"), "topic declared here"),),
                          anchor=f"{verb}:{entry.topic}/{ref.name}")
