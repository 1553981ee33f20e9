"""ACL bindings derived from ownership in the manifests.

Every binding is ALLOW, on a literal topic or consumer-group name, for the principal the
environment's template gives a service (``User:{service}`` by default):

* the owner WRITEs its ``events`` and ``results`` topics;
* the owner READs its ``commands`` topic (in its own consumer group, the service id);
* ``private.*`` topics: the owner READs and WRITEs; nobody else, except that the service
  owning a commands topic may WRITE a ``private.reply`` topic when a command sent to it names
  that topic as its ``replyTopic`` (to answer) — never because the sender merely has one;
* a consumer READs every topic it consumes, in the consumer group it declares (or its
  default, the service id) — no other group;
* a sender WRITEs the ``commands`` topics it sends to.

Subscriptions and sends that the architecture forbids (reading another service's commands,
writing another service's events) get no binding, and a warning says so.
"""

from __future__ import annotations

from collections.abc import Iterator

from evtctl.manifest.model import Organisation, Service
from evtctl.naming import TopicKind, parse_topic_name
from evtctl.provision.model import AclSpec, Operation, ProvisionError, ResourceKind

READ, WRITE = Operation.READ, Operation.WRITE
TOPIC, GROUP = ResourceKind.TOPIC, ResourceKind.GROUP


def principal_for(service: Service, template: str) -> str:
    try:
        return template.format_map({
            "company": service.company,
            "namespace": service.namespace,
            "service": service.name,
            "id": service.id,
        })
    except (KeyError, ValueError, IndexError) as error:
        raise ProvisionError(
            f"principal template {template!r} is invalid ({error}); use {{company}}, "
            "{namespace}, {service} or {id}") from None


def derive_acls(org: Organisation, template: str) -> tuple[frozenset[AclSpec], list[str]]:
    """The bindings the manifests give, and warnings for what they ask but may not have."""
    bindings: set[AclSpec] = set()
    warnings: list[str] = []
    for service in org.services:
        principal = principal_for(service, template)
        for acl in _owner_bindings(service, principal):
            bindings.add(acl)
        for acl_or_warning in _consumer_bindings(org, service, principal):
            _add(acl_or_warning, bindings, warnings)
        for acl_or_warning in _sender_bindings(org, service, principal, template):
            _add(acl_or_warning, bindings, warnings)
    return frozenset(bindings), warnings


def _add(item: AclSpec | str, bindings: set[AclSpec], warnings: list[str]) -> None:
    if isinstance(item, AclSpec):
        bindings.add(item)
    else:
        warnings.append(item)


def _kind(topic: str) -> TopicKind | None:
    parsed = parse_topic_name(topic)
    return parsed.kind if parsed else None


def _owner_bindings(service: Service, principal: str) -> Iterator[AclSpec]:
    for topic in service.topics:
        kind = _kind(topic.name)
        if kind in (TopicKind.EVENTS, TopicKind.RESULTS):
            yield AclSpec(TOPIC, topic.name, principal, WRITE)
        elif kind is TopicKind.COMMANDS:
            yield AclSpec(TOPIC, topic.name, principal, READ)
            yield AclSpec(GROUP, service.id, principal, READ)
        else:  # private, or a name outside the grammar: the owner's alone
            yield AclSpec(TOPIC, topic.name, principal, READ)
            yield AclSpec(TOPIC, topic.name, principal, WRITE)
            yield AclSpec(GROUP, service.id, principal, READ)


def _owner_id(org: Organisation, topic: str) -> str | None:
    owner = org.owner_of(topic)
    if owner is not None:
        return owner[0].id
    parsed = parse_topic_name(topic)
    return parsed.service_id if parsed else None


def _consumer_bindings(org: Organisation, service: Service,
                       principal: str) -> Iterator[AclSpec | str]:
    for consume in service.consumes:
        kind = _kind(consume.topic)
        foreign = _owner_id(org, consume.topic) != service.id
        if foreign and kind in (TopicKind.COMMANDS, TopicKind.PRIVATE):
            yield (f"no ACL for {service.id} to read {consume.topic}: only its owner may "
                   f"subscribe to a {kind.value} topic")
            continue
        yield AclSpec(TOPIC, consume.topic, principal, READ)
        yield AclSpec(GROUP, service.group_id(consume), principal, READ)


def _reply_grants(org: Organisation, template: str) -> dict[str, set[str]]:
    """Reply topic → the principals that may answer on it: for each command a service sends
    that names a ``replyTopic`` (its own ``private.reply``), the owner of the commands topic
    it sends to. Nothing else opens a ``private.reply`` topic to another service."""
    grants: dict[str, set[str]] = {}
    for service in org.services:
        for produce in service.produces:
            parsed = parse_topic_name(produce.topic)
            replier = org.owner_of(produce.topic)
            if (produce.reply_topic is None or parsed is None
                    or parsed.kind is not TopicKind.COMMANDS or replier is None):
                continue
            reply = parse_topic_name(produce.reply_topic)
            if reply is None or not reply.is_reply or _owner_id(org, produce.reply_topic) \
                    != service.id or replier[0].id == service.id:
                continue
            grants.setdefault(produce.reply_topic, set()).add(
                principal_for(replier[0], template))
    return grants


def _sender_bindings(org: Organisation, service: Service, principal: str,
                     template: str) -> Iterator[AclSpec | str]:
    grants = _reply_grants(org, template)
    for produce in service.produces:
        parsed = parse_topic_name(produce.topic)
        owner_id = _owner_id(org, produce.topic)
        if owner_id == service.id:
            continue  # its own topic: the owner bindings cover it
        if parsed is not None and parsed.kind is TopicKind.COMMANDS:
            yield AclSpec(TOPIC, produce.topic, principal, WRITE)
            yield from _reply_binding(org, service, produce.topic, produce.reply_topic,
                                      template)
        elif parsed is not None and parsed.is_reply:
            if principal in grants.get(produce.topic, set()):
                continue  # the reply relation below grants it
            yield (f"no ACL for {service.id} to write {produce.topic}: a private.reply topic "
                   f"is open only to the services its owner's commands name it for "
                   f"(replyTopic), and {owner_id or 'its owner'} names it for none of "
                   f"{service.id}'s commands topics")
        else:
            kind = parsed.kind.value if parsed else "unrecognised"
            yield (f"no ACL for {service.id} to write {produce.topic}: only its owner may "
                   f"publish to a {kind} topic")


def _reply_binding(org: Organisation, service: Service, commands: str, reply: str | None,
                   template: str) -> Iterator[AclSpec | str]:
    """WRITE on ``reply`` for the owner of ``commands``, when the sender names it."""
    replier = org.owner_of(commands)
    if reply is None or replier is None:
        return  # no reply topic named: the replier gets nothing
    reply_parsed = parse_topic_name(reply)
    if reply_parsed is None or not reply_parsed.is_reply or _owner_id(org, reply) != service.id:
        yield (f"no ACL for replies to {reply}: a reply topic must be a private.reply "
               f"topic of {service.id}")
        return
    yield AclSpec(TOPIC, reply, principal_for(replier[0], template), WRITE)
