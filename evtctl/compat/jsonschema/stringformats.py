"""The string formats events use: one valid sample of each, and a check of each.

Example events must satisfy ``format`` as a consumer that checks formats would, so the
generator writes these samples and the validators that prove an example check these
formats (jsonschema checks a few formats only when optional packages are installed; these
checks do not depend on them). Unknown formats are annotations: any string passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

SAMPLES: dict[str, str] = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "email": "a@example.com",
    "idn-email": "a@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "iri": "https://example.com/",
    "iri-reference": "https://example.com/",
    "uri-template": "https://example.com/{id}",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "json-pointer": "/a",
    "relative-json-pointer": "0",
    "regex": "a",
    "byte": "YQ==",
    "int32": "1",
    "int64": "1",
}

_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
_CHECKS: dict[str, re.Pattern[str]] = {
    "date-time": re.compile(rf"{_DATE}[Tt ]{_TIME}\Z"),
    "date": re.compile(rf"{_DATE}\Z"),
    "time": re.compile(rf"{_TIME}\Z"),
    "email": re.compile(r"[^@\s]+@[^@\s]+\Z"),
    "idn-email": re.compile(r"[^@\s]+@[^@\s]+\Z"),
    "hostname": re.compile(r"(?=.{1,253}\Z)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
                           r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z"),
    "ipv4": re.compile(r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}"
                       r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\Z"),
    "uri": re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s]*\Z"),
    "uri-reference": re.compile(r"[^\s]*\Z"),
    "uuid": re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                       r"[0-9a-fA-F]{12}\Z"),
    "duration": re.compile(r"P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?"
                           r"(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?\Z"),
}


# Other valid strings of some formats, for when the first does not suit (a pattern the
# reader added rejects them all but one, say).
MORE: dict[str, tuple[str, ...]] = {
    "date-time": ("2024-01-01T00:00:00.5+01:00", "2024-12-31t23:59:59z"),
    "date": ("2024-12-31",),
    "time": ("23:59:59+01:00",),
    "email": ("A.B@example.org", "a+b@example.com"),
    "uri": ("urn:example:a", "HTTP://EXAMPLE.COM/A?b=1#c"),
    "uri-reference": ("a/b", "#a", ""),
    "uuid": ("A0000000-0000-4000-8000-00000000000F", "ffffffff-ffff-4fff-bfff-ffffffffffff"),
    "hostname": ("EXAMPLE.ORG", "a-b.example"),
    "ipv4": ("255.255.255.255",),
    "ipv6": ("::1", "FE80::1"),
}


def sample(fmt: str) -> str | None:
    """A valid string of format ``fmt``; None for a format this module does not know."""
    return SAMPLES.get(fmt)


def samples(fmt: str) -> tuple[str, ...]:
    """Valid strings of format ``fmt``, the plainest first (none for unknown formats)."""
    first = SAMPLES.get(fmt)
    return ((first,) if first is not None else ()) + MORE.get(fmt, ())


def check(fmt: str) -> Callable[[object], bool] | None:
    """A check of strings in format ``fmt`` (non-strings pass, as the specification says)."""
    pattern = _CHECKS.get(fmt)
    if pattern is None:
        return None

    def conforms(value: object) -> bool:
        return not isinstance(value, str) or pattern.match(value) is not None

    return conforms


_CHECKER: list[object] = []


def format_checker() -> object:
    """A jsonschema ``FormatChecker`` with jsonschema's own checks plus the ones above."""
    if not _CHECKER:
        from jsonschema import FormatChecker

        checker = FormatChecker()
        for fmt in _CHECKS:
            conforms = check(fmt)
            assert conforms is not None
            checker.checks(fmt)(conforms)
        _CHECKER.append(checker)
    return _CHECKER[0]
