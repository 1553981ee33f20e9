"""A content-addressed cache of compatibility verdicts, so unchanged contracts are not
compared again on every run.

The key is a hash of everything the verdict depends on: evtctl's version, the mode,
the policy, and the content of every schema version (with the documents they
reference). The cache is one SQLite file in the user's cache directory; any problem
with it (read-only home, corrupt file) silently falls back to computing.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evtctl import __version__


def cache_dir() -> Path:
    override = os.environ.get("EVTCTL_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("evtctl"))


def _fingerprint(versions: Sequence[Any], mode: str, policy: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{mode}\0{policy}\0".encode())
    for v in versions:
        payload = {"v": v.version, "s": v.schema, "b": v.base_uri,
                   "d": dict(sorted((v.documents or {}).items()))}
        digest.update(json.dumps(payload, sort_keys=True, default=str).encode())
        digest.update(b"\0")
    return digest.hexdigest()


class CompatCache:
    def __init__(self, db: sqlite3.Connection | None) -> None:
        self.db = db
        self.writes = 0

    @classmethod
    def open(cls, enabled: bool = True) -> CompatCache:
        if not enabled:
            return cls(None)
        try:
            folder = cache_dir()
            folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(folder / "compat.sqlite3", timeout=2)
            db.execute("CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, changes TEXT)")
            return cls(db)
        except (OSError, sqlite3.Error):
            return cls(None)

    def incompatible_changes(self, versions: Sequence[Any], mode: str,
                             policy: str) -> list[dict[str, Any]]:
        """The incompatible changes over a contract's whole history (cached)."""
        key = _fingerprint(versions, mode, policy)
        if self.db is not None:
            try:
                row = self.db.execute("SELECT changes FROM verdicts WHERE key = ?",
                                      (key,)).fetchone()
                if row is not None:
                    return json.loads(row[0])  # type: ignore[no-any-return]
            except (sqlite3.Error, ValueError):
                pass
        from evtctl.compat import check_chain

        result = check_chain(list(versions), mode, policy)
        changes = [
            {"type": c.type, "path": c.path, "from_version": c.from_version,
             "to_version": c.to_version, "example": c.example,
             "example_note": getattr(c, "example_note", None),
             "description": getattr(c, "description", None)}
            for c in result.changes if not c.compatible
        ]
        if self.db is not None:
            try:
                self.db.execute("INSERT OR REPLACE INTO verdicts VALUES (?, ?)",
                                (key, json.dumps(changes, default=str)))
                self.writes += 1
            except sqlite3.Error:
                pass
        return changes

    def close(self) -> None:
        if self.db is not None:
            try:
                if self.writes:
                    self.db.commit()
                self.db.close()
            except sqlite3.Error:
                pass
