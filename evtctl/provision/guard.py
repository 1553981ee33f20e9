"""Refusals made before any request that changes the cluster: no plan on partial knowledge.

Pure. Each refusal is a ProvisionError (exit 2) saying what is missing and what to do:

* a manifest under the paths failed to load (its topics would look undeclared);
* ``--allow-delete`` with paths that do not cover the whole project (the folder of the
  nearest ``evtctl.yaml``): the manifests left out would look like deletions;
* deletions that would remove more than the environment's share of the managed topics
  (``maxDeletePercent``, default 10%), unless ``--allow-delete`` is given twice with
  ``--max-deletes N`` and the deletions are at most N.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evtctl.provision.model import ActionKind, ClusterState, Plan, ProvisionError, Status
from evtctl.provision.plan import is_internal

DEFAULT_MAX_DELETE_PERCENT = 10.0


@dataclass(frozen=True, slots=True)
class DeleteLimit:
    allow_delete: int = 0  # how many times --allow-delete was given
    max_deletes: int | None = None
    max_percent: float = DEFAULT_MAX_DELETE_PERCENT


def check_delete_options(limit: DeleteLimit) -> None:
    if limit.max_deletes is not None and limit.allow_delete < 2:
        raise ProvisionError("--max-deletes is only taken with --allow-delete given twice",
                             where="--max-deletes",
                             hint="pass --allow-delete --allow-delete --max-deletes N to "
                                  "delete more than the environment's share of topics")
    if limit.allow_delete >= 2 and limit.max_deletes is None:
        raise ProvisionError("--allow-delete given twice needs --max-deletes N (how many "
                             "topics may go)", where="--allow-delete")
    if limit.max_deletes is not None and limit.max_deletes < 0:
        raise ProvisionError("--max-deletes must be 0 or more", where="--max-deletes")


def refuse_failed_manifests(failed: Sequence[str]) -> None:
    """``failed``: 'file:line:column: reason' of each manifest that did not load."""
    if not failed:
        return
    shown = "; ".join(failed[:5])
    more = f" (and {len(failed) - 5} more)" if len(failed) > 5 else ""
    first_file = failed[0].split(":", 1)[0]
    raise ProvisionError(
        f"{len(failed)} manifest problem{'s' if len(failed) != 1 else ''} under the paths: "
        f"{shown}{more}; a plan from what could be read would miss or misread what they "
        "declare", where=first_file,
        hint="fix them first (evtctl lint shows each one)")


def check_coverage(paths: Sequence[Path], project_root: Path | None,
                   config_file: Path | None) -> None:
    """With --allow-delete the paths must hold the whole project."""
    if project_root is None:
        return
    root = project_root.resolve()
    covered = any(root == p.resolve() or p.resolve() in root.parents for p in paths)
    if covered:
        return
    shown = ", ".join(str(p) for p in paths)
    raise ProvisionError(
        f"--allow-delete needs every manifest of the project, but the paths ({shown}) cover "
        f"only part of {root} (the folder of {config_file or 'evtctl.yaml'}): topics declared "
        "elsewhere in it would be deleted", where="--allow-delete",
        hint=f"give the project's root folder: evtctl provision {root} ...")


def managed_topic_count(observed: ClusterState, prefixes: Sequence[str]) -> int:
    return sum(1 for name in observed.topics
               if not is_internal(name) and any(name.startswith(p) for p in prefixes))


def check_delete_share(plan: Plan, managed: int, limit: DeleteLimit) -> None:
    deletes = sum(1 for a in plan.actions
                  if a.kind is ActionKind.DELETE_TOPIC and a.status is Status.PLANNED)
    if not deletes:
        return
    if limit.allow_delete >= 2 and limit.max_deletes is not None:
        if deletes <= limit.max_deletes:
            return
        raise ProvisionError(
            f"the plan deletes {deletes} topics, more than --max-deletes {limit.max_deletes}",
            where="--max-deletes", hint=f"check the paths; or raise --max-deletes to {deletes}")
    share = 100.0 * deletes / max(managed, 1)
    if share <= limit.max_percent:
        return
    raise ProvisionError(
        f"the plan deletes {deletes} of the {managed} topics under the managed prefixes "
        f"({share:.0f}%), more than the {limit.max_percent:g}% one apply may delete "
        "(maxDeletePercent)", where="--allow-delete",
        hint="check that the paths hold every manifest; to delete them anyway, pass "
             f"--allow-delete --allow-delete --max-deletes {deletes}")
