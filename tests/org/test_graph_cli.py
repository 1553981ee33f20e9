"""``evtctl graph``: golden files for every format, the filters, escaping, and errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from orgkit import SAMPLE, evtctl, golden, need_program, write_service

CASES = {
    "sample": [],
    "personabff-depth0": ["--service", "arcadia.identity.personabff", "--depth", "0"],
    "personabff": ["--service", "arcadia.identity.personabff"],
    "billing-commands": ["--namespace", "billing", "--kind", "commands"],
    "invoice-events-topic": ["--topic", "arcadia.billing.invoiceservice.events"],
}


@pytest.mark.parametrize("fmt", ["mermaid", "dot", "json"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SAMPLE.parent)
    run = evtctl(["graph", "sample-manifests", "--format", fmt, *CASES[case]])
    assert run.exit_code == 0, run.stderr
    golden(f"graph.{case}.{ {'mermaid': 'mmd', 'dot': 'dot', 'json': 'json'}[fmt] }", run.stdout)


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    run = evtctl(["graph", str(SAMPLE), "-f", "json", *args])
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["formatVersion"] == 1
    return data  # type: ignore[no-any-return]


def _services(data: dict) -> set[str]:  # type: ignore[type-arg]
    return {s["id"].split(".")[-1] for s in data["services"]}


def test_filters_select_neighbourhoods() -> None:
    alone = _json("--service", "arcadia.identity.personabff", "--depth", "0")
    assert _services(alone) == {"personabff"}
    assert {t["name"].split(".", 2)[2] for t in alone["topics"]} == {
        "personabff.private.reply", "personaservice.commands", "personaservice.events"}
    near = _json("--service", "arcadia.identity.personabff")
    # Depth 1: the services on its topics, but not their other topics.
    assert _services(near) == {"personabff", "personaservice", "clickenricher",
                               "invoiceservice"}
    assert all(t["name"].split(".")[2] in ("personabff", "personaservice")
               for t in near["topics"])
    two = _json("--service", "arcadia.identity.personabff", "--depth", "2")
    assert _services(two) > _services(near)
    topic = _json("--topic", "arcadia.billing.paymentservice.commands")
    assert _services(topic) == {"paymentservice", "ledgerservice"}
    assert [e["kind"] for e in topic["edges"]] == ["send", "consume"] or sorted(
        e["kind"] for e in topic["edges"]) == ["consume", "send"]
    commands = _json("--kind", "commands")
    assert {e["flow"] for e in commands["edges"]} == {"command"}
    replies = _json("--kind", "reply")
    assert {(e["service"].split(".")[-1], e["kind"]) for e in replies["edges"]} == {
        ("personabff", "consume"), ("personaservice", "reply")}


def test_deprecated_pins_are_marked(tmp_path: Path) -> None:
    write_service(tmp_path, "c", "n", "owner", """topics:
  - name: c.n.owner.events
    contracts:
      - name: Thing
        versions:
          - {version: 1, schema: t.json, deprecated: {sunset: "2030-01-01"}}
          - {version: 2, schema: t.json}
""")
    write_service(tmp_path, "c", "m", "reader",
                  "consumes:\n  - topic: c.n.owner.events\n    events: [Thing@1]\n")
    run = evtctl(["graph", str(tmp_path)])
    assert run.exit_code == 0, run.stderr
    assert '|"Thing@1 (deprecated)"|' in run.stdout
    assert "Thing v1 deprecated, sunset 2030-01-01" in run.stdout
    assert "stroke:#cf222e" in run.stdout
    dot = evtctl(["graph", str(tmp_path), "-f", "dot"]).stdout
    assert 'label="Thing@1 (deprecated)", color="#cf222e"' in dot


HOSTILE = 'x" --> evil["pwn</br><script>alert(1)</script>|#1;`\\'


def test_labels_from_manifests_are_escaped(tmp_path: Path) -> None:
    quoted = "'" + HOSTILE.replace("'", "''") + "'"
    (tmp_path / "svc.yaml").write_text(f"""apiVersion: evtctl/v1
kind: Service
metadata:
  company: c
  namespace: n
  name: owner
  owner: {quoted}
topics:
  - name: c.n.owner.events
    contracts:
      - name: {quoted}
        versions: [{{version: 1, schema: t.json}}]
""")
    mermaid = evtctl(["graph", str(tmp_path)])
    assert mermaid.exit_code == 0, mermaid.stderr
    for bad in ('x"', "<script", "-->", "|#", "`"):
        body = mermaid.stdout.split("classDef")[0]
        labels = [line.split('"', 1)[1] for line in body.splitlines() if '"' in line]
        assert all(bad not in label.rsplit('"', 1)[0] for label in labels), (bad, labels)
    assert "#34;" in mermaid.stdout and "#60;script#62;" in mermaid.stdout
    dot = evtctl(["graph", str(tmp_path), "-f", "dot"]).stdout
    assert '\\"' in dot and "\\\\" in dot
    program = need_program("dot")
    proc = subprocess.run([program, "-Tsvg"], input=dot.encode(), capture_output=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert b"<script" not in proc.stdout


def test_dot_goldens_lay_out_with_graphviz() -> None:
    program = need_program("dot")
    for case in CASES:
        source = (Path(__file__).parent / "golden" / f"graph.{case}.dot").read_bytes()
        proc = subprocess.run([program, "-Tsvg"], input=source, capture_output=True,
                              timeout=60, check=False)
        assert proc.returncode == 0, (case, proc.stderr)
        assert proc.stdout.count(b'class="node') >= 2


@pytest.mark.parametrize(("args", "message"), [
    (["--service", "arcadia.identity.personabf"], "did you mean 'arcadia.identity.personabff'"),
    (["--namespace", "bill"], "--namespace 'bill': not in the organisation"),
    (["--topic", "nope"], "--topic 'nope': not in the organisation"),
    (["--kind", "event"], "--kind 'event': choose from events"),
    (["--depth", "2"], "--depth needs --service, --namespace or --topic"),
    (["--service", "arcadia.identity.personabff", "--depth", "-1"], "give 0 or more"),
    (["--format", "svg"], "--format 'svg': choose one of mermaid, dot, json"),
])
def test_usage_errors(args: list[str], message: str) -> None:
    run = evtctl(["graph", str(SAMPLE), *args])
    assert run.exit_code == 2
    assert run.stderr.startswith("evtctl: error: ") and message in run.stderr, run.stderr
    assert run.stdout == ""


def test_unreadable_manifest_is_refused(tmp_path: Path) -> None:
    write_service(tmp_path, "c", "n", "a", "topics:\n  - name: c.n.a.events\n")
    (tmp_path / "broken.yaml").write_text("apiVersion: evtctl/v1\nkind: Service\nmetadata: [\n")
    run = evtctl(["graph", str(tmp_path)])
    assert run.exit_code == 2
    assert "broken.yaml:" in run.stderr and "cannot be read" in run.stderr
    assert "Traceback" not in run.stderr
    empty = evtctl(["graph", str(tmp_path / "n" / "a" / "nothing")])
    assert empty.exit_code == 2 and "no such file" in empty.stderr


def test_a_service_is_named_by_its_unique_short_name(tmp_path: Path) -> None:
    full = evtctl(["graph", str(SAMPLE), "--service", "arcadia.identity.personabff",
                   "--format", "json"])
    for short in ("personabff", "identity.personabff"):
        run = evtctl(["graph", str(SAMPLE), "--service", short, "--format", "json"])
        assert run.exit_code == 0, run.stderr
        assert run.stdout == full.stdout
    write_service(tmp_path, "c", "a", "orders", "topics:\n  - name: c.a.orders.events\n")
    write_service(tmp_path, "c", "b", "orders", "topics:\n  - name: c.b.orders.events\n")
    run = evtctl(["graph", str(tmp_path), "--service", "orders"])
    assert run.exit_code == 2
    assert "more than one service has that name (c.a.orders, c.b.orders)" in run.stderr
