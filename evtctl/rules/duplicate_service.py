"""Each service (company, namespace, name) is declared once.

Two manifests for one service split its topics and subscriptions between files that
disagree. Each declaration is reported, with the others as related.

Failing: two documents with ``metadata: {company: arcadia, namespace: identity,
name: personaservice}``.

Passing: one manifest per service.
"""

from collections.abc import Iterator

from evtctl.findings import Problem, Related, display_path
from evtctl.manifest.model import Service
from evtctl.rules.base import Context

ID = "EVT202"
NAME = "duplicate-service"
SUMMARY = "A service must be declared by exactly one manifest."
CATEGORY = "declarations"
SCOPE = "organisation"


def check(ctx: Context) -> Iterator[Problem]:
    by_id: dict[str, list[Service]] = {}
    for service in ctx.org.services:
        by_id.setdefault(service.id, []).append(service)
    for service_id, services in by_id.items():
        if len(services) < 2:
            continue
        for service in services:
            others = [s for s in services if s is not service]
            where = ", ".join(f"{display_path(s.file)}:{s.loc.line}" for s in others)
            yield Problem(
                f"service {service_id} is also declared at {where}; merge the manifests",
                service.loc,
                related=tuple(Related(s.loc, f"{service_id} also declared here") for s in others),
                anchor=service_id)
