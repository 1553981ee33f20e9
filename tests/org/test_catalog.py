"""``evtctl catalog`` without a browser: what the pages say, the output folder's safety,
the flow with and without Graphviz, lint findings on the pages."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from orgkit import SAMPLE, evtctl, need_program, write_service

HREF = re.compile(r'(?:href|src)="([^"]*)"')


def build(tmp_path: Path, *args: str, source: Path = SAMPLE,
          env: dict[str, str] | None = None) -> Path:
    out = tmp_path / "site"
    run = evtctl(["catalog", str(source), "--out", str(out), *args], env=env)
    assert run.exit_code == 0, run.stderr
    assert "catalogue written" in run.stdout
    return out


def test_sample_catalogue_pages(tmp_path: Path) -> None:
    need_program("dot")
    out = build(tmp_path)
    index = (out / "index.html").read_text()
    for sid in ("arcadia.identity.personaservice", "arcadia.billing.ledgerservice"):
        assert f'href="services/{sid}.html"' in index
    assert "team-finance" in index and "8 services, 16 topics, 15 events" in index
    contract = (out / "contracts" / "arcadia.identity.personaservice.events--personacreated.html"
                ).read_text()
    assert "FULL_TRANSITIVE (lenient policy)" in contract
    assert "deprecated, sunset 2099-06-30" in contract and "v2 adds the locale" in contract
    assert 'badge ok">compatible</span> with v1' in contract
    assert "&quot;locale&quot;" in contract  # v2's schema, rendered
    pinned = contract.split("Pinned by")[1].split("</table>")[0]
    assert "arcadia.identity.personabff" in pinned
    topic = (out / "topics" / "arcadia.billing.invoiceservice.events.html").read_text()
    assert "min.insync.replicas" in topic and "arcadia.billing.ledgerservice" in topic
    service = (out / "services" / "arcadia.identity.personabff.html").read_text()
    assert "arcadia.identity.personabff.private.reply" in service and "Replies to" in service
    flow = (out / "flow.html").read_text()
    assert "<svg" in flow and 'id="svc&#45;arcadia_identity_personabff"' in flow
    data = (out / "search.js").read_text()
    items = json.loads(data.split("=", 1)[1].rstrip().rstrip(";"))
    assert {i["k"] for i in items} == {"service", "topic", "event", "owner"}


def test_every_link_is_relative_and_exists(tmp_path: Path) -> None:
    out = build(tmp_path)
    for page in out.rglob("*.html"):
        for target in HREF.findall(page.read_text()):
            assert not re.match(r"[a-z]+:", target), (page, target)  # no http:, no file:
            path = target.split("#")[0]
            if path:
                assert (page.parent / path).resolve().is_file(), (page, target)


def test_without_graphviz_the_flow_says_how_to_get_it(tmp_path: Path) -> None:
    out = tmp_path / "site"
    run = evtctl(["catalog", str(SAMPLE), "--out", str(out)],
                 env={"EVTCTL_DOT": "no-such-dot-program"})
    assert run.exit_code == 0
    assert "apt-get install graphviz" in run.stderr
    flow = (out / "flow.html").read_text()
    assert 'id="flow-missing"' in flow and "apt-get install graphviz" in flow
    assert "<svg" not in flow
    assert (out / "flow.dot").is_file() and (out / "flow" / "billing.dot").is_file()
    assert (out / "services" / "arcadia.identity.personabff.html").is_file()


def test_out_folder_is_never_someone_elses(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    run = evtctl(["catalog", str(SAMPLE), "--out", str(out)])
    assert run.exit_code == 2 and "not empty" in run.stderr
    assert (out / "precious.txt").read_text() == "keep me"
    fresh = build(tmp_path / "again")
    (fresh / "services" / "stale.html").write_text("old")
    build(tmp_path / "again")  # an earlier catalogue is replaced
    assert not (fresh / "services" / "stale.html").exists()


def test_versions_changes_and_unreadable_schemas(tmp_path: Path) -> None:
    org = tmp_path / "org"
    folder = write_service(org, "c", "n", "owner", """topics:
  - name: c.n.owner.events
    contracts:
      - name: Thing
        versions:
          - {version: 1, schema: v1.json}
          - {version: 2, schema: v2.json}
          - {version: 3, schema: v3.json}
""").parent
    (folder / "v1.json").write_text(json.dumps(
        {"type": "object", "properties": {"n": {"type": "integer"}}}))
    (folder / "v2.json").write_text(json.dumps(
        {"type": "object", "properties": {"n": {"type": "string"}}}))
    (folder / "v3.json").write_text("{not json")
    out = tmp_path / "site"
    run = evtctl(["catalog", str(org), "--out", str(out)])
    assert run.exit_code == 0, run.stderr
    assert "1 schema version could not be read" in run.stderr
    page = (out / "contracts" / "c.n.owner.events--thing.html").read_text()
    v2 = page.split('id="v2"')[1].split('id="v3"')[0]
    assert "incompatible</span> with v1" in v2 and "not allowed" in v2
    assert "<code>TYPE_CHANGED</code>" in v2 and "<code>#/properties/n</code>" in v2
    assert "(backward)" in v2 and "(forward)" in v2
    v3 = page.split('id="v3"')[1]
    assert "Cannot show this version" in v3 and "v3.json" in v3


def test_with_lint_findings_are_on_their_pages(tmp_path: Path) -> None:
    org = tmp_path / "org"
    write_service(org, "c", "n", "owner", "topics:\n  - name: c.n.owner.events\n")
    write_service(org, "c", "m", "reader",
                  "consumes:\n  - topic: c.n.owner.events\n    events: [Ghost]\n")
    out = build(tmp_path, "--with-lint", source=org)
    reader = (out / "services" / "c.m.reader.html").read_text()
    assert "EVT402" in reader and "Ghost" in reader
    owner = (out / "services" / "c.n.owner.html").read_text()
    assert "EVT402" not in owner
    findings = (out / "findings.html").read_text()
    assert "EVT402" in findings
    assert "Lint: 1 error(s)" in (out / "index.html").read_text()


def test_assets_ship_with_the_package() -> None:
    from importlib import resources

    base = resources.files("evtctl.report.org.catalog").joinpath("assets")
    assert base.joinpath("catalog.css").is_file() and base.joinpath("catalog.js").is_file()


def test_unwritable_out_is_a_clear_error(tmp_path: Path) -> None:
    file = tmp_path / "file"
    file.write_text("x")
    run = evtctl(["catalog", str(SAMPLE), "--out", str(file)])
    assert run.exit_code == 2 and "is a file" in run.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_bad_today(tmp_path: Path) -> None:
    run = evtctl(["catalog", str(SAMPLE), "--out", str(tmp_path / "s"), "--today", "tomorrow"])
    assert run.exit_code == 2 and "not a date" in run.stderr


def test_cache_gives_the_same_site_and_notices_changed_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "cache"))
    org = tmp_path / "org"
    shutil.copytree(SAMPLE, org)
    first = build(tmp_path / "a", source=org)
    second = build(tmp_path / "b", source=org)
    for page in first.rglob("*"):
        if page.is_file():
            assert page.read_bytes() == (second / page.relative_to(first)).read_bytes(), page
    import sqlite3

    db = sqlite3.connect(tmp_path / "cache" / "catalog.sqlite3")
    assert db.execute("SELECT count(*) FROM docs").fetchone()[0] == 15
    # A file a version only references (not named in any manifest) changes: those
    # contracts are computed again (their rows now hold the new file's hash).
    import hashlib

    money = org / "shared-schemas" / "money.json"

    def rows_with_money() -> list[str]:
        out = []
        for (value,) in db.execute("SELECT value FROM docs"):
            files = dict(json.loads(value)["files"])
            out += [sha for path, sha in files.items() if path.endswith("money.json")]
        return out

    old_sha = hashlib.sha256(money.read_bytes()).hexdigest()
    assert set(rows_with_money()) == {old_sha}
    money.write_text(money.read_text().replace('"currency"', '"currencyCode"'))
    build(tmp_path / "c", source=org)
    new_sha = hashlib.sha256(money.read_bytes()).hexdigest()
    assert set(rows_with_money()) == {new_sha} and len(rows_with_money()) >= 3
