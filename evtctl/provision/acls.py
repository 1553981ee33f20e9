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

Everything is read from the organisation graph (:mod:`evtctl.graph`), the one index of who
uses a topic: owner bindings from the topics' declarations, consumer bindings from the
declared ``consume`` edges (with the group in effect), sender and reply bindings from the
declared ``send`` and ``reply`` edges (with the reply topic a command names). A topic no
manifest declares is taken to belong to the service its name says.
"""

from __future__ import annotations

from collections.abc import Iterator

from evtctl.graph import Edge, EdgeKind, OrgGraph, graph_of
from evtctl.manifest.model import Organisation, Service
from evtctl.naming import TopicKind, TopicName, parse_topic_name
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
    return _Derivation(graph_of(org), org, template).run()


class _Derivation:
    """One pass over the graph: principals made once per service declaration."""

    def __init__(self, graph: OrgGraph, org: Organisation, template: str) -> None:
        self.graph = graph
        self.template = template
        # Every declaration's principal, in manifest order (a bad template fails here, even
        # for an organisation that would get no binding).
        self._principals = {id(s): (s, principal_for(s, template)) for s in org.services}
        self.grants = self._reply_grants()

    def principal(self, service: Service) -> str:
        found = self._principals.get(id(service))
        if found is None or found[0] is not service:
            return principal_for(service, self.template)
        return found[1]

    def run(self) -> tuple[frozenset[AclSpec], list[str]]:
        bindings: set[AclSpec] = set()
        warnings: list[str] = []
        for node in self.graph.topics.values():
            for service in node.declared_by:
                bindings.update(_owner_bindings(node.name, node.kind, service,
                                                self.principal(service)))
        # Declared edges in manifest order: each service's consumes, then its produces.
        for edge in self.graph.declared():
            items = (self._consumer_bindings(edge) if edge.kind is EdgeKind.CONSUME
                     else self._sender_bindings(edge))
            for item in items:
                if isinstance(item, AclSpec):
                    bindings.add(item)
                else:
                    warnings.append(item)
        return frozenset(bindings), warnings

    # -- what the graph says of a topic ---------------------------------------------------
    def _parsed(self, topic: str) -> TopicName | None:
        node = self.graph.topic(topic)
        return node.parsed if node is not None else parse_topic_name(topic)

    def _owner_id(self, topic: str) -> str | None:
        """The declaring service, or for a topic no manifest declares, the one its name says."""
        owner = self.graph.owner_of(topic)
        if owner is not None:
            return owner
        parsed = self._parsed(topic)
        return parsed.service_id if parsed else None

    def _owner(self, topic: str) -> Service | None:
        """The (first) service declaration that declares ``topic``."""
        node = self.graph.topic(topic)
        return node.declared_by[0] if node is not None and node.declared_by else None

    # -- bindings --------------------------------------------------------------------------
    def _consumer_bindings(self, edge: Edge) -> Iterator[AclSpec | str]:
        service = edge.service
        parsed = self._parsed(edge.topic)
        kind = parsed.kind if parsed else None
        if self._owner_id(edge.topic) != service.id and kind in (TopicKind.COMMANDS,
                                                                 TopicKind.PRIVATE):
            assert kind is not None
            yield (f"no ACL for {service.id} to read {edge.topic}: only its owner may "
                   f"subscribe to a {kind.value} topic")
            return
        assert edge.group is not None  # a consume edge carries the group in effect
        principal = self.principal(service)
        yield AclSpec(TOPIC, edge.topic, principal, READ)
        yield AclSpec(GROUP, edge.group, principal, READ)

    def _reply_grants(self) -> dict[str, set[str]]:
        """Reply topic → the principals that may answer on it: for each command a service
        sends that names a ``replyTopic`` (its own ``private.reply``), the owner of the
        commands topic it sends to. Nothing else opens a ``private.reply`` topic to another
        service."""
        grants: dict[str, set[str]] = {}
        for edge in self.graph.declared():
            if edge.kind is not EdgeKind.SEND or edge.reply_topic is None:
                continue
            replier = self._owner(edge.topic)
            reply = parse_topic_name(edge.reply_topic)
            if (replier is None or reply is None or not reply.is_reply
                    or self._owner_id(edge.reply_topic) != edge.service.id
                    or replier.id == edge.service.id):
                continue
            grants.setdefault(edge.reply_topic, set()).add(self.principal(replier))
        return grants

    def _sender_bindings(self, edge: Edge) -> Iterator[AclSpec | str]:
        service = edge.service
        owner_id = self._owner_id(edge.topic)
        if owner_id == service.id:
            return  # its own topic: the owner bindings cover it
        principal = self.principal(service)
        if edge.kind is EdgeKind.SEND:
            yield AclSpec(TOPIC, edge.topic, principal, WRITE)
            yield from self._reply_binding(service, edge.topic, edge.reply_topic)
        elif edge.kind is EdgeKind.REPLY:
            if principal in self.grants.get(edge.topic, set()):
                return  # the reply relation grants it
            yield (f"no ACL for {service.id} to write {edge.topic}: a private.reply topic "
                   f"is open only to the services its owner's commands name it for "
                   f"(replyTopic), and {owner_id or 'its owner'} names it for none of "
                   f"{service.id}'s commands topics")
        else:
            parsed = self._parsed(edge.topic)
            kind = parsed.kind.value if parsed else "unrecognised"
            yield (f"no ACL for {service.id} to write {edge.topic}: only its owner may "
                   f"publish to a {kind} topic")

    def _reply_binding(self, service: Service, commands: str,
                       reply: str | None) -> Iterator[AclSpec | str]:
        """WRITE on ``reply`` for the owner of ``commands``, when the sender names it."""
        replier = self._owner(commands)
        if reply is None or replier is None:
            return  # no reply topic named: the replier gets nothing
        reply_parsed = parse_topic_name(reply)
        if (reply_parsed is None or not reply_parsed.is_reply
                or self._owner_id(reply) != service.id):
            yield (f"no ACL for replies to {reply}: a reply topic must be a private.reply "
                   f"topic of {service.id}")
            return
        yield AclSpec(TOPIC, reply, self.principal(replier), WRITE)


def _owner_bindings(topic: str, kind: TopicKind | None, service: Service,
                    principal: str) -> Iterator[AclSpec]:
    if kind in (TopicKind.EVENTS, TopicKind.RESULTS):
        yield AclSpec(TOPIC, topic, principal, WRITE)
    elif kind is TopicKind.COMMANDS:
        yield AclSpec(TOPIC, topic, principal, READ)
        yield AclSpec(GROUP, service.id, principal, READ)
    else:  # private, or a name outside the grammar: the owner's alone
        yield AclSpec(TOPIC, topic, principal, READ)
        yield AclSpec(TOPIC, topic, principal, WRITE)
        yield AclSpec(GROUP, service.id, principal, READ)
