"""A view as JSON (``evtctl graph --format json``): nodes, edges, and ``formatVersion``."""

from __future__ import annotations

import json
from typing import Any

from evtctl.report.org.view import View

FORMAT_VERSION = 1


def to_data(view: View) -> dict[str, Any]:
    g = view.graph
    services = []
    for sid in view.services:
        node = g.services.get(sid)
        services.append({"id": sid, "namespace": node.namespace if node else None,
                         "owner": node.owner if node else None,
                         "description": node.service.description if node else None})
    topics = []
    for name in view.topics:
        t = g.topics[name]
        topics.append({
            "name": name, "kind": t.kind.value if t.kind else None, "reply": t.is_reply,
            "owner": t.owner, "declared": t.declared,
            "contracts": [{"name": c.name, "versions": [
                {"version": v.version, "deprecated": v.deprecated is not None,
                 "sunset": v.deprecated.sunset if v.deprecated else None}
                for v in c.versions]} for c in t.contracts],
        })
    edges = [{"service": a.service, "topic": a.topic, "kind": a.kind.value, "flow": a.flow,
              "events": None if a.events is None else list(a.events),
              "implied": a.implied, "groups": list(a.groups),
              "deprecatedPins": list(a.deprecated),
              **({"mark": a.mark} if a.mark else {})} for a in view.arrows]
    return {"formatVersion": FORMAT_VERSION, "services": services, "topics": topics,
            "edges": edges}


def render(view: View) -> str:
    return json.dumps(to_data(view), indent=2, ensure_ascii=False) + "\n"
