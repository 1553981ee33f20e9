"""Subject names, as Confluent's serializers make them (pure).

| strategy | Confluent's class | value subject | key subject |
| --- | --- | --- | --- |
| ``topic`` (default) | ``TopicNameStrategy`` | ``<topic>-value`` | ``<topic>-key`` |
| ``record`` | ``RecordNameStrategy`` | the record's full name | the key record's full name |
| ``topic-record`` | ``TopicRecordNameStrategy`` | ``<topic>-<record>`` | ``<topic>-<key record>`` |

The record's full name comes from the format (``RegistrySchema.record_name``): an Avro
record's namespace and name, a Protobuf message's package and name, a JSON Schema's
``title``. A document another one references is registered under a subject named after its
file: the path below the project root, with ``/`` written as ``.`` (subjects with ``/`` in
their name do not work with every registry's URL handling), after
``registry.referencePrefix`` when the project sets one (projects sharing a registry should).
"""

from __future__ import annotations

from pathlib import Path

from evtctl.compat.formats import RegistrySchema

STRATEGIES: tuple[str, ...] = ("topic", "record", "topic-record")
ROLES: tuple[str, ...] = ("value", "key")


def subject_name(strategy: str, topic: str, role: str, record_name: str | None) -> str | None:
    """The subject of a contract's value or key schema; None when the strategy needs a record
    name the schema does not have."""
    if strategy == "topic":
        return f"{topic}-{role}"
    if not record_name:
        return None
    if strategy == "record":
        return record_name
    if strategy == "topic-record":
        return f"{topic}-{record_name}"
    raise ValueError(f"unknown subject strategy {strategy!r}")


def record_name_hint(schema_type: str) -> str:
    """Where a format keeps the name the record strategies use."""
    return {
        "JSON": "a JSON Schema's record name is its top-level \"title\"",
        "AVRO": "an Avro schema's record name is its namespace and name",
        "PROTOBUF": "a Protobuf schema's record name is its package and first message",
    }.get(schema_type, "the schema must name its record")


def reference_subject(name: str, form: RegistrySchema, root: Path, prefix: str = "") -> str:
    """The subject a referenced document is registered under (see the module docstring):
    ``prefix`` (``registry.referencePrefix``) and its path below ``root``; for a document
    that did not come from a file, its record name or the reference name."""
    if form.path is not None:
        try:
            relative = form.path.resolve().relative_to(root.resolve())
        except ValueError:
            relative = None
        if relative is not None:
            return prefix + relative.as_posix().replace("/", ".")
    if form.record_name:
        return prefix + form.record_name
    return prefix + name.replace("/", ".").lstrip(".")
