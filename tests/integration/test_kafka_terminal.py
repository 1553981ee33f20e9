"""``evtctl provision --apply`` as a person at a terminal sees it: a real pseudo-terminal, a
real process (``python -m evtctl``), the real broker. Without a terminal it must refuse
rather than wait for an answer nobody can give."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import pytest
from brokerstate import topic_partitions
from terminal import Terminal, screen_lines

pytestmark = pytest.mark.kafka

PROMPT = "changes to cluster {}? [y/N]: "


def test_screen_model() -> None:
    """The terminal model the tests below rely on: redraws, erases and auto-wrap."""
    assert screen_lines("plan\r\nbar 1%\rbar 99%\r\n\x1b[1A\x1b[2KApplied\r\n", 80) == [
        "plan", "Applied", ""]
    assert screen_lines("\x1b[32m  + topic a.b\x1b[0m\r\n", 5) == ["  + topic a.b", ""]
    assert screen_lines("  + topic\r\na.b\r\n", 80) == ["  + topic", "a.b", ""]


@pytest.mark.parametrize("answer", ["n\r", "\r", "\x04", "\x03"],
                         ids=["n", "enter", "ctrl-d", "ctrl-c"])
def test_apply_asks_and_anything_but_yes_changes_nothing(kafka: Any, org: Any,
                                                         answer: str) -> None:
    events, commands = org.topic("orders", "events"), org.topic("orders", "commands")
    org.service("orders", topics=[{"name": events, "partitions": 2}, {"name": commands}])
    terminal = Terminal(["provision", *org.paths, "--bootstrap-server",
                         kafka.bootstrap_servers, "--timeout", "10", "--apply"])
    terminal.expect(PROMPT.format(kafka.cluster_id))
    if answer == "\x03":
        # A SIGINT that lands after the prompt is written but before the read starts is
        # lost until Enter (CPython's stdio readline); no person types that fast.
        time.sleep(0.3)
    screen = terminal.finish_after(answer)
    assert f"Plan for cluster {kafka.cluster_id}" in screen.lines
    assert f"  + topic {events}" in screen.lines
    assert "Plan: 2 to add, 0 to change, 0 to delete." in screen.lines
    assert f"Apply 2 changes to cluster {kafka.cluster_id}? [y/N]:" in screen.text
    assert "Apply cancelled: nothing was changed." in screen.lines, screen.text
    assert screen.exit_code == 1
    assert "Traceback" not in screen.raw
    assert topic_partitions(kafka, events) is None
    assert topic_partitions(kafka, commands) is None


def test_yes_applies_with_progress_and_a_clean_report(kafka: Any, org: Any) -> None:
    # Enough changes for the progress bar (20+), and a terminal narrower than the report's
    # lines: the terminal wraps them, the program must not.
    names = [org.topic("orders", f"events.m{i}") for i in range(24)]
    org.service("orders", topics=[{"name": n, "partitions": 1} for n in names])
    terminal = Terminal(["provision", *org.paths, "--bootstrap-server",
                         kafka.bootstrap_servers, "--timeout", "10", "--apply"], columns=40)
    terminal.expect(PROMPT.format(kafka.cluster_id))
    screen = terminal.finish_after("y\r")
    assert "Applying" in screen.raw  # the progress bar was drawn...
    assert not [line for line in screen.lines if "Applying" in line]  # ...and then erased
    report = screen.lines[screen.lines.index(f"Applied to cluster {kafka.cluster_id}"):]
    for name in names:
        assert f"  + topic {name}   [applied]" in report, screen.text
    assert "Applied 24 of 24 changes." in report
    assert screen.exit_code == 0
    assert all(topic_partitions(kafka, name) == 1 for name in names)


def test_apply_without_a_terminal_refuses_instead_of_waiting(kafka: Any, org: Any) -> None:
    events = org.topic("orders", "events")
    org.service("orders", topics=[{"name": events}])
    done = subprocess.run(
        [sys.executable, "-m", "evtctl", "provision", *org.paths, "--bootstrap-server",
         kafka.bootstrap_servers, "--timeout", "10", "--apply"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == ("evtctl: error: --apply: --apply asks for confirmation, but there "
                           "is no terminal to ask on\nhint: pass --yes to apply without "
                           "asking\n")
    assert f"+ topic {events}" in done.stdout  # the plan is still shown
    assert topic_partitions(kafka, events) is None
