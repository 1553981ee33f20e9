"""Avro contracts end to end: ``evtctl lint``, ``evtctl diff`` and ``evtctl compat`` on a small
organisation (``e2e/org``: an Avro contract with three versions, one deprecated, a shared
named type as a reference, ``schemaType: AVRO`` on a ``.json`` file, and a consumer),
through the real command line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ORG = Path(__file__).with_name("e2e") / "org"
SCHEMAS = Path("shop") / "schemas"


def evtctl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evtctl", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=300, check=False)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "org"
    shutil.copytree(ORG, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_the_organisation_lints_clean(tmp_path: Path) -> None:
    done = evtctl("lint", ".", "--format", "json", cwd=_copy(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["findings"] == []


def test_lint_reports_an_avro_break_where_it_is(tmp_path: Path) -> None:
    org = _copy(tmp_path)
    _edit(org / SCHEMAS / "order-placed.v3.json", '"name": "quantity", "type": "int"',
          '"name": "quantity", "type": "string"')
    done = evtctl("lint", ".", "--format", "json", cwd=org)
    assert done.returncode == 1
    findings = json.loads(done.stdout)["findings"]
    breaks = [f for f in findings if f["rule"] == "EVT505"]
    # FULL_TRANSITIVE: v3 against v1 and v2, each in both directions
    assert len(breaks) == 4 and all("TYPE_MISMATCH at /fields/1/type" in f["message"]
                                    for f in breaks)
    assert {f["line"] for f in breaks} == {13}


def test_lint_places_an_invalid_avro_schema(tmp_path: Path) -> None:
    org = _copy(tmp_path)
    _edit(org / SCHEMAS / "order-placed.v2.avsc", '"default": null', '"default": "none?"')
    _edit(org / SCHEMAS / "order-placed.v2.avsc", '["null", "string"]', '["null", "int"]')
    done = evtctl("lint", ".", "--format", "json", cwd=org)
    assert done.returncode == 1
    (finding,) = [f for f in json.loads(done.stdout)["findings"] if f["rule"] == "EVT503"]
    assert "order-placed.v2.avsc:6:59:" in finding["message"]
    assert "default of field 'coupon'" in finding["message"]


def test_lint_reports_a_missing_reference(tmp_path: Path) -> None:
    org = _copy(tmp_path)
    (org / "shared" / "address.avsc").unlink()
    done = evtctl("lint", ".", "--format", "json", cwd=org)
    assert done.returncode == 1
    rules = {f["rule"] for f in json.loads(done.stdout)["findings"]}
    assert rules and rules <= {"EVT502", "EVT503"}, rules


def test_diff_classifies_an_avro_change_and_names_the_consumer(tmp_path: Path) -> None:
    old = _copy(tmp_path)
    new = tmp_path / "new"
    shutil.copytree(old, new)
    # dropping a default is no break here (both sides still write the field)...
    _edit(new / SCHEMAS / "order-placed.v3.json", '{"name": "gift", "type": "boolean", '
          '"default": false}', '{"name": "gift", "type": "boolean"}')
    done = evtctl("diff", str(old), str(new), "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    (change,) = json.loads(done.stdout)["changes"]
    assert not change["breaking"] and change["kind"] == "version-schema-changed"
    # ...a type change is, for the consumer pinned to v3
    _edit(new / SCHEMAS / "order-placed.v3.json", '"name": "quantity", "type": "int"',
          '"name": "quantity", "type": "string"')
    done = evtctl("diff", str(old), str(new), "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    (change,) = json.loads(done.stdout)["changes"]
    assert change["breaking"]
    (check,) = change["schema"]["checks"]
    assert [(c["type"], c["path"], c["direction"]) for c in check["changes"]] == [
        ("TYPE_MISMATCH", "/fields/1/type", "backward"),
        ("TYPE_MISMATCH", "/fields/1/type", "forward")]
    assert all(c["hasExample"] for c in check["changes"])
    assert "acme.shop.billing" in json.dumps(change)


def test_compat_command_on_avro_files(tmp_path: Path) -> None:
    org = _copy(tmp_path)
    v1, v2 = org / SCHEMAS / "order-placed.v1.avsc", org / SCHEMAS / "order-placed.v3.json"
    ref = org / "shared" / "address.avsc"
    done = evtctl("compat", str(v1), str(v2), "--schema-type", "AVRO", "--reference", str(ref),
                  "--mode", "FULL", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["compatible"] is True
    _edit(v2, '"name": "quantity", "type": "int"', '"name": "quantity", "type": "long"')
    done = evtctl("compat", str(v1), str(v2), "--schema-type", "AVRO", "--reference", str(ref),
                  "--mode", "FULL", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1
    data = json.loads(done.stdout)
    # long reads int (BACKWARD is fine); int cannot read long (FORWARD breaks)
    assert [(c["type"], c["path"], c["direction"]) for c in data["changes"]] == [
        ("TYPE_MISMATCH", "/fields/1/type", "forward")]
    assert data["changes"][0]["example"]["quantity"] == 0
    done = evtctl("compat", str(v1), str(v2), "--schema-type", "AVRO", "--mode", "FULL",
                  cwd=tmp_path)
    assert done.returncode == 2 and "acme.shared.Address" in done.stderr
    assert "Traceback" not in done.stderr
    done = evtctl("compat", str(v1), str(v2), "--schema-type", "AVRO", "--policy", "strict",
                  "--reference", str(ref), cwd=tmp_path)
    assert done.returncode == 2 and "Avro has no policy" in done.stderr
