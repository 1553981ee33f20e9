"""Nobody subscribes to another service's commands or private topics.

A service's commands topic is its interface: it alone consumes it, and it is built
for every command it may receive. Private topics (dead letters, retries, replies) are
internal to their owner.

Failing (in ``arcadia.billing.invoiceservice``)::

    consumes:
      - topic: arcadia.identity.personaservice.commands

Passing::

    consumes:
      - topic: arcadia.identity.personaservice.events
"""

from collections.abc import Iterator

from evtctl.findings import Problem, Related
from evtctl.naming import parse_topic_name
from evtctl.ownership import access
from evtctl.rules.base import Context

ID = "EVT302"
NAME = "foreign-subscriber"
SUMMARY = "Only the owner subscribes to its commands and private topics."
CATEGORY = "ownership"


def check(ctx: Context) -> Iterator[Problem]:
    for service in ctx.org.services:
        for consume in service.consumes:
            found = ctx.org.owner_of(consume.topic)
            parsed = parse_topic_name(consume.topic)
            if found is None or parsed is None or found[0].id == service.id:
                continue
            owner, topic = found
            if access(parsed).others_subscribe:
                continue
            kind = "commands" if parsed.kind.value == "commands" else "private"
            advice = (f"send commands to it instead, or consume {owner.id}'s events"
                      if kind == "commands" else f"consume {owner.id}'s events instead")
            yield Problem(
                f"{service.id} subscribes to {consume.topic}, a {kind} topic of {owner.id}; "
                f"only the owner consumes it ({advice})",
                consume.at("topic"),
                related=(Related(topic.at("name"), f"owned by {owner.id}"),),
                anchor=consume.topic)
