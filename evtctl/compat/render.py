"""Render a :class:`CompatResult` as JSON or as plain sentences a reviewer can read.

Renderers never print; they return text. The command decides where it goes (and adds colour
on a terminal). The JSON follows the key convention of every evtctl JSON output
(``docs/output.md``): camelCase keys and a top-level ``formatVersion``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from evtctl.compat import mode_label
from evtctl.compat.formats import get_format

if TYPE_CHECKING:
    from evtctl.compat import Change, CompatResult

FORMAT_VERSION = 1
NO_EXAMPLE = "no example event found; the verdict follows Confluent's rule for this change"


def to_json_data(result: CompatResult) -> dict[str, Any]:
    changes: list[dict[str, Any]] = []
    fmt = get_format(result.schema_type)
    for c in result.changes:
        item: dict[str, Any] = {
            "type": c.type,
            "path": c.path,
            "compatible": c.compatible,
            "fromVersion": c.from_version,
            "toVersion": c.to_version,
            "direction": c.direction,
            "description": c.description or fmt.describe(c),
        }
        if c.file:
            item["location"] = {"file": c.file, "line": c.line, "column": c.column}
        if c.has_example:
            item["example"] = c.example
            item["exampleNote"] = c.example_note
        elif not c.compatible:
            item["exampleNote"] = c.example_note or NO_EXAMPLE
        changes.append(item)
    data: dict[str, Any] = {
        "formatVersion": FORMAT_VERSION,
        "compatible": result.compatible,
        "schemaType": result.schema_type,
        "mode": result.mode,
        "policy": result.policy or None,  # Avro has no policy
    }
    if result.labels:
        data["versions"] = [{"version": number, "file": name} for number, name in result.labels]
    data["changes"] = changes
    return data


def to_json(result: CompatResult) -> str:
    return json.dumps(to_json_data(result), indent=2, sort_keys=False)


def verdict_line(result: CompatResult) -> str:
    broken = sum(1 for c in result.changes if not c.compatible)
    under = mode_label(result.mode, result.policy)
    if result.compatible and not result.changes:
        if result.schema_type == "AVRO":  # Avro's checker names incompatibilities only
            return (f"compatible under {under}: no incompatibility (Avro's resolution rules "
                    "list what breaks, not the differences they allow)")
        return f"compatible under {under}: no change"
    if result.compatible:
        return (f"compatible under {under}: "
                f"{len(result.changes)} change(s), all allowed")
    return (f"INCOMPATIBLE under {under}: "
            f"{broken} of {len(result.changes)} change(s) not allowed")


def change_lines(change: Change, schema_type: str = "JSON",
                 result: CompatResult | None = None) -> list[str]:
    """The lines for one change: status, kind, path, what changed in words, and the example
    (or why there is none). With ``result``, versions are named by their files."""
    def name(version: int) -> str:
        return result.label(version) if result is not None else f"v{version}"

    status = "allowed" if change.compatible else "NOT ALLOWED"
    reader, writer = (
        (change.to_version, change.from_version)
        if change.direction == "backward"
        else (change.from_version, change.to_version)
    )
    lines = [
        f"[{status}] {name(change.from_version)} -> {name(change.to_version)} "
        f"{change.type} at {change.path}",
        f"    {change.description or get_format(schema_type).describe(change)} "
        f"(a consumer on v{reader} reading events written with v{writer})",
    ]
    if change.has_example:
        lines.append(f"    example event: {json.dumps(change.example)}")
        if change.example_note:
            lines.append(f"    ({change.example_note})")
    elif not change.compatible:
        lines.append(f"    {change.example_note or NO_EXAMPLE}")  # why no event shows it
    return lines


def to_text(result: CompatResult) -> str:
    lines = [verdict_line(result)]
    for change in result.changes:
        lines.extend(change_lines(change, result.schema_type, result))
    return "\n".join(lines) + "\n"
