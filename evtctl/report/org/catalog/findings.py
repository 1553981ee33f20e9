"""Which catalogue page a lint finding belongs on.

A finding in a manifest goes to the innermost thing declared at or above its line in the
same file: a contract (its page), a topic, else the service. A finding in a schema file
goes to the contract whose version uses that file. Anything else (the project config,
a file no service is declared in) is listed on the findings page only.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from evtctl.findings import Finding
from evtctl.graph import OrgGraph


@dataclass
class Placement:
    by_page: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)

    def on(self, kind: str, key: str) -> list[Finding]:
        return self.by_page.get((kind, key), [])


def place(findings: list[Finding], graph: OrgGraph) -> Placement:
    """kind: "service" (id), "topic" (name), "contract" ("topic\\0name")."""
    spans: dict[Path, list[tuple[int, str, str]]] = {}
    schemas: dict[Path, str] = {}
    for service in graph.org.services:
        file = _key(service.file)
        spans.setdefault(file, []).append((service.loc.line, "service", service.id))
        for topic in service.topics:
            spans[file].append((topic.loc.line, "topic", topic.name))
            for contract in topic.contracts:
                key = f"{topic.name}\0{contract.name}"
                spans[file].append((contract.loc.line, "contract", key))
                for v in contract.versions:
                    schemas.setdefault(_key(v.schema_path), key)
        for entry in (*service.consumes, *service.produces):
            # After a service's last topic, its consumes/produces lines are its own.
            spans[file].append((entry.loc.line, "service", service.id))
    for marks in spans.values():
        marks.sort()
    out = Placement()
    for f in findings:
        file = _key(f.file)
        target: tuple[str, str] | None = None
        if file in schemas:
            target = ("contract", schemas[file])
        elif file in spans:
            marks = spans[file]
            i = bisect.bisect_right(marks, (f.line, "\uffff", "\uffff")) - 1
            if i >= 0:
                target = (marks[i][1], marks[i][2])
        if target is not None:
            out.by_page.setdefault(target, []).append(f)
    return out


def _key(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path
