"""Protobuf contracts through the commands users run: ``evtctl compat``, ``evtctl diff`` and
``evtctl lint`` on the sample organisation (data-driven lint cases are under
``tests/cases/protobuf-*``)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample-manifests"
REFUNDS = SAMPLE / "billing" / "refundservice"
SHARED = SAMPLE / "shared-schemas" / "proto"


def evtctl(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evtctl", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


def test_compat_json_lists_confluents_changes(tmp_path: Path) -> None:
    v1 = REFUNDS / "schemas" / "refund-issued.v1.proto"
    v2 = REFUNDS / "schemas" / "refund-issued.v2.proto"
    done = evtctl("compat", str(v1), str(v2), "-I", str(SHARED), "--mode", "FULL",
                  "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["compatible"] is True and report["schemaType"] == "PROTOBUF"
    assert {(c["type"], c["path"], c["direction"]) for c in report["changes"]} == {
        ("FIELD_ADDED", "#/RefundIssued/6", "backward"),
        ("ENUM_CONST_ADDED", "#/Reason/3", "backward"),
        ("FIELD_REMOVED", "#/RefundIssued/6", "forward"),
        ("ENUM_CONST_REMOVED", "#/Reason/3", "forward"),
    }


def test_compat_breaks_with_a_proven_example_and_the_wire_policy(tmp_path: Path) -> None:
    v1 = tmp_path / "v1.proto"
    v2 = tmp_path / "v2.proto"
    v1.write_text('syntax = "proto3";\nmessage M {\n  int32 qty = 1;\n  string note = 2;\n}\n')
    v2.write_text('syntax = "proto3";\nmessage M {\n  string qty = 1;\n}\n')
    done = evtctl("compat", str(v1), str(v2), "--format", "json")
    assert done.returncode == 1
    (broken,) = [c for c in json.loads(done.stdout)["changes"] if not c["compatible"]]
    assert broken["type"] == "FIELD_SCALAR_KIND_CHANGED"
    assert broken["example"]["bytes"].startswith("0801")  # field 1, varint 1
    wire = evtctl("compat", str(v1), str(v2), "--format", "json", "--policy", "wire-json",
                  "--no-examples")
    types = {c["type"] for c in json.loads(wire.stdout)["changes"]}
    assert {"FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
            "FIELD_WIRE_JSON_COMPATIBLE_TYPE"} <= types
    text = evtctl("compat", str(v1), str(v2), "--policy", "wire")
    assert text.returncode == 1 and "no event shows this today" in text.stdout


def test_compat_bad_input_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.proto"
    bad.write_text('syntax = "proto3";\nmessage M { int32 a = 1 }\n')
    good = REFUNDS / "schemas" / "issue-refund.v1.proto"
    done = evtctl("compat", str(bad), str(good), "-I", str(SHARED))
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert f"{bad}:2:25: Expected" in line and "Traceback" not in done.stderr


def test_diff_classifies_a_protobuf_edit_in_place(tmp_path: Path) -> None:
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    schema = copy / "billing" / "refundservice" / "schemas" / "refund-issued.v2.proto"
    schema.write_text(schema.read_text().replace("string invoice_id = 2;",
                                                 "int64 invoice_id = 2;"))
    done = evtctl("diff", str(SAMPLE), str(copy), "--format", "json")
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    (change,) = report["changes"]
    assert change["kind"] == "version-schema-changed" and change["breaking"] is True
    assert "FIELD_SCALAR_KIND_CHANGED at #/RefundIssued/2" in change["reason"]
    # The same file content in another tree is the same contract: no change at all.
    same = evtctl("diff", str(SAMPLE), str(tmp_path / "sample"), "--format", "json")
    assert same.returncode == 1  # still the edit above
    clean = tmp_path / "clean"
    shutil.copytree(SAMPLE, clean)
    assert json.loads(evtctl("diff", str(SAMPLE), str(clean), "--format",
                             "json").stdout)["changes"] == []


def test_lint_finds_a_protobuf_break_in_the_sample(tmp_path: Path) -> None:
    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    schema = copy / "billing" / "refundservice" / "schemas" / "refund-issued.v2.proto"
    schema.write_text(schema.read_text().replace("  Reason reason = 5;\n", ""))
    done = evtctl("lint", str(copy), "--format", "json", "--no-cache")
    assert done.returncode == 1
    findings = json.loads(done.stdout)["findings"]
    # The sample runs policy wire: deleting field 5 without reserving it is a wire break.
    assert [(f["rule"], f["jsonPath"]) for f in findings] == [
        ("EVT505", "#/RefundIssued/5")]
    assert "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED" in findings[0]["message"]
