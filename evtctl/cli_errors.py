"""How commands report bad usage and unreadable input: one line on stderr, exit 2."""

from __future__ import annotations

import sys


def fail(message: str) -> int:
    sys.stderr.write(f"evtctl: error: {message}\n")
    return 2
