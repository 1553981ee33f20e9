"""The contract-format seam: every format on this installation honours the protocol, and a
version's format is chosen from ``schemaType`` or the extension without importing any."""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

from evtctl.compat.formats import (
    _MODULES,
    EXTENSIONS,
    SCHEMA_TYPES,
    TITLES,
    LoadOptions,
    choose_format,
    get_format,
)

# Formats whose package is part of this tree (all three once Avro and Protobuf have landed).
PRESENT = [t for t in SCHEMA_TYPES
           if importlib.util.find_spec(_MODULES[t].rsplit(".", 1)[0]) is not None]


def test_json_schema_is_always_present() -> None:
    assert "JSON" in PRESENT


@pytest.mark.parametrize("schema_type", PRESENT)
def test_format_honours_the_protocol(schema_type: str) -> None:
    fmt = get_format(schema_type)
    assert fmt.schema_type == schema_type
    assert fmt.title == TITLES[schema_type]
    assert isinstance(fmt.policies, tuple)
    assert all(isinstance(p, str) and p for p in fmt.policies)
    kinds = fmt.change_kinds
    assert kinds and all(isinstance(k, str) and isinstance(v, str) and v
                         for k, v in kinds.items())
    assert isinstance(fmt.identity(), str) and fmt.identity()
    parameters = inspect.signature(fmt.load).parameters
    for name in ("paths", "data"):
        assert name in parameters and parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
    for method in ("check", "describe", "fingerprint", "render", "registry_schema",
                   "load_registered"):
        assert callable(getattr(fmt, method))


@pytest.mark.parametrize(("name", "declared", "expected"), [
    ("a.json", None, "JSON"), ("a.YAML", None, "JSON"), ("a.yml", None, "JSON"),
    ("a.avsc", None, "AVRO"), ("a.proto", None, "PROTOBUF"),
    ("a.json", "avro", "AVRO"), ("a.txt", "PROTOBUF", "PROTOBUF"),
])
def test_format_from_schema_type_or_extension(name: str, declared: str | None,
                                              expected: str) -> None:
    choice = choose_format(name, declared)
    assert (choice.schema_type, choice.reason, choice.assumed) == (expected, None, False)


def test_unknown_extension_is_read_as_json_schema_and_says_so() -> None:
    choice = choose_format("persona.schema", None)
    assert (choice.schema_type, choice.assumed) == ("JSON", True)


def test_unknown_schema_type_is_refused_with_the_names() -> None:
    choice = choose_format("a.json", "XML")
    assert choice.schema_type is None
    assert choice.reason is not None and "JSON, AVRO, PROTOBUF" in choice.reason


def test_every_extension_names_a_known_format() -> None:
    assert set(EXTENSIONS.values()) <= set(SCHEMA_TYPES)


def test_choosing_a_format_imports_none() -> None:
    code = ("import sys; from evtctl.compat.formats import choose_format; "
            "choose_format('a.proto', None); choose_format('a.avsc', 'AVRO'); "
            "print([m for m in sys.modules if m.startswith(('evtctl.compat.jsonschema', "
            "'evtctl.compat.avro', 'evtctl.compat.protobuf', 'jsonschema', 'fastavro', "
            "'google.protobuf'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_json_load_digests_exactly_the_bytes_given(tmp_path: Path) -> None:
    file = tmp_path / "v1.json"
    file.write_text(json.dumps({"type": "string"}))
    given = json.dumps({"type": "integer"}).encode()
    loaded = get_format("JSON").load(file, 1, LoadOptions(root=tmp_path), data=given)
    assert loaded.files == {file.resolve(): hashlib.sha256(given).hexdigest()}
    assert loaded.content.schema == {"type": "integer"}
