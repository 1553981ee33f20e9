"""Is a change breaking, why, and who is affected (the blast radius).

Breaking changes:

* a new or edited schema version that the compatibility engine rejects under the
  contract's mode (or under the previous mode, when the change relaxes it), or that cannot
  be checked at all (an unreadable schema);
* removing a topic or a contract that another service consumes or sends;
* removing a version that another service pins (``Name@3``);
* moving a topic from one owning service to another;
* lowering a topic's partition count (Kafka cannot do it);
* changing a topic's ``cleanup.policy`` (absent means Kafka's default, ``delete``).

Everything else is reported as not breaking, with the reason. The affected services come
from the ownership graph of both trees: a service that used the thing before the change,
or still uses it after, is listed with its owner team and the side(s) it is declared on.
The service that owns the topic is never listed as affected by its own change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evtctl.diff.changes import Change, Kind, SchemaCheck, SchemaReview
from evtctl.manifest.model import Organisation, Service

_KAFKA_DEFAULT_CLEANUP = "delete"


@dataclass(frozen=True)
class Affected:
    service: str
    owner: str | None  # the service's owner team (metadata.owner)
    relation: str  # "consumes", "sends", or "owned the topic"
    events: tuple[str, ...] | None  # what it declares on the topic; None: every event
    sides: tuple[str, ...]  # "old" and/or "new": the trees where the link is declared


@dataclass(frozen=True)
class Verdict:
    breaking: bool
    reason: str
    affected: tuple[Affected, ...] = ()


@dataclass(frozen=True)
class Reviewed:
    change: Change
    verdict: Verdict


def review(changes: Iterable[Change], old: Organisation, new: Organisation) -> tuple[Reviewed, ...]:
    radius = _Radius(old, new)
    return tuple(Reviewed(c, verdict(c, radius)) for c in changes)


class _Radius:
    """Who uses a topic, a contract or a pinned version, in the old tree and the new
    (read from each tree's organisation graph, :mod:`evtctl.graph`)."""

    def __init__(self, old: Organisation, new: Organisation) -> None:
        self.old, self.new = old, new

    def users(self, topic: str, contract: str | None = None,
              version: int | None = None) -> tuple[Affected, ...]:
        from evtctl.graph import EdgeKind, graph_of

        found: dict[str, Affected] = {}
        # The owning service (before or after the change) is never affected by its own topic.
        owners = {o[0].id for org in (self.old, self.new) if (o := org.owner_of(topic))}
        for side, org in (("old", self.old), ("new", self.new)):
            # Declared edges of each service's first declaration, in manifest order.
            for edge in graph_of(org).on_topic(topic):
                if edge.entry is None or not edge.primary or edge.service.id in owners:
                    continue
                if not edge.uses(contract, version):
                    continue
                relation = "consumes" if edge.kind is EdgeKind.CONSUME else "sends"
                self._add(found, edge.service.id, relation, edge.matching(contract, version),
                          side)
        return tuple(found[k] for k in sorted(found))

    def service(self, sid: str) -> Service | None:
        return self.new.service(sid) or self.old.service(sid)

    def _add(self, found: dict[str, Affected], sid: str, relation: str,
             events: tuple[str, ...] | None, side: str) -> None:
        prior = found.get(sid)
        if prior is None:
            service = self.service(sid)
            found[sid] = Affected(sid, service.owner if service else None, relation, events,
                                  (side,))
            return
        merged = (None if prior.events is None or events is None
                  else tuple(sorted(set(prior.events) | set(events))))
        sides = prior.sides if side in prior.sides else (*prior.sides, side)
        relation = prior.relation if prior.relation == relation else "consumes, sends"
        found[sid] = Affected(sid, prior.owner, relation, merged, sides)

    def previous_owner(self, sid: str) -> Affected:
        service = self.service(sid)
        return Affected(sid, service.owner if service else None, "owned the topic", None,
                        ("old",))


def verdict(change: Change, radius: _Radius) -> Verdict:
    kind = change.kind
    if kind in (Kind.VERSION_ADDED, Kind.SCHEMA_CHANGED):
        return _schema_verdict(change, radius)
    if kind is Kind.TOPIC_REMOVED:
        assert change.topic
        users = radius.users(change.topic)
        return _removal(users, "the topic")
    if kind is Kind.CONTRACT_REMOVED:
        assert change.topic
        users = radius.users(change.topic, change.contract)
        return _removal(users, f"the {change.contract} contract")
    if kind is Kind.VERSION_REMOVED:
        assert change.topic
        users = radius.users(change.topic, change.contract, change.version)
        if users:
            return Verdict(True, f"removes v{change.version}, which "
                           f"{_count(users)} pin{'s' if len(users) == 1 else ''}", users)
        return Verdict(False, f"no service pins v{change.version}")
    if kind is Kind.TOPIC_OWNER_CHANGED:
        assert change.topic
        users = radius.users(change.topic)
        return Verdict(True, f"the topic moves from {change.before} to {change.after}: only "
                       "its owner may publish events to it (or read its commands), so "
                       "producers, consumers and ACLs must move too",
                       (radius.previous_owner(str(change.before)), *users))
    if kind is Kind.PARTITIONS_CHANGED:
        return _partitions(change, radius)
    if kind is Kind.CONFIG_CHANGED and change.key == "cleanup.policy":
        was, now = _cleanup(change.before), _cleanup(change.after)
        if was != now:
            assert change.topic
            return Verdict(True, f"cleanup.policy {was} → {now}: deletion by age and "
                           "compaction by key keep different records, so consumers that "
                           "replay the topic read different data",
                           radius.users(change.topic))
        return Verdict(False, f"cleanup.policy stays {now} (Kafka's default is "
                       f"{_KAFKA_DEFAULT_CLEANUP})")
    if kind is Kind.DEPRECATION_ADDED:
        assert change.topic
        pinned = radius.users(change.topic, change.contract, change.version)
        return Verdict(False, "consumers still pinned to it should move before the sunset"
                       if pinned else "no service pins this version", pinned)
    return Verdict(False, _REASONS.get(kind, "not breaking"))


_REASONS = {
    Kind.SERVICE_ADDED: "additive",
    Kind.SERVICE_REMOVED: "its topics and subscriptions are listed as separate changes",
    Kind.SERVICE_OWNER_CHANGED: "a different team reviews the service; no contract changes",
    Kind.TOPIC_ADDED: "additive",
    Kind.REPLICATION_CHANGED: "does not change what consumers read (provisioning refuses "
                              "to change it without an explicit flag)",
    Kind.CONFIG_CHANGED: "a topic setting; consumers read the same events",
    Kind.CONTRACT_ADDED: "additive",
    Kind.COMPATIBILITY_CHANGED: "a mode change alone breaks no one; new versions are "
                                "judged under it (and under the previous mode if relaxed)",
    Kind.POLICY_CHANGED: "a policy change alone breaks no one; new versions are judged "
                         "under both policies when it is relaxed",
    Kind.DEPRECATION_LIFTED: "the version stays",
    Kind.DEPRECATION_CHANGED: "the version stays",
    Kind.CONSUMER_ADDED: "a new subscription",
    Kind.CONSUMER_REMOVED: "a service may stop consuming",
    Kind.CONSUMER_CHANGED: "the consumer's own choice",
    Kind.PRODUCER_ADDED: "a new sender",
    Kind.PRODUCER_REMOVED: "a service may stop sending",
    Kind.PRODUCER_CHANGED: "the sender's own choice",
}


def _count(users: tuple[Affected, ...]) -> str:
    return f"{len(users)} other service{'s' if len(users) != 1 else ''}"


def _removal(users: tuple[Affected, ...], what: str) -> Verdict:
    if users:
        return Verdict(True, f"removes {what}, which {_count(users)} "
                       f"use{'s' if len(users) == 1 else ''}", users)
    return Verdict(False, f"no other service uses {what}")


def _partitions(change: Change, radius: _Radius) -> Verdict:
    was, now = change.before, change.after
    if isinstance(was, int) and isinstance(now, int):
        if now < was:
            assert change.topic
            return Verdict(True, f"partitions {was} → {now}: Kafka cannot lower a topic's "
                           "partition count; the topic would have to be recreated",
                           radius.users(change.topic))
        return Verdict(False, "more partitions: keys map to other partitions from now on, "
                       "so per-key order holds only within the old and the new layout")
    return Verdict(False, "the count now comes from, or no longer comes from, the "
                   "environment defaults; `evtctl provision plan` shows the effective value")


def _cleanup(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        return _KAFKA_DEFAULT_CLEANUP
    return ",".join(sorted({p.strip() for p in value.split(",") if p.strip()}))


def _schema_verdict(change: Change, radius: _Radius) -> Verdict:
    rv = change.review or SchemaReview()
    prefix = f"v{change.version} edited in place: " if rv.edited else ""
    assert change.topic
    if rv.error is not None:
        return Verdict(True, f"{prefix}cannot be checked: {rv.error}",
                       radius.users(change.topic, change.contract))
    failed = [c for c in rv.checks if not c.compatible]
    if failed:
        check = next((c for c in failed if c.side == "new"), failed[0])
        return Verdict(True, prefix + _incompatible(check, rv),
                       radius.users(change.topic, change.contract))
    if not rv.checks:
        return Verdict(False, prefix + ("no earlier version to compare with" if not rv.edited
                                        else "the previous schema could not be compared"))
    check = rv.checks[0]
    against = ", ".join(f"v{n}" for n in rv.against)
    warning = (" (editing a published version in place lets producers and consumers "
               "disagree on what it is; prefer a new version)" if rv.edited else "")
    return Verdict(False, f"{prefix}compatible with {against} under {check.mode} "
                   f"({check.policy}){warning}")


def _incompatible(check: SchemaCheck, rv: SchemaReview) -> str:
    bad = [c for c in check.changes if not c.compatible]
    mode = (f"under the previous mode {check.mode} ({check.policy}), which this change "
            "relaxes" if check.side == "old" else f"under {check.mode} ({check.policy})")
    if not bad:
        return f"incompatible {mode}"
    first = bad[0]
    more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
    with_version = "" if rv.edited else f" with v{first.from_version}"
    return f"incompatible{with_version} {mode}: {first.type} at {first.path}{more}"
