"""Reporters render a LintResult; every format renders the same value.

``REPORTERS`` maps a format name to the module that renders it (each has
``render(result, stream)``). Only the text reporter imports rich, and only when
writing to a terminal.
"""

from __future__ import annotations

import importlib
import sys
from typing import TextIO

from evtctl.findings import LintResult

REPORTERS = {
    "text": "evtctl.report.text",
    "json": "evtctl.report.json_report",
    "sarif": "evtctl.report.sarif",
    "github": "evtctl.report.github",
    "junit": "evtctl.report.junit",
}


def render(result: LintResult, format: str, stream: TextIO | None = None) -> None:
    module = importlib.import_module(REPORTERS[format])
    module.render(result, stream or sys.stdout)
