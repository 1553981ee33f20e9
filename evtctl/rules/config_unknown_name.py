"""What ``evtctl.yaml`` names must exist in the organisation.

``compatibility.contracts`` sets the mode of one contract, keyed ``<topic>/<Contract>``. A
key that names a topic no manifest declares, or a contract the topic does not have, sets
nothing, silently: the contract keeps its default mode. Each such key is a finding at its
line, with a did-you-mean when the name is a near spelling of one that exists. Keys naming a
topic declared in a manifest that failed to load are not reported (that file's finding is).

Failing (the contract is ``InvoicePaid``)::

    compatibility:
      contracts:
        arcadia.billing.invoiceservice.events/InvoicePayed: FULL

Passing::

    compatibility:
      contracts:
        arcadia.billing.invoiceservice.events/InvoicePaid: FULL
"""

from collections.abc import Iterator

from evtctl.findings import Location, Problem
from evtctl.rules.base import Context
from evtctl.rules.partial_knowledge import failed_owner
from evtctl.suggest import closest

ID = "EVT801"
NAME = "config-unknown-name"
SUMMARY = "Topics and contracts named in evtctl.yaml must exist in the manifests."
CATEGORY = "config"
SCOPE = "organisation"


def check(ctx: Context) -> Iterator[Problem]:
    config, org = ctx.config, ctx.org
    if config.path is None:
        return
    owners = org.topic_owners()
    for key in config.contract_modes:
        topic_name, _, contract = key.partition("/")
        line, column = config.locations.get(f"compatibility.contracts/{key}", (1, 1))
        where = Location(config.path, line, column)
        found = owners.get(topic_name)
        if found is None:
            if failed_owner(org, topic_name) is not None:
                continue
            close = closest(topic_name, owners)
            hint = f"did you mean {close!r}?" if close else "no manifest declares it"
            yield Problem(f"compatibility.contracts: {key!r} names topic {topic_name!r}, which "
                          f"no manifest declares; {hint}", where, anchor=key)
            continue
        topic = found[1]
        if topic.contract(contract) is not None or topic.incomplete:
            continue
        names = [c.name for c in topic.contracts]
        close = closest(contract, names)
        hint = (f"did you mean {topic_name}/{close}?" if close else
                f"its contracts are: {', '.join(names)}" if names else
                "the topic declares no contracts")
        yield Problem(f"compatibility.contracts: {key!r} names contract {contract!r}, which "
                      f"{topic_name} does not have; {hint}", where, anchor=key)
