"""Each topic is declared by exactly one manifest, once.

Two declarations mean two owners, or two sets of settings fighting over one topic.
Every declaration is reported, with the others as related, so both teams see it.

Failing (in two manifests)::

    # identity/personaservice.yaml
    topics: [{name: arcadia.identity.personaservice.events}]
    # legacy/persona-copy.yaml (another document for the same or another service)
    topics: [{name: arcadia.identity.personaservice.events}]

Passing: the topic is declared once, in its owner's manifest.
"""

from collections.abc import Iterator

from evtctl.findings import Problem, Related, display_path
from evtctl.manifest.model import Service, Topic
from evtctl.rules.base import Context

ID = "EVT201"
NAME = "duplicate-topic"
SUMMARY = "A topic must be declared by exactly one manifest, once."
CATEGORY = "declarations"
SCOPE = "organisation"


def check(ctx: Context) -> Iterator[Problem]:
    declared: dict[str, list[tuple[Service, Topic]]] = {}
    for service, topic in ctx.org.topics():
        declared.setdefault(topic.name, []).append((service, topic))
    for name, places in declared.items():
        if len(places) < 2:
            continue
        for service, topic in places:
            others = [(s, t) for s, t in places if t is not topic]
            where = ", ".join(f"{s.id} ({display_path(t.loc.file)}:{t.at('name').line})"
                              for s, t in others)
            yield Problem(
                f"topic {name!r} is also declared by {where}; keep one declaration, "
                "in the owning service's manifest",
                topic.at("name"),
                related=tuple(Related(t.at("name"), f"also declared by {s.id}") for s, t in others),
                anchor=f"{name}@{service.id}")
