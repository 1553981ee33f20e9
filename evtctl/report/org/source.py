"""Reading the organisation for the drawings, the catalogue and the AsyncAPI export.

The manifests are read as ``evtctl lint`` reads them. A manifest that does not load at
all (bad YAML, an unsupported ``apiVersion``, a broken ``metadata``) stops the command
with its place: a picture, a catalogue or an AsyncAPI document without that service's
topics would look complete and be wrong. Smaller problems (an unknown key, say) leave the
service in; the command says how many there are and that ``evtctl lint`` lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evtctl.config import ConfigError, ProjectConfig, load_config
from evtctl.graph import OrgGraph, graph_of
from evtctl.manifest.loader import STRUCTURE, YAML_INVALID, YAML_TAG, LoadResult, RuleProblem


class OrgInputError(Exception):
    """Input the command cannot work from (one line for the user; exit status 2)."""


@dataclass(frozen=True)
class OrgSource:
    loaded: LoadResult
    config: ProjectConfig
    graph: OrgGraph

    @property
    def notes(self) -> list[str]:
        n = len(self.loaded.problems)
        if not n:
            return []
        return [f"{n} manifest problem{'s' if n != 1 else ''} found while reading; "
                "`evtctl lint` lists them"]


def _fatal(problem: RuleProblem) -> bool:
    if problem.rule in (YAML_INVALID, YAML_TAG):
        return True
    anchor = problem.problem.anchor
    return problem.rule == STRUCTURE and (anchor == "" or anchor.startswith(("metadata", ":")))


def read_org(paths: Sequence[Path], config_file: Path | None) -> OrgSource:
    """Load config and manifests below ``paths``. Raises OrgInputError."""
    from evtctl.findings import display_path
    from evtctl.manifest.discovery import PathNotFound
    from evtctl.manifest.loader import load_organisation

    try:
        config = load_config(config_file, list(paths))
        loaded = load_organisation(list(paths))
    except ConfigError as exc:
        raise OrgInputError(str(exc)) from None
    except PathNotFound as exc:
        raise OrgInputError(f"{exc}; give a manifest file or a folder that holds manifests"
                            ) from None
    fatal = [p for p in loaded.problems if _fatal(p)]
    if fatal:
        loc = fatal[0].problem.location
        more = f" (and {len(fatal) - 1} more)" if len(fatal) > 1 else ""
        raise OrgInputError(
            f"{display_path(loc.file)}:{loc.line}:{loc.column}: {fatal[0].problem.message}"
            f"{more}; this manifest cannot be read, so its services would be missing; "
            "`evtctl lint` shows every problem")
    if not loaded.files:
        shown = " ".join(str(p) for p in paths)
        raise OrgInputError(f"no evtctl manifests found in {shown} (manifests are YAML files "
                            "with 'apiVersion: evtctl/v1'); check the path")
    return OrgSource(loaded, config, graph_of(loaded.org))
