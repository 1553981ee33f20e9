"""`--against` / `--head`: git refs read without touching the checkout."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from diff_testkit import cli, commit_all, git, sample_repo

from evtctl.diff.git import _link_inside, _safe

INVOICES = Path("sample-manifests/billing/invoiceservice/service.yaml")


def lower_partitions(repo: Path) -> None:
    path = repo / INVOICES
    text = path.read_text(encoding="utf-8")
    assert "partitions: 12" in text
    path.write_text(text.replace("partitions: 12", "partitions: 8", 1), encoding="utf-8")


def snapshot(repo: Path) -> tuple[str, bytes]:
    return git(repo, "status", "--porcelain", "--untracked-files=all"), \
        (repo / ".git" / "index").read_bytes()


def test_working_tree_against_a_ref(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    lower_partitions(repo)
    before = snapshot(repo)
    done = cli(["--against", "main", "--format", "json"], repo)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert data["old"]["label"].startswith("main (") and data["new"]["label"] == "working tree"
    [change] = data["changes"]
    assert change["kind"] == "topic-partitions-changed" and change["breaking"]
    assert change["location"]["file"] == INVOICES.as_posix()
    assert {a["service"] for a in change["affected"]} >= {"arcadia.billing.ledgerservice"}
    assert snapshot(repo) == before  # neither the index nor the work tree moved


def test_two_commits_with_head(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    lower_partitions(repo)
    commit_all(repo, "fewer partitions")
    git(repo, "checkout", "-q", "HEAD~1")  # the checkout must not matter with --head
    done = cli(["--against", "main~1", "--head", "main", "--format", "json"], repo)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert data["new"]["commit"] == git(repo, "rev-parse", "main").strip()
    assert [c["kind"] for c in data["changes"]] == ["topic-partitions-changed"]
    clean = cli(["--against", "main~1", "--head", "main~1"], repo)
    assert clean.returncode == 0 and "0 changes" in clean.stdout


def test_path_limits_the_manifests_and_cwd_counts(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    lower_partitions(repo)
    identity = cli(["--against", "main", "--path", "sample-manifests/identity"], repo)
    assert identity.returncode == 0 and "0 changes" in identity.stdout
    billing = cli(["--against", "main"], repo / "sample-manifests" / "billing")
    assert billing.returncode == 1 and "partitions 12 → 8" in billing.stdout


def test_a_folder_new_in_the_working_tree(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "README").write_text("x", encoding="utf-8")
    commit_all(repo, "empty")
    shutil.copytree(Path(__file__).resolve().parents[2] / "sample-manifests", repo / "org")
    done = cli(["--against", "main", "--path", "org", "--format", "json"], repo)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["old"]["notes"] and data["old"]["services"] == 0
    assert {c["kind"] for c in data["changes"]} >= {"service-added", "topic-added"}


def test_the_refs_own_config_is_used(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    config = repo / "sample-manifests" / "evtctl.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "policy: lenient", "policy: strict"), encoding="utf-8")
    # As with lint, the config is the nearest one at or above the manifests' folder.
    done = cli(["--against", "main", "--path", "sample-manifests", "--format", "json"], repo)
    data = json.loads(done.stdout)
    assert [(c["kind"], c["before"], c["after"]) for c in data["changes"]] == [
        ("policy-changed", "lenient", "strict")]


def test_missing_ref_in_a_shallow_clone_names_the_fetch_that_fixes_it(tmp_path: Path) -> None:
    origin = sample_repo(tmp_path)
    git(origin, "checkout", "-q", "-b", "feature")
    lower_partitions(origin)
    commit_all(origin, "feature work")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch", "feature", "--single-branch",
        f"file://{origin}", str(clone))
    done = cli(["--against", "origin/main"], clone)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    fetch = "git fetch --no-tags --depth=1 origin main:refs/remotes/origin/main"
    assert "shallow clone" in done.stderr and fetch in done.stderr
    assert "git fetch --unshallow" in done.stderr
    git(clone, *fetch.split()[1:])  # the advice works
    fixed = cli(["--against", "origin/main"], clone)
    assert fixed.returncode == 1 and "partitions 12 → 8" in fixed.stdout


def test_missing_relative_ref_in_a_shallow_clone(tmp_path: Path) -> None:
    origin = sample_repo(tmp_path)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{origin}", str(clone))
    done = cli(["--against", "HEAD~1"], clone)
    assert done.returncode == 2
    assert "git fetch --deepen" in done.stderr and "--unshallow" in done.stderr


def test_outside_a_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    done = cli(["--against", "main"], folder)
    assert done.returncode == 2 and "not inside one" in done.stderr


def test_an_option_like_ref_is_refused(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    done = cli(["--against=--output=/tmp/x"], repo)
    assert done.returncode == 2 and "is not a git ref" in done.stderr


def test_a_symlink_out_of_the_tree_is_not_followed(tmp_path: Path) -> None:
    repo = sample_repo(tmp_path)
    secret = tmp_path / "secret.json"
    secret.write_text('{"type": "string"}', encoding="utf-8")
    schema = repo / INVOICES.parent / "schemas" / "invoice-paid.v2.json"
    schema.unlink()
    schema.symlink_to(secret)
    commit_all(repo, "hostile link")
    done = cli(["--against", "main~1", "--head", "main", "--format", "json"], repo)
    data = json.loads(done.stdout)
    [change] = data["changes"]
    assert change["kind"] == "version-schema-changed" and change["breaking"]
    assert "does not exist" in change["reason"]


@pytest.mark.parametrize(("path", "ok"), [
    ("a/b.yaml", True), ("../x", False), ("a/../../x", False), (".git/config", False),
    ("node_modules/x/y.json", False), ("/etc/passwd", False)])
def test_safe_paths(path: str, ok: bool) -> None:
    assert _safe(path) is ok


@pytest.mark.parametrize(("path", "link", "ok"), [
    ("a/b.json", "c.json", True), ("a/b.json", "../c.json", True),
    ("a/b.json", "../../c.json", False), ("b.json", "/etc/passwd", False)])
def test_links_inside(path: str, link: str, ok: bool) -> None:
    assert _link_inside(path, link) is ok
