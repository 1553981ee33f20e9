"""Derive the real-world regression pairs from SchemaStore's git history (run by hand).

    python tests/compat/realworld/derive.py /path/to/schemastore.git [--count 60]
    python tests/compat/realworld/derive.py /path/to/schemastore.git \
        --add composer.json,renovate.json --per-schema 2

Walks the history of ``src/schemas/json/``, takes each commit that modified a schema as a
pair (the file before and after), keeps pairs small enough to ship, loads and checks each
with evtctl to sort them (incompatible, compatible with changes, using the features that
used to fail: plain-name fragments, ``$id`` bases, legacy or unknown ``$schema``,
metaschema violations the registry tolerates, recursion, large ``anyOf``), and writes a
seeded, stratified sample to ``pairs/``. With ``--add``, it appends a seeded sample of the
named schemas' pairs, whatever their size (``composer.json`` and ``renovate.json``: large
schemas whose example search once ran past 300 s, on a ``pattern`` that backtracks
exponentially and a recursive schema the broad search sampled without end), keeping the
pairs already there.

SchemaStore is Apache-2.0 (NOTICE: "JSON Schema Store, Copyright 2015-Current Mads
Kristensen and Contributors"). The pairs are modified: every ``description``, ``title``
and ``$comment`` is replaced by a token (the same text by the same token, so that a changed
description is still a change), other annotations (``examples``, ``markdownDescription``,
editor extensions) are removed, long string values are tokens. Keywords, names, types,
bounds, patterns, formats and references are kept: the shapes the engine is tested on.
Each file says where it came from and that it was changed.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TEXT = ("description", "title", "$comment")
VALUES = ("enum", "const", "default")
DROP = ("examples", "markdownDescription", "markdownEnumDescriptions", "enumDescriptions",
        "deprecationMessage", "errorMessage", "defaultSnippets", "doNotSuggest",
        "patternErrorMessage", "suggestSortText", "allowTrailingCommas", "allowComments")
MAX_BYTES = 12_000  # per version, after the text is stripped
FEATURE_BYTES = 40_000  # for a pair with one of the features that used to fail


class Tokens:
    def __init__(self) -> None:
        self.known: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        if text not in self.known:
            self.known[text] = f"text-{len(self.known) + 1}"
        return self.known[text]


def strip(value: Any, tokens: Tokens) -> Any:
    """The schema with its human text replaced (see the module docstring)."""
    if isinstance(value, list):
        return [strip(v, tokens) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if (key in DROP or key.startswith("x-")) and not isinstance(item, dict):
            continue  # an annotation (a dict there may be a property's schema: kept)
        if key in TEXT and isinstance(item, str):
            out[key] = tokens(item)
        elif key in VALUES:
            out[key] = _values(item, tokens)
        elif isinstance(item, (dict, list)):
            out[key] = strip(item, tokens)
        elif isinstance(item, str) and len(item) > 200 and key not in ("pattern", "$ref"):
            out[key] = tokens(item)
        else:
            out[key] = item
    return out


def _values(value: Any, tokens: Tokens) -> Any:
    if isinstance(value, str):
        return tokens(value) if len(value) > 40 else value
    if isinstance(value, list):
        return [_values(v, tokens) for v in value]
    if isinstance(value, dict):
        return {k: _values(v, tokens) for k, v in value.items()}
    return value


def _history(repo: Path) -> list[dict[str, str]]:
    out = subprocess.run(["git", "-C", str(repo), "log", "--raw", "--no-abbrev", "--reverse",
                          "--format=C %H %cs", "--", "src/schemas/json/"],
                         capture_output=True, text=True, check=True).stdout
    pairs: list[dict[str, str]] = []
    commit = day = ""
    for line in out.splitlines():
        if line.startswith("C "):
            _, commit, day = line.split()
        elif line.startswith(":"):
            meta, *paths = line.split("\t")
            parts = meta.split()
            if parts[4] == "M" and paths[-1].endswith(".json"):
                pairs.append({"path": paths[-1], "commit": commit, "day": day,
                              "old": parts[2], "new": parts[3]})
    return pairs


def _blob(repo: Path, sha: str) -> bytes | None:
    done = subprocess.run(["git", "-C", str(repo), "cat-file", "blob", sha],
                          capture_output=True, check=False)
    return done.stdout if done.returncode == 0 else None


def _features(old: Any, new: Any) -> set[str]:
    text = json.dumps([old, new])
    found = set()
    if '"$id": "#' in text or '"id": "#' in text or '"$anchor"' in text:
        found.add("plain-name")
    if '"$dynamicRef"' in text or '"$recursiveRef"' in text:
        found.add("dynamic")
    if '"$schema": "http://json-schema.org/schema' in text or "draft-03" in text:
        found.add("legacy-schema")
    if "(?<" in text:
        found.add("named-group")
    if text.count('"anyOf"') + text.count('"oneOf"') > 20:
        found.add("many-alternatives")
    return found


def _entry(folder: Path, pair: dict[str, str], old: Any,
           new: Any) -> tuple[dict[str, Any], str] | None:
    """The pair's file content (without its source) and its kind; None when it cannot be
    loaded without the network."""
    from evtctl.compat.formats import SchemaFileError
    from evtctl.compat.jsonschema import check_versions
    from evtctl.compat.jsonschema.schemafile import load_schema_file

    folder.mkdir()
    (folder / "old.json").write_text(json.dumps(old), "utf-8")
    (folder / "new.json").write_text(json.dumps(new), "utf-8")
    try:
        versions = [load_schema_file(folder / "old.json", 1),
                    load_schema_file(folder / "new.json", 2)]
        result = check_versions(versions, "FULL", "lenient", examples=False)
    except SchemaFileError:
        return None  # remote references and the like: not loadable without the network
    diagnostics = any(v.diagnostics for v in versions)
    kind = ("incompatible" if not result.compatible else
            "compatible" if result.changes else "unchanged")
    features = _features(old, new) | ({"diagnostics"} if diagnostics else set())
    expected = {
        "compatible": result.compatible,
        "incompatible": sorted({f"{c.direction} {c.type} {c.path}"
                                for c in result.changes if not c.compatible}),
    }
    return {"pair": pair, "old": old, "new": new, "features": sorted(features),
            "expected": expected}, kind


def _write_pair(out: Path, index: int, entry: dict[str, Any]) -> None:
    pair = entry["pair"]
    name = Path(pair["path"]).stem
    data = {
        "source": {"repository": "https://github.com/SchemaStore/schemastore",
                   "license": "Apache-2.0", "path": pair["path"],
                   "commit": pair["commit"], "date": pair["day"],
                   "blobs": [pair["old"], pair["new"]],
                   "modified": "descriptions, titles and $comments replaced by tokens; "
                               "other annotations removed (see derive.py)"},
        "features": entry["features"],
        # FULL, lenient, when the pair was derived: the regression test's reference.
        "expected": entry["expected"],
        "old": entry["old"], "new": entry["new"],
    }
    (out / f"{index:03d}-{name}.json").write_text(
        json.dumps(data, separators=(",", ":")) + "\n", "utf-8")


def add(repo: Path, names: list[str], per_schema: int) -> None:
    """Append a seeded sample of ``per_schema`` loadable pairs of each named schema."""
    rng = random.Random(2027)
    out = HERE / "pairs"
    index = max((int(p.name[:3]) for p in out.glob("*.json")), default=0)
    history = _history(repo)
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            mine = [p for p in history if Path(p["path"]).name == name]
            rng.shuffle(mine)
            taken = 0
            for number, pair in enumerate(mine):
                if taken == per_schema:
                    break
                old_bytes, new_bytes = _blob(repo, pair["old"]), _blob(repo, pair["new"])
                if old_bytes is None or new_bytes is None:
                    continue
                try:
                    old_raw, new_raw = json.loads(old_bytes), json.loads(new_bytes)
                except ValueError:
                    continue
                tokens = Tokens()
                old, new = strip(old_raw, tokens), strip(new_raw, tokens)
                made = _entry(Path(tmp) / f"{name}-{number}", pair, old, new)
                if made is None:
                    continue
                entry, _kind = made
                entry["features"] = sorted({*entry["features"], "large-history"})
                index += 1
                taken += 1
                _write_pair(out, index, entry)
                print(f"{index:03d}-{Path(name).stem}: {pair['commit'][:10]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--candidates", type=int, default=2500)
    parser.add_argument("--add", type=str, default="",
                        help="schema file names whose pairs are appended (comma-separated)")
    parser.add_argument("--per-schema", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parents[2]))
    if args.add:
        add(args.repo, [n for n in args.add.split(",") if n], args.per_schema)
        return
    rng = random.Random(2026)
    history = _history(args.repo)
    rng.shuffle(history)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        for number, pair in enumerate(history[:args.candidates]):
            old_bytes, new_bytes = _blob(args.repo, pair["old"]), _blob(args.repo, pair["new"])
            if old_bytes is None or new_bytes is None:
                continue
            try:
                old, new = json.loads(old_bytes), json.loads(new_bytes)
            except ValueError:
                continue
            tokens = Tokens()
            old, new = strip(old, tokens), strip(new, tokens)
            size = max(len(json.dumps(old)), len(json.dumps(new)))
            if size > FEATURE_BYTES or (size > MAX_BYTES and not _features(old, new)):
                continue
            made = _entry(Path(tmp) / str(number), pair, old, new)
            if made is None:
                continue
            entry, kind = made
            features = set(entry["features"])
            for feature in features:
                groups[feature].append(entry)
            if size <= MAX_BYTES:
                groups[kind].append(entry)
    chosen: dict[str, dict[str, Any]] = {}
    quota = {"plain-name": 4, "dynamic": 2, "legacy-schema": 4, "named-group": 3,
             "diagnostics": 4, "many-alternatives": 3, "incompatible": 22, "compatible": 18,
             "unchanged": 2}
    for group, wanted in quota.items():
        for entry in groups.get(group, [])[:wanted]:
            chosen.setdefault(entry["pair"]["old"] + entry["pair"]["new"], entry)
    out = HERE / "pairs"
    out.mkdir(exist_ok=True)
    for old_file in out.glob("*.json"):
        old_file.unlink()
    for index, entry in enumerate(list(chosen.values())[:args.count], start=1):
        _write_pair(out, index, entry)
    print(f"{len(chosen)} pairs written to {out}")


if __name__ == "__main__":
    main()
