"""A schema file that is not JSON says why in words, with the place given apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from evtctl.compat.formats import LoadOptions, SchemaErrorKind, SchemaFileError, get_format


@pytest.mark.parametrize(("text", "reason", "place"), [
    ('{"type": "strin\n', "invalid control character (a raw newline or tab inside a string?)",
     (1, 16)),
    ('{"type": "string', "unterminated string", (1, 10)),
    ('{"type": }', "expecting value", (1, 10)),
])
def test_invalid_json_in_words(tmp_path: Path, text: str, reason: str,
                               place: tuple[int, int]) -> None:
    path = tmp_path / "s.json"
    path.write_text(text)
    with pytest.raises(SchemaFileError) as raised:
        get_format("JSON").load(path, 1, LoadOptions())
    error = raised.value
    assert error.message == f"invalid JSON: {reason}"
    assert (error.line, error.column, error.kind) == (*place, SchemaErrorKind.SYNTAX)
