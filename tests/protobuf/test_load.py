"""Loading a version: imports, include paths, well-known types, the contract's message,
digests, and every kind of bad or hostile input as one clear error in bounded time."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from evtctl.compat.formats import SchemaErrorKind, SchemaFileError
from tests.protobuf.helpers import load

P3 = 'syntax = "proto3";\n'


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path, **options: object) -> SchemaFileError:
    with pytest.raises(SchemaFileError) as info:
        load(path, **options)  # type: ignore[arg-type]
    return info.value


def test_imports_resolve_against_the_files_folder_and_include_paths(tmp_path: Path) -> None:
    _write(tmp_path, "protos/acme/common/money.proto",
           P3 + "package acme.common;\nmessage Money { int64 units = 1; }\n")
    _write(tmp_path, "svc/address.proto", P3 + "package acme.svc;\nmessage Address {}\n")
    main = _write(tmp_path, "svc/order.proto", P3 + 'package acme.svc;\n'
                  'import "acme/common/money.proto";\nimport "address.proto";\n'
                  'import "google/protobuf/timestamp.proto";\nimport "google/type/money.proto";\n'
                  "message Order { acme.common.Money total = 1; Address to = 2;\n"
                  "  google.protobuf.Timestamp at = 3; google.type.Money other = 4; }\n")
    loaded = load(main, root=tmp_path, include_paths=(Path("protos"),))
    files = list(loaded.files)
    assert files[0] == main.resolve()
    assert set(files) == {main.resolve(), (tmp_path / "svc/address.proto").resolve(),
                          (tmp_path / "protos/acme/common/money.proto").resolve()}
    assert all(len(sha) == 64 for sha in loaded.files.values())
    assert loaded.content.message == "acme.svc.Order"


def test_the_message_defaults_to_the_first_and_can_be_named(tmp_path: Path) -> None:
    main = _write(tmp_path, "a.proto", P3 + "package p;\nenum E { E_0 = 0; }\n"
                  "message First { message Inner {} }\nmessage Second {}\n")
    assert load(main).content.message == "p.First"
    assert load(main, message="p.Second").content.message == "p.Second"
    assert load(main, message="p.First.Inner").content.message == "p.First.Inner"
    err = _error(main, message="Second")
    assert err.kind is SchemaErrorKind.REFERENCE_UNRESOLVED
    assert "did you mean p.Second" in err.message
    empty = _write(tmp_path, "e.proto", P3 + "enum E { E_0 = 0; }\n")
    assert "defines no message" in _error(empty).message


@pytest.mark.parametrize("text,kind,line,column,words", [
    (P3 + "message M {\n  int32 a = 1\n}\n", SchemaErrorKind.SYNTAX, 4, 1, 'Expected ";"'),
    ('{"type": "record", "name": "X"}\n', SchemaErrorKind.SYNTAX, 1, 1, "top-level statement"),
    (P3 + "message M { Missing m = 1; }\n", SchemaErrorKind.REFERENCE_UNRESOLVED, 2, 13,
     "is not defined"),
    (P3 + "message M { int32 a = 1; string b = 1; }\n", SchemaErrorKind.INVALID, 2, 37,
     "already been used"),
    (P3 + 'import "nowhere/gone.proto";\nmessage M {}\n', SchemaErrorKind.REFERENCE_MISSING,
     2, 1, "not found in the import roots"),
    (P3 + 'import "../outside.proto";\nmessage M {}\n', SchemaErrorKind.REFERENCE_OUTSIDE,
     2, 1, "leaves the import roots"),
    (P3 + 'import "/etc/passwd";\nmessage M {}\n', SchemaErrorKind.REFERENCE_OUTSIDE, 2, 1,
     "leaves the import roots"),
])
def test_bad_files_are_one_clear_error(tmp_path: Path, text: str, kind: SchemaErrorKind,
                                       line: int, column: int, words: str) -> None:
    _write(tmp_path, "outside.proto", P3 + "message O {}\n")
    main = _write(tmp_path, "svc/m.proto", text)
    err = _error(main, root=tmp_path / "svc")
    assert (err.kind, err.line, err.column) == (kind, line, column)
    assert words in err.message
    assert Path(err.path) == main.resolve()


def test_import_cycle(tmp_path: Path) -> None:
    _write(tmp_path, "b.proto", P3 + 'import "a.proto";\nmessage B {}\n')
    main = _write(tmp_path, "a.proto", P3 + 'import "b.proto";\nmessage A {}\n')
    err = _error(main)
    assert err.kind is SchemaErrorKind.INVALID
    assert "import cycle" in err.message and "a.proto -> b.proto -> a.proto" in err.message
    assert err.line == 2


def test_an_error_inside_an_import_is_reported_where_it_is(tmp_path: Path) -> None:
    dep = _write(tmp_path, "dep.proto", P3 + "message D { int32 x = 1 }\n")
    main = _write(tmp_path, "a.proto", P3 + 'import "dep.proto";\nmessage A { D d = 1; }\n')
    err = _error(main)
    assert Path(err.path) == dep.resolve()
    assert (err.kind, err.line) == (SchemaErrorKind.SYNTAX, 2)


def test_an_import_through_a_symlink_out_of_the_project(tmp_path: Path) -> None:
    outside = _write(tmp_path, "elsewhere/secret.proto", P3 + "message S {}\n")
    project = tmp_path / "project"
    project.mkdir()
    os.symlink(outside, project / "secret.proto")
    main = _write(project, "a.proto", P3 + 'import "secret.proto";\nmessage A { S s = 1; }\n')
    err = _error(main, root=project)
    assert err.kind is SchemaErrorKind.REFERENCE_OUTSIDE
    assert (Path(err.path), err.line) == (main.resolve(), 2)


def test_files_outside_the_project_or_missing(tmp_path: Path) -> None:
    main = _write(tmp_path, "a.proto", P3 + "message A {}\n")
    assert _error(main, root=tmp_path / "sub").kind is SchemaErrorKind.OUTSIDE
    assert _error(tmp_path / "none.proto").kind is SchemaErrorKind.MISSING
    binary = tmp_path / "b.proto"
    binary.write_bytes(b'syntax = "proto3";\nmessage \xff\xfe {}\n')
    err = _error(binary)
    assert (err.kind, err.line, err.column) == (SchemaErrorKind.UNREADABLE, 2, 9)


@pytest.mark.slow
def test_a_5_mb_file_is_refused_quickly(tmp_path: Path) -> None:
    body = "".join(f"message M{i} {{ string field_{i} = 1; int64 other_{i} = 2; }}\n"
                   for i in range(80_000))
    main = _write(tmp_path, "big.proto", P3 + body)
    assert main.stat().st_size > 5_000_000
    started = time.monotonic()
    err = _error(main)
    assert err.kind is SchemaErrorKind.LIMIT and "MiB" in err.message
    assert time.monotonic() - started < 5


@pytest.mark.slow
def test_ten_thousand_fields_load_and_compare(tmp_path: Path) -> None:
    from evtctl.compat.formats import get_format

    fields = "".join(f"  string field_{i} = {i + 1};\n" for i in range(10_000))
    v1 = _write(tmp_path, "v1.proto", P3 + "message Big {\n" + fields + "}\n")
    v2 = _write(tmp_path, "v2.proto", P3 + "message Big {\n" + fields.replace(
        "string field_9999 ", "int64 field_9999 ") + "}\n")
    started = time.monotonic()
    versions = [load(v1, 1), load(v2, 2)]
    result = get_format("PROTOBUF").check(versions, "FULL", "wire-json", chain=False,
                                          examples=True)
    assert time.monotonic() - started < 60
    assert not result.compatible
    assert {c.type for c in result.changes} == {"FIELD_SCALAR_KIND_CHANGED",
                                                "FIELD_WIRE_JSON_COMPATIBLE_TYPE"}


def test_deep_nesting_is_refused_by_protocs_limit(tmp_path: Path) -> None:
    depth = 200
    text = P3 + "".join(f"message M{i} {{\n" for i in range(depth)) + "}\n" * depth
    err = _error(_write(tmp_path, "deep.proto", text))
    assert err.kind is SchemaErrorKind.LIMIT and "recursion limit" in err.message
    assert err.line > 0


def test_proto2_required_groups_and_extensions_load_with_diagnostics(tmp_path: Path) -> None:
    main = _write(tmp_path, "p2.proto", 'syntax = "proto2";\npackage p;\nmessage G {\n'
                  "  required int32 id = 1;\n  optional group Extra = 2 { optional int32 q = 1; }\n"
                  "  extensions 100 to 200;\n}\nextend G { optional int32 weight = 100; }\n")
    loaded = load(main)
    kinds = {d.kind: d for d in loaded.diagnostics}
    assert kinds["group"].line == 5 and "Confluent" in kinds["group"].message
    fields = {f.name: f for f in loaded.content.main_file.messages[0].fields}
    assert fields["id"].label == "required" and fields["extra"].group_syntax
    assert [x.full_name for x in loaded.content.extensions()] == ["p.weight"]


def test_editions_load_with_a_diagnostic(tmp_path: Path) -> None:
    main = _write(tmp_path, "e.proto", 'edition = "2023";\npackage p;\nmessage E {\n'
                  "  int32 x = 1 [features.field_presence = LEGACY_REQUIRED];\n}\n")
    loaded = load(main)
    assert loaded.content.main_file.syntax == "editions"
    assert loaded.content.main_file.edition == "2023"
    assert [d.kind for d in loaded.diagnostics] == ["editions"]
    assert loaded.content.main_file.messages[0].fields[0].cardinality == "required"


def test_protoc_warnings_are_diagnostics(tmp_path: Path) -> None:
    _write(tmp_path, "b.proto", P3 + "message B {}\n")
    main = _write(tmp_path, "a.proto", P3 + 'import "b.proto";\nmessage A {}\n')
    (diag,) = load(main).diagnostics
    assert diag.kind == "protoc-warning" and "unused" in diag.message and diag.line == 2


def test_a_hung_or_crashed_protoc_is_a_clear_error(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from evtctl.compat.protobuf import compiler, schemafile

    main = _write(tmp_path, "a.proto", P3 + "message A {}\n")
    real = compiler.compile_files
    monkeypatch.setattr(compiler, "compile_files",
                        lambda includes, inputs: real(includes, inputs, timeout=0.0))
    err = _error(main)
    assert err.kind is SchemaErrorKind.LIMIT and "did not finish" in err.message
    monkeypatch.setattr(compiler, "compile_files", real)
    # The worker was killed; the next load starts a new one.
    assert load(main).content.message == "A"
    assert schemafile.MAX_FILE_BYTES >= 1024 * 1024


def test_the_worker_survives_being_killed(tmp_path: Path) -> None:
    import signal

    from evtctl.compat.protobuf.compiler import _WORKER

    main = _write(tmp_path, "a.proto", P3 + "message A {}\n")
    load(main)
    assert _WORKER.proc is not None
    os.kill(_WORKER.proc.pid, signal.SIGKILL)
    _WORKER.proc.wait()
    assert load(main).content.message == "A"


def test_a_forked_process_leaves_the_parents_worker_alone(tmp_path: Path) -> None:
    from evtctl.compat.protobuf.compiler import _WORKER

    main = _write(tmp_path, "a.proto", P3 + "message A {}\n")
    load(main)
    parent_worker = _WORKER.proc
    assert parent_worker is not None
    pid = os.fork()
    if pid == 0:  # the child: stopping must not touch the parent's worker; loading works
        code = 0
        try:
            _WORKER.stop()
            code = 0 if load(main).content.message == "A" else 1
        except BaseException:
            code = 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert parent_worker.poll() is None and _WORKER.proc is parent_worker
    assert load(main).content.message == "A"
