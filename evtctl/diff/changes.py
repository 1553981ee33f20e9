"""The differences between two organisations, as typed changes.

Objects are matched by identity, never by file: a service by ``company.namespace.name``, a
topic by name, a contract by (topic, event name), a version by number. Moving a manifest
to another file changes nothing; renaming a service or a topic is a removal plus an
addition (which it is, for the services that use it), with a note saying it looks like a
rename.

New schema versions are judged by the compatibility engine under the contract's mode on
the new side and, when a change relaxes the mode or the policy, under the previous one as
well (a relaxed mode must not let a breaking version through unnoticed). A new version is
compared with every earlier version of the new side and with earlier versions removed in
the same change, since their events may still be in the log.

This module reads schemas through :class:`~evtctl.diff.sides.Side` and returns values;
verdicts come from :mod:`evtctl.diff.breaking`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from evtctl.compat.formats import TITLES
from evtctl.diff.sides import Side, Where
from evtctl.manifest.model import (
    Consume,
    Contract,
    ContractVersion,
    Deprecation,
    Organisation,
    Produce,
    Service,
    Topic,
)

if TYPE_CHECKING:
    from evtctl.compat import Change as CompatChange
    from evtctl.compat.formats import LoadedSchema


class Kind(StrEnum):
    """Change kinds; the values are part of the JSON output and never change meaning."""

    SERVICE_ADDED = "service-added"
    SERVICE_REMOVED = "service-removed"
    SERVICE_OWNER_CHANGED = "service-owner-changed"
    TOPIC_ADDED = "topic-added"
    TOPIC_REMOVED = "topic-removed"
    TOPIC_OWNER_CHANGED = "topic-owner-changed"
    PARTITIONS_CHANGED = "topic-partitions-changed"
    REPLICATION_CHANGED = "topic-replication-changed"
    CONFIG_CHANGED = "topic-config-changed"
    CONTRACT_ADDED = "contract-added"
    CONTRACT_REMOVED = "contract-removed"
    COMPATIBILITY_CHANGED = "compatibility-changed"
    POLICY_CHANGED = "policy-changed"
    VERSION_ADDED = "version-added"
    VERSION_REMOVED = "version-removed"
    SCHEMA_CHANGED = "version-schema-changed"
    DEPRECATION_ADDED = "deprecation-added"
    DEPRECATION_LIFTED = "deprecation-lifted"
    DEPRECATION_CHANGED = "deprecation-changed"
    CONSUMER_ADDED = "consumer-added"
    CONSUMER_REMOVED = "consumer-removed"
    CONSUMER_CHANGED = "consumer-changed"
    PRODUCER_ADDED = "producer-added"
    PRODUCER_REMOVED = "producer-removed"
    PRODUCER_CHANGED = "producer-changed"


_KIND_ORDER = {kind: n for n, kind in enumerate(Kind)}


@dataclass(frozen=True)
class SchemaCheck:
    """The engine's verdict on one version under one (mode, policy)."""

    mode: str
    policy: str
    side: str  # "new": the contract's mode after the change; "old": the mode before it
    compatible: bool
    changes: tuple[CompatChange, ...]


@dataclass(frozen=True)
class SchemaReview:
    """How a new or edited schema compares with the versions before it."""

    against: tuple[int, ...] = ()  # the version numbers it was compared with
    checks: tuple[SchemaCheck, ...] = ()
    error: str | None = None  # it could not be checked (unreadable schema, engine failure)
    notes: tuple[str, ...] = ()
    edited: bool = False  # the same version number, edited in place

    @property
    def compatible(self) -> bool:
        return self.error is None and all(c.compatible for c in self.checks)


@dataclass(frozen=True)
class Change:
    kind: Kind
    message: str
    service: str | None = None  # the owner of the topic, or the consuming/producing service
    topic: str | None = None
    contract: str | None = None
    version: int | None = None
    key: str | None = None  # the topic config key, for topic-config-changed
    before: Any = None
    after: Any = None
    where: Where | None = None  # in the new tree when the thing exists there, else the old
    review: SchemaReview | None = None
    notes: tuple[str, ...] = field(default=())

    def sort_key(self) -> tuple[str, str, str, int, int, str]:
        return (self.topic or "", self.contract or "", self.service or "", self.version or 0,
                _KIND_ORDER[self.kind], self.key or "")


def compare(old: Side, new: Side) -> list[Change]:
    """Every change from ``old`` to ``new``, sorted by topic, contract, service, version."""
    out: list[Change] = []
    _policy(old, new, out)
    _services(old, new, out)
    _topics(old, new, out)
    _links(old, new, out)
    return sorted(out, key=Change.sort_key)


# --- services -------------------------------------------------------------------------

def _by_id(org: Organisation) -> dict[str, Service]:
    out: dict[str, Service] = {}
    for service in org.services:
        out.setdefault(service.id, service)  # a duplicate is lint's finding; the first counts
    return out


def _services(old: Side, new: Side, out: list[Change]) -> None:
    before, after = _by_id(old.org), _by_id(new.org)
    for sid in sorted(before.keys() - after.keys()):
        s = before[sid]
        notes = _renamed_service_note(old, new, s, after)
        out.append(Change(Kind.SERVICE_REMOVED, f"service {sid} removed", service=sid,
                          before=_service_summary(s), where=old.where(s.loc), notes=notes))
    for sid in sorted(after.keys() - before.keys()):
        s = after[sid]
        out.append(Change(Kind.SERVICE_ADDED, f"service {sid} added", service=sid,
                          after=_service_summary(s), where=new.where(s.loc)))
    for sid in sorted(before.keys() & after.keys()):
        b, a = before[sid], after[sid]
        if b.owner != a.owner:
            out.append(Change(
                Kind.SERVICE_OWNER_CHANGED,
                f"service {sid}: owner team {_show(b.owner)} → {_show(a.owner)}",
                service=sid, before=b.owner, after=a.owner, where=new.where(a.at("owner"))))


def _service_summary(s: Service) -> dict[str, Any]:
    return {"owner": s.owner, "topics": [t.name for t in s.topics],
            "consumes": sorted({c.topic for c in s.consumes}),
            "produces": sorted({p.topic for p in s.produces})}


def _renamed_service_note(old: Side, new: Side, gone: Service,
                          after: dict[str, Service]) -> tuple[str, ...]:
    file = old.relative(gone.file)
    candidates = sorted(sid for sid, s in after.items()
                        if new.relative(s.file) == file and old.org.service(sid) is None)
    if not candidates:
        return ()
    return ((f"{file} now declares {', '.join(candidates)}: if this is a rename, every topic "
             "of the service is renamed too, which its consumers see as a removal"),)


def _show(value: object) -> str:
    return "(none)" if value is None else str(value)


# --- topics ---------------------------------------------------------------------------

def _topics(old: Side, new: Side, out: list[Change]) -> None:
    before, after = old.org.topic_owners(), new.org.topic_owners()
    for name in sorted(before.keys() - after.keys()):
        owner, topic = before[name]
        out.append(Change(
            Kind.TOPIC_REMOVED, f"topic {name} removed", service=owner.id, topic=name,
            before=_topic_summary(topic), where=old.where(topic.loc),
            notes=_renamed_topic_note(topic, owner, after)))
    for name in sorted(after.keys() - before.keys()):
        owner, topic = after[name]
        out.append(Change(Kind.TOPIC_ADDED, f"topic {name} added", service=owner.id,
                          topic=name, after=_topic_summary(topic), where=new.where(topic.loc)))
    for name in sorted(before.keys() & after.keys()):
        (b_owner, b), (a_owner, a) = before[name], after[name]
        if b_owner.id != a_owner.id:
            out.append(Change(
                Kind.TOPIC_OWNER_CHANGED,
                f"topic {name} moves from {b_owner.id} to {a_owner.id}",
                service=a_owner.id, topic=name, before=b_owner.id, after=a_owner.id,
                where=new.where(a.loc)))
        _settings(new, a_owner.id, b, a, out)
        _contracts(old, new, a_owner.id, b, a, out)


def _topic_summary(t: Topic) -> dict[str, Any]:
    return {"contracts": [c.name for c in t.contracts], "partitions": t.partitions,
            "replicationFactor": t.replication_factor, "config": dict(t.config)}


def _renamed_topic_note(topic: Topic, owner: Service,
                        after: dict[str, tuple[Service, Topic]]) -> tuple[str, ...]:
    names = {c.name for c in topic.contracts}
    if not names:
        return ()
    similar = sorted(n for n, (s, t) in after.items()
                     if s.id == owner.id and n != topic.name
                     and names <= {c.name for c in t.contracts})
    if not similar:
        return ()
    return ((f"{', '.join(similar)} carries the same contracts: a renamed topic is a new "
             "topic for Kafka, and its consumers must move to it"),)


def _settings(new: Side, sid: str, b: Topic, a: Topic, out: list[Change]) -> None:
    if b.partitions != a.partitions:
        out.append(Change(
            Kind.PARTITIONS_CHANGED,
            f"topic {a.name}: partitions {_show(b.partitions)} → {_show(a.partitions)}",
            service=sid, topic=a.name, before=b.partitions, after=a.partitions,
            where=new.where(a.at("partitions"))))
    if b.replication_factor != a.replication_factor:
        out.append(Change(
            Kind.REPLICATION_CHANGED,
            f"topic {a.name}: replication factor {_show(b.replication_factor)} → "
            f"{_show(a.replication_factor)}",
            service=sid, topic=a.name, before=b.replication_factor,
            after=a.replication_factor, where=new.where(a.at("replicationFactor"))))
    for key in sorted(b.config.keys() | a.config.keys()):
        was, now = b.config.get(key), a.config.get(key)
        if was != now:
            out.append(Change(
                Kind.CONFIG_CHANGED, f"topic {a.name}: {key} {_show(was)} → {_show(now)}",
                service=sid, topic=a.name, key=key, before=was, after=now,
                where=new.where(a.at("config"))))


# --- contracts and versions -----------------------------------------------------------

def _by_name(contracts: Iterable[Contract]) -> dict[str, Contract]:
    out: dict[str, Contract] = {}
    for c in contracts:
        out.setdefault(c.name, c)
    return out


def _by_number(versions: Iterable[ContractVersion]) -> dict[int, ContractVersion]:
    out: dict[int, ContractVersion] = {}
    for v in versions:
        out.setdefault(v.version, v)
    return out


def mode_of(side: Side, topic: Topic, contract: Contract) -> str:
    kind = topic.kind.value if topic.kind else None
    return side.config.mode_for(topic.name, kind, contract.name, contract.compatibility).upper()


def _contracts(old: Side, new: Side, sid: str, b: Topic, a: Topic, out: list[Change]) -> None:
    before, after = _by_name(b.contracts), _by_name(a.contracts)
    for name in sorted(before.keys() - after.keys()):
        c = before[name]
        out.append(Change(Kind.CONTRACT_REMOVED, f"contract {name} removed from {a.name}",
                          service=sid, topic=a.name, contract=name,
                          before=[v.version for v in c.versions], where=old.where(c.loc)))
    for name in sorted(after.keys() - before.keys()):
        c = after[name]
        out.append(Change(Kind.CONTRACT_ADDED, f"contract {name} added to {a.name}",
                          service=sid, topic=a.name, contract=name,
                          after=[v.version for v in c.versions], where=new.where(c.loc)))
    for name in sorted(before.keys() & after.keys()):
        bc, ac = before[name], after[name]
        old_mode, new_mode = mode_of(old, b, bc), mode_of(new, a, ac)
        if old_mode != new_mode:
            out.append(Change(
                Kind.COMPATIBILITY_CHANGED,
                f"{name} on {a.name}: compatibility {old_mode} → {new_mode}",
                service=sid, topic=a.name, contract=name, before=old_mode, after=new_mode,
                where=new.where(ac.at("compatibility")),
                notes=(_relaxed_note(old_mode, new_mode),) if relaxes(old_mode, new_mode)
                else ()))
        _versions(old, new, sid, (b, bc), (a, ac), out)


def _versions(old: Side, new: Side, sid: str, before: tuple[Topic, Contract],
              after: tuple[Topic, Contract], out: list[Change]) -> None:
    (bt, bc), (at, ac) = before, after
    bv, av = _by_number(bc.versions), _by_number(ac.versions)
    ident = (sid, at.name, ac.name)
    for n in sorted(bv.keys() - av.keys()):
        v = bv[n]
        notes = () if v.deprecated else (
            f"v{n} was removed without being deprecated first",)
        out.append(_vchange(Kind.VERSION_REMOVED, f"{ac.name} v{n} removed", ident, version=n,
                            before=v.schema, where=old.where(v.loc), notes=notes))
    for n in sorted(av.keys() - bv.keys()):
        v = av[n]
        out.append(_vchange(Kind.VERSION_ADDED, f"{ac.name} v{n} added", ident, version=n,
                            after=v.schema, where=new.where(v.loc),
                            review=_review_added(old, new, before, after, n)))
    for n in sorted(bv.keys() & av.keys()):
        was, now = bv[n], av[n]
        _deprecation(new, was, now, ident, out, ac.name)
        edited = _review_edited(old, new, (bt, bc, was), (at, ac, now))
        if edited is not None:
            out.append(_vchange(Kind.SCHEMA_CHANGED, f"{ac.name} v{n}: schema edited in place",
                                ident, version=n, before=was.schema, after=now.schema,
                                where=new.where(now.loc), review=edited))


def _vchange(kind: Kind, message: str, ident: tuple[str, str, str], **fields: Any) -> Change:
    """A change about one contract: ident is (owning service, topic, contract)."""
    return Change(kind, message, service=ident[0], topic=ident[1], contract=ident[2], **fields)


def _deprecation(new: Side, was: ContractVersion, now: ContractVersion,
                 ident: tuple[str, str, str],
                 out: list[Change], name: str) -> None:
    b, a = _dep(was.deprecated), _dep(now.deprecated)
    if b == a:
        return
    n = now.version
    where = new.where(now.deprecated.loc if now.deprecated else now.loc)
    if b is None:
        kind, message = Kind.DEPRECATION_ADDED, f"{name} v{n} deprecated" + (
            f" (sunset {a['sunset']})" if a and a.get("sunset") else "")
    elif a is None:
        kind, message = Kind.DEPRECATION_LIFTED, f"{name} v{n} no longer deprecated"
    else:
        kind, message = Kind.DEPRECATION_CHANGED, f"{name} v{n}: deprecation changed"
    out.append(_vchange(kind, message, ident, version=n, before=b, after=a, where=where))


def _dep(d: Deprecation | None) -> dict[str, str | None] | None:
    return None if d is None else {"sunset": d.sunset, "reason": d.reason}


# --- schema reviews -------------------------------------------------------------------

_STRENGTH = {"NONE": set(), "BACKWARD": {"backward"}, "FORWARD": {"forward"},
             "FULL": {"backward", "forward"}}


def relaxes(old_mode: str, new_mode: str) -> bool:
    """True when the new mode lets through a change the old one refused."""
    def parts(mode: str) -> tuple[set[str], bool] | None:
        base = mode.removesuffix("_TRANSITIVE")
        if base not in _STRENGTH:
            return None
        return _STRENGTH[base], mode.endswith("_TRANSITIVE")

    o, n = parts(old_mode), parts(new_mode)
    if o is None or n is None:
        return o != n
    return not (o[0] <= n[0]) or (o[1] and not n[1] and bool(o[0]))


def _relaxed_note(old_mode: str, new_mode: str) -> str:
    return (f"{new_mode} allows changes that {old_mode} refused; new versions in this "
            f"change are also checked under {old_mode}")


def _review_added(old: Side, new: Side, before: tuple[Topic, Contract],
                  after: tuple[Topic, Contract], number: int) -> SchemaReview:
    (bt, bc), (at, ac) = before, after
    bv, av = _by_number(bc.versions), _by_number(ac.versions)
    this = new.schema(ac, av[number])
    if isinstance(this, str):
        return SchemaReview(error=this)
    earlier: list[LoadedSchema] = []
    notes: list[str] = []
    for n in sorted(bv.keys() | av.keys()):
        if n >= number:
            continue
        # Versions removed in this change still count: their events may be in the log.
        loaded = new.schema(ac, av[n]) if n in av else old.schema(bc, bv[n])
        if isinstance(loaded, str):
            notes.append(f"v{n} not compared: {loaded}")
        elif loaded.schema_type != this.schema_type:
            notes.append(f"v{n} not compared: it is {TITLES[loaded.schema_type]} and "
                         f"v{number} is {TITLES[this.schema_type]} (EVT506)")
        else:
            earlier.append(loaded)
    if not earlier:
        return SchemaReview(notes=tuple(notes))
    kind = this.schema_type
    modes = _modes(kind, (mode_of(old, bt, bc), old.config.policy_for(kind)),
                   (mode_of(new, at, ac), new.config.policy_for(kind)))
    return _run_checks([*earlier, this], modes, tuple(notes), edited=False)


def _review_edited(old: Side, new: Side, before: tuple[Topic, Contract, ContractVersion],
                   after: tuple[Topic, Contract, ContractVersion]) -> SchemaReview | None:
    """A review when the schema of an existing version changed, else None."""
    bt, bc, bv = before
    at, ac, av = after
    was, now = old.schema(bc, bv), new.schema(ac, av)
    if isinstance(was, str) and isinstance(now, str):
        return None
    if isinstance(now, str):
        return SchemaReview(error=now, edited=True)
    if isinstance(was, str):
        return SchemaReview(notes=(f"the previous schema could not be read: {was}",),
                            edited=True)
    if old.fingerprint(was) == new.fingerprint(now):
        return None
    if was.schema_type != now.schema_type:
        return SchemaReview(error=f"the format changed from {TITLES[was.schema_type]} to "
                                  f"{TITLES[now.schema_type]}: consumers cannot decode it",
                            edited=True)
    # One pair only: data written with the published version meets readers of the edit.
    kind = now.schema_type
    modes = _modes(kind, (mode_of(old, bt, bc).removesuffix("_TRANSITIVE"),
                          old.config.policy_for(kind)),
                   (mode_of(new, at, ac).removesuffix("_TRANSITIVE"),
                    new.config.policy_for(kind)))
    return _run_checks([was, now], modes, (), edited=True)


def _modes(schema_type: str, old: tuple[str, str],
           new: tuple[str, str]) -> list[tuple[str, str, str]]:
    """The new (mode, policy), plus the old one when the change relaxed either."""
    modes = [(new[0], new[1], "new")]
    if relaxes(old[0], new[0]) or _stricter(schema_type, old[1], new[1]):
        modes.append((old[0], old[1], "old"))
    return modes


def _stricter(schema_type: str, policy: str, than: str) -> bool:
    """A format lists its policies from its default (the most permissive) to the strictest."""
    from evtctl.compat.formats import get_format

    order = get_format(schema_type).policies
    return policy in order and than in order and order.index(policy) > order.index(than)


def _run_checks(versions: list[LoadedSchema], modes: list[tuple[str, str, str]],
                notes: tuple[str, ...], edited: bool) -> SchemaReview:
    from evtctl.compat import MODES

    against = tuple(v.version for v in versions[:-1])
    checks: list[SchemaCheck] = []
    for mode, policy, side in modes:
        if mode not in MODES and side == "old":
            notes = (*notes, f"not checked under the previous mode {mode!r}: not a mode")
            continue
        if mode not in MODES:
            return SchemaReview(against, tuple(checks),
                                error=f"unknown compatibility mode {mode!r}", notes=notes,
                                edited=edited)
        try:
            checks.append(_check(versions, mode, policy, side))
        except RecursionError:
            return SchemaReview(against, tuple(checks), error="the schemas are nested too "
                                "deeply to compare", notes=notes, edited=edited)
        except Exception as exc:
            return SchemaReview(against, tuple(checks), notes=notes, edited=edited,
                                error=f"the compatibility engine failed: "
                                      f"{type(exc).__name__}: {exc}")
    return SchemaReview(against, tuple(checks), notes=notes, edited=edited)


def _check(versions: list[LoadedSchema], mode: str, policy: str, side: str) -> SchemaCheck:
    from dataclasses import replace

    from evtctl.compat.formats import get_format

    fmt = get_format(versions[-1].schema_type)
    if mode == "NONE":
        # NONE allows everything; the format still says what changed (later reading earlier).
        raw = fmt.check(versions[-2:], "BACKWARD", policy, chain=False, examples=False)
        return SchemaCheck(mode, policy, side, True,
                           tuple(replace(c, compatible=True) for c in raw.changes))
    result = fmt.check(versions, mode, policy, chain=False, examples=True)
    return SchemaCheck(result.mode, result.policy, side, result.compatible, result.changes)


def _policy(old: Side, new: Side, out: list[Change]) -> None:
    if old.config.policy != new.config.policy:
        out.append(Change(Kind.POLICY_CHANGED,
                          f"compatibility policy {old.config.policy} → {new.config.policy}",
                          before=old.config.policy, after=new.config.policy))
    was, now = old.config.policy_for("PROTOBUF"), new.config.policy_for("PROTOBUF")
    if was != now:
        out.append(Change(Kind.POLICY_CHANGED, f"Protobuf compatibility policy {was} → {now}",
                          key="protobuf", before=was, after=now))


# --- consumers and producers ----------------------------------------------------------

@dataclass
class _Link:
    events: set[str] | None  # None: every event on the topic
    groups: set[str]  # consumer groups (consumes) or reply topics (produces)
    entry: Consume | Produce


def _link_map(org: Organisation, role: str) -> dict[tuple[str, str], _Link]:
    """(service, topic) → what the service declares there, from the organisation's graph
    (first declaration of a service id; a duplicate is lint's finding)."""
    from evtctl.graph import EdgeKind, graph_of

    out: dict[tuple[str, str], _Link] = {}
    for edge in graph_of(org).declared():
        if not edge.primary or (edge.kind is EdgeKind.CONSUME) != (role == "consumes"):
            continue
        assert edge.entry is not None
        extra = edge.group if edge.kind is EdgeKind.CONSUME else edge.reply_topic
        events = None if edge.events is None else {str(e) for e in edge.events}
        key = (edge.service.id, edge.topic)
        link = out.get(key)
        if link is None:
            out[key] = _Link(events, {extra} if extra else set(), edge.entry)
            continue
        link.events = None if link.events is None or events is None else link.events | events
        if extra:
            link.groups.add(extra)
    return out


def _events_text(events: set[str] | None) -> str:
    return "every event" if events is None else ", ".join(sorted(events)) or "no events"


def _events_json(events: set[str] | None) -> list[str] | None:
    return None if events is None else sorted(events)


def _links(old: Side, new: Side, out: list[Change]) -> None:
    for role, kinds in (("consumes", (Kind.CONSUMER_ADDED, Kind.CONSUMER_REMOVED,
                                      Kind.CONSUMER_CHANGED)),
                        ("produces", (Kind.PRODUCER_ADDED, Kind.PRODUCER_REMOVED,
                                      Kind.PRODUCER_CHANGED))):
        extra = "groups" if role == "consumes" else "replyTopics"
        verb = "consumes" if role == "consumes" else "sends"
        added, removed, changed = kinds
        before, after = _link_map(old.org, role), _link_map(new.org, role)
        for key in sorted(before.keys() - after.keys()):
            link = before[key]
            out.append(Change(
                removed, f"{key[0]} no longer {verb} {_events_text(link.events)} on {key[1]}",
                service=key[0], topic=key[1],
                before={"events": _events_json(link.events), extra: sorted(link.groups)},
                where=old.where(link.entry.loc)))
        for key in sorted(after.keys() - before.keys()):
            link = after[key]
            out.append(Change(
                added, f"{key[0]} now {verb} {_events_text(link.events)} on {key[1]}",
                service=key[0], topic=key[1],
                after={"events": _events_json(link.events), extra: sorted(link.groups)},
                where=new.where(link.entry.loc)))
        for key in sorted(before.keys() & after.keys()):
            b, a = before[key], after[key]
            if b.events == a.events and b.groups == a.groups:
                continue
            parts: list[str] = []
            if b.events != a.events:
                if b.events is None or a.events is None:
                    parts.append(f"{_events_text(b.events)} → {_events_text(a.events)}")
                else:
                    if a.events - b.events:
                        parts.append("adds " + ", ".join(sorted(a.events - b.events)))
                    if b.events - a.events:
                        parts.append("drops " + ", ".join(sorted(b.events - a.events)))
            if b.groups != a.groups:
                label = "consumer group" if role == "consumes" else "reply topic"
                parts.append(f"{label} {', '.join(sorted(b.groups)) or '(none)'} → "
                             f"{', '.join(sorted(a.groups)) or '(none)'}")
            out.append(Change(
                changed, f"{key[0]} {verb} on {key[1]}: " + "; ".join(parts),
                service=key[0], topic=key[1],
                before={"events": _events_json(b.events), extra: sorted(b.groups)},
                after={"events": _events_json(a.events), extra: sorted(a.groups)},
                where=new.where(a.entry.loc)))
