"""Messages that tell the truth: what a finding says is what Kafka and the organisation do,
hints name only what exists, and a did-you-mean offers only near spellings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from evtctl.config import load_config
from evtctl.findings import LintResult
from evtctl.lint import LintOptions, lint_paths
from evtctl.suggest import closest, edit_distance, is_typo_of


def _service(name: str, body: str = "") -> str:
    return (f"apiVersion: evtctl/v1\nkind: Service\n"
            f"metadata: {{company: acme, namespace: shop, name: {name}}}\n{body}")


def lint(tmp_path: Path, *docs: str) -> LintResult:
    (tmp_path / "org.yaml").write_text("---\n".join(docs))
    (tmp_path / "s.json").write_text('{"type": "object"}')
    config = load_config(None, [tmp_path])
    return lint_paths([tmp_path], config, LintOptions(today=date(2026, 6, 1), use_cache=False))


def messages(result: LintResult, rule: str) -> list[str]:
    return [f.message for f in result.findings if f.rule == rule]


CART = _service("cart", """\
topics:
  - name: acme.shop.cart.events
    contracts:
      - {name: CartCreated, versions: [{version: 1, schema: s.json}]}
      - {name: CartPaid, versions: [{version: 1, schema: s.json}]}
""")


def test_shared_group_on_one_topic_splits_its_partitions(tmp_path: Path) -> None:
    a = _service("a", "consumes: [{topic: acme.shop.cart.events, group: g}]\n")
    b = _service("b", "consumes: [{topic: acme.shop.cart.events, group: g}]\n")
    for message in messages(lint(tmp_path, CART, a, b), "EVT407"):
        assert "split the partitions" in message and "acme.shop.cart.events" in message


def test_shared_group_on_different_topics_shares_rebalances_and_offsets(
        tmp_path: Path) -> None:
    other = _service("other", "topics: [{name: acme.shop.other.events}]\n")
    a = _service("a", "consumes: [{topic: acme.shop.cart.events, group: g}]\n")
    b = _service("b", "consumes: [{topic: acme.shop.other.events, group: g}]\n")
    found = messages(lint(tmp_path, CART, other, a, b), "EVT407")
    assert len(found) == 2
    for message in found:
        assert "split the partitions" not in message
        assert "rebalance together" in message and "offsets" in message


@pytest.mark.parametrize("commands, advice", [
    (True, "send a command to acme.shop.cart instead"),
    (False, "acme.shop.cart takes no commands"),
])
def test_foreign_publisher_suggests_a_command_only_when_there_is_a_commands_topic(
        tmp_path: Path, commands: bool, advice: str) -> None:
    cart = CART + ("  - name: acme.shop.cart.commands\n" if commands else "")
    rogue = _service("rogue", "produces: [{topic: acme.shop.cart.events, events: [CartPaid]}]\n")
    (message,) = messages(lint(tmp_path, cart, rogue), "EVT301")
    assert advice in message
    if not commands:
        assert "send a command" not in message


@pytest.mark.parametrize("owner_topics, advice", [
    ("  - name: acme.shop.pay.events\n", "consume acme.shop.pay's events instead"),
    ("", "acme.shop.pay to publish what you need: it has no events topic"),
])
def test_foreign_subscriber_suggests_events_only_when_there_are_some(
        tmp_path: Path, owner_topics: str, advice: str) -> None:
    pay = _service("pay", "topics:\n  - name: acme.shop.pay.private.dlq\n" + owner_topics)
    spy = _service("spy", "consumes: [{topic: acme.shop.pay.private.dlq}]\n")
    (message,) = messages(lint(tmp_path, pay, spy), "EVT302")
    assert advice in message


def test_a_removed_event_is_not_offered_as_the_same_thing(tmp_path: Path) -> None:
    """CartVoided was removed; CartPaid is another event, not its spelling."""
    reader = _service("reader", "consumes: [{topic: acme.shop.cart.events, "
                                "events: [CartVoided, CartCreatd]}]\n")
    removed, typo = sorted(messages(lint(tmp_path, CART, reader), "EVT402"),
                           key=lambda m: "CartCreatd" in m)
    assert "did you mean" not in removed
    assert "its contracts are: CartCreated, CartPaid" in removed
    assert "removed CartVoided, stop consuming it" in removed
    assert "did you mean 'CartCreated'?" in typo


def test_unknown_topic_offers_only_a_near_spelling(tmp_path: Path) -> None:
    pay = _service("pay", "topics: [{name: acme.shop.pay.events}]\n")
    reader = _service("reader", "consumes:\n  - {topic: acme.shop.card.events}\n"
                                "  - {topic: acme.shop.invoice.events}\n")
    near, other = sorted(messages(lint(tmp_path, CART, pay, reader), "EVT401"),
                         key=lambda m: "invoice" in m)
    assert "did you mean 'acme.shop.cart.events'?" in near
    assert "did you mean" not in other  # not acme.shop.pay.events: another service's topic


def test_a_copied_manifest_counts_distinct_services(tmp_path: Path) -> None:
    result = lint(tmp_path, CART, CART.replace("events\n", "events.copy\n", 1))
    assert any(f.rule == "EVT202" for f in result.findings)
    assert result.summary.services == 1


@pytest.mark.parametrize("word, target, typo", [
    ("apiversion", "apiVersion", True),
    ("api_version", "apiVersion", True),
    ("apiVerison", "apiVersion", True),
    ("evtclt", "evtctl", True),
    ("InvoiceVoided", "InvoicePaid", False),
    ("metadat", "metadata", True),
    ("kind", "kind", False),
    ("events", "evtctl", False),
])
def test_typos(word: str, target: str, typo: bool) -> None:
    assert is_typo_of(word, target) is typo


def test_edit_distance_is_bounded_and_counts_swaps() -> None:
    assert edit_distance("ab", "ba", 5) == 1
    assert edit_distance("a" * 1000, "b" * 1000, 2) == 3  # stops early, says "more than 2"
    assert closest("CartCreatd", ["CartPaid", "CartCreated"]) == "CartCreated"
    assert closest("Cart", ["Invoice"]) is None
