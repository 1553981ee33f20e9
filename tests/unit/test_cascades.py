"""No cascades: a manifest that fails to load is reported once, in its own file.

Findings that exist only because it is missing (an unknown topic, event or version, an
ownership question, a reply that "nobody sends", a config entry naming its topic) are not
reported against other files. Each cross-service rule has a scenario: the rule is silent
while the owner loads, fires when what the owner declares is really gone (the control, so
the scenario can fail), and stays silent whichever way the owner fails to load. Then every
manifest of the sample organisation is broken in every way, and findings may only appear in
the broken file.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from evtctl.config import load_config
from evtctl.findings import Finding
from evtctl.lint import LintOptions, lint_paths

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample-manifests"

Breakage = Callable[[str], str]


def _syntax(text: str) -> str:
    return text.replace("kind: Service\n", "kind: Service\nbroken: [unclosed\n", 1)


def _as_list(text: str) -> str:
    body = [line for line in text.splitlines() if not line.startswith("#")]
    return "\n".join(["- " + body[0], *("  " + line for line in body[1:])]) + "\n"


def _metadata(text: str) -> str:
    return re.sub(r"(?m)^(metadata:.*\n(?:  .*\n)*?  name: )(\S+)", r"\1[\2]", text, count=1)


# Ways a whole manifest fails to load.
BREAKAGES: dict[str, Breakage] = {
    "syntax-error": _syntax,
    "key-typo": lambda t: t.replace("apiVersion:", "apiversion:", 1),
    "value-typo": lambda t: t.replace("evtctl/v1", "evtclt/v1", 1),
    "unknown-version": lambda t: t.replace("evtctl/v1", "evtctl/v9", 1),
    "no-apiversion": lambda t: re.sub(r"(?m)^apiVersion:.*\n", "", t, count=1),
    "yaml-list": _as_list,
    "metadata-unusable": _metadata,
}

OWNER = """\
apiVersion: evtctl/v1
kind: Service
metadata:
  company: acme
  namespace: shop
  name: cart
topics:
  - name: acme.shop.cart.events
    contracts:
      - name: CartCreated
        versions:
          - {version: 1, schema: s.json}
          - {version: 2, schema: s.json}
  - name: acme.shop.cart.commands
    contracts:
      - name: AddItem
        versions: [{version: 1, schema: s.json}]
  - name: acme.shop.cart.private.reply
produces:
  - topic: acme.shop.pay.commands
    events: [Charge]
    replyTopic: acme.shop.cart.private.reply
"""

PAY = """\
apiVersion: evtctl/v1
kind: Service
metadata: {company: acme, namespace: shop, name: pay}
topics:
  - name: acme.shop.pay.commands
    contracts: [{name: Charge, versions: [{version: 1, schema: s.json}]}]
produces:
  - topic: acme.shop.cart.private.reply
"""

CHECKOUT = """\
apiVersion: evtctl/v1
kind: Service
metadata: {company: acme, namespace: shop, name: checkout}
consumes:
  - topic: acme.shop.cart.events
    events: [CartCreated@2]
produces:
  - topic: acme.shop.cart.commands
    events: [AddItem]
"""

CONFIG = """\
version: 1
compatibility:
  contracts:
    acme.shop.cart.events/CartCreated: FULL
"""


def _tree(tmp_path: Path, owner: str | None) -> Path:
    root = tmp_path / "org"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    (root / "evtctl.yaml").write_text(CONFIG)
    (root / "s.json").write_text('{"type": "object"}')
    (root / "pay.yaml").write_text(PAY)
    (root / "checkout.yaml").write_text(CHECKOUT)
    if owner is not None:
        (root / "cart.yaml").write_text(owner)
    return root


def _lint(root: Path) -> list[Finding]:
    config = load_config(None, [root])
    result = lint_paths([root], config, LintOptions(today=date(2026, 6, 1), use_cache=False))
    return list(result.findings)


def _elsewhere(findings: list[Finding], rule: str) -> list[str]:
    return [f"{f.file.name}:{f.line} {f.rule} {f.message}" for f in findings
            if f.rule == rule and f.file.name != "cart.yaml"]


def _swap(old: str, new: str) -> Breakage:
    return lambda text: text.replace(old, new, 1)


# rule -> (what makes it fire when really gone, the breakage of only that part of the owner)
EVENTS_TOPIC = "  - name: acme.shop.cart.events\n"
CONTRACT = "      - name: CartCreated\n"
VERSION = "{version: 2, schema: s.json}"
SEND = "  - topic: acme.shop.pay.commands\n"
REPLY = "  - name: acme.shop.cart.private.reply\n"
SCENARIOS: dict[str, tuple[Breakage, Breakage]] = {
    # checkout consumes and sends to the owner's topics.
    "EVT401": (_swap(EVENTS_TOPIC, "  - name: acme.shop.x.events\n"),
               _swap(EVENTS_TOPIC, "  - nme: acme.shop.cart.events\n")),
    # checkout consumes CartCreated.
    "EVT402": (_swap(CONTRACT, "      - name: CartMade\n"),
               _swap(CONTRACT, "      - nmae: CartCreated\n")),
    # checkout pins CartCreated@2.
    "EVT403": (_swap(VERSION, "{version: 3, schema: s.json}"),
               _swap(VERSION, "{versoin: 2, schema: s.json}")),
    # pay writes to cart's reply topic, because cart sends pay commands.
    "EVT301": (_swap(SEND, "  - topic: acme.shop.cart.commands\n"),
               _swap(SEND, "  - topik: acme.shop.pay.commands\n")),
    # cart's replyTopic is a reply topic it declares.
    "EVT406": (_swap(REPLY, ""), _swap(REPLY, "  - {}\n")),
    # the config names CartCreated on the owner's events topic.
    "EVT801": (_swap(CONTRACT, "      - name: CartMade\n"),
               _swap(CONTRACT, "      - nmae: CartCreated\n")),
}


def test_the_organisation_is_clean_when_the_owner_loads(tmp_path: Path) -> None:
    assert [f"{f.file.name}:{f.line} {f.rule} {f.message}"
            for f in _lint(_tree(tmp_path, OWNER))] == []


@pytest.mark.parametrize("rule", sorted(SCENARIOS))
def test_rule_fires_when_the_declaration_is_really_gone(rule: str, tmp_path: Path) -> None:
    gone, _broken = SCENARIOS[rule]
    findings = _lint(_tree(tmp_path, gone(OWNER)))
    assert any(f.rule == rule for f in findings), [f.message for f in findings]


@pytest.mark.parametrize("rule", sorted(SCENARIOS))
def test_rule_is_silent_when_the_declaring_entry_does_not_load(rule: str,
                                                               tmp_path: Path) -> None:
    _gone, broken = SCENARIOS[rule]
    text = broken(OWNER)
    assert text != OWNER
    findings = _lint(_tree(tmp_path, text))
    assert any(f.file.name == "cart.yaml" and f.rule in ("EVT004", "EVT005")
               for f in findings), "the broken entry itself must be reported"
    assert [f"{f.file.name}:{f.line} {f.rule}" for f in findings if f.rule == rule] == []


@pytest.mark.parametrize("rule", sorted(SCENARIOS))
@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_rule_is_silent_when_the_owner_fails_to_load(rule: str, breakage: str,
                                                     tmp_path: Path) -> None:
    text = BREAKAGES[breakage](OWNER)
    assert text != OWNER
    findings = _lint(_tree(tmp_path, text))
    assert any(f.file.name == "cart.yaml" for f in findings), "the failure must be reported"
    assert _elsewhere(findings, rule) == []


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_ownership_is_still_judged_by_name_and_names_the_broken_file(breakage: str,
                                                                      tmp_path: Path) -> None:
    """Subscribing to another service's commands topic is wrong whether or not its manifest
    loads: the finding stays, and says where the topic is declared."""
    spy = CHECKOUT.replace("consumes:\n", "consumes:\n  - topic: acme.shop.cart.commands\n")
    root = _tree(tmp_path, BREAKAGES[breakage](OWNER))
    (root / "checkout.yaml").write_text(spy)
    (found,) = [f for f in _lint(root) if f.rule == "EVT302"]
    assert found.file.name == "checkout.yaml"
    assert "cart.yaml, which failed to load" in found.related[0].message


def _sample_manifests() -> list[Path]:
    return sorted(SAMPLES.rglob("service.yaml"))


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
@pytest.mark.parametrize("manifest", _sample_manifests(),
                         ids=lambda p: p.parent.name)
def test_breaking_any_sample_manifest_reports_only_that_file(manifest: Path, breakage: str,
                                                             tmp_path: Path) -> None:
    root = tmp_path / "samples"
    shutil.copytree(SAMPLES, root)
    broken = root / manifest.relative_to(SAMPLES)
    text = broken.read_text()
    broken.write_text(BREAKAGES[breakage](text))
    assert broken.read_text() != text
    findings = _lint(root)
    assert findings, "the broken manifest must be reported"
    outside = [f"{f.file}:{f.line} {f.rule} {f.message}" for f in findings
               if f.file.resolve() != broken.resolve()]
    assert outside == []
