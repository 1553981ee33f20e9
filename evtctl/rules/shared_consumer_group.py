"""Two services must not share a consumer group.

A consumer group is one reader. On the same topic, the members of a group split its
partitions between them: two services in one group each see only part of the events, and
neither notices. On different topics the partitions are not split, but the group is still
one: the services rebalance together (a deploy, a crash or a slow poll of either pauses the
other's consumption), and their committed offsets live under one group id, so resetting or
deleting the group's offsets for one service moves the other's too. The group defaults to the
service id, so this only happens when ``group`` is set.

Failing::

    # in arcadia.billing.invoiceservice and in arcadia.billing.ledgerservice
    consumes:
      - topic: arcadia.identity.personaservice.events
        group: billing-consumers

Passing: each service keeps its own group (the default).
"""

from collections.abc import Iterator

from evtctl.findings import Location, Problem, Related
from evtctl.rules.base import Context

ID = "EVT407"
NAME = "shared-consumer-group"
SUMMARY = "A consumer group must belong to one service."
CATEGORY = "references"
SCOPE = "organisation"


def check(ctx: Context) -> Iterator[Problem]:
    # group -> service id -> (where the group is first named, the topics it reads)
    users: dict[str, dict[str, tuple[Location, set[str]]]] = {}
    for service in ctx.org.services:
        for consume in service.consumes:
            group = service.group_id(consume)
            entry = users.setdefault(group, {}).setdefault(
                service.id, (consume.at("group"), set()))
            entry[1].add(consume.topic)
    for group, by_service in users.items():
        if len(by_service) < 2:
            continue
        for service_id, (where, topics) in by_service.items():
            others = {s: v for s, v in by_service.items() if s != service_id}
            same = sorted(t for _loc, theirs in others.values() for t in theirs & topics)
            if same:
                effect = (f"on {', '.join(dict.fromkeys(same))} they would split the "
                          "partitions between them, so each sees only part of the events")
            else:
                effect = ("on different topics they would still rebalance together (a "
                          "restart of either pauses both) and share one set of committed "
                          "offsets (resetting the group's offsets for one moves the other's)")
            yield Problem(
                f"consumer group {group!r} of {service_id} is also used by "
                f"{', '.join(sorted(others))}; {effect}; give each service its own group",
                where, related=tuple(Related(loc, f"used by {s}")
                                     for s, (loc, _t) in others.items()),
                anchor=f"{group}@{service_id}")
