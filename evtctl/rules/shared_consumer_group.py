"""Two services must not share a consumer group.

Members of one group split a topic's partitions between them: two services in one
group each see only part of the events, and neither notices. The group defaults to
the service id, so this only happens when ``group`` is set.

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
    users: dict[str, dict[str, Location]] = {}
    for service in ctx.org.services:
        for consume in service.consumes:
            group = service.group_id(consume)
            users.setdefault(group, {}).setdefault(service.id, consume.at("group"))
    for group, by_service in users.items():
        if len(by_service) < 2:
            continue
        for service_id, where in by_service.items():
            others = {s: loc for s, loc in by_service.items() if s != service_id}
            yield Problem(
                f"consumer group {group!r} of {service_id} is also used by "
                f"{', '.join(sorted(others))}; they would split the partitions between them "
                "(give each service its own group)",
                where, related=tuple(Related(loc, f"used by {s}") for s, loc in others.items()),
                anchor=f"{group}@{service_id}")
