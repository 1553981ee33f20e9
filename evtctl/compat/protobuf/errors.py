"""protoc's messages on stderr → the first real problem, with its place and kind.

protoc prints one line per problem, ``file:line:column: message`` (or ``file: message``
for a file it could not open), followed by knock-on lines ("Import … was not found or had
errors"). The user needs the cause: the import statement that names a missing file, the
error inside an imported file, the cycle. Warnings become diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evtctl.compat.formats import SchemaErrorKind

_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*)$")
_BARE = re.compile(r"^(?P<file>[^:\s][^:]*): (?P<msg>.*)$")
_ABSL = re.compile(r"^[WIEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ \S+:\d+\] (?P<msg>.*)$")
_IMPORT = re.compile(r'^Import "(?P<name>[^"]+)" was not found or had errors\.$')

_SYNTAX_STARTS = (
    "Expected", "Unexpected", "Invalid", "Unmatched", "Unknown syntax", "Unrecognized syntax",
    "Reached end of input", "Missing field number", "Need space", "Unterminated",
    "String literals", "Octal", "Hex", "Numeric", "Illegal", "Unknown edition",
    "Multiple package definitions", "Interpreting non ascii",
)
_UNRESOLVED = ("is not defined", "is not a message type", "is not a type",
               "is resolved to", "seems to be defined in")


@dataclass(frozen=True)
class ProtocMessage:
    file: str  # a disk path for files protoc read, the import name for files it did not find
    line: int
    column: int
    message: str
    warning: bool = False


def parse(stderr: str) -> list[ProtocMessage]:
    out: list[ProtocMessage] = []
    for raw in stderr.splitlines():
        text = raw.strip()
        if not text or text.startswith("WARNING: All log messages before absl"):
            continue
        absl = _ABSL.match(text)
        if absl:
            msg = absl.group("msg")
            if "No edition or syntax specified" in msg:
                out.append(ProtocMessage("", 0, 0, "no 'syntax' or 'edition' statement: protoc "
                                         "reads the file as proto2; say which you mean",
                                         warning=True))
            continue
        m = _LINE.match(text)
        if m:
            msg = m.group("msg")
            warning = msg.startswith("warning: ")
            out.append(ProtocMessage(m.group("file"), int(m.group("line")), int(m.group("col")),
                                     msg.removeprefix("warning: "), warning))
            continue
        b = _BARE.match(text)
        if b:
            msg = b.group("msg")
            warning = msg.startswith("warning: ")
            out.append(ProtocMessage(b.group("file"), 0, 0, msg.removeprefix("warning: "),
                                     warning))
        else:
            out.append(ProtocMessage("", 0, 0, text))
    return out


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    message: str
    kind: SchemaErrorKind


def first_problem(messages: list[ProtocMessage], roots: str) -> Problem | None:
    """The cause among protoc's errors (``roots`` names the import roots, for messages)."""
    errors = [m for m in messages if not m.warning]
    if not errors:
        return None
    missing = {m.file for m in errors if m.line == 0 and m.message == "File not found."}
    bad_path = {m.file for m in errors if m.line == 0 and "are not allowed in the virtual path"
                in m.message}
    for m in errors:
        if "recursively imports itself" in m.message:
            return Problem(m.file, m.line, m.column,
                           f"import cycle: {m.message.split(': ', 1)[-1]}; break the cycle "
                           "(move the shared definitions to a file both import)",
                           SchemaErrorKind.INVALID)
    for m in errors:
        found = _IMPORT.match(m.message)
        if not found:
            continue
        name = found.group("name")
        if name in bad_path or name.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", name):
            return Problem(m.file, m.line, m.column,
                           f'import "{name}" leaves the import roots; name imported files by '
                           f"their path inside an import root ({roots})",
                           SchemaErrorKind.REFERENCE_OUTSIDE)
        if name in missing:
            return Problem(m.file, m.line, m.column,
                           f'imported file "{name}" not found in the import roots ({roots}); '
                           "add it, fix the path, or add its root to includePaths in evtctl.yaml",
                           SchemaErrorKind.REFERENCE_MISSING)
    # An error inside a file protoc read (the main file, or an import with errors).
    for m in errors:
        if m.line and not _IMPORT.match(m.message):
            return Problem(m.file, m.line, m.column, m.message, classify(m.message))
    m = errors[0]
    return Problem(m.file, m.line, m.column, m.message, classify(m.message))


def classify(message: str) -> SchemaErrorKind:
    if "maximum recursion limit" in message:
        return SchemaErrorKind.LIMIT
    if any(s in message for s in _UNRESOLVED):
        return SchemaErrorKind.REFERENCE_UNRESOLVED
    if message.startswith(_SYNTAX_STARTS):
        return SchemaErrorKind.SYNTAX
    return SchemaErrorKind.INVALID
