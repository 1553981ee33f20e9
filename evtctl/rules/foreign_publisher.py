"""Nobody publishes to another service's events, results or private topics.

Facts are published by exactly one service, the owner, so consumers know what to
expect on its topics. The one exception is ``private.reply``: a service may write to
it when the reply topic's owner sends that service commands (the SAGA pattern).
Sending to another service's ``commands`` topic is what commands are for.

Failing (in ``arcadia.billing.invoiceservice``)::

    produces:
      - topic: arcadia.identity.personaservice.events
        events: [PersonaCreated]

Passing::

    produces:
      - topic: arcadia.identity.personaservice.commands
        events: [CreatePersona]
"""

from collections.abc import Iterator

from evtctl.findings import Problem, Related
from evtctl.naming import parse_topic_name
from evtctl.ownership import access, command_recipients
from evtctl.rules.base import Context

ID = "EVT301"
NAME = "foreign-publisher"
SUMMARY = "Only the owner publishes to its events, results and private topics."
CATEGORY = "ownership"


def check(ctx: Context) -> Iterator[Problem]:
    recipients = command_recipients(ctx.org)
    for service in ctx.org.services:
        for produce in service.produces:
            found = ctx.org.owner_of(produce.topic)
            parsed = parse_topic_name(produce.topic)
            if found is None or parsed is None or found[0].id == service.id:
                continue
            owner, topic = found
            related = (Related(topic.at("name"), f"owned by {owner.id}"),)
            if parsed.is_reply:
                if service.id in recipients.get(owner.id, set()):
                    continue
                yield Problem(
                    f"{service.id} writes to {produce.topic}, the reply topic of {owner.id}, "
                    f"but {owner.id} sends it no commands; only services answering its "
                    "commands may write there",
                    produce.at("topic"), related=related, anchor=produce.topic)
            elif not access(parsed).others_publish:
                what = {"events": "facts", "results": "results"}.get(parsed.kind.value, "private")
                yield Problem(
                    f"{service.id} publishes to {produce.topic}, the {parsed.kind.value} topic "
                    f"of {owner.id}; only the owner publishes its {what} (send a command to "
                    f"{owner.id} instead, or publish on a topic {service.id} owns)",
                    produce.at("topic"), related=related, anchor=produce.topic)
