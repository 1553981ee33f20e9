"""Confluent's published SchemaDiff vectors: every verdict and every change list agrees.

Changes are compared as multisets of ``"<type> <path>"``: part of Confluent's order comes
from Java hash iteration (the vectors' README). Cases that import files carry those files
inline; each side is written into its own folder with them, since both sides may import
one name with different contents. The ``-with-meta`` case imports Confluent's own
``confluent/meta.proto`` and ``confluent/type/decimal.proto``, which evtctl supplies
offline as the registry does.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from evtctl.compat.formats import get_format
from tests.protobuf.helpers import META_FILE, cases, load, vectors_dir, write_side

CASES = cases()


def _sides(tmp_path: Path, case: dict[str, object]) -> tuple[Path, Path]:
    original = write_side(tmp_path / "original", str(case["original_schema"]),
                          case.get("original_dependencies"))  # type: ignore[arg-type]
    update = write_side(tmp_path / "update", str(case["update_schema"]),
                        case.get("update_dependencies"))  # type: ignore[arg-type]
    return original, update


@pytest.mark.parametrize("index", range(len(CASES)),
                         ids=[f"{i}-{c['description']}" for i, c in enumerate(CASES)])
def test_vector(index: int, tmp_path: Path) -> None:
    case = CASES[index]
    original, update = _sides(tmp_path, case)
    versions = [load(original, 1), load(update, 2)]
    result = get_format("PROTOBUF").check(versions, "BACKWARD", "confluent", chain=False,
                                          examples=False)
    got = Counter(f"{c.type} {c.path}" for c in result.changes)
    assert got == Counter(case["changes"])
    assert result.compatible is case["compatible"]
    assert all(c.direction == "backward" for c in result.changes)


def test_vectors_cover_what_the_readme_counts() -> None:
    assert len(CASES) == 54
    assert sum(1 for c in CASES if c["compatible"]) == 28


def test_meta_vector_uses_confluents_own_files() -> None:
    (case,) = cases(META_FILE)
    base = vectors_dir()
    versions = [load(base / case["original_schema"], 1, root=base),
                load(base / case["update_schema"], 2, root=base)]
    result = get_format("PROTOBUF").check(versions, "BACKWARD", "confluent", chain=False,
                                          examples=False)
    assert Counter(f"{c.type} {c.path}" for c in result.changes) == Counter(case["changes"])
    assert result.compatible is case["compatible"]
    # Confluent's files are supplied, not read from the project: no digest for them.
    assert list(versions[0].files) == [versions[0].path]


@pytest.mark.parametrize("index", [1, 14, 25, 43, 47])
def test_forward_is_the_reverse_comparison(index: int, tmp_path: Path) -> None:
    """FORWARD is Confluent's compare(new, previous): the vector read the other way."""
    case = CASES[index]
    original, update = _sides(tmp_path, case)
    fmt = get_format("PROTOBUF")
    v1, v2 = load(original, 1), load(update, 2)
    forward = fmt.check([v1, v2], "FORWARD", "confluent", chain=False, examples=False)
    reverse = fmt.check([v2, v1], "BACKWARD", "confluent", chain=False, examples=False)
    assert Counter((c.type, c.path) for c in forward.changes) == Counter(
        (c.type, c.path) for c in reverse.changes)
    assert all(c.direction == "forward" and (c.from_version, c.to_version) == (1, 2)
               for c in forward.changes)
    full = fmt.check([v1, v2], "FULL", "confluent", chain=False, examples=False)
    assert len(full.changes) == len(forward.changes) + len(
        fmt.check([v1, v2], "BACKWARD", "confluent", chain=False, examples=False).changes)
