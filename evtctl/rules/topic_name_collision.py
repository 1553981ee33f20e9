"""Topic names must not differ only by ``.`` versus ``_``.

Kafka turns ``.`` into ``_`` in metric names, so ``a.b_c`` and ``a_b.c`` share their
metrics and Kafka warns against creating both. Each declaration is reported, with the
other as related.

Failing::

    topics:
      - name: arcadia.identity.personaservice.events.user_profile
      - name: arcadia.identity.personaservice.events.user.profile

Passing::

    topics:
      - name: arcadia.identity.personaservice.events.userprofile
"""

from collections.abc import Iterator

from evtctl.findings import Problem, Related
from evtctl.manifest.model import Topic
from evtctl.naming import collision_key
from evtctl.rules.base import Context

ID = "EVT102"
NAME = "topic-name-collision"
SUMMARY = "Topic names that differ only by '.' and '_' collide in Kafka's metrics."
CATEGORY = "naming"
SCOPE = "organisation"


def check(ctx: Context) -> Iterator[Problem]:
    groups: dict[str, list[Topic]] = {}
    for _service, topic in ctx.org.topics():
        groups.setdefault(collision_key(topic.name), []).append(topic)
    for members in groups.values():
        if len({t.name for t in members}) < 2:
            continue
        for topic in members:
            others = [t for t in members if t.name != topic.name]
            yield Problem(
                f"topic {topic.name!r} collides with "
                + ", ".join(repr(t.name) for t in others)
                + " ('.' and '_' are the same in Kafka's metric names); rename one",
                topic.at("name"),
                related=tuple(Related(t.at("name"), f"{t.name} declared here") for t in others),
                anchor=topic.name,
            )
