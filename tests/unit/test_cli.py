"""The CLI as users run it: exit codes, both lint formats, help for every command,
and start-up that does not import what it does not use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample-manifests"
CASES = REPO / "tests" / "cases"


def evtctl(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evtctl", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_sample_organisation_lints_clean() -> None:
    proc = evtctl("lint", "sample-manifests", "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["findings"] == []
    assert report["summary"]["services"] >= 6
    assert report["summary"]["errors"] == 0 and report["summary"]["warnings"] == 0


def test_sample_organisation_covers_the_seed() -> None:
    from evtctl.config import load_config
    from evtctl.manifest.loader import load_organisation
    from evtctl.naming import TopicKind

    org = load_organisation([SAMPLES]).org
    assert len({s.namespace for s in org.services}) >= 2
    kinds = {t.kind for _, t in org.topics()}
    assert {TopicKind.EVENTS, TopicKind.COMMANDS, TopicKind.RESULTS, TopicKind.PRIVATE} <= kinds
    assert any(t.name.endswith(".private.dlq") for _, t in org.topics())
    assert any(p.reply_topic for s in org.services for p in s.produces)
    assert any(c.events and any(e.name == "CreatePersona" for e in c.events)
               for s in org.services for c in s.produces)
    versions = [v for _, t in org.topics() for c in t.contracts for v in c.versions]
    assert any(v.deprecated for v in versions) and any(v.version > 1 for v in versions)
    assert load_config(None, [SAMPLES]).path == SAMPLES / "evtctl.yaml"


def test_json_format_shape_and_exit_1() -> None:
    proc = evtctl("lint", "tests/cases/foreign-publisher", "--format", "json")
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    first = report["findings"][0]
    assert {"rule", "severity", "message", "file", "line", "column"} <= set(first)
    assert first["file"] == "tests/cases/foreign-publisher/org.yaml"  # relative to the cwd
    assert first["severity"] == "error"
    assert first["related"][0]["file"] == "tests/cases/foreign-publisher/org.yaml"
    assert report["summary"]["errors"] == len(report["findings"]) == 4


def test_text_format_groups_by_file_and_summarises() -> None:
    proc = evtctl("lint", "tests/cases/duplicate-topic")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == "tests/cases/duplicate-topic/a.yaml"
    assert "EVT201" in lines[1] and lines[1].lstrip().startswith("5:11")
    assert "tests/cases/duplicate-topic/legacy/b.yaml" in lines
    assert lines[-1] == ("lint failed: 3 errors, 0 warnings in 2 manifest files, 2 services "
                         "(3 YAML files read, 2 manifests loaded, none failed)")
    assert "\x1b[" not in proc.stdout  # plain when piped


def test_warnings_only_exit_0() -> None:
    proc = evtctl("lint", "tests/cases/multiple-event-topics")
    assert proc.returncode == 0
    assert "1 warning" in proc.stdout.splitlines()[-1]


@pytest.mark.parametrize("args,needle", [
    (("lint", "no/such/dir"), "no such file"),
    (("lint", ".", "--format", "yaml"), "unknown format"),
    (("lint", ".", "--config", "missing.yaml"), "cannot read config"),
    (("lint", "--bogus"), "no such option --bogus"),
])
def test_bad_usage_exit_2(args: tuple[str, ...], needle: str) -> None:
    proc = evtctl(*args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr
    assert_one_voice(proc.stderr)


def assert_one_voice(stderr: str) -> None:
    """One error line ``evtctl: error: <where>: <what>``, optionally one hint line."""
    lines = stderr.splitlines()
    assert 1 <= len(lines) <= 2, stderr
    assert lines[0].startswith("evtctl: error: ") and ": " in lines[0][len("evtctl: error: "):]
    assert len(lines) == 1 or lines[1].startswith("hint: "), stderr
    assert "Usage:" not in stderr and "Error:" not in stderr and "│" not in stderr


def test_invalid_config_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "evtctl.yaml").write_text("version: 1\nrules:\n  EVT101: loud\n")
    proc = evtctl("lint", str(tmp_path))
    assert proc.returncode == 2
    assert "evtctl.yaml:3:11" in proc.stderr and "loud" in proc.stderr


def test_default_path_is_current_directory() -> None:
    proc = evtctl("lint", cwd=CASES / "unknown-key")
    assert proc.returncode == 1
    assert proc.stdout.startswith("svc.yaml\n")


def test_version() -> None:
    from evtctl import __version__

    assert evtctl("--version").stdout == f"evtctl {__version__}\n"
    assert evtctl("lint", "--version").returncode == 2  # only a top-level option


@pytest.mark.parametrize("command", ["lint", "compat", "diff", "provision"])
def test_help_for_every_command(command: str) -> None:
    proc = evtctl(command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "Usage:" in proc.stdout


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["lint", "--help"]])
def test_startup_imports_nothing_heavy(argv: list[str]) -> None:
    code = (
        "import sys; sys.argv = ['evtctl', *" + repr(argv) + "]\n"
        "from evtctl.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('jsonschema', 'rich', 'confluent_kafka', 'yaml', 'referencing'))\n"
        "sys.stderr.write(repr(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, timeout=60)
    assert proc.stderr.strip().splitlines()[-1] == "[]", proc.stderr


def test_no_manifests_is_an_error_not_a_silent_pass(tmp_path: Path) -> None:
    (tmp_path / "ci.yml").write_text("on: push\njobs: {}\n")
    proc = evtctl("lint", str(tmp_path))
    assert proc.returncode == 2
    assert "no evtctl manifests found" in proc.stderr
