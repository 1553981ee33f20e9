"""The ``evtctl compat`` command through typer's runner: exit codes and both formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from evtctl.commands.compat import register


@pytest.fixture()
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """evtctl (test app)"""

    return app


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in {
        "v1.json": '{"type":"object","properties":{"a":{"type":"string"}}}',
        "v2.yaml": "type: object\nproperties:\n  a: {type: string}\n  b: {type: integer}\n",
        "v3.json": '{"type":"object","properties":{"a":{"type":"integer"}}}',
        "broken.json": '{"type": "object",\n  "properties": {]}',
    }.items():
        (tmp_path / name).write_text(text, "utf-8")
        out[name] = tmp_path / name
    return out


def invoke(app: typer.Typer, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["compat", *args])
    return result.exit_code, result.stdout, result.stderr


def test_compatible_exits_0_with_json(app: typer.Typer, files: dict[str, Path]) -> None:
    code, out, _ = invoke(
        app, str(files["v1.json"]), str(files["v2.yaml"]), "--mode", "FULL", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["compatible"] is True and data["mode"] == "FULL" and data["policy"] == "lenient"
    assert {c["type"] for c in data["changes"]} == {
        "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
        "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
    }


def test_strict_policy_turns_the_same_change_incompatible(
    app: typer.Typer, files: dict[str, Path]
) -> None:
    code, out, _ = invoke(
        app,
        str(files["v1.json"]),
        str(files["v2.yaml"]),
        "--mode",
        "FULL",
        "--policy",
        "strict",
        "-f",
        "json",
    )
    assert code == 1 and json.loads(out)["compatible"] is False


def test_incompatible_exits_1_with_text_and_example(
    app: typer.Typer, files: dict[str, Path]
) -> None:
    paths = [str(files[n]) for n in ("v1.json", "v2.yaml", "v3.json")]
    code, out, _ = invoke(app, *paths, "--mode", "BACKWARD_TRANSITIVE")
    assert code == 1
    assert "INCOMPATIBLE under BACKWARD_TRANSITIVE" in out
    assert "[NOT ALLOWED] v1 (v1.json) -> v3 (v3.json) TYPE_CHANGED at #/properties/a" in out
    assert "example event:" in out


def test_json_change_fields(app: typer.Typer, files: dict[str, Path]) -> None:
    code, out, _ = invoke(app, str(files["v1.json"]), str(files["v3.json"]), "-f", "json")
    data = json.loads(out)
    change = data["changes"][0]
    assert code == 1 and data["formatVersion"] == 1
    assert {"type", "path", "compatible", "fromVersion", "toVersion", "example"} <= set(change)
    assert (change["fromVersion"], change["toVersion"]) == (1, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["v1.json", "broken.json"], "broken.json:2:"),
        (["v1.json", "v1.json", "--mode", "SIDEWAYS"], "unknown --mode"),
        (["v1.json"], "at least two"),
        (["v1.json", "missing.json"], "missing.json"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    app: typer.Typer, files: dict[str, Path], args: list[str], message: str
) -> None:
    base = files["v1.json"].parent
    code, out, err = invoke(
        app, *[str(base / a) if a.endswith((".json", ".yaml")) else a for a in args]
    )
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_command_module_imports_no_heavy_modules() -> None:
    code = ("import sys, evtctl.commands.compat; "
            "print(sorted(m for m in ('jsonschema','rich','yaml') if m in sys.modules))")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_verdict_says_what_an_empty_list_means(app: typer.Typer, tmp_path: Path) -> None:
    """No change at all reads as such; for Avro, whose checker lists incompatibilities only,
    an empty list is not 'no change' (the second version adds a field with a default)."""
    same = tmp_path / "a.json", tmp_path / "b.json"
    for path in same:
        path.write_text('{"type": "object", "properties": {"id": {"type": "string"}}}')
    code, out, _ = invoke(app, *map(str, same), "--mode", "FULL")
    assert (code, out.splitlines()[0]) == (0, "compatible under FULL (lenient): no change")
    record = {"type": "record", "name": "R", "fields": [{"name": "id", "type": "string"}]}
    v1, v2 = tmp_path / "r.v1.avsc", tmp_path / "r.v2.avsc"
    v1.write_text(json.dumps(record))
    record["fields"].append({"name": "note", "type": ["null", "string"], "default": None})
    v2.write_text(json.dumps(record))
    code, out, _ = invoke(app, str(v1), str(v2), "--mode", "FULL")
    assert code == 0
    assert out.splitlines()[0].startswith("compatible under FULL: no incompatibility (Avro's")
