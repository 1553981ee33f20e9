"""Which YAML is a manifest, which nearly is, and the pre-filter that must never drop a near
miss before it is looked at."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evtctl.manifest.recognise import may_hold_manifest, near_misses, scrape
from evtctl.yamlsource import parse_yaml


@pytest.mark.parametrize("raw, passes", [
    (b"apiVersion: evtctl/v1\nkind: Service\n", True),
    (b"apiversion: evtctl/v1\n", True),
    (b"apiVerison: x\nkind: Servic\n", True),
    (b"ApiVersion: v1\n", True),
    (b"api_version: v1\n", True),
    (b"apVersion: v1\n", True),
    (b"apiVersion: evtclt/v1\n", True),
    (b"apiVersion: Evtctl/v1\n", True),
    (b"- apiVersion: evtctl/v1\n", True),
    (b"kind: Service\nmetadata: {}\n", True),
    (b"metadata: {company: a}\ntopics: []\n", True),
    (b"apiVersion: v1\nkind: Service\n", True),  # parsed, then found not to be one
    (b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, labels: {topics: x}}\n",
     False),
    (b"version: '3'\nservices: {}\n", False),
    (b"on: push\njobs: {}\n", False),
    (b"version: 1\ncompanies: [a]\n", False),
    (b"x: {kind: Service}\n", False),
])
def test_prefilter(raw: bytes, passes: bool) -> None:
    assert may_hold_manifest(raw) is passes


MANIFEST_LINES = ["apiVersion: evtctl/v1", "kind: Service",
                  "metadata: {company: acme, namespace: shop, name: cart}",
                  "topics: [{name: acme.shop.cart.events}]"]


def _typo(word: str, data: st.DataObject) -> str:
    at = data.draw(st.integers(0, len(word) - 1))
    how = data.draw(st.sampled_from(["delete", "insert", "replace", "swap", "case"]))
    letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyzAV_-"))
    if how == "delete":
        return word[:at] + word[at + 1:]
    if how == "insert":
        return word[:at] + letter + word[at:]
    if how == "replace":
        return word[:at] + letter + word[at + 1:]
    if how == "swap" and at + 1 < len(word):
        return word[:at] + word[at + 1] + word[at] + word[at + 2:]
    return word.swapcase()


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_the_prefilter_never_drops_a_near_miss(data: st.DataObject) -> None:
    """Misspell any key or value of a manifest, drop lines: whatever the recogniser calls a
    near miss, the pre-filter must have let through."""
    lines = list(MANIFEST_LINES)
    for n, line in enumerate(lines):
        if data.draw(st.booleans()):
            key, _, value = line.partition(": ")
            if data.draw(st.booleans()):
                key = _typo(key, data) or key
            elif n == 0:
                value = _typo(value, data)
            lines[n] = f"{key}: {value}"
    keep = data.draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    text = "\n".join(line for line, k in zip(lines, keep, strict=True) if k) + "\n"
    parsed = parse_yaml(text)
    if parsed.problems or not parsed.documents:
        return
    if near_misses(parsed.documents[0].data):
        assert may_hold_manifest(text.encode()), text


def test_kubernetes_service_is_not_a_near_miss() -> None:
    doc = parse_yaml("apiVersion: v1\nkind: Service\nmetadata: {name: cart, namespace: shop}\n"
                     "spec: {ports: [{port: 80}]}\n").documents[0]
    assert near_misses(doc.data) == []


def test_scrape_reads_what_a_broken_manifest_declares() -> None:
    text = ("apiVersion: evtctl/v1\nkind: Service\nmetadata:\n  company: acme\n"
            "  namespace: shop\n  name: cart\ntopics:\n  - name: acme.shop.cart.events\n"
            "    contracts: [{name: CartCreated, versions: [{version: 1, schema: s.json}]\n"
            "  - name: 'acme.shop.cart.commands'\nconsumes:\n  - topic: acme.x.y.events\n")
    assert scrape(text) == ("acme.shop.cart", ("acme.shop.cart.events",
                                               "acme.shop.cart.commands"))
