"""Apache Avro's own compatibility pairs, with the Java library's results: evtctl agrees on
every verdict and on the exact list of (type, location), messages included, in Java's order;
and every incompatibility of them comes with a proven example."""

from __future__ import annotations

from typing import Any

import pytest
from avro_testkit import require_vectors, root_of, vector_pairs

from evtctl.compat.avro.checker import Checker, flatten
from evtctl.compat.avro.examples import Prover

PAIRS = vector_pairs()
IDS = [p["id"] for p in PAIRS] or ["vectors-missing"]


def _pair(pair_id: str) -> dict[str, Any]:
    return next(p for p in require_vectors() if p["id"] == pair_id)


@pytest.mark.parametrize("pair_id", IDS)
def test_agrees_with_java(pair_id: str) -> None:
    pair = _pair(pair_id)
    reader, writer = root_of(pair["reader"]), root_of(pair["writer"])
    got = [(i.type, i.pointer, i.message) for i in flatten(Checker().check(reader, writer), 999)]
    expected = [(i["type"], i["location"], i["message"]) for i in pair["incompatibilities"]]
    assert got == expected
    assert (not got) == pair["compatible"]


def test_the_vectors_are_all_there() -> None:
    pairs = require_vectors()
    assert len(pairs) == 174
    kinds = {i["type"] for p in pairs for i in p["incompatibilities"]}
    assert kinds == {"NAME_MISMATCH", "FIXED_SIZE_MISMATCH", "MISSING_ENUM_SYMBOLS",
                     "READER_FIELD_MISSING_DEFAULT_VALUE", "TYPE_MISMATCH",
                     "MISSING_UNION_BRANCH"}


def test_every_vector_incompatibility_has_a_proven_example() -> None:
    unproven = []
    for pair in require_vectors():
        reader, writer = root_of(pair["reader"]), root_of(pair["writer"])
        prover = Prover(writer, reader)
        for item in flatten(Checker().check(reader, writer), 999):
            if prover.example(item) is None:
                unproven.append((pair["id"], item.type, item.pointer))
    assert unproven == []
