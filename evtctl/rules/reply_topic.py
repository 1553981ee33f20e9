"""A command's ``replyTopic`` is a ``private.reply`` topic of the sending service.

In the SAGA pattern the sender waits for answers on its own reply topic; naming
anyone else's topic, or a topic that is not a reply topic, sends the answers where the
sender never reads. A reply topic only makes sense on a commands topic.

Failing (in ``arcadia.identity.personabff``)::

    produces:
      - topic: arcadia.identity.personaservice.commands
        events: [CreatePersona]
        replyTopic: arcadia.identity.personaservice.events

Passing::

    topics:
      - name: arcadia.identity.personabff.private.reply
    produces:
      - topic: arcadia.identity.personaservice.commands
        events: [CreatePersona]
        replyTopic: arcadia.identity.personabff.private.reply
"""

from collections.abc import Iterator

from evtctl.findings import Problem
from evtctl.naming import TopicKind, kafka_name_problem, parse_topic_name
from evtctl.rules.base import Context

ID = "EVT406"
NAME = "reply-topic-invalid"
SUMMARY = "A command's replyTopic must be a private.reply topic the sender declares."
CATEGORY = "references"


def check(ctx: Context) -> Iterator[Problem]:
    for service in ctx.org.services:
        own = {t.name for t in service.topics}
        for produce in service.produces:
            reply = produce.reply_topic
            if reply is None or kafka_name_problem(reply):
                continue
            where = produce.at("replyTopic")
            target = parse_topic_name(produce.topic)
            if target is not None and target.kind is not TopicKind.COMMANDS:
                yield Problem(f"replyTopic is set on {produce.topic}, which is not a commands "
                              "topic; only commands get replies", where, anchor=reply)
                continue
            parsed = parse_topic_name(reply)
            expected = f"{service.id}.private.reply"
            if parsed is None or not parsed.is_reply:
                yield Problem(f"replyTopic {reply!r} is not a private.reply topic; use "
                              f"{expected!r}", where, anchor=reply)
            elif parsed.service_id != service.id:
                yield Problem(f"replyTopic {reply!r} belongs to {parsed.service_id}; replies "
                              f"must come to the sender's own topic {expected!r}",
                              where, anchor=reply)
            elif reply not in own and not service.incomplete:
                yield Problem(f"replyTopic {reply!r} is not declared; add it to the topics "
                              f"of {service.id}", where, anchor=reply)
