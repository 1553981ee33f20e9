"""``evtctl diff --format markdown --graph``: the flow of the affected part."""

from __future__ import annotations

import shutil
from pathlib import Path

from orgkit import SAMPLE, evtctl, golden


def trees(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(SAMPLE, old)
    shutil.copytree(SAMPLE, new)
    ledger = new / "billing/ledgerservice/service.yaml"
    ledger.write_text(ledger.read_text().replace(
        "events: [InvoiceIssued, InvoicePaid@2, InvoiceVoided]",
        "events: [InvoiceIssued, InvoicePaid@1]"))
    invoice = new / "billing/invoiceservice/service.yaml"
    text = invoice.read_text()
    start = text.index("      - name: InvoiceVoided")
    end = text.index("  - name: arcadia.billing.invoiceservice.commands")
    invoice.write_text(text[:start] + text[end:])
    bff = new / "identity/personabff/service.yaml"
    bff.write_text(bff.read_text() + "  - topic: arcadia.billing.invoiceservice.events\n"
                   "    events: [InvoicePaid]\n")
    sessionizer = new / "analytics/sessionizer/service.yaml"
    text = sessionizer.read_text()
    sessionizer.write_text(text[:text.index("consumes:")])
    return old, new


def test_flow_of_the_affected_part(tmp_path: Path) -> None:
    old, new = trees(tmp_path)
    run = evtctl(["diff", str(old), str(new), "--format", "markdown", "--graph"])
    assert run.exit_code == 1, run.stderr  # removing a used contract is breaking
    assert "<summary>Flow of the affected part</summary>" in run.stdout
    source = run.stdout.split("```mermaid\n")[1].split("```")[0]
    golden("diff-flow.mmd", source)
    assert "invoiceservice.events" in source and "personaservice.events" not in source
    assert "stroke:#1a7f37" in source  # personabff's new subscription
    assert "stroke:#d4a72c" in source  # ledgerservice's changed subscription
    assert "stroke:#fb8500" in source  # personaservice, affected by the removed contract
    assert '-->|"removed: EnrichedClick"|' in source
    assert "stroke:#cf222e,stroke-width:3px,stroke-dasharray:4 3" in source
    node = next(line.split("[")[0].strip() for line in source.splitlines()
                if '[("invoiceservice.events")]' in line)
    marked = next(line for line in source.splitlines() if line.endswith(" marked")
                  and line.strip().startswith("class "))
    assert marked.split()[1].split(",") == [node]  # the topic with the breaking change
    plain = evtctl(["diff", str(old), str(new), "--format", "markdown"])
    assert "```mermaid" not in plain.stdout


def test_graph_needs_markdown(tmp_path: Path) -> None:
    old, new = trees(tmp_path)
    run = evtctl(["diff", str(old), str(new), "--graph"])
    assert run.exit_code == 2 and "use it with --format markdown" in run.stderr
