"""Shared lookup for the rules about pinned versions (``Name@N``)."""

from collections.abc import Iterator
from datetime import date

from evtctl.manifest.model import Consume, ContractVersion, EventRef, Produce, Service, Topic
from evtctl.ownership import links
from evtctl.rules.base import Context


def pinned(ctx: Context) -> Iterator[
        tuple[Service, Consume | Produce, str, Topic, EventRef, ContractVersion | None]]:
    """Every pinned reference to a known contract, with the version it pins (or None)."""
    for service, entry, verb in links(ctx.org):
        found = ctx.org.owner_of(entry.topic)
        if found is None or entry.events is None:
            continue
        topic = found[1]
        for ref in entry.events:
            contract = topic.contract(ref.name)
            if ref.version is None or contract is None:
                continue
            yield service, entry, verb, topic, ref, contract.version(ref.version)


def sunset_of(version: ContractVersion) -> date | None:
    if version.deprecated is None or version.deprecated.sunset is None:
        return None
    try:
        return date.fromisoformat(version.deprecated.sunset)
    except ValueError:
        return None


def is_retired(version: ContractVersion, today: date) -> bool:
    sunset = sunset_of(version)
    return sunset is not None and sunset < today
