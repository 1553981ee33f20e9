"""A pinned version must not be retired (deprecated with a sunset date in the past).

After its sunset the producer may stop writing a version; a consumer pinned to it
stops receiving events.

Failing (``deprecated: {sunset: 2020-01-31}`` on version 1)::

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

ID = "EVT405"
NAME = "retired-version-pinned"
SUMMARY = "A pinned contract version must not be past its sunset date."
CATEGORY = "references"
SCOPE = "organisation"


def check(ctx: Context) -> Iterator[Problem]:
    for service, _entry, _verb, topic, ref, version in pinned(ctx):
        if version is None or not is_retired(version, ctx.today):
            continue
        assert version.deprecated is not None
        yield Problem(f"{service.id} pins {ref} on {topic.name}, which was retired on "
                      f"{version.deprecated.sunset}; move to a current version",
                      ref.loc, related=(Related(version.deprecated.loc, "sunset set here"),),
                      anchor=f"{topic.name}/{ref}")
