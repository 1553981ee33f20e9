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

The advice names only what exists ("consume its events" only when the owner has an events
or results topic). A topic declared in a manifest that failed to load is still judged by its
name, and the finding names the broken file.
"""

from collections.abc import Iterator

from evtctl.findings import Problem, Related
from evtctl.naming import TopicKind, parse_topic_name
from evtctl.ownership import access
from evtctl.rules.base import Context
from evtctl.rules.partial_knowledge import failed_owner, failed_related, has_topic_kind

ID = "EVT302"
NAME = "foreign-subscriber"
SUMMARY = "Only the owner subscribes to its commands and private topics."
CATEGORY = "ownership"
SCOPE = "organisation"


def check(ctx: Context) -> Iterator[Problem]:
    org = ctx.org
    for service in org.services:
        for consume in service.consumes:
            parsed = parse_topic_name(consume.topic)
            if parsed is None or access(parsed).others_subscribe:
                continue
            found = org.owner_of(consume.topic)
            if found is not None:
                owner_id = found[0].id
                related = Related(found[1].at("name"), f"owned by {owner_id}")
            else:
                failed = failed_owner(org, consume.topic)
                if failed is None:
                    continue  # an unknown topic: EVT401 reports it
                owner_id, related = parsed.service_id, failed_related(failed)
            if owner_id == service.id:
                continue
            kind = "commands" if parsed.kind is TopicKind.COMMANDS else "private"
            publishes = [k.value for k in (TopicKind.EVENTS, TopicKind.RESULTS)
                         if has_topic_kind(org, owner_id, k)]
            consume_instead = (f"consume {owner_id}'s {' or '.join(publishes)} instead"
                               if publishes else
                               f"ask {owner_id} to publish what you need: it has no events "
                               "topic")
            advice = (f"send commands to it instead, or {consume_instead}"
                      if kind == "commands" else consume_instead)
            yield Problem(
                f"{service.id} subscribes to {consume.topic}, a {kind} topic of {owner_id}; "
                f"only the owner consumes it ({advice})",
                consume.at("topic"), related=(related,), anchor=consume.topic)
