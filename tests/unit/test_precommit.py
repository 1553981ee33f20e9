"""The pre-commit hook as pre-commit runs it: changed files passed (``pass_filenames: true``),
the whole project read for references, findings reported for the changed manifests only.

Runs the real ``pre-commit`` on a real git repository, with the hook's definition taken from
``.pre-commit-hooks.yaml`` (as a local ``system`` hook, so no package is downloaded)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample-manifests"


def _tool(name: str) -> str:
    found = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent),
                                                      os.environ.get("PATH", "")]))
    if found is None:
        message = f"{name} not found (pip install -e '.[test]' installs pre-commit)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(SAMPLES, root)
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["pass_filenames"] is True
    local = {**hook, "language": "system",
             "entry": f"{sys.executable} -m evtctl lint"}
    (root / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))
    git = _tool("git")
    env = _env(tmp_path)
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init"]):
        subprocess.run([git, *args], cwd=root, check=True, env=env, timeout=60)
    return root


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
            "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}


def _run(root: Path, *files: str) -> subprocess.CompletedProcess[str]:
    git = _tool("git")
    subprocess.run([git, "add", *files], cwd=root, check=True, timeout=60)
    return subprocess.run([_tool("pre-commit"), "run", "evtctl-lint", "--verbose"], cwd=root,
                          capture_output=True, text=True, timeout=300, env=_env(root.parent))


def test_a_changed_manifest_resolves_sibling_folders(project: Path) -> None:
    ledger = project / "billing" / "ledgerservice" / "service.yaml"
    ledger.write_text(ledger.read_text().replace("description:", "# edited\n  description:"))
    # A pre-existing problem in a file nobody changed is not this commit's business.
    other = project / "analytics" / "sessionizer" / "service.yaml"
    other.write_text(other.read_text() + "  - topic: arcadia.analytics.nowhere.events\n")
    subprocess.run([_tool("git"), "-c", "user.name=t", "-c", "user.email=t@t", "commit",
                    "-qam", "legacy problem"], cwd=project, check=True, timeout=60)
    ledger.write_text(ledger.read_text().replace("# edited\n", "# edited twice\n"))
    proc = _run(project, str(ledger.relative_to(project)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "EVT401" not in proc.stdout  # the ledger consumes topics of other folders
    assert "1 manifest file" in proc.stdout and "only read, for references" in proc.stdout


def test_a_real_problem_in_the_changed_manifest_fails_the_commit(project: Path) -> None:
    ledger = project / "billing" / "ledgerservice" / "service.yaml"
    ledger.write_text(ledger.read_text().replace("InvoiceIssued, InvoicePaid@2",
                                                 "InvoiceIssued, InvoicePaid@9"))
    proc = _run(project, str(ledger.relative_to(project)))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "EVT403" in proc.stdout and "ledgerservice/service.yaml" in proc.stdout


def test_a_changed_schema_checks_the_manifest_that_names_it(project: Path) -> None:
    schema = project / "billing" / "invoiceservice" / "schemas" / "invoice-paid.v2.json"
    schema.write_text('{"type": "string"}')  # incompatible with v1
    proc = _run(project, str(schema.relative_to(project)))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "EVT505" in proc.stdout and "invoiceservice/service.yaml" in proc.stdout


def test_a_changed_config_checks_the_whole_project(project: Path) -> None:
    config = project / "evtctl.yaml"
    config.write_text(config.read_text().replace("namespaces: [identity, billing, analytics]",
                                                 "namespaces: [identity, billing]"))
    proc = _run(project, "evtctl.yaml")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "EVT106" in proc.stdout and "analytics" in proc.stdout
    assert "the whole project is checked" in proc.stdout + proc.stderr
