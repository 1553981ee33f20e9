"""Diff reporters: a format name → the module that renders a DiffResult.

Every format renders the same value. Only the text reporter imports rich, and only when
writing to a terminal.
"""

from __future__ import annotations

import importlib
from typing import TextIO

from evtctl.diff.result import DiffResult

REPORTERS = {
    "text": "evtctl.diff.report_text",
    "json": "evtctl.diff.report_json",
    "markdown": "evtctl.diff.report_markdown",
}


def render(result: DiffResult, format: str, stream: TextIO) -> None:
    module = importlib.import_module(REPORTERS[format])
    module.render(result, stream)
