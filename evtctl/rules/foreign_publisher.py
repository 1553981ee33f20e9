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

The advice names only what exists: "send a command instead" only when the owner declares a
commands topic. A topic declared in a manifest that failed to load is still judged by its
name, and the finding names the broken file; a reply topic is then not judged (whether its
owner sends commands is not known).
"""

from collections.abc import Iterator

from evtctl.findings import Problem, Related
from evtctl.naming import TopicKind, parse_topic_name
from evtctl.ownership import access, command_recipients
from evtctl.rules.base import Context
from evtctl.rules.partial_knowledge import failed_owner, failed_related, has_topic_kind

ID = "EVT301"
NAME = "foreign-publisher"
SUMMARY = "Only the owner publishes to its events, results and private topics."
CATEGORY = "ownership"
SCOPE = "organisation"


def check(ctx: Context) -> Iterator[Problem]:
    org = ctx.org
    recipients = command_recipients(org)
    for service in org.services:
        for produce in service.produces:
            parsed = parse_topic_name(produce.topic)
            if parsed is None:
                continue
            found = org.owner_of(produce.topic)
            if found is not None:
                owner, topic = found
                owner_id = owner.id
                related = (Related(topic.at("name"), f"owned by {owner_id}"),)
            else:
                failed = failed_owner(org, produce.topic)
                if failed is None or parsed.is_reply:
                    continue  # unknown topic (EVT401), or a reply whose owner did not load
                owner_id, related, owner = parsed.service_id, (failed_related(failed),), None
            if owner_id == service.id:
                continue
            if parsed.is_reply:
                assert owner is not None
                if service.id in recipients.get(owner_id, set()) or owner.incomplete:
                    continue  # answering its commands (or its sends are known only in part)
                yield Problem(
                    f"{service.id} writes to {produce.topic}, the reply topic of {owner_id}, "
                    f"but {owner_id} sends it no commands; only services answering its "
                    "commands may write there",
                    produce.at("topic"), related=related, anchor=produce.topic)
            elif not access(parsed).others_publish:
                what = {"events": "facts", "results": "results"}.get(parsed.kind.value, "private")
                instead = (f"send a command to {owner_id} instead, or publish on a topic "
                           f"{service.id} owns"
                           if has_topic_kind(org, owner_id, TopicKind.COMMANDS) else
                           f"publish on a topic {service.id} owns; {owner_id} takes no "
                           "commands")
                yield Problem(
                    f"{service.id} publishes to {produce.topic}, the {parsed.kind.value} topic "
                    f"of {owner_id}; only the owner publishes its {what} ({instead})",
                    produce.at("topic"), related=related, anchor=produce.topic)
