"""Property-based tests of the loader: whatever the bytes, loading ends with a model
and located problems — never an exception — and valid manifests round-trip."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evtctl.manifest.loader import LoadResult, load_file
from evtctl.manifest.model import Organisation
from evtctl.yamlsource import LDict, LList, locate, parse_yaml

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _load(tmp_path: Path, data: bytes) -> LoadResult:
    file = tmp_path / "m.yaml"
    file.write_bytes(data)
    result = LoadResult(Organisation(()), [])
    result.org = Organisation(tuple(load_file(file, result) or ()))
    return result


def _check_problems(result: LoadResult, text_lines: int) -> None:
    for rp in result.problems:
        loc = rp.problem.location
        assert rp.rule.startswith("EVT0")
        assert loc.line >= 1 and loc.column >= 1
        assert loc.line <= max(text_lines, 1) + 1
        assert rp.problem.message


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(tmp_path: Path, payload: bytes) -> None:
    data = b"apiVersion: evtctl/v1\n" + payload
    result = _load(tmp_path, data)
    # YAML counts CR, NEL and the Unicode separators as line breaks too.
    _check_problems(result, len(data.decode("utf-8", "replace").splitlines()) + 1)


yaml_chars = st.sampled_from(list(":-[]{},&*!|>'\"#%@`? \n\t") + list(string.ascii_letters[:6]))


@SETTINGS
@given(st.text(yaml_chars, max_size=200))
def test_yaml_punctuation_soup_never_raises(tmp_path: Path, text: str) -> None:
    data = ("apiVersion: evtctl/v1\nkind: Service\n" + text).encode()
    result = _load(tmp_path, data)
    _check_problems(result, data.count(b"\n") + 1)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(string.ascii_letters, min_size=1, max_size=10), children,
                      max_size=4),
    max_leaves=25,
)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["metadata", "topics", "consumes", "produces", "kind",
                                        "extra"]), json_values, max_size=5))
def test_wrong_types_are_findings(tmp_path: Path, doc: dict[str, Any]) -> None:
    doc = {"apiVersion": "evtctl/v1", **doc}
    text = yaml.safe_dump(doc, sort_keys=False)
    result = _load(tmp_path, text.encode())
    _check_problems(result, text.count("\n") + 1)


segment = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)


@st.composite
def manifests(draw: st.DrawFn) -> dict[str, Any]:
    company, namespace, name = draw(segment), draw(segment), draw(segment)
    prefix = f"{company}.{namespace}.{name}"
    kinds = draw(st.lists(st.sampled_from(["events", "commands", "results", "private.dlq",
                                           "private.reply"]), unique=True, max_size=4))
    topics = []
    for kind in kinds:
        topic: dict[str, Any] = {"name": f"{prefix}.{kind}"}
        if draw(st.booleans()):
            topic["partitions"] = draw(st.integers(1, 1000))
        if draw(st.booleans()):
            topic["config"] = {"retention.ms": str(draw(st.integers(1, 10**12)))}
        topics.append(topic)
    return {"apiVersion": "evtctl/v1", "kind": "Service",
            "metadata": {"company": company, "namespace": namespace, "name": name},
            "topics": topics}


@SETTINGS
@given(manifests(), st.sampled_from(["block", "flow"]))
def test_valid_manifests_round_trip(tmp_path: Path, doc: dict[str, Any], style: str) -> None:
    text = yaml.safe_dump(doc, sort_keys=False, default_flow_style=(style == "flow"))
    result = _load(tmp_path, text.encode())
    assert result.problems == []
    (service,) = result.org.services
    assert service.id == ".".join(doc["metadata"][k] for k in ("company", "namespace", "name"))
    assert [t.name for t in service.topics] == [t["name"] for t in doc["topics"]]
    for topic, spec in zip(service.topics, doc["topics"], strict=True):
        assert topic.partitions == spec.get("partitions")
        assert dict(topic.config) == spec.get("config", {})
        # The source map points at the line that holds the name.
        line = text.splitlines()[topic.at("name").line - 1]
        assert spec["name"] in line


@SETTINGS
@given(json_values)
def test_parse_matches_pyyaml_and_locates_every_value(value: Any) -> None:
    text = yaml.safe_dump({"root": value})
    parsed = parse_yaml(text)
    assert parsed.problems == [] and len(parsed.documents) == 1
    doc = parsed.documents[0]
    assert doc.problems == []
    assert doc.data == yaml.safe_load(text)

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        pos = locate(doc.data, path)
        assert pos is not None and pos[0] >= 1 and pos[1] >= 1
        if isinstance(node, LDict):
            for k, v in node.items():
                walk(v, (*path, k))
        elif isinstance(node, LList):
            for i, v in enumerate(node):
                walk(v, (*path, i))

    walk(doc.data, ())


plain_scalars = st.one_of(
    st.text(st.sampled_from(list("aAzZyYnNtTfFoO019.-+_~<=!&*: é\t")), min_size=1, max_size=12),
    st.sampled_from(["true", "Yes", "null", "0x1f", ".inf", "2001-12-14", "a1", "é9", "_1"]),
)


@SETTINGS
@given(st.lists(plain_scalars, min_size=1, max_size=5))
def test_plain_scalars_resolve_as_with_the_resolver_always_run(words: list[str]) -> None:
    # The builder skips PyYAML's resolver for plain scalars whose first character no
    # implicit resolver starts with; the values (and their types) must be what running
    # the resolver on every scalar gives.
    from unittest import mock

    from evtctl import yamlsource

    text = "".join(f"k{i}: {w}\n" for i, w in enumerate(words))
    fast = parse_yaml(text)
    with mock.patch.object(yamlsource, "_resolved_first", lambda _r: yamlsource._EVERY_CHARACTER):
        slow = parse_yaml(text)
    assert fast.problems == slow.problems
    assert len(fast.documents) == len(slow.documents)
    for f, s in zip(fast.documents, slow.documents, strict=True):
        assert f.problems == s.problems
        assert f.data == s.data
        if isinstance(f.data, dict):
            assert [type(v) for v in f.data.values()] == [type(v) for v in s.data.values()]


def test_resolver_is_skipped_for_ordinary_words() -> None:
    from evtctl import yamlsource

    first = yamlsource._resolved_first(yaml.resolver.Resolver())
    assert "e" not in first and "s" not in first  # "events", "service": no resolver runs
    assert {"t", "n", "0", "-", "~"} <= first  # true, null, numbers, null


@SETTINGS
@given(st.lists(plain_scalars | st.sampled_from(["1" * 41, "-.5e3", "~", "NO", "0o17"]),
                min_size=1, max_size=5))
def test_remembered_plain_scalars_give_the_same_values_and_problems(words: list[str]) -> None:
    # Resolved plain scalars are remembered across files: a repeat (in this document or
    # a later one) must give the same value, type and problems as the first time, and as
    # running the resolver every time.
    from unittest import mock

    from evtctl import yamlsource

    text = "".join(f"k{i}: {w}\n" for i, w in enumerate(words + words))
    with mock.patch.dict(yamlsource._PLAIN_VALUES, clear=True):
        cold = parse_yaml(text)
        warm = parse_yaml(text)
    with mock.patch.object(yamlsource, "_resolved_first", lambda _r: yamlsource._EVERY_CHARACTER):
        slow = parse_yaml(text)
    for other in (warm, slow):
        assert cold.problems == other.problems
        assert len(cold.documents) == len(other.documents)
        for c, o in zip(cold.documents, other.documents, strict=True):
            assert c.problems == o.problems
            assert repr(c.data) == repr(o.data)  # repr: NaN never equals itself
            if isinstance(c.data, dict):
                assert [type(v) for v in c.data.values()] == [type(v) for v in o.data.values()]


@SETTINGS
@given(manifests())
def test_field_locations_match_the_source_map(tmp_path: Path, doc: dict[str, Any]) -> None:
    # field_locs makes its Locations on demand; they must be where the parser saw each value.
    from evtctl.findings import Location

    result = _load(tmp_path, yaml.safe_dump(doc, sort_keys=False).encode())
    file = tmp_path / "m.yaml"
    data = parse_yaml(file.read_text()).documents[0].data
    for service in result.org.services:
        meta = data["metadata"]
        expected = {k: Location(file, *p) for k, p in meta.value_pos.items()}
        expected.update({k: Location(file, *data.value_pos[k])
                         for k in ("topics", "consumes", "produces") if k in data})
        assert dict(service.field_locs) == expected
        assert service.field_locs == expected and len(service.field_locs) == len(expected)
        assert service.at("missing") == service.loc
        for topic, node in zip(service.topics, data.get("topics", []), strict=True):
            assert dict(topic.field_locs) == {
                k: Location(file, *p) for k, p in node.value_pos.items()}
            for key in node:
                assert topic.at(key) == Location(file, *locate(data, (
                    "topics", data["topics"].index(node), key)) or (0, 0))
