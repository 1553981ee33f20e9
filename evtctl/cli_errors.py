"""How every command reports bad usage and unreadable input: one voice, on stderr, exit 2.

An error is one line, ``evtctl: error: <where>: <what>``, where ``<where>`` is the file and
place (``evtctl.yaml:3:5``), the option (``--format``) or the command (``evtctl lint``) at
fault, optionally followed by one line ``hint: <what to do>``. Notes that are not
errors (``evtctl: note: ...``) use the same prefix. Usage errors of the command-line parser
(unknown options, missing arguments) are turned into this shape by ``evtctl.cli``.
"""

from __future__ import annotations

import sys

EXIT_USAGE = 2


def fail(what: str, *, where: str | None = None, hint: str | None = None) -> int:
    """Write the error (and hint) to stderr, one line each; returns the exit status for bad
    usage, 2."""
    head = f"evtctl: error: {where}: {what}" if where else f"evtctl: error: {what}"
    lines = [" ".join(head.splitlines())]
    if hint:
        lines.append("hint: " + " ".join(hint.splitlines()))
    sys.stderr.write("\n".join(lines) + "\n")
    return EXIT_USAGE


def note(text: str) -> None:
    sys.stderr.write(f"evtctl: note: {text}\n")
