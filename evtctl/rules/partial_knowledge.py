"""What the cross-service rules may conclude when part of the organisation did not load.

A reference to a topic that a failed manifest declares (or may declare) is not reported as
unknown: the failed manifest's own loading finding is the report. Where a rule can still
judge from the topic name alone (who may publish to an events topic), it does, and names the
broken file. A service whose manifest loaded with an entry dropped (``incomplete``) is not
used as proof that something is missing. These helpers are the one place that decides.
"""

from __future__ import annotations

from evtctl.findings import Related, display_path
from evtctl.manifest.model import FailedManifest, Organisation
from evtctl.naming import TopicKind, parse_topic_name


def failed_owner(org: Organisation, topic: str) -> FailedManifest | None:
    """The failed manifest that declares ``topic`` (known from what could be read of it),
    when no loaded manifest does."""
    found = org.failed_declarer(topic)
    return found if found is not None and found.identified else None


def unreadable_note(org: Organisation, topic: str) -> str:
    """``"; X could not be read and may declare it"`` when a failed manifest of which nothing
    is known may declare ``topic``; else ``""``."""
    found = org.failed_declarer(topic)
    if found is None or found.identified:
        return ""
    return f"; {display_path(found.file)} failed to load and may declare it"


def owner_incomplete(org: Organisation, topic: str) -> bool:
    """The service the topic's name belongs to loaded with topics dropped (it may declare it)."""
    parsed = parse_topic_name(topic)
    if parsed is None:
        return False
    return any(s.incomplete and s.id == parsed.service_id for s in org.services)


def failed_related(failed: FailedManifest) -> Related:
    return Related(failed.location, f"declared in {display_path(failed.file)}, which failed "
                                    f"to load ({failed.reason})")


def has_topic_kind(org: Organisation, owner_id: str, kind: TopicKind) -> bool:
    """Whether the service declares a topic of this kind (in a loaded or a failed manifest)."""
    names: list[str] = []
    for service in org.services:
        if service.id == owner_id:
            names.extend(t.name for t in service.topics)
    for failed in org.failed:
        names.extend(failed.topics)
    return any((p := parse_topic_name(n)) is not None and p.kind is kind
               and p.service_id == owner_id for n in names)
