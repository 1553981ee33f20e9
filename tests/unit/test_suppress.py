"""Inline suppressions: ``# evtctl: ignore[RULE] reason`` on or above the offending line."""

from __future__ import annotations

from pathlib import Path

import pytest

from evtctl.config import ProjectConfig, load_config
from evtctl.findings import LintResult
from evtctl.lint import LintOptions, lint_paths
from evtctl.suppress import parse_suppressions

HEAD = """\
apiVersion: evtctl/v1
kind: Service
metadata: {company: acme, namespace: shop, name: cart}
"""


def lint(tmp_path: Path, body: str, config: str | None = None) -> LintResult:
    (tmp_path / "cart.yaml").write_text(HEAD + body)
    if config is not None:
        (tmp_path / "evtctl.yaml").write_text(config)
    cfg = load_config(None, [tmp_path]) if config else ProjectConfig(None, tmp_path.resolve())
    return lint_paths([tmp_path], cfg, LintOptions(use_cache=False))


def rules(result: LintResult) -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in result.findings]


UNKNOWN_TOPIC = "consumes:\n  - topic: acme.billing.invoices.events\n    events: [Paid]\n"


def test_unsuppressed_finding_is_reported(tmp_path: Path) -> None:
    assert rules(lint(tmp_path, UNKNOWN_TOPIC)) == [("EVT401", 5)]


def test_trailing_comment_suppresses_finding_on_its_line(tmp_path: Path) -> None:
    body = UNKNOWN_TOPIC.replace(
        "invoices.events\n", "invoices.events  # evtctl: ignore[EVT401] billing joins in Q3\n")
    result = lint(tmp_path, body)
    assert rules(result) == []
    assert result.suppressed == 1


def test_comment_on_line_above_suppresses_by_name(tmp_path: Path) -> None:
    body = ("consumes:\n  # evtctl: ignore[unknown-topic] billing joins in Q3\n"
            "  # another comment between\n\n"
            "  - topic: acme.billing.invoices.events\n    events: [Paid]\n")
    result = lint(tmp_path, body)
    assert rules(result) == []
    assert result.suppressed == 1


def test_suppression_covers_only_the_next_line(tmp_path: Path) -> None:
    body = ("consumes:\n  # evtctl: ignore[unknown-topic] billing joins in Q3\n"
            "  - topic: acme.billing.invoices.events\n    events: [Paid]\n"
            "  - topic: acme.billing.refunds.events\n    events: [Refunded]\n")
    assert rules(lint(tmp_path, body)) == [("EVT401", 8)]


def test_several_rules_comma_separated(tmp_path: Path) -> None:
    body = ("topics:\n  - name: acme.shop.cart.events\n"
            "  - name: acme_shop.cart.events  # evtctl: ignore[EVT102, topic-name-grammar] "
            "renamed in the next release\n")
    result = lint(tmp_path, body)
    assert rules(result) == [("EVT102", 5)]  # the other side of the collision stays
    assert result.suppressed == 2


def test_other_rule_on_the_line_is_not_suppressed(tmp_path: Path) -> None:
    body = ("topics:\n  - name: acme.shop.cart.events\n"
            "  - name: acme_shop.cart.events  # evtctl: ignore[EVT102] renamed soon\n")
    assert rules(lint(tmp_path, body)) == [("EVT102", 5), ("EVT103", 6)]


def test_missing_reason_is_an_error_but_still_suppresses(tmp_path: Path) -> None:
    body = UNKNOWN_TOPIC.replace("invoices.events\n", "invoices.events  # evtctl: ignore[EVT401]\n")
    result = lint(tmp_path, body)
    assert rules(result) == [("EVT901", 5)]
    assert result.findings[0].severity.value == "error"
    line = (tmp_path / "cart.yaml").read_text().splitlines()[4]
    assert result.findings[0].column == line.index("#") + 1
    assert result.suppressed == 1


def test_unused_suppression_is_a_warning(tmp_path: Path) -> None:
    body = ("topics:\n  # evtctl: ignore[topic-name-grammar] legacy\n"
            "  - name: acme.shop.cart.events\n")
    result = lint(tmp_path, body)
    assert rules(result) == [("EVT902", 5)]
    assert result.findings[0].severity.value == "warning"
    assert "suppresses nothing" in result.findings[0].message


def test_unknown_rule_in_suppression_is_reported(tmp_path: Path) -> None:
    body = UNKNOWN_TOPIC.replace(
        "invoices.events\n", "invoices.events  # evtctl: ignore[EVT401, EVT999] later\n")
    result = lint(tmp_path, body)
    assert rules(result) == [("EVT902", 5)]
    assert "'EVT999'" in result.findings[0].message


def test_malformed_directive_is_reported(tmp_path: Path) -> None:
    body = UNKNOWN_TOPIC.replace("invoices.events\n", "invoices.events  # evtctl: ignore EVT401\n")
    assert rules(lint(tmp_path, body)) == [("EVT401", 5), ("EVT901", 5)]


def test_directive_inside_a_quoted_string_is_text(tmp_path: Path) -> None:
    body = ('topics:\n  - name: acme.shop.cart.events\n'
            '    config: {note: "x # evtctl: ignore[EVT999] not a comment"}\n')
    assert rules(lint(tmp_path, body)) == []


def test_unused_suppression_of_a_rule_turned_off_is_not_reported(tmp_path: Path) -> None:
    body = "topics:\n  # evtctl: ignore[EVT105] legacy\n  - name: acme.shop.cart.events\n"
    result = lint(tmp_path, body, "version: 1\nrules:\n  EVT105: off\n")
    assert rules(result) == []


def test_suppression_findings_follow_config_severity(tmp_path: Path) -> None:
    body = UNKNOWN_TOPIC.replace("invoices.events\n", "invoices.events  # evtctl: ignore[EVT401]\n")
    result = lint(tmp_path, body, "version: 1\nrules:\n  suppression-without-reason: warning\n")
    assert [(f.rule, f.severity.value) for f in result.findings] == [("EVT901", "warning")]


def test_config_ignores_and_inline_suppressions_add_up(tmp_path: Path) -> None:
    body = ("topics:\n  - name: acme.shop.cart.events\n"
            "  - name: acme_shop.cart.events  # evtctl: ignore[EVT102] renamed soon\n")
    config = ("version: 1\nignores:\n  - {rule: topic-name-collision, path: '*.yaml', "
              "reason: renamed soon}\n  - {rule: EVT103, path: '*.yaml', reason: same}\n")
    result = lint(tmp_path, body, config)
    assert rules(result) == []
    assert result.suppressed == 3  # one inline, two by the config


@pytest.mark.parametrize("line, rules_, reason, error", [
    ("x: 1  # evtctl: ignore[EVT101] because", ("EVT101",), "because", None),
    ("# evtctl:ignore[ a , b ]   why not", ("a", "b"), "why not", None),
    ("#evtctl: ignore[EVT101]", ("EVT101",), "", None),
    ("# evtctl: ignore[] reason", (), "reason", "names no rule"),
    ("# evtctl: disable EVT101", (), "", "cannot read"),
])
def test_parse(line: str, rules_: tuple[str, ...], reason: str, error: str | None) -> None:
    [sup] = parse_suppressions(Path("m.yaml"), line + "\nnext: 2\n")
    assert sup.rules == rules_
    assert sup.reason == reason
    assert (sup.error is None) if error is None else (error in (sup.error or ""))


def test_parse_ignores_non_comments() -> None:
    glued = "a: b#evtctl: ignore[EVT101] glued to a value\n"
    quoted = "c: 'd # evtctl: ignore[X] y'\ne: |\n  text\n  # evtctl: ignore[X] in a block\n"
    assert parse_suppressions(Path("m.yaml"), glued) == []
    assert parse_suppressions(Path("m.yaml"), quoted) == []


def test_parse_targets() -> None:
    text = "a: 1  # evtctl: ignore[X] r\n# evtctl: ignore[Y] r\n# plain comment\n\nb: 2\n"
    assert [(s.location.line, s.target_line)
            for s in parse_suppressions(Path("m.yaml"), text)] == [(1, 1), (2, 5)]
