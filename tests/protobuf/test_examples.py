"""Example events: attached only when the protobuf runtime shows the break; a plain note
where no event can show it."""

from __future__ import annotations

from pathlib import Path

from evtctl.compat import Change
from evtctl.compat.formats import get_format
from tests.protobuf.helpers import load

FMT = get_format("PROTOBUF")


def _changes(tmp_path: Path, before: str, after: str, mode: str = "BACKWARD",
             policy: str = "confluent") -> dict[str, Change]:
    (tmp_path / "v1.proto").write_text(before, encoding="utf-8")
    (tmp_path / "v2.proto").write_text(after, encoding="utf-8")
    versions = [load(tmp_path / "v1.proto", 1), load(tmp_path / "v2.proto", 2)]
    result = FMT.check(versions, mode, policy, chain=False, examples=True)
    return {c.type: c for c in result.changes}


def _decode(change: Change, tmp_path: Path) -> object:
    """Re-check the attached bytes with a fresh runtime pool: the reader's view."""
    from google.protobuf import descriptor_pool, message_factory

    reader = load(tmp_path / f"v{change.to_version}.proto", change.to_version)
    pool = descriptor_pool.DescriptorPool()
    from google.protobuf import descriptor_pb2

    for f in descriptor_pb2.FileDescriptorSet.FromString(reader.content.descriptor_set).file:
        pool.Add(f)
    cls = message_factory.GetMessageClass(pool.FindMessageTypeByName(
        change.example["writer"]["message"]))
    message = cls()
    message.ParseFromString(bytes.fromhex(change.example["bytes"]))
    return message


def test_a_field_read_as_another_type(tmp_path: Path) -> None:
    c = _changes(tmp_path, 'syntax = "proto3";\nmessage M { sint32 qty = 1; }\n',
                 'syntax = "proto3";\nmessage M { int32 qty = 1; }\n')["FIELD_SCALAR_KIND_CHANGED"]
    assert c.has_example and not c.compatible
    assert c.example["writer"]["event"] == {"qty": -1}
    assert c.example["reader"]["decoded"] == {"qty": 1}
    assert _decode(c, tmp_path).qty == 1  # the zigzag encoding of -1, read as a plain varint
    assert "reads field 1 (qty) as 1" in (c.example_note or "")


def test_a_required_field_missing(tmp_path: Path) -> None:
    c = _changes(tmp_path, 'syntax = "proto2";\nmessage M { optional int32 a = 1; }\n',
                 'syntax = "proto2";\nmessage M { optional int32 a = 1;\n'
                 "  required string b = 2; }\n")["REQUIRED_FIELD_ADDED"]
    assert c.has_example
    assert c.example["reader"]["error"] == "missing required field b"


def test_a_oneof_member_removed_and_fields_merged_into_a_oneof(tmp_path: Path) -> None:
    before = ('syntax = "proto3";\nmessage M {\n  string a = 1;\n  string b = 2;\n'
              "  oneof o { string c = 3; string d = 4; }\n}\n")
    after = ('syntax = "proto3";\nmessage M {\n  oneof ab { string a = 1; string b = 2; }\n'
             "  oneof o { string c = 3; }\n}\n")
    c = _changes(tmp_path, before, after)
    merged = c["MULTIPLE_FIELDS_MOVED_TO_ONEOF"]
    assert merged.has_example and "keeps only b" in (merged.example_note or "")
    assert merged.example["reader"]["decoded"].keys() >= {"b"}
    assert "a" not in merged.example["reader"]["decoded"]
    removed = c["ONEOF_FIELD_REMOVED"]
    assert removed.has_example and _decode(removed, tmp_path).WhichOneof("o") is None


def test_rules_no_event_can_show_say_so(tmp_path: Path) -> None:
    c = _changes(tmp_path, 'syntax = "proto3";\npackage a;\nmessage M { int32 x = 1; }\n'
                 "message Gone {}\n",
                 'syntax = "proto3";\npackage b;\nmessage M {}\n', policy="wire")
    c.update(_changes(tmp_path, 'syntax = "proto3";\nmessage M { int32 x = 1; }\n',
                      'syntax = "proto3";\nmessage M {}\n', policy="wire"))
    for kind in ("PACKAGE_CHANGED", "MESSAGE_REMOVED", "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"):
        assert not c[kind].has_example and c[kind].example is None
        assert (c[kind].example_note or "").startswith("no ")


def test_a_change_no_event_shows_is_not_given_a_false_example(tmp_path: Path) -> None:
    """optional → repeated int32: one value reads back as a one-element list, so the
    backward direction has no failing event; Confluent still rejects the label change."""
    c = _changes(tmp_path, 'syntax = "proto3";\nmessage M { optional int32 x = 1; }\n',
                 'syntax = "proto3";\nmessage M { repeated int32 x = 1; }\n')
    label = c["FIELD_NUMERIC_LABEL_CHANGED"]
    assert not label.compatible and not label.has_example
    assert "reads back the same" in (label.example_note or "")


def test_a_json_rename_is_shown_with_json(tmp_path: Path) -> None:
    c = _changes(tmp_path, 'syntax = "proto3";\nmessage M { string given_name = 1; }\n',
                 'syntax = "proto3";\nmessage M { string first_name = 1; }\n',
                 policy="wire-json")
    rename = c["FIELD_SAME_NAME"]
    assert rename.has_example and '"givenName"' in rename.example["writer"]["json"]
    assert "givenName" in rename.example["reader"]["error"]
    assert c["FIELD_NAME_CHANGED"].compatible  # Confluent allows it
