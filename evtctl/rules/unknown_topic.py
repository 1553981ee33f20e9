"""What a service consumes or sends must be a declared topic.

A subscription to a topic no manifest declares is a typo, or a dependency on a
service that is not governed; either way nobody promises anything about its events.

Failing::

    consumes:
      - topic: arcadia.billing.invoicesevice.events

Passing::

    consumes:
      - topic: arcadia.billing.invoiceservice.events

A topic declared in a manifest that failed to load is not reported here (the loading
finding in that file is), nor one named after a service whose manifest dropped a topic
entry; a did-you-mean is offered only for a near spelling of a declared topic.
"""

from collections.abc import Iterator

from evtctl.findings import Problem
from evtctl.naming import kafka_name_problem
from evtctl.ownership import links
from evtctl.rules.base import Context
from evtctl.rules.partial_knowledge import failed_owner, owner_incomplete, unreadable_note
from evtctl.suggest import closest

ID = "EVT401"
NAME = "unknown-topic"
SUMMARY = "Consumed and produced topics must be declared by some manifest."
CATEGORY = "references"
SCOPE = "organisation"


def check(ctx: Context) -> Iterator[Problem]:
    org = ctx.org
    known = list(org.topic_owners())
    for service, entry, verb in links(org):
        topic = entry.topic
        if org.owner_of(topic) is not None or kafka_name_problem(topic):
            continue
        if failed_owner(org, topic) is not None or owner_incomplete(org, topic):
            continue  # declared where loading failed: that file's finding says why
        close = closest(topic, known)
        hint = f"did you mean {close!r}?" if close else (
            "declare it in its owner's manifest, or fix the name")
        yield Problem(f"{service.id} {verb} {topic}, which no manifest declares; {hint}"
                      f"{unreadable_note(org, topic)}",
                      entry.at("topic"), anchor=f"{verb}:{topic}")
