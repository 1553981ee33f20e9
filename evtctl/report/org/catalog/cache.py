"""A content-addressed cache for the catalogue: a contract's page data and a flow's SVG are
computed again only when what they are made of changed.

One SQLite file beside lint's (``EVTCTL_CACHE_DIR`` or the user cache folder; off with
``--no-cache``):

* ``docs``: a contract's :class:`~evtctl.report.org.catalog.contracts.ContractDoc`. The key
  hashes the layout of this cache, evtctl's version, each format's identity (the libraries
  its verdicts rest on), the mode, the policy and, per version, its number, file, format,
  load options and the bytes of its main file. The row lists every file the versions were
  made of with the hash of its bytes; a hit counts only if all of them are unchanged. A
  contract with a version that could not be read is never stored.
* ``svgs``: a flow's SVG, keyed by the Graphviz version and the DOT source.

Any problem with the cache file (unreadable, locked, corrupt) means computing, as without
a cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from evtctl import __version__
from evtctl.report.org.catalog.contracts import ChangeDoc, ContractDoc, StepDoc, Unit, VersionDoc

LAYOUT = 1


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path | str) -> str | None:
    try:
        return _sha(Path(path).read_bytes())
    except OSError:
        return None


class CatalogCache:
    def __init__(self, db: sqlite3.Connection | None) -> None:
        self.db = db
        self._pending: list[tuple[str, str, str]] = []  # (table, key, value)
        self._shas: dict[str, str | None] = {}  # file -> sha of its bytes, once per build

    def _sha_of(self, path: Path | str) -> str | None:
        key = str(path)
        if key not in self._shas:
            self._shas[key] = _file_sha(path)
        return self._shas[key]

    @classmethod
    def open(cls, enabled: bool = True) -> CatalogCache:
        if not enabled:
            return cls(None)
        from evtctl.contracts.cache import cache_dir

        try:
            folder = cache_dir()
            folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(folder / "catalog.sqlite3", timeout=2)
            db.execute("PRAGMA synchronous=OFF")
            db.execute("CREATE TABLE IF NOT EXISTS docs (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS svgs (key TEXT PRIMARY KEY, value TEXT)")
            db.commit()
            return cls(db)
        except (OSError, sqlite3.Error):
            return cls(None)

    def _get(self, table: str, key: str) -> str | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute(f"SELECT value FROM {table} WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else str(row[0])

    # -- contracts --------------------------------------------------------------------------
    def doc_key(self, unit: Unit) -> str | None:
        """The key of a contract's doc, or None when it is not cached (a version without a
        format or a file)."""
        if self.db is None:
            return None
        from evtctl.contracts.cache import identity, options_key

        parts: list[str] = [f"layout {LAYOUT}", __version__, unit.mode]
        for spec in unit.specs:
            if spec.schema_type is None:
                return None
            try:
                ident = identity(spec.schema_type)  # remembered per process
            except ImportError:
                return None
            sha = self._sha_of(spec.path)
            if sha is None:
                return None
            parts += [ident, unit.config.policy_for(spec.schema_type), str(spec.number),
                      str(spec.path), spec.schema_type, options_key(spec.options),
                      str(spec.options.root), sha]
        return _sha("\0".join(parts).encode())

    def doc(self, key: str | None) -> ContractDoc | None:
        if key is None:
            return None
        text = self._get("docs", key)
        if text is None:
            return None
        try:
            row = json.loads(text)
            for path, sha in row["files"]:
                if self._sha_of(path) != sha:
                    return None
            return _doc(row["doc"])
        except (ValueError, KeyError, TypeError):
            return None

    def put_doc(self, key: str | None, doc: ContractDoc) -> None:
        if key is None or self.db is None or any(v.error for v in doc.versions):
            return
        files = sorted({(path, sha or self._sha_of(path) or "") for v in doc.versions
                        for path, sha in v.files})
        row = {"files": files, "doc": _row(doc)}
        self._pending.append(("docs", key, json.dumps(row, separators=(",", ":"))))

    # -- flows ------------------------------------------------------------------------------
    def svg_key(self, dot_version: str, source: str) -> str:
        return _sha(f"layout {LAYOUT}\0{dot_version}\0{source}".encode())

    def svg(self, key: str) -> str | None:
        return self._get("svgs", key)

    def put_svg(self, key: str, svg: str) -> None:
        if self.db is not None:
            self._pending.append(("svgs", key, svg))

    def close(self) -> None:
        if self.db is None:
            return
        with contextlib.suppress(sqlite3.Error):
            for table in ("docs", "svgs"):
                rows = [(k, v) for t, k, v in self._pending if t == table]
                if rows:
                    self.db.executemany(
                        f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)", rows)
            self.db.commit()
        self._pending.clear()
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        self.db = None


def _doc(data: dict[str, Any]) -> ContractDoc:
    versions = tuple(VersionDoc(**{**v, "files": tuple(tuple(f) for f in v["files"])})
                     for v in data["versions"])
    steps = tuple(StepDoc(s["version"], tuple(s["against"]), s["compatible"],
                          tuple(ChangeDoc(**c) for c in s["changes"]), s["note"])
                  for s in data["steps"])
    return ContractDoc(data["topic"], data["contract"], data["mode"], data["policy"],
                       versions, steps, data["error"])


def _row(doc: ContractDoc) -> dict[str, Any]:
    """``dataclasses.asdict`` without its deep copies (a tenth of the time)."""
    return {
        "topic": doc.topic, "contract": doc.contract, "mode": doc.mode, "policy": doc.policy,
        "error": doc.error,
        "versions": [{"version": v.version, "schema_file": v.schema_file,
                      "schema_type": v.schema_type, "rendered": v.rendered, "error": v.error,
                      "files": [list(f) for f in v.files]} for v in doc.versions],
        "steps": [{"version": st.version, "against": list(st.against),
                   "compatible": st.compatible, "note": st.note,
                   "changes": [c.__dict__ for c in st.changes]} for st in doc.steps],
    }
