"""A service should publish its facts on one ``events`` topic.

Kafka orders events only within one topic-partition. A consumer of several per-model
topics (``c.n.s.events.address``, ``c.n.s.events.payment``) cannot rebuild the order
in which the facts happened. Reported on every events topic after the first.

Failing::

    topics:
      - name: arcadia.identity.personaservice.events
      - name: arcadia.identity.personaservice.events.address

Passing::

    topics:
      - name: arcadia.identity.personaservice.events
"""

from collections.abc import Iterator

from evtctl.findings import Problem, Related
from evtctl.naming import TopicKind
from evtctl.rules.base import Context

ID = "EVT105"
NAME = "multiple-event-topics"
SUMMARY = "More than one events topic per service loses the order between them."
CATEGORY = "naming"
SEVERITY = "warning"


def check(ctx: Context) -> Iterator[Problem]:
    for service in ctx.org.services:
        # Only the service's own topics count; a topic named after another service is
        # EVT104's business.
        events = [t for t in service.topics if t.kind is TopicKind.EVENTS
                  and t.parsed is not None and t.parsed.service_id == service.id]
        for topic in events[1:]:
            yield Problem(
                f"service {service.id} has a second events topic {topic.name!r}; consumers "
                f"of both cannot rebuild the order of events (keep one events topic)",
                topic.at("name"),
                related=(Related(events[0].at("name"), f"first events topic {events[0].name}"),),
                anchor=topic.name)
