"""No plan on partial knowledge: the refusals made before anything is sent (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evtctl.provision.guard import (
    DeleteLimit,
    check_coverage,
    check_delete_options,
    check_delete_share,
    managed_topic_count,
    refuse_failed_manifests,
)
from evtctl.provision.model import (
    ClusterState,
    DesiredState,
    DesiredTopic,
    ObservedTopic,
    ProvisionError,
)
from evtctl.provision.plan import PlanOptions, plan


def test_failed_manifests_are_named() -> None:
    refuse_failed_manifests([])
    with pytest.raises(ProvisionError) as raised:
        refuse_failed_manifests(["svc/a.yaml:1:1: EVT001: bad apiVersion"])
    assert raised.value.where == "svc/a.yaml"
    assert "svc/a.yaml:1:1: EVT001: bad apiVersion" in raised.value.message


def test_coverage(tmp_path: Path) -> None:
    (tmp_path / "teams" / "a").mkdir(parents=True)
    check_coverage([tmp_path], tmp_path, tmp_path / "evtctl.yaml")
    check_coverage([tmp_path.parent], tmp_path, tmp_path / "evtctl.yaml")
    check_coverage([tmp_path / "teams"], None, None)  # no project: nothing to cover
    with pytest.raises(ProvisionError, match="cover only part of"):
        check_coverage([tmp_path / "teams" / "a"], tmp_path, tmp_path / "evtctl.yaml")


def orphans(declared: int, orphaned: int) -> tuple[DesiredState, ClusterState]:
    names = [f"a.n.s.events.m{i}" for i in range(declared + orphaned)]
    desired = DesiredState(tuple(DesiredTopic(n) for n in names[:declared]),
                           managed_prefixes=("a.",), org_prefixes=("a.",))
    observed = ClusterState("cid", 1, {n: ObservedTopic(n, 1, 1) for n in names})
    return desired, observed


@pytest.mark.parametrize(("declared", "orphaned", "limit", "ok"), [
    (9, 1, DeleteLimit(1), True),  # 10% is not more than 10%
    (8, 2, DeleteLimit(1), False),
    (8, 2, DeleteLimit(1, max_percent=20), True),
    (8, 2, DeleteLimit(2, 2), True),
    (8, 2, DeleteLimit(2, 1), False),
    (0, 3, DeleteLimit(2, 3), True),
])
def test_delete_share(declared: int, orphaned: int, limit: DeleteLimit, ok: bool) -> None:
    desired, observed = orphans(declared, orphaned)
    the_plan = plan(desired, observed, PlanOptions(allow_delete=True))
    managed = managed_topic_count(observed, desired.managed_prefixes)
    assert managed == declared + orphaned
    if ok:
        check_delete_share(the_plan, managed, limit)
    else:
        with pytest.raises(ProvisionError, match="the plan deletes"):
            check_delete_share(the_plan, managed, limit)


def test_delete_options() -> None:
    check_delete_options(DeleteLimit(0))
    check_delete_options(DeleteLimit(2, 5))
    with pytest.raises(ProvisionError, match="only taken with --allow-delete given twice"):
        check_delete_options(DeleteLimit(1, 5))
    with pytest.raises(ProvisionError, match="needs --max-deletes"):
        check_delete_options(DeleteLimit(2))


def _manifest(folder: Path, name: str, head: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "service.yaml").write_text(
        f"{head}\nkind: Service\nmetadata:\n  company: acme\n  namespace: shop\n"
        f"  name: {name}\n  owner: team-shop\ntopics:\n  - name: acme.shop.{name}.events\n")


@pytest.mark.parametrize("head", ["apiversion: evtctl/v1", "apiVersion: evtclt/v1",
                                  "apiVersion: evtctl/v9"])
def test_a_near_miss_manifest_stops_the_plan(tmp_path: Path, head: str) -> None:
    """The first-release failure: a misspelt apiVersion key or value made the manifest vanish
    and provision planned to delete its topic. Now the plan is refused, naming the file."""
    from evtctl.manifest.loader import load_organisation
    from evtctl.provision.run import failed_manifests

    (tmp_path / "evtctl.yaml").write_text("version: 1\ncompany: acme\n")
    _manifest(tmp_path / "cart", "cart", "apiVersion: evtctl/v1")
    _manifest(tmp_path / "orders", "orders", head)
    loaded = load_organisation([tmp_path])
    assert not loaded.complete
    failed = failed_manifests(loaded)
    assert len(failed) == 1 and "orders/service.yaml:1:" in failed[0]
    with pytest.raises(ProvisionError) as raised:
        refuse_failed_manifests(failed)
    assert "would miss or misread what they declare" in raised.value.message


def test_a_whole_organisation_plans(tmp_path: Path) -> None:
    from evtctl.manifest.loader import load_organisation
    from evtctl.provision.run import failed_manifests

    _manifest(tmp_path / "cart", "cart", "apiVersion: evtctl/v1")
    assert failed_manifests(load_organisation([tmp_path])) == []


@pytest.mark.parametrize("edit, where", [
    (("topics:", "topcs:"), "service.yaml:8:1"),            # the section is not read
    (("  - name:", "  - nme:"), "service.yaml:9:5"),       # the topic entry is not read
    ((".events\n", ".events\n    partitions: \"12\"\n"), "service.yaml:10:17"),  # wrong type
])
def test_a_manifest_read_in_part_stops_the_plan(tmp_path: Path, edit: tuple[str, str],
                                                 where: str) -> None:
    """A manifest that loads but breaks its schema was not read as written: planning from
    what was read would delete its topics (with --allow-delete) or create them wrong."""
    from evtctl.manifest.loader import load_organisation
    from evtctl.provision.run import failed_manifests

    _manifest(tmp_path / "cart", "cart", "apiVersion: evtctl/v1")
    path = tmp_path / "cart" / "service.yaml"
    path.write_text(path.read_text().replace(*edit))
    loaded = load_organisation([tmp_path])
    assert not loaded.complete and loaded.manifests_loaded == 1
    failed = failed_manifests(loaded)
    assert failed and any(where in f for f in failed), failed
