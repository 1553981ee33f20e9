"""Pinning a deprecated version is a warning: move to a newer version before its sunset.

Failing (version 1 is deprecated)::

    consumes:
      - topic: arcadia.identity.personaservice.events
        events: [PersonaCreated@1]

Passing::

    consumes:
      - topic: arcadia.identity.personaservice.events
        events: [PersonaCreated@2]
"""

from collections.abc import Iterator

from evtctl.findings import Problem, Related
from evtctl.rules.base import Context
from evtctl.rules.pinned_versions import is_retired, pinned

ID = "EVT404"
NAME = "deprecated-version-pinned"
SUMMARY = "Pinning a deprecated contract version is a warning."
CATEGORY = "references"
SEVERITY = "warning"
SCOPE = "organisation"


def check(ctx: Context) -> Iterator[Problem]:
    for service, _entry, _verb, topic, ref, version in pinned(ctx):
        if version is None or version.deprecated is None or is_retired(version, ctx.today):
            continue
        dep = version.deprecated
        when = f" (sunset {dep.sunset})" if dep.sunset else ""
        why = f": {dep.reason}" if dep.reason else ""
        yield Problem(f"{service.id} pins {ref} on {topic.name}, which is deprecated{when}{why}",
                      ref.loc, related=(Related(dep.loc, "deprecated here"),),
                      anchor=f"{topic.name}/{ref}")
