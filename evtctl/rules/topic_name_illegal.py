"""Every topic name must be a legal Kafka topic name.

Kafka accepts only ``[a-zA-Z0-9._-]``, at most 249 characters, and not ``.`` or
``..``. A name Kafka refuses would only fail at provisioning time; evtctl fails it in
review. This applies to declared topics and to the topics named in ``consumes``,
``produces`` and ``replyTopic``.

Failing::

    topics:
      - name: arcadia.identity.persona service.events

Passing::

    topics:
      - name: arcadia.identity.personaservice.events
"""

from collections.abc import Iterator

from evtctl.findings import Location, Problem
from evtctl.naming import kafka_name_problem
from evtctl.rules.base import Context

ID = "EVT101"
NAME = "topic-name-illegal"
SUMMARY = "Topic names must be legal Kafka names: [a-zA-Z0-9._-], at most 249 characters."
CATEGORY = "naming"


def named_topics(ctx: Context) -> Iterator[tuple[str, Location, str]]:
    """Every topic name written anywhere: (name, where, what role it plays)."""
    for service in ctx.org.services:
        for topic in service.topics:
            yield topic.name, topic.at("name"), "topic"
        for consume in service.consumes:
            yield consume.topic, consume.at("topic"), "consumed topic"
        for produce in service.produces:
            yield produce.topic, produce.at("topic"), "produced topic"
            if produce.reply_topic is not None:
                yield produce.reply_topic, produce.at("replyTopic"), "reply topic"


def check(ctx: Context) -> Iterator[Problem]:
    for name, where, role in named_topics(ctx):
        problem = kafka_name_problem(name)
        if problem:
            yield Problem(f"{role} {name[:80]!r} {problem}", where, anchor=name)
