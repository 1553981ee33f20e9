"""A topic's company, namespace and service segments name the manifest that declares it.

The name is how everyone finds a topic's owner; a topic declared by one service but
named after another misleads every reader and breaks the ownership rules.

Failing (in the manifest of ``arcadia.identity.personaservice``)::

    topics:
      - name: arcadia.billing.invoiceservice.events

Passing::

    topics:
      - name: arcadia.identity.personaservice.events
"""

from collections.abc import Iterator

from evtctl.findings import Problem
from evtctl.naming import parse_topic_name
from evtctl.rules.base import Context

ID = "EVT104"
NAME = "topic-name-owner-mismatch"
SUMMARY = "A topic's company/namespace/service segments must match its declaring manifest."
CATEGORY = "naming"


def check(ctx: Context) -> Iterator[Problem]:
    for service in ctx.org.services:
        for topic in service.topics:
            parsed = parse_topic_name(topic.name)
            if parsed is None:
                continue
            wrong = [
                f"{label} {got!r} (the manifest says {want!r})"
                for label, got, want in (
                    ("company", parsed.company, service.company),
                    ("namespace", parsed.namespace, service.namespace),
                    ("service", parsed.service, service.name),
                )
                if got != want
            ]
            if wrong:
                expected = f"{service.id}.{topic.name.split('.', 3)[3]}"
                yield Problem(
                    f"topic {topic.name!r} has " + ", ".join(wrong)
                    + f"; a service declares only its own topics (expected {expected!r})",
                    topic.at("name"), anchor=topic.name)
