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
    assert "team-finance" in index and "9 services, 18 topics, 17 events" in index
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
    (fresh / "old-folder").mkdir()
    (fresh / "old-folder" / "page.html").write_text("old")
    build(tmp_path / "again")  # an earlier catalogue is replaced
    assert not (fresh / "services" / "stale.html").exists()
    assert not (fresh / "old-folder").exists()


def test_an_earlier_catalogue_is_updated_in_place(tmp_path: Path) -> None:
    # Unchanged pages are left as they are (not deleted and written again), changed ones
    # are rewritten, and a link planted where a page goes is replaced, never followed.
    out = build(tmp_path)
    index, service = out / "index.html", out / "services" / "arcadia.identity.personabff.html"
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (index, service)}
    expected = service.read_bytes()
    service.write_text("edited by hand")
    outside = tmp_path / "outside.html"
    outside.write_text("not the catalogue's")
    topic = out / "topics" / "arcadia.identity.personaservice.events.html"
    topic.unlink()
    topic.symlink_to(outside)
    build(tmp_path)
    assert (index.stat().st_ino, index.stat().st_mtime_ns) == before[index]
    assert service.read_bytes() == expected
    assert not topic.is_symlink() and "PersonaCreated" in topic.read_text()
    assert outside.read_text() == "not the catalogue's"


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
    assert db.execute("SELECT count(*) FROM docs").fetchone()[0] == 17
    # A file a version only references (not named in any manifest) changes: those
    # contracts are computed again (their rows now hold the new file's hash).
    import hashlib

    money = org / "shared-schemas" / "money.json"

    def rows_with_money() -> list[str]:
        out = []
        for (value,) in db.execute("SELECT value FROM docs"):
            files = {f[0]: f[1] for f in json.loads(value)["files"]}  # path, sha, ...
            out += [sha for path, sha in files.items() if path.endswith("money.json")]
        return out

    old_sha = hashlib.sha256(money.read_bytes()).hexdigest()
    assert set(rows_with_money()) == {old_sha}
    money.write_text(money.read_text().replace('"currency"', '"currencyCode"'))
    build(tmp_path / "c", source=org)
    new_sha = hashlib.sha256(money.read_bytes()).hexdigest()
    assert set(rows_with_money()) == {new_sha} and len(rows_with_money()) >= 3


def test_unchanged_files_are_not_read_again(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # In process: a warm build trusts the signature (size, times, inode) of a file that was
    # not modified close to when it was hashed, and hashes only the rest.
    from evtctl.report.org.catalog import cache as catalog_cache
    from evtctl.report.org.catalog.site import CatalogOptions
    from evtctl.report.org.catalog.site import build as build_site
    from evtctl.report.org.source import read_org

    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EVTCTL_DOT", "")
    org = tmp_path / "org"
    shutil.copytree(SAMPLE, org)
    hashed: list[str] = []
    real_sha = catalog_cache.Files.sha

    def counting_sha(self: catalog_cache.Files, path: str) -> str | None:
        hashed.append(path)
        return real_sha(self, path)

    monkeypatch.setattr(catalog_cache.Files, "sha", counting_sha)
    options = CatalogOptions(jobs=1)
    build_site(read_org([org], None), tmp_path / "a", options)
    # Just written (racily clean): every file is hashed to check it.
    build_site(read_org([org], None), tmp_path / "b", options)
    assert len(set(hashed)) >= 15
    hashed.clear()
    monkeypatch.setattr(catalog_cache, "RACY_NS", 0)  # as if hashed long after the writes
    build_site(read_org([org], None), tmp_path / "c", options)
    build_site(read_org([org], None), tmp_path / "d", options)
    assert hashed == []
    # Same size, same modification time, other bytes: the change time tells.
    money = org / "shared-schemas" / "money.json"
    stat = money.stat()
    text = money.read_text()
    money.write_text(text.replace('"currency"', '"CURRENCY"'))
    import os

    os.utime(money, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert money.stat().st_size == stat.st_size
    build_site(read_org([org], None), tmp_path / "e", options)
    assert str(money.resolve()) in hashed
    import hashlib
    import sqlite3

    db = sqlite3.connect(tmp_path / "cache" / "catalog.sqlite3")
    shas = {f[1] for (value,) in db.execute("SELECT value FROM docs")
            for f in json.loads(value)["files"] if f[0].endswith("money.json")}
    assert shas == {hashlib.sha256(money.read_bytes()).hexdigest()}  # computed again


def test_a_catalogue_after_lint_compares_nothing_lint_compared(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lint's cache keeps every history's whole verdict; the catalogue takes it instead of
    comparing again, and its pages are those of a catalogue built from nothing."""
    import evtctl.compat.jsonschema.checker as checker

    monkeypatch.setenv("EVTCTL_DOT", "")
    org = tmp_path / "org"
    shutil.copytree(SAMPLE, org)
    compared: list[str] = []
    real_check = checker.check

    def counting(*args: object, **kwargs: object) -> object:
        compared.append(str(kwargs.get("examples")))
        return real_check(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checker, "check", counting)
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "fresh"))
    fresh = build(tmp_path / "fresh-site", source=org)
    from_nothing = list(compared)
    monkeypatch.setenv("EVTCTL_CACHE_DIR", str(tmp_path / "after-lint"))
    assert evtctl(["lint", str(org)]).exit_code in (0, 1)
    compared.clear()
    after = build(tmp_path / "after-site", source=org)
    import sqlite3

    db = sqlite3.connect(tmp_path / "after-lint" / "contracts.sqlite3")
    stored = db.execute("SELECT count(*) FROM histories").fetchone()[0]
    # Lint compares with example search; the catalogue compares only what lint does not
    # (a NONE history, compared FULL for its page without examples).
    assert stored >= 5 and from_nothing.count("True") >= 3
    assert "True" not in compared and len(compared) == from_nothing.count("False")
    pages = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    assert pages == sorted(p.relative_to(after) for p in after.rglob("*") if p.is_file())
    for page in pages:
        assert (fresh / page).read_bytes() == (after / page).read_bytes(), page
