"""Which manifests a run reads, and which it is about.

A project is the folder of its ``evtctl.yaml``. Paths inside it are part of a whole: a run
on them reads every manifest of the project (references into other folders must resolve)
and reports on, or acts for, the manifests below the paths only. :func:`project_scope` says
which; ``Scope.partial`` tells a caller that the paths do not cover the whole project (lint
then reports for the paths only; anything that deletes what no manifest declares must not
act on a part).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evtctl.config import ProjectConfig
from evtctl.manifest.discovery import PathNotFound


@dataclass(frozen=True)
class Scope:
    """What a run reads and what it reports on.

    ``load`` is read; findings are reported for the manifest files below ``given`` (all of
    ``load`` when ``partial`` is False)."""

    load: tuple[Path, ...]
    given: tuple[Path, ...]  # resolved
    partial: bool

    def covers(self, file: Path) -> bool:
        if not self.partial:
            return True
        resolved = file.resolve()
        return any(resolved == g or g in resolved.parents for g in self.given)


def project_scope(paths: Sequence[Path], config: ProjectConfig) -> Scope:
    """The whole project for paths inside it (its root is the folder of ``evtctl.yaml``),
    else the paths alone. Raises PathNotFound for a missing path."""
    for path in paths:
        if not path.exists():
            raise PathNotFound(path)
    given = tuple(p.resolve() for p in paths)
    root = config.root
    if config.path is None or root in given or not any(root in g.parents for g in given):
        return Scope(tuple(paths), given, partial=False)
    outside = tuple(p for p, g in zip(paths, given, strict=True) if root not in g.parents)
    return Scope((root, *outside), given, partial=True)
