"""The sample organisation against a modified copy, and through a fresh clone's history."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from diff_testkit import (
    SAMPLE,
    affected_ids,
    cli,
    commit_all,
    diff_dirs,
    git,
    only,
    realistic_change,
    sample_repo,
)

EXPECTED = [
    ("topic-partitions-changed", True),  # paymentservice.private.retry 3 → 1
    ("version-added", False),  # PaymentCaptured v2
    ("consumer-changed", False),  # ledgerservice: InvoicePaid@2 → @3
    ("version-added", True),  # InvoicePaid v3
    ("version-removed", False),  # PersonaCreated v1
]


def test_sample_against_a_modified_copy(tmp_path: Path) -> None:
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    realistic_change(copy)
    result = diff_dirs(SAMPLE, copy)
    assert sorted((r.change.kind.value, r.verdict.breaking) for r in result.changes) == \
        sorted(EXPECTED)
    invoice = next(r for r in result.changes if r.change.contract == "InvoicePaid")
    assert invoice.verdict.breaking and "REQUIRED_PROPERTY_ADDED" in invoice.verdict.reason
    assert [(a.service, a.owner, a.events, a.sides) for a in invoice.verdict.affected] == [
        ("arcadia.billing.ledgerservice", "team-finance", ("InvoicePaid@2", "InvoicePaid@3"),
         ("old", "new")),
        ("arcadia.billing.subscriptionservice", "team-billing", ("InvoicePaid@2",),
         ("old", "new"))]
    persona = only(result, "version-removed")
    assert persona.change.contract == "PersonaCreated" and not persona.change.notes
    retry = only(result, "topic-partitions-changed")
    assert affected_ids(retry) == []  # a private topic: only its owner uses it
    assert result.exit_code == 1


def test_sample_through_git_history_from_a_fresh_clone(tmp_path: Path) -> None:
    origin = sample_repo(tmp_path)
    realistic_change(origin / "sample-manifests")
    commit_all(origin, "billing: amounts in cents")
    clone = tmp_path / "fresh"
    git(tmp_path, "clone", "-q", f"file://{origin}", str(clone))
    done = cli(["--against", "HEAD~1", "--format", "json",
                "--path", "sample-manifests"], clone)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert sorted((c["kind"], c["breaking"]) for c in data["changes"]) == sorted(EXPECTED)
    md = cli(["--against", "origin/main~1", "--head", "origin/main", "--format", "markdown"],
             clone)
    assert md.returncode == 1 and "🔴 evtctl diff: 2 breaking changes" in md.stdout
