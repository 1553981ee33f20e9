"""One voice across commands: every error (usage errors of the parser included) is one line
``evtctl: error: <where>: <what>`` plus an optional hint line; ``-h`` is help; every JSON output
carries ``formatVersion`` (its keys: test_json_voice.py); option values complete in the shell."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample-manifests"
SCHEMA = REPO / "sample-manifests" / "billing" / "invoiceservice" / "schemas"


def evtctl(*args: str, cwd: Path = REPO,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evtctl", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


BAD = [
    ("lint", "--bogus"),
    ("lint", "--formt", "json"),
    ("lint", "--format"),
    ("lint", "--format", "xml", "."),
    ("lint", "--fail-on", "never", "."),
    ("lint", "no/such/dir"),
    ("compat",),
    ("compat", "a.json"),
    ("compat", "a.json", "b.json", "--policy", "loose"),
    ("compat", "a.json", "b.json", "--mode", "SIDEWAYS"),
    ("diff",),
    ("diff", "--format", "xml", "a", "b"),
    ("provision", "--format", "xml", "sample-manifests"),
    ("rules", "no-such-rule"),
    ("rules", "--format", "xml"),
    ("schema", "nothing"),
    ("schema",),
    ("init", "--company", "a.b", "--namespace", "n", "--service", "s"),
    ("nosuchcommand",),
    ("-x",),
]


@pytest.mark.parametrize("args", BAD, ids=" ".join)
def test_every_error_is_one_line_and_a_hint(args: tuple[str, ...], tmp_path: Path) -> None:
    proc = evtctl(*args, cwd=tmp_path if args[0] == "init" else REPO)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.splitlines()
    assert 1 <= len(lines) <= 2, proc.stderr
    match = re.fullmatch(r"evtctl: error: (\S[^:]*?): (\S.*)", lines[0])
    assert match, lines[0]
    if len(lines) == 2:
        assert lines[1].startswith("hint: "), proc.stderr
    assert "Usage:" not in proc.stderr and "Error:" not in proc.stderr
    assert "│" not in proc.stderr and "Traceback" not in proc.stderr


def test_usage_errors_name_the_option_and_suggest() -> None:
    proc = evtctl("lint", "--formt", "json")
    assert proc.stderr.splitlines() == ["evtctl: error: lint: no such option --formt",
                                        "hint: did you mean --format?"]
    proc = evtctl("provision", "--timeout", "0")
    assert proc.stderr.splitlines()[0] == (
        "evtctl: error: provision --timeout: 0.0 is not in the range x>=0.5")


@pytest.mark.parametrize("command", ["", "lint", "compat", "diff", "provision", "rules",
                                     "schema", "init"])
def test_dash_h_is_help(command: str) -> None:
    proc = evtctl(*command.split(), "-h")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: evtctl")
    assert proc.stdout == evtctl(*command.split(), "--help").stdout


# --- JSON outputs -------------------------------------------------------------------------

# The key convention of every JSON output is checked in test_json_voice.py.

def _json(*args: str) -> Any:
    proc = evtctl(*args)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_lint_json_says_what_was_checked_and_what_was_only_read() -> None:
    data = _json("lint", "tests/cases/part-of-project/billing", "--format", "json")
    assert data["files"] == {"checked": ["tests/cases/part-of-project/billing/invoice.yaml"],
                             "readOnly": ["tests/cases/part-of-project/identity/persona.yaml"]}
    assert data["summary"]["readOnlyFiles"] == 1
    failed = _json("lint", "tests/cases/near-miss-key", "--format", "json")
    assert failed["summary"]["manifestsFailed"] == 1
    assert failed["summary"]["manifestsLoaded"] == 1
    assert failed["summary"]["filesRead"] == 3
    (entry,) = failed["failedManifests"]
    assert entry["file"] == "tests/cases/near-miss-key/cart.yaml"
    assert (entry["line"], entry["column"], entry["rule"], entry["checked"]) == (2, 1, "EVT005",
                                                                                 True)


# --- shell completion ---------------------------------------------------------------------

@pytest.mark.parametrize("words, expected", [
    ("evtctl lint --format ", ["auto", "text", "json", "sarif", "github", "junit"]),
    ("evtctl lint --fail-on w", ["warning"]),
    ("evtctl compat --mode FULL", ["FULL", "FULL_TRANSITIVE"]),
    ("evtctl compat --policy ", ["lenient", "strict", "confluent", "wire", "wire-json"]),
    ("evtctl diff --format ", ["text", "json", "markdown"]),
    ("evtctl rules EVT40", [f"EVT40{n}" for n in range(1, 8)]),
    ("evtctl rules shared-", ["shared-consumer-group"]),
    ("evtctl schema ", ["manifest", "config"]),
    ("evtctl provision --env ", ["dev", "prod"]),
    ("evtctl provision --config sample-manifests/evtctl.yaml --env p", ["prod"]),
])
def test_shell_completion_completes_option_values(words: str, expected: list[str]) -> None:
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    cwd = SAMPLES if "--config" not in words else REPO
    proc = subprocess.run([sys.executable, "-c", "from evtctl.__main__ import main; main()"],
                          cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "_EVTCTL_COMPLETE": "complete_bash",
                               "COMP_WORDS": words, "COMP_CWORD": str(cword)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == expected
