"""Output formats, --fail-on, exit codes and unreadable input."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from diff_testkit import (
    OBJ_V1,
    SAMPLE,
    cli,
    diff_dirs,
    run_capture,
    service,
    topic,
    write_tree,
)

from evtctl.diff.report import render
from evtctl.diff.report_markdown import MAX_CHARS, code, text
from evtctl.diff.run import DiffOptions

EV = "acme.shop.orders.events"


def org(partitions: int, consumer_events: list[str] | None = None,
        contract: str = "OrderPlaced") -> dict[str, Any]:
    return {
        "orders.yaml": service("orders", topics=[topic(EV, {contract: [1]},
                                                       partitions=partitions)]),
        "billing.yaml": service("billing", owner="team-billing", consumes=[
            {"topic": EV, **({"events": consumer_events} if consumer_events else {})}]),
    }


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    schemas = {"OrderPlaced.v1.json": OBJ_V1}
    return (write_tree(tmp_path / "old", org(6), schemas),
            write_tree(tmp_path / "new", org(3), schemas))


@pytest.mark.parametrize(("fail_on", "code_"), [("breaking", 1), ("any", 1), ("none", 0)])
def test_fail_on_with_a_breaking_change(trees: tuple[Path, Path], fail_on: str,
                                        code_: int) -> None:
    result, _ = run_capture(DiffOptions(old_dir=trees[0], new_dir=trees[1], fail_on=fail_on))
    assert result == code_


@pytest.mark.parametrize(("fail_on", "code_"), [("breaking", 0), ("any", 1), ("none", 0)])
def test_fail_on_with_a_safe_change(trees: tuple[Path, Path], fail_on: str,
                                    code_: int) -> None:
    old, new = trees
    result, _ = run_capture(DiffOptions(old_dir=new, new_dir=old, fail_on=fail_on))
    assert result == code_  # 3 → 6 partitions: a change, not breaking


def test_json_shape(trees: tuple[Path, Path]) -> None:
    status, out = run_capture(DiffOptions(old_dir=trees[0], new_dir=trees[1], format="json"))
    data = json.loads(out)
    assert status == 1 and data["formatVersion"] == 1 and data["failed"] is True
    assert set(data) == {"formatVersion", "old", "new", "failOn", "failed", "summary",
                         "changes"}
    assert data["summary"] == {"changes": 1, "breaking": 1, "affectedServices": [
        {"service": "acme.shop.billing", "owner": "team-billing"}]}
    [change] = data["changes"]
    assert set(change) == {"kind", "breaking", "reason", "message", "service", "topic",
                           "contract", "version", "key", "before", "after", "location",
                           "notes", "schema", "affected"}
    assert change["location"] == {"side": "new", "file": "orders.yaml", "line": 10,
                                  "column": 15}
    assert change["affected"] == [{"service": "acme.shop.billing", "owner": "team-billing",
                                   "relation": "consumes", "events": None,
                                   "sides": ["old", "new"]}]


def test_text_is_plain_when_piped_and_coloured_on_a_terminal(
        trees: tuple[Path, Path]) -> None:
    result = diff_dirs(*trees)
    plain = io.StringIO()
    render(result, "text", plain)
    assert "\x1b[" not in plain.getvalue()
    assert "BREAKING" in plain.getvalue() and "diff failed: 1 change, 1 breaking" in \
        plain.getvalue()

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    render(result, "text", tty)
    assert "BREAKING" in tty.getvalue() and "acme.shop.billing (team-billing)" in tty.getvalue()


def test_markdown_summary_first_details_folded(trees: tuple[Path, Path]) -> None:
    _, out = run_capture(DiffOptions(old_dir=trees[0], new_dir=trees[1], format="markdown"))
    assert out.startswith("### 🔴 evtctl diff: 1 breaking change\n")
    table, details = out.index("| | Change |"), out.index("<details>")
    assert table < details and out.rstrip().endswith("</details>")
    assert "`acme.shop.billing` (team-billing)" in out[table:details]


def test_markdown_escapes_hostile_names(tmp_path: Path) -> None:
    hostile = "Evil|<img src=x>@everyone`"
    schemas = {f"{hostile}.v1.json": OBJ_V1}
    old = write_tree(tmp_path / "old", org(6, contract="OrderPlaced"),
                     {"OrderPlaced.v1.json": OBJ_V1})
    new = write_tree(tmp_path / "new", org(6, contract=hostile), schemas)
    _, out = run_capture(DiffOptions(old_dir=old, new_dir=new, format="markdown"))
    assert "<img" not in out and "@everyone" not in out
    for line in out.splitlines():
        if line.startswith("| ") and "contract" in line:
            assert line.count("|") - line.count("\\|") == 6  # five cells, none split


def test_escaping_helpers() -> None:
    assert code("acme.shop.orders.events") == "`acme.shop.orders.events`"
    assert text("a|b") == "a\\|b"
    assert text("<b>") == "&lt;b&gt;"
    assert code("x`y") == "x\\`y"


def test_markdown_stays_under_the_comment_limit(tmp_path: Path) -> None:
    topics = [topic(f"acme.shop.orders.events.m{n}", {"OrderPlaced": [1]})
              for n in range(400)]
    big = {"orders.yaml": service("orders", topics=topics)}
    old = write_tree(tmp_path / "old", {"orders.yaml": service("orders")})
    new = write_tree(tmp_path / "new", big, {"OrderPlaced.v1.json": OBJ_V1})
    _, out = run_capture(DiffOptions(old_dir=old, new_dir=new, format="markdown"))
    assert len(out) <= MAX_CHARS + 1000
    assert "left out to fit in a comment" in out and out.rstrip().endswith("</details>")


def test_no_changes(trees: tuple[Path, Path]) -> None:
    status, out = run_capture(DiffOptions(old_dir=trees[0], new_dir=trees[0],
                                          format="markdown"))
    assert status == 0 and "no contract changes" in out and "<details>" not in out


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "xml", "a", "b"], "unknown --format"),
    (["--fail-on", "some", "a", "b"], "unknown --fail-on"),
    (["--head", "main"], "--head needs --against"),
    (["old", "new", "--against", "main"], "not both"),
    (["old"], "give two folders"),
    (["missing", "new"], "missing: not a folder"),
    (["old", "new", "--path", "../x"], "inside the tree"),
])
def test_bad_usage_is_one_line_and_exit_2(trees: tuple[Path, Path], args: list[str],
                                          message: str) -> None:
    done = cli(args, trees[0].parent)
    assert done.returncode == 2, done.stdout
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_manifest_that_does_not_load_stops_the_diff(trees: tuple[Path, Path]) -> None:
    old, new = trees
    (new / "billing.yaml").write_text("apiVersion: evtctl/v1\nmetadata: {name: [\n",
                                      encoding="utf-8")
    done = cli([str(old), str(new)], old.parent)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "does not load" in done.stderr and "billing.yaml:" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_unsupported_api_version_on_one_side_stops_the_diff(
        trees: tuple[Path, Path]) -> None:
    old, new = trees
    manifest = new / "billing.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "evtctl/v1", "evtctl/v9"), encoding="utf-8")
    done = cli([str(old), str(new)], old.parent)
    assert done.returncode == 2 and "apiVersion" in done.stderr and "billing.yaml" in \
        done.stderr


def test_structure_problems_do_not_stop_the_diff(trees: tuple[Path, Path]) -> None:
    old, new = trees
    manifest = new / "billing.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "extra: 1\n", encoding="utf-8")
    status, out = run_capture(DiffOptions(old_dir=old, new_dir=new, format="json"))
    assert status == 1 and json.loads(out)["new"]["lintProblems"] == 1


def test_a_broken_config_is_exit_2(trees: tuple[Path, Path]) -> None:
    old, new = trees
    (new / "evtctl.yaml").write_text("version: [\n", encoding="utf-8")
    done = cli([str(old), str(new)], old.parent)
    assert done.returncode == 2 and "evtctl.yaml" in done.stderr


def test_the_cli_on_the_sample_against_itself(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(SAMPLE, copy)
    done = cli([str(SAMPLE), str(copy), "--fail-on", "any"], tmp_path)
    assert done.returncode == 0 and "0 changes" in done.stdout


def test_every_change_kind_is_documented() -> None:
    from evtctl.diff.changes import Kind

    doc = (SAMPLE.parent / "docs" / "diff.md").read_text(encoding="utf-8")
    missing = [k.value for k in Kind if f"`{k.value}`" not in doc]
    assert missing == []


def test_a_removed_service_next_to_a_typo_in_the_same_file_is_still_compared(
        tmp_path: Path) -> None:
    both = [service("orders"), service("billing")]
    old = tmp_path / "old"
    old.mkdir()
    (old / "all.yaml").write_text(yaml.safe_dump_all(both), encoding="utf-8")
    new = tmp_path / "new"
    new.mkdir()
    (new / "all.yaml").write_text(yaml.safe_dump_all([{**both[0], "extra": 1}]),
                                  encoding="utf-8")
    result = diff_dirs(old, new)
    assert [r.change.kind.value for r in result.changes] == ["service-removed"]
    assert result.new.lint_problems == 1
