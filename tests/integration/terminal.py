"""Running ``python -m evtctl`` under a real pseudo-terminal, as a user at a shell would, and
reading back what the terminal would show."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass

_ESCAPE = re.compile(r"\x1b\[([0-?]*)[ -/]*([@-~])"  # CSI: colours, cursor moves, erase
                     r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: window titles
                     r"|\x1b[@-_]")  # two-byte escapes
# Variables that make rich (or click) behave differently from a plain interactive terminal.
_TERMINAL_OVERRIDES = ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE",
                       "COLUMNS", "LINES", "TERM", "CI", "GITHUB_ACTIONS")
# Runs the program with the pseudo-terminal as its controlling terminal (so Ctrl-C there is
# a SIGINT, as in a shell); the child of ``start_new_session`` is a session leader.
_ON_TERMINAL = ("import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
                "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")


def screen_lines(raw: str, columns: int) -> list[str]:
    """What a terminal ``columns`` wide shows after ``raw`` (a small VT100 subset: text with
    auto-wrap, CR, LF, backspace, cursor up/down/left/right/column, erase in line; colours
    and modes ignored). Rows the terminal wrapped are joined again, as a terminal's copy
    does, so a line means one line the program wrote."""
    rows: list[list[str]] = [[]]
    continued = [False]  # row i continues row i - 1 (auto-wrapped)
    row = col = 0

    def goto(new_row: int) -> None:
        nonlocal row
        row = max(0, new_row)
        while len(rows) <= row:
            rows.append([])
            continued.append(False)

    position = 0
    while position < len(raw):
        escape = _ESCAPE.match(raw, position)
        if escape:
            position = escape.end()
            params, final = escape.group(1), escape.group(2)
            if params is None or params.startswith("?"):
                continue
            n = int(params.split(";")[0] or 0)
            if final == "A":
                goto(row - max(n, 1))
            elif final == "B":
                goto(row + max(n, 1))
            elif final == "C":
                col = min(columns, col + max(n, 1))
            elif final == "D":
                col = max(0, col - max(n, 1))
            elif final == "G":
                col = min(columns - 1, max(n, 1) - 1)
            elif final == "K":
                line = rows[row]
                if n == 0:
                    del line[col:]
                elif n == 1:
                    line[:col + 1] = [" "] * min(len(line), col + 1)
                else:
                    line.clear()
            continue
        char = raw[position]
        position += 1
        if char == "\r":
            col = 0
        elif char == "\n":
            goto(row + 1)
        elif char == "\b":
            col = max(0, col - 1)
        elif char >= " " and char != "\x7f":
            if col >= columns:  # auto-wrap onto a continuation row
                goto(row + 1)
                continued[row] = True
                col = 0
            line = rows[row]
            line.extend(" " * (col + 1 - len(line)))
            line[col] = char
            col += 1
    lines: list[str] = []
    for text, is_continued in zip(rows, continued, strict=True):
        if is_continued and lines:
            lines[-1] += "".join(text)
        else:
            lines.append("".join(text))
    return [line.rstrip() for line in lines]


@dataclass
class TerminalRun:
    exit_code: int
    raw: str  # everything written to the terminal, escape sequences included
    columns: int

    @property
    def lines(self) -> list[str]:
        """The lines the terminal shows at the end (see ``screen_lines``)."""
        return screen_lines(self.raw, self.columns)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class Terminal:
    """One ``python -m evtctl ARGS`` with stdin, stdout and stderr on a pseudo-terminal of
    ``columns`` x 40 characters; ``expect`` waits for output, ``send`` types."""

    def __init__(self, args: Sequence[str], *, columns: int = 120) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
        env = {k: v for k, v in os.environ.items() if k not in _TERMINAL_OVERRIDES}
        env["TERM"] = "xterm-256color"
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _ON_TERMINAL, "-m", "evtctl", *args], stdin=slave,
                stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True)
        finally:
            os.close(slave)
        self._master = master
        self.columns = columns
        self._output = bytearray()
        self._closed = False  # the program closed the terminal (or was killed)
        self._master_open = True

    def _read(self, until: float) -> None:
        """Read what is there (waiting until ``until`` for something); EOF closes."""
        wait = max(0.0, until - time.monotonic())
        ready, _, _ = select.select([self._master], [], [], wait)
        if not ready:
            return
        try:
            chunk = os.read(self._master, 65536)
        except OSError:  # EIO: every process holding the terminal has gone
            chunk = b""
        if chunk:
            self._output.extend(chunk)
        else:
            self._closed = True

    @property
    def raw(self) -> str:
        return self._output.decode("utf-8", errors="replace")

    def expect(self, text: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in _ESCAPE.sub("", self.raw):
            if self._closed or time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"{text!r} never appeared on the terminal; it shows:\n"
                                     + TerminalRun(-1, self.raw, self.columns).text)
            self._read(deadline)

    def send(self, keys: str) -> None:
        os.write(self._master, keys.encode())

    def finish_after(self, keys: str, timeout: float = 60.0) -> TerminalRun:
        self.send(keys)
        return self.finish(timeout)

    def finish(self, timeout: float = 60.0) -> TerminalRun:
        """Read until the program exits and closes the terminal; its exit status and output."""
        deadline = time.monotonic() + timeout
        while not self._closed:
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError("the program did not finish; the terminal shows:\n"
                                     + TerminalRun(-1, self.raw, self.columns).text)
            self._read(deadline)
        code = self.process.wait(timeout=max(1.0, deadline - time.monotonic()))
        self._close_master()
        return TerminalRun(code, self.raw, self.columns)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._closed = True
        self._close_master()

    def _close_master(self) -> None:
        if self._master_open:
            self._master_open = False
            os.close(self._master)
