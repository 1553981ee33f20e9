"""Properties over generated schemas: a schema is compatible with itself (the same nodes, or
parsed twice), every mode of a version against itself is clean, and every example attached
is proven: written with the writer schema by fastavro, it fails to read with the reader's."""

from __future__ import annotations

import io
import json

import pytest
from avro_evolutions import Gen, evolutions
from avro_testkit import version_of

from evtctl.compat.avro.canonical import to_json
from evtctl.compat.avro.checker import AmbiguousField, Checker, flatten
from evtctl.compat.avro.examples import Prover
from evtctl.compat.formats import SchemaFileError


@pytest.mark.parametrize("seed", range(5))
def test_compatible_with_itself(seed: int) -> None:
    for i in range(60):
        schema = Gen(seed * 1000 + i).record(3, None)
        try:
            one, two = version_of(schema), version_of(schema)
        except SchemaFileError:
            continue
        try:
            assert Checker().check(one.root, one.root) == ()
            assert Checker().check(one.root, two.root) == ()
        except AmbiguousField:
            continue  # a field whose alias names another field: Java throws here too


def test_every_attached_example_is_proven() -> None:
    import fastavro

    proven = 0
    for _cid, earlier, later in evolutions(21, 400):
        try:
            w, r = version_of(earlier).root, version_of(later).root
            items = flatten(Checker().check(r, w), 50)
        except (SchemaFileError, AmbiguousField):
            continue
        prover = Prover(w, r)
        try:  # with the schemas' own names, as the example shows them
            writer = fastavro.parse_schema(to_json(w, for_fastavro=False))
            reader = fastavro.parse_schema(to_json(r, for_fastavro=False))
        except Exception:
            continue  # a type without namespace inside a namespaced one: fastavro cannot
            # name it (test_avro_java.py has Java decode every example instead)
        for item in items:
            proof = prover.example(item)
            if proof is None:
                continue
            # the shown example, decoded from Avro's JSON encoding with the writer schema,
            # written, and read back with the reader schema: it must fail
            datum = next(iter(fastavro.json_reader(io.StringIO(json.dumps(proof[0])), writer)))
            buffer = io.BytesIO()
            fastavro.schemaless_writer(buffer, writer, datum)
            buffer.seek(0)
            with pytest.raises(Exception):  # noqa: B017 - any refusal of fastavro's
                fastavro.schemaless_reader(buffer, writer, reader)
            proven += 1
    assert proven >= 100
