"""Where every page of the catalogue lives, and what each page is built from.

File names are made from names in manifests, so they are reduced to safe characters
(``[a-z0-9._-]``, lower case for case-insensitive file systems); a name that had to be
changed, or that would collide with another, gets a short hash of the original.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from evtctl.config import ProjectConfig
from evtctl.findings import Finding
from evtctl.graph import OrgGraph
from evtctl.report.org.catalog.contracts import ContractDoc
from evtctl.report.org.catalog.findings import Placement

_UNSAFE = re.compile(r"[^a-z0-9._-]")


class Slugs:
    def __init__(self) -> None:
        self._given: dict[tuple[str, str], str] = {}
        self._taken: set[tuple[str, str]] = set()

    def get(self, folder: str, name: str) -> str:
        key = (folder, name)
        found = self._given.get(key)
        if found is not None:
            return found
        base = _UNSAFE.sub("_", name.lower())[:120].strip(".") or "_"
        digest = hashlib.sha256(name.encode()).hexdigest()
        slug = base
        if base != name.lower() or (folder, base) in self._taken:
            slug = f"{base}-{digest[:8]}"
        if (folder, slug) in self._taken:
            slug = f"{base}-{digest[:16]}"
        self._taken.add((folder, slug))
        self._given[key] = slug
        return slug


@dataclass
class Site:
    graph: OrgGraph
    config: ProjectConfig
    out: Path
    today: date
    docs: dict[tuple[str, str], ContractDoc] = field(default_factory=dict)
    placement: Placement | None = None  # with --with-lint
    findings: list[Finding] = field(default_factory=list)
    flow_note: str | None = None  # why the flow is left out, when it is
    flow_pages: dict[str, str] = field(default_factory=dict)  # namespace -> page ("": all)
    slugs: Slugs = field(default_factory=Slugs)

    @property
    def with_lint(self) -> bool:
        return self.placement is not None

    def service_url(self, sid: str, rel: str = "") -> str:
        return f"{rel}services/{self.slugs.get('services', sid)}.html"

    def topic_url(self, name: str, rel: str = "") -> str:
        return f"{rel}topics/{self.slugs.get('topics', name)}.html"

    def contract_url(self, topic: str, contract: str, rel: str = "") -> str:
        return f"{rel}contracts/{self.slugs.get('contracts', topic + '--' + contract)}.html"

    def owner_anchor(self, owner: str) -> str:
        return "owner-" + self.slugs.get("owners", owner)

    def flow_url(self, namespace: str | None, rel: str = "", service: str | None = None) -> str:
        page = self.flow_pages.get(namespace or "") or self.flow_pages.get("")
        if page is None:
            return f"{rel}flow.html"
        return f"{rel}{page}" + (f"#service={service}" if service else "")

    def relative_file(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.config.root).as_posix()
        except (ValueError, OSError):
            return path.as_posix()
