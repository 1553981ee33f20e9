"""Contract compatibility, the same for every contract format.

What is format-neutral lives here: the modes (Confluent Schema Registry's names and
meaning), the typed result of a check (:class:`Change`, :class:`CompatResult`), and the
pairs of versions a mode compares (:mod:`evtctl.compat.modes`). Each format — JSON Schema
in :mod:`evtctl.compat.jsonschema`, Avro, Protobuf — lives in its own package behind the
:class:`~evtctl.compat.formats.ContractFormat` protocol; nothing outside a format's package
imports its libraries.

Kept cheap to import: no format is loaded until it is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Mode = Literal[
    "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
    "FULL", "FULL_TRANSITIVE", "NONE",
]
Policy = Literal["strict", "lenient"]
MODES: tuple[str, ...] = (
    "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE",
    "FULL", "FULL_TRANSITIVE", "NONE",
)


@dataclass(frozen=True)
class Change:
    """One difference between two versions, judged under a mode and policy."""

    type: str
    path: str
    compatible: bool
    from_version: int
    to_version: int
    example: Any | None = None
    example_note: str | None = None
    direction: str = "backward"  # backward: the later version reads the earlier one's data
    has_example: bool = False
    description: str | None = None  # this change in a plain sentence (names, values), if known
    # Where the change is, when the format knows (Protobuf: from protoc's source info): a
    # file of the later version, or of the earlier one for what the later no longer has.
    file: str | None = None
    line: int = 0  # 1-based; 0 when unknown
    column: int = 0


@dataclass(frozen=True)
class CompatResult:
    """The verdict for a set of versions: compatible only if every change is allowed."""

    compatible: bool
    mode: str
    policy: str
    changes: tuple[Change, ...]
    schema_type: str = "JSON"  # the format of the versions compared (Confluent's name)


__all__ = ["MODES", "Change", "CompatResult", "Mode", "Policy"]
