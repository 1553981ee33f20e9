"""The fast paths of schema loading give the answers of the slow paths they skip.

* URI questions (:mod:`evtctl.compat.jsonschema.uris`) against ``urldefrag(urljoin(...))``;
* the JSON reader's duplicate-key detection (one C parse, key tokens counted) against a
  parse that calls a hook for every object;
* the one walk for depth, ``$ref``s and key count against separate reference walks;
* sharing keys of inert subtrees: equal keys only for equal values of equal types.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, urldefrag, urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evtctl.compat.formats import SchemaFileError
from evtctl.compat.jsonschema import schemafile
from evtctl.compat.jsonschema.model import _shared_key
from evtctl.compat.jsonschema.refs import NAME_MAPS, NOT_SCHEMAS
from evtctl.compat.jsonschema.uris import document, plain_file_uri, split_ref

# -- URIs --------------------------------------------------------------------------------------

URI_TEXT = st.text(alphabet=st.sampled_from("ab/.%#?;:@ \t\n\r[]é~$"), max_size=12)
BASES = st.one_of(
    st.builds(lambda t: "file:///" + t, URI_TEXT),
    st.builds(lambda t: "file://" + t, URI_TEXT),
    st.builds(lambda t: "http://h/" + t, URI_TEXT),
    URI_TEXT,
)
REFS = st.one_of(st.builds(lambda t: "#" + t, URI_TEXT), URI_TEXT)


@settings(max_examples=500, deadline=None)
@given(base=BASES, ref=REFS)
def test_uri_fast_paths_agree_with_urllib(base: str, ref: str) -> None:
    def outcome(f: Any) -> Any:
        try:
            return f()
        except ValueError as exc:  # e.g. "Invalid IPv6 URL": the same error both ways
            return ("ValueError", str(exc))

    assert outcome(lambda: split_ref(base, ref)) == outcome(
        lambda: urldefrag(urljoin(base, ref) if base else ref)
    )
    assert outcome(lambda: document(base)) == outcome(
        lambda: urldefrag(urljoin(base, "#"))[0]
    )


def test_boolean_schema_file_loads(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text("true\n")
    assert schemafile.load_schema_file(tmp_path / "t.yaml").schema is True


@pytest.mark.parametrize(
    ("uri", "plain"),
    [
        ("file:///a/b.json", True),
        (Path("/tmp/x y/é.json").as_uri(), True),
        ("file:////a", False),  # urlunsplit would drop a slash
        ("file:///", False),
        ("file:///a#x", False),
        ("file:///a?x", False),
        ("file:///a\tb", False),
        ("http://h/a", False),
    ],
)
def test_plain_file_uri(uri: str, plain: bool) -> None:
    assert plain_file_uri(uri) is plain


def test_local_path_of_plain_uri_matches_urlparse() -> None:
    path = "/tmp/with space/%/é.json"
    uri = "file://" + quote(path)
    assert schemafile._local(uri) == schemafile._parsed(uri) == ("file", path)


# -- JSON duplicate keys -----------------------------------------------------------------------

KEYS = st.sampled_from(["a", "b", 'q"', "c\\", "d:", "\u00e9", ' "e": '])
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(["x", ":", '", "', "\\"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(st.tuples(KEYS, inner), max_size=3),  # an object, possibly repeating keys
    ),
    max_leaves=12,
)


def _text(value: Any, spaces: str) -> str:
    """JSON text in which a list of pairs is an object (keys may repeat)."""
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        return "{" + ",".join(
            f"{json.dumps(k)}{spaces}:{spaces}{_text(v, spaces)}" for k, v in value
        ) + "}"
    if isinstance(value, list):
        return "[" + f",{spaces}".join(_text(v, spaces) for v in value) + "]"
    return json.dumps(value)


def _strict(text: str) -> Any:
    try:
        return schemafile._strict_json(Path("s.json"), text)
    except SchemaFileError as exc:
        return ("error", exc.message, exc.line, exc.column)


@settings(max_examples=400, deadline=None)
@given(value=JSON_VALUES, spaces=st.sampled_from(["", " ", "\n\t", "\r\n "]))
def test_fast_json_reader_finds_every_duplicate(value: Any, spaces: str) -> None:
    text = "{" + f'"x":{spaces}{_text(value, spaces)}' + "}"
    expected = _strict(text)
    try:
        got: Any = schemafile._parse_json(Path("s.json"), text)[0]
    except SchemaFileError as exc:
        got = ("error", exc.message, exc.line, exc.column)
    assert got == expected


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a": {"b": 1, "b": 1}}',
        '{"a": 1, "b": [1, {"c": ":", "c": 2}]}',
        '{"a": 1, "a": 2, "b": }',  # the duplicate comes first in the strict parse
        '{"b": , "a": 1, "a": 2}',  # the syntax error comes first
    ],
)
def test_fast_json_reader_reports_what_the_strict_parse_reports(text: str) -> None:
    with pytest.raises(SchemaFileError) as fast:
        schemafile._parse_json(Path("s.json"), text)
    with pytest.raises(SchemaFileError) as strict:
        schemafile._strict_json(Path("s.json"), text)
    assert (fast.value.message, fast.value.line, fast.value.column) == (
        strict.value.message,
        strict.value.line,
        strict.value.column,
    )


# -- one walk: depth, $refs, key count --------------------------------------------------------


def _depth_exceeds(value: Any, limit: int) -> bool:
    level, depth = [value], 0
    while level:
        if depth > limit:
            return True
        below: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                below.extend(item.values())
            elif isinstance(item, list):
                below.extend(item)
        level, depth = below, depth + 1
    return False


def _refs(doc: Any, uri: str) -> tuple[list[tuple[str, str]], set[str]]:
    """The walk the single pass replaced: depth-first, skipping non-schema values; the
    references with their base URIs, and the URIs the $ids declare. Drafts 4-7 (these
    documents have no $schema: draft 7) ignore an $id beside $ref."""
    found: list[tuple[str, str]] = []
    declared: set[str] = set()
    stack: list[tuple[Any, str, bool]] = [(doc, uri, False)] if isinstance(
        doc, (dict, list)) else []
    while stack:
        item, base, names = stack.pop()
        if isinstance(item, dict) and names:  # a map of names to schemas
            stack.extend((v, base, False) for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, dict):
            sid = item.get("$id")
            if isinstance(sid, str) and not sid.startswith("#") and "$ref" not in item:
                base = urljoin(base, sid)
                declared.add(base)
            if isinstance(item.get("$ref"), str):
                found.append((item["$ref"], base))
            for key, value in item.items():
                if isinstance(value, (dict, list)) and key not in NOT_SCHEMAS:
                    stack.append((value, base, key in NAME_MAPS))
        else:
            stack.extend((v, base, False) for v in item if isinstance(v, (dict, list)))
    return found, declared


def _keys(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(_keys(v) for v in value.values())
    if isinstance(value, list):
        return sum(_keys(v) for v in value)
    return 0


SCHEMA_KEYS = st.sampled_from(["$ref", "$id", "enum", "const", "properties", "items", "x"])
SCHEMA_LIKE = st.recursive(
    st.one_of(st.sampled_from(["#/a", "b.json", "http://h/s", "#x"]), st.integers()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(SCHEMA_KEYS, inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(doc=SCHEMA_LIKE, limit=st.integers(0, 5))
def test_one_walk_answers_like_separate_walks(doc: Any, limit: int) -> None:
    scanned = schemafile._scan(doc, limit)
    assert (scanned is None) == _depth_exceeds(doc, limit)
    if scanned is not None:
        found, keys, ids = scanned
        assert keys == _keys(doc)
        refs, declared = _refs(doc, "file:///s/a.json")
        assert schemafile._with_bases(found, "file:///s/a.json") == refs
        assert {b for _r, b in schemafile._with_bases([("", i) for i in ids],
                                                      "file:///s/a.json")} == declared


# -- sharing keys ------------------------------------------------------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "1", "True", "nan", "a'b", 'a"b', "not"]),
)
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "1", "type", "$ref"]), inner, max_size=3),
    ),
    max_leaves=10,
)


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types, in the same key order (NaN never equal)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@settings(max_examples=400, deadline=None)
@given(a=st.dictionaries(st.sampled_from(["a", "b"]), TREES), b=st.dictionaries(
    st.sampled_from(["a", "b"]), TREES))
def test_sharing_keys_are_equal_only_for_equal_values(a: dict[str, Any], b: dict[str, Any]) -> None:
    ka, kb = _shared_key(a, "draft7"), _shared_key(b, "draft7")
    if ka is not None and ka == kb:
        assert _same(a, b)
    if _same(a, b) and ka is not None:
        assert kb == ka


@pytest.mark.parametrize(
    "raw",
    [
        {"$ref": "#/a"},
        {"properties": {"x": {"not": {}}}},
        {"enum": [float("nan")]},
        {"maximum": float("inf")},
        {"minimum": float("-inf")},
    ],
)
def test_not_inert(raw: dict[str, Any]) -> None:
    assert _shared_key(raw, "draft7") is None
