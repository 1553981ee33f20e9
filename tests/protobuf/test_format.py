"""Protobuf behind the contract-format seam."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from evtctl.compat.formats import RegistrySchema, SchemaFileError, choose_format, get_format
from evtctl.compat.protobuf.confluent import COMPATIBLE, TYPES
from evtctl.compat.protobuf.wire import WIRE, WIRE_JSON
from tests.protobuf.helpers import load

FMT = get_format("PROTOBUF")
P3 = 'syntax = "proto3";\n'


def test_the_format_is_found_by_extension_and_schema_type() -> None:
    assert choose_format("orders/order.proto", None).schema_type == "PROTOBUF"
    assert choose_format("orders/order.txt", "protobuf").schema_type == "PROTOBUF"
    assert (FMT.schema_type, FMT.title, FMT.policies[0]) == ("PROTOBUF", "Protobuf",
                                                              "confluent")
    assert set(FMT.policies) == {"confluent", "wire", "wire-json"}


def test_change_kinds_cover_every_type_evtctl_reports() -> None:
    assert set(FMT.change_kinds) == set(TYPES) | WIRE | WIRE_JSON
    assert set(TYPES) > COMPATIBLE and len(COMPATIBLE) == 15
    assert all(sentence and sentence[0].islower() for sentence in FMT.change_kinds.values())


def test_identity_names_the_compiler_and_runtime() -> None:
    identity = FMT.identity()
    assert identity.startswith("PROTOBUF\0grpcio-tools ") and "\0protobuf " in identity


def test_loading_protobuf_does_not_import_the_runtime_in_the_main_process(
        tmp_path: Path) -> None:
    (tmp_path / "a.proto").write_text(P3 + "message A { int32 x = 1; }\n", encoding="utf-8")
    (tmp_path / "b.proto").write_text(P3 + "message A { string x = 1; }\n", encoding="utf-8")
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from evtctl.compat.formats import LoadOptions, get_format\n"
        "f = get_format('PROTOBUF')\n"
        f"v = [f.load(Path({str(tmp_path)!r}) / n, i, LoadOptions()) for i, n in "
        "((1, 'a.proto'), (2, 'b.proto'))]\n"
        "r = f.check(v, 'BACKWARD', 'wire-json', chain=False, examples=False)\n"
        "assert not r.compatible\n"
        "print(sorted(m for m in sys.modules if m.startswith(('google', 'grpc'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"


def test_modes_and_chains(tmp_path: Path) -> None:
    texts = [P3 + "message M { int32 a = 1; }\n", P3 + "message M { int32 a = 1; int32 b = 2; }\n",
             P3 + "message M { string a = 1; int32 b = 2; }\n"]
    versions = []
    for i, text in enumerate(texts, start=1):
        (tmp_path / f"v{i}.proto").write_text(text, encoding="utf-8")
        versions.append(load(tmp_path / f"v{i}.proto", i))
    chain = FMT.check(versions, "BACKWARD", "confluent", chain=True, examples=False)
    assert [(c.from_version, c.to_version, c.type) for c in chain.changes] == [
        (1, 2, "FIELD_ADDED"), (2, 3, "FIELD_SCALAR_KIND_CHANGED")]
    transitive = FMT.check(versions, "BACKWARD_TRANSITIVE", "confluent", chain=False,
                           examples=False)
    assert {(c.from_version, c.to_version) for c in transitive.changes} == {(1, 3), (2, 3)}
    assert FMT.check(versions, "NONE", "wire", chain=True, examples=False).changes == ()
    with pytest.raises(ValueError):
        FMT.check(versions, "BACKWARD", "strict", chain=True, examples=False)


def test_changes_carry_their_place_and_a_sentence(tmp_path: Path) -> None:
    for name, kind in (("v1.proto", "int32"), ("v2.proto", "string")):
        text = P3 + f"package acme;\nmessage Order {{\n  {kind} qty = 1;\n}}\n"
        (tmp_path / name).write_text(text)
    versions = [load(tmp_path / "v1.proto", 1), load(tmp_path / "v2.proto", 2)]
    (change,) = FMT.check(versions, "BACKWARD", "confluent", chain=False, examples=False).changes
    assert (change.file, change.line, change.column) == (str((tmp_path / "v2.proto").resolve()),
                                                         4, 3)
    assert "field 1 of acme.Order" in FMT.describe(change) and "int32 → string" in (
        change.description or "")


def test_fingerprint_render_and_registry_round_trip(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "money.proto").write_text(P3 + "package m;\nmessage Money {}\n")
        (tmp_path / folder / "order.proto").write_text(
            P3 + 'import "money.proto";\nimport "google/protobuf/timestamp.proto";\n'
            "message Order { m.Money total = 1; google.protobuf.Timestamp at = 2; }\n")
    a, b = (load(tmp_path / f / "order.proto", 1) for f in ("a", "b"))

    def relative(root: Path) -> object:
        return lambda p: p.relative_to(root.resolve()).as_posix()

    assert FMT.fingerprint(a, relative(tmp_path / "a")) == FMT.fingerprint(
        b, relative(tmp_path / "b"))
    assert FMT.render(a).startswith(P3)
    registered = FMT.registry_schema(a)
    assert registered.record_name == "Order"
    assert [name for name, _ in registered.references] == ["money.proto"]
    back = FMT.load_registered(registered, 3, "registry subject orders-value v3")
    result = FMT.check([a, back], "FULL", "wire-json", chain=False, examples=False)
    assert result.compatible and result.changes == ()
    broken = RegistrySchema("PROTOBUF", P3 + "message X { int32 a = 1 }\n")
    with pytest.raises(SchemaFileError) as info:
        FMT.load_registered(broken, 1, "registry subject x-value v1")
    assert str(info.value.path) == "registry subject x-value v1" and info.value.line == 2
