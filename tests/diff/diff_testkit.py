"""Helpers for the diff tests: small organisations on disk, git repositories, the CLI."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from evtctl.diff.breaking import Reviewed
from evtctl.diff.result import DiffResult
from evtctl.diff.run import DiffOptions, compute, run

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample-manifests"

OBJ_V1: dict[str, Any] = {"type": "object", "properties": {"id": {"type": "string"}},
                          "required": ["id"]}
OBJ_V2_OK: dict[str, Any] = {"type": "object", "required": ["id"], "properties": {
    "id": {"type": "string"}, "note": {"type": "string"}}}
OBJ_V2_BAD: dict[str, Any] = {"type": "object", "required": ["id"], "properties": {
    "id": {"type": "integer"}}}


def service(name: str, *, namespace: str = "shop", owner: str | None = "team-a",
            topics: list[dict[str, Any]] | None = None,
            consumes: list[dict[str, Any]] | None = None,
            produces: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"apiVersion": "evtctl/v1", "kind": "Service",
                           "metadata": {"company": "acme", "namespace": namespace,
                                        "name": name}}
    if owner:
        doc["metadata"]["owner"] = owner
    for key, value in (("topics", topics), ("consumes", consumes), ("produces", produces)):
        if value is not None:
            doc[key] = value
    return doc


def topic(name: str, contracts: dict[str, list[int]] | None = None,
          **settings: Any) -> dict[str, Any]:
    """A topic whose contract versions use schemas/<contract>.v<n>.json."""
    out: dict[str, Any] = {"name": name, **settings}
    if contracts:
        out["contracts"] = [
            {"name": c, "versions": [{"version": n, "schema": f"schemas/{c}.v{n}.json"}
                                     for n in versions]}
            for c, versions in contracts.items()]
    return out


def write_tree(root: Path, manifests: dict[str, dict[str, Any]],
               schemas: dict[str, Any] | None = None,
               config: dict[str, Any] | None = None) -> Path:
    """Write manifests (relative path → document) and schemas (name → JSON) below root."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, doc in manifests.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    for rel, schema in (schemas or {}).items():
        path = root / "schemas" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema), encoding="utf-8")
    if config is not None:
        (root / "evtctl.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root


def diff_dirs(old: Path, new: Path, **options: Any) -> DiffResult:
    return compute(DiffOptions(old_dir=old, new_dir=new, **options))


def run_capture(options: DiffOptions) -> tuple[int, str]:
    out = io.StringIO()
    code = run(options, out)
    return code, out.getvalue()


def only(result: DiffResult, kind: str) -> Reviewed:
    found = [r for r in result.changes if r.change.kind.value == kind]
    assert len(found) == 1, [r.change.kind.value for r in result.changes]
    return found[0]


def kinds(result: DiffResult) -> list[str]:
    return [r.change.kind.value for r in result.changes]


def affected_ids(r: Reviewed) -> list[str]:
    return [a.service for a in r.verdict.affected]


# --- git --------------------------------------------------------------------------------

def git_env(home: Path) -> dict[str, str]:
    return {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "init.defaultBranch=main",
                           "-c", "protocol.file.allow=always",
                           *args], cwd=repo, env=git_env(repo.parent),
                          capture_output=True, text=True, check=True)
    return done.stdout


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def sample_repo(tmp: Path) -> Path:
    """A repository whose first commit holds a copy of sample-manifests."""
    repo = tmp / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    shutil.copytree(SAMPLE, repo / "sample-manifests")
    commit_all(repo, "sample organisation")
    return repo


def cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real command line (a new process, as CI runs it)."""
    return subprocess.run([sys.executable, "-m", "evtctl", "diff", *args], cwd=cwd,
                          capture_output=True, text=True, env=git_env(cwd.parent), check=False)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def realistic_change(root: Path) -> None:
    """A pull request on the sample organisation ("billing: amounts in cents").

    * invoiceservice adds InvoicePaid v3 with a new required ``amountCents`` (breaks readers);
    * ledgerservice moves its pin from InvoicePaid@2 to @3;
    * paymentservice adds PaymentCaptured v2 with an optional ``currency`` (compatible);
    * personaservice removes the deprecated PersonaCreated v1 (nobody pins it);
    * paymentservice's retry topic goes from 3 partitions to 1.
    """
    billing = root / "billing"
    inv = billing / "invoiceservice"
    v2 = json.loads((inv / "schemas/invoice-paid.v2.json").read_text(encoding="utf-8"))
    v2["title"] = "InvoicePaid v3"
    v2["required"].append("amountCents")
    v2["properties"]["amountCents"] = {"type": "integer", "minimum": 0}
    (inv / "schemas/invoice-paid.v3.json").write_text(json.dumps(v2, indent=2),
                                                      encoding="utf-8")
    edit(inv / "service.yaml", "          - {version: 2, schema: schemas/invoice-paid.v2.json}",
         "          - {version: 2, schema: schemas/invoice-paid.v2.json}\n"
         "          - {version: 3, schema: schemas/invoice-paid.v3.json}")
    edit(billing / "ledgerservice/service.yaml", "InvoicePaid@2", "InvoicePaid@3")
    pay = billing / "paymentservice"
    captured = json.loads((pay / "schemas/payment-captured.v1.json").read_text("utf-8"))
    captured.setdefault("properties", {})["currency"] = {"type": "string"}
    (pay / "schemas/payment-captured.v2.json").write_text(json.dumps(captured, indent=2),
                                                          encoding="utf-8")
    edit(pay / "service.yaml", "          - {version: 1, schema: schemas/payment-captured.v1.json}",
         "          - {version: 1, schema: schemas/payment-captured.v1.json}\n"
         "          - {version: 2, schema: schemas/payment-captured.v2.json}")
    edit(pay / "service.yaml", "    partitions: 3\n    config: {retention.ms",
         "    partitions: 1\n    config: {retention.ms")
    persona = root / "identity/personaservice/service.yaml"
    edit(persona, """          - version: 1
            schema: schemas/persona-created.v1.json
            deprecated: {sunset: "2099-06-30", reason: "v2 adds the locale; read v2"}
""", "")
