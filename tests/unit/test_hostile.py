"""Hostile manifests end quickly with a finding at the right place — never a traceback,
never unbounded memory, never code run from a YAML tag."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evtctl.config import ProjectConfig
from evtctl.lint import LintOptions, lint_paths

HEAD = "apiVersion: evtctl/v1\nkind: Service\n"
META = "metadata: {company: acme, namespace: shop, name: cart}\n"


def lint(tmp_path: Path) -> list[tuple[str, int, str]]:
    result = lint_paths([tmp_path], ProjectConfig(None, tmp_path.resolve()),
                        LintOptions(use_cache=False))
    return [(f.rule, f.line, f.message) for f in result.findings]


def run_cli(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evtctl", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout)


def test_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    lines = [HEAD + META + 'x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        lines.append(f"x{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    findings = lint(tmp_path)
    assert [(r, line) for r, line, _ in findings] == [("EVT001", 10)]
    assert "nodes" in findings[0][2]


@pytest.mark.parametrize("opener,closer", [("[", "]"), ("{a: ", "}")])
def test_very_deep_nesting(tmp_path: Path, opener: str, closer: str) -> None:
    depth = 200_000
    (tmp_path / "deep.yaml").write_text(HEAD + META + "x: " + opener * depth + closer * depth)
    findings = lint(tmp_path)
    assert [(r, line) for r, line, _ in findings] == [("EVT001", 4)]
    assert "nesting" in findings[0][2]  # ours, or libyaml's own limit in newer builds


def test_python_tags_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "tag.yaml").write_text(
        HEAD + f"metadata: !!python/object/apply:os.system ['touch {marker}']\n"
        "topics: !!python/name:os.system\n")
    proc = run_cli("lint", str(tmp_path), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert not marker.exists()
    rules = {f["rule"] for f in json.loads(proc.stdout)["findings"]}
    assert "EVT002" in rules
    assert "Traceback" not in proc.stderr


def test_enormous_numbers(tmp_path: Path) -> None:
    (tmp_path / "num.yaml").write_text(
        HEAD + META + "topics:\n  - name: acme.shop.cart.events\n"
        f"    partitions: {'9' * 100_000}\n"
        "    replicationFactor: 99999999999999999999\n")
    findings = lint(tmp_path)
    assert ("EVT001", 6) in [(r, line) for r, line, _ in findings]
    assert ("EVT004", 7) in [(r, line) for r, line, _ in findings]


def test_wrong_types_everywhere(tmp_path: Path) -> None:
    (tmp_path / "types.yaml").write_text(
        "apiVersion: evtctl/v1\nkind: [Service]\nmetadata: 12\ntopics: {a: b}\n"
        "consumes: [1, [2], {topic: 3}]\nproduces: null\n")
    findings = lint(tmp_path)
    lines = sorted({line for _, line, _ in findings})
    assert lines == [2, 3, 4, 5, 6]
    assert all(r == "EVT004" for r, _, _ in findings)


def test_non_utf8_and_binary(tmp_path: Path) -> None:
    (tmp_path / "latin1.yaml").write_bytes((HEAD + "metadata: {name: caf\xe9}\n").encode("latin-1"))
    (tmp_path / "bin.yaml").write_bytes(b"evtctl/v1" + bytes(range(256)) * 10)
    findings = lint(tmp_path)
    assert sorted((r, line) for r, line, _ in findings) == [("EVT001", 1), ("EVT001", 3)]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "svc.yaml").write_text(HEAD + META)
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    os.symlink(tmp_path / "a", tmp_path / "a" / "self")
    result = lint_paths([tmp_path], ProjectConfig(None, tmp_path.resolve()),
                        LintOptions(use_cache=False))
    assert result.services == 1 and not result.findings


def _schema_case(tmp_path: Path, schema: object,
                 name: str = "s.json") -> list[tuple[str, int, str]]:
    (tmp_path / "project").mkdir(exist_ok=True)
    (tmp_path / "project" / name).write_text(json.dumps(schema))
    (tmp_path / "project" / "svc.yaml").write_text(
        HEAD + META + "topics:\n  - name: acme.shop.cart.events\n    contracts:\n"
        f"      - {{name: A, versions: [{{version: 1, schema: {name}}}]}}\n")
    project = tmp_path / "project"
    result = lint_paths([project], ProjectConfig(None, project.resolve()),
                        LintOptions(use_cache=False))
    return [(f.rule, f.line, f.message) for f in result.findings]


def test_ref_cycle_terminates(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "b.json").write_text(json.dumps(
        {"type": "object", "properties": {"a": {"$ref": "s.json"}}}))
    findings = _schema_case(tmp_path, {"type": "object", "properties": {"b": {"$ref": "b.json"}}})
    assert findings == []  # a recursive contract is legal and must not hang


def test_self_ref_terminates(tmp_path: Path) -> None:
    findings = _schema_case(tmp_path, {"$ref": "#"})
    assert all(r in ("EVT503",) for r, _, _ in findings)


def test_ref_leaving_the_tree_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.json").write_text(json.dumps({"type": "string"}))
    findings = _schema_case(tmp_path, {"properties": {"a": {"$ref": "../secret.json"}}})
    assert [(r, line) for r, line, _ in findings] == [("EVT503", 7)]
    assert "outside" in findings[0][2]


def test_several_megabyte_manifest(tmp_path: Path) -> None:
    topics = "".join(f"  - name: acme.shop.cart.private.t{i:06d}\n    partitions: 3\n"
                     f"    config: {{retention.ms: \"{i}\"}}\n" for i in range(32_000))
    (tmp_path / "big.yaml").write_text(HEAD + META + "topics:\n" + topics)
    assert (tmp_path / "big.yaml").stat().st_size > 3_000_000
    proc = run_cli("lint", ".", "--format", "json", "--no-cache", cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["summary"]["services"] == 1


def test_unreadable_path_exits_2(tmp_path: Path) -> None:
    proc = run_cli("lint", str(tmp_path / "nope"), cwd=tmp_path)
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "Traceback" not in proc.stderr
