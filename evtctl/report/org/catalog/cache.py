"""The catalogue's cache: a contract's page data and a flow's SVG are computed again only
when what they are made of changed.

One SQLite file beside lint's (``EVTCTL_CACHE_DIR`` or the user cache folder; off with
``--no-cache``). It holds what lint's cache does not: lint keeps whether a version loads
and the incompatible changes of a history, the catalogue needs every version rendered and
every change, allowed or not. Versions are loaded and compared through lint's store and
cache all the same (:mod:`evtctl.report.org.catalog.contracts`), so a catalogue fills
lint's cache and lint's work is never done twice.

* ``docs``: a contract's :class:`~evtctl.report.org.catalog.contracts.ContractDoc`. The key
  says which contract it is and how it is judged: the layout of this cache, evtctl's
  version, each format's identity (the libraries its verdicts rest on), the mode, the
  policy and, per version, its number, file, format and load options. The row lists every
  file the versions were made of, each with the SHA-256 of its bytes and its signature
  (size, modification and change times, inode), as git's index does; a hit counts only if
  every file is unchanged. A file whose signature is unchanged is not read again, unless it
  was modified too close to when it was hashed to tell a later write apart ("racily
  clean"), then it is hashed. A contract with a version that could not be read is never
  stored.
* ``svgs``: a flow's SVG, keyed by the Graphviz version and the DOT source.

Any problem with the cache file (unreadable, locked, corrupt) means computing, as without
a cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from evtctl import __version__
from evtctl.report.org.catalog.contracts import ChangeDoc, ContractDoc, StepDoc, Unit, VersionDoc

LAYOUT = 2
# A file modified less than this long before it was hashed may change again without its
# signature changing (timestamps are coarser than writes): it is hashed on every check.
RACY_NS = 2_000_000_000

Signature = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _signature(info: os.stat_result) -> Signature:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


class Files:
    """What this build knows of the files contracts are made of: each is looked at (a
    ``stat``) once, and read and hashed only when its signature does not vouch for it."""

    def __init__(self) -> None:
        self._stats: dict[str, os.stat_result | None] = {}
        self._shas: dict[str, str | None] = {}

    def stat(self, path: str) -> os.stat_result | None:
        if path not in self._stats:
            try:
                self._stats[path] = os.stat(path)
            except OSError:
                self._stats[path] = None
        return self._stats[path]

    def sha(self, path: str) -> str | None:
        if path not in self._shas:
            try:
                with open(path, "rb") as fh:
                    self._shas[path] = _sha(fh.read())
            except OSError:
                self._shas[path] = None
        return self._shas[path]

    def unchanged(self, path: str, sha: str, signature: list[int], read_ns: int) -> bool:
        """Whether ``path`` still has the bytes that were hashed as ``sha`` when it was read
        at ``read_ns``."""
        info = self.stat(path)
        if info is None:
            return False
        if (signature and list(_signature(info)) == signature
                and max(info.st_mtime_ns, info.st_ctime_ns) < read_ns - RACY_NS):
            return True
        return self.sha(path) == sha

    def record(self, path: str, sha: str, read_ns: int) -> list[Any]:
        """``[path, sha, signature, read_ns]`` for a row, of a file read (and hashed as
        ``sha``) at ``read_ns`` or later. Its signature is recorded only if the file has not
        changed since ``read_ns`` (its change time is older), so that the signature is the
        one of the bytes hashed; otherwise it is hashed at every check."""
        info = self.stat(path)
        fresh = info is not None and info.st_ctime_ns < read_ns
        return [path, sha, list(_signature(info)) if fresh and info else [], read_ns]


class CatalogCache:
    """Lookups first, while :attr:`db` is open; :meth:`release` closes the connection
    (worker processes must not inherit it) and :meth:`close` writes what was learnt."""

    def __init__(self, db: sqlite3.Connection | None, path: Path | None = None) -> None:
        self.db = db
        self.path = path if db is not None else None  # None: no cache
        self.files = Files()
        self._pending: list[tuple[str, str, str]] = []  # (table, key, value)

    @classmethod
    def open(cls, enabled: bool = True) -> CatalogCache:
        if not enabled:
            return cls(None)
        from evtctl.contracts.cache import cache_dir

        try:
            folder = cache_dir()
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "catalog.sqlite3"
            db = _connect(path)
            db.execute("CREATE TABLE IF NOT EXISTS docs (key TEXT PRIMARY KEY, value TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS svgs (key TEXT PRIMARY KEY, value TEXT)")
            db.commit()
            return cls(db, path)
        except (OSError, sqlite3.Error):
            return cls(None)

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def release(self) -> None:
        """Close the connection until :meth:`close` writes (lookups are done by then)."""
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None

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
        format, or of a format that cannot be used here)."""
        if not self.enabled:
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
            parts += [ident, unit.config.policy_for(spec.schema_type), str(spec.number),
                      str(spec.path), spec.schema_type, options_key(spec.options),
                      str(spec.options.root)]
        return _sha("\0".join(parts).encode())

    def doc(self, key: str | None) -> ContractDoc | None:
        if key is None:
            return None
        text = self._get("docs", key)
        if text is None:
            return None
        try:
            row = json.loads(text)
            for path, sha, signature, checked_ns in row["files"]:
                if not self.files.unchanged(path, sha, signature, checked_ns):
                    return None
            return _doc(row["doc"])
        except (ValueError, KeyError, TypeError):
            return None

    def put_doc(self, key: str | None, doc: ContractDoc) -> None:
        if key is None or not self.enabled or any(v.error for v in doc.versions):
            return
        files = sorted({(path, sha) for v in doc.versions for path, sha in v.files})
        row = {"files": [self.files.record(path, sha, doc.read_ns) for path, sha in files],
               "doc": _row(doc)}
        self._pending.append(("docs", key, json.dumps(row, separators=(",", ":"))))

    # -- flows ------------------------------------------------------------------------------
    def svg_key(self, dot_version: str, source: str) -> str:
        return _sha(f"layout {LAYOUT}\0{dot_version}\0{source}".encode())

    def svg(self, key: str) -> str | None:
        return self._get("svgs", key)

    def put_svg(self, key: str, svg: str) -> None:
        if self.enabled:
            self._pending.append(("svgs", key, svg))

    def close(self) -> None:
        """Write what this build learnt, and close."""
        pending, self._pending = self._pending, []
        if self.path is None:
            return
        with contextlib.suppress(sqlite3.Error, OSError):
            if self.db is None and pending:
                self.db = _connect(self.path)
            if self.db is not None:
                for table in ("docs", "svgs"):
                    rows = [(k, v) for t, k, v in pending if t == table]
                    if rows:
                        self.db.executemany(
                            f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)", rows)
                self.db.commit()
        self.release()


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=2)
    db.execute("PRAGMA synchronous=OFF")  # a cache: losing the last writes only costs time
    return db


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
