"""A content-addressed cache for lint, so unchanged schemas are neither loaded nor compared
again on every run.

Two tables in one SQLite file in the user's cache directory (``EVTCTL_CACHE_DIR``
overrides it; ``--no-cache`` bypasses it):

* ``files``: a schema file known to be valid. The key hashes evtctl's and jsonschema's
  versions, whether remote ``$ref``\\ s are allowed, the project root, the file's resolved
  path and its bytes; the row lists every other file its ``$ref``\\ s reached, with the hash
  of their bytes. A hit (the file and all of those unchanged, and still inside the root)
  means the file loads without error, so it is not parsed at all. Invalid files are never
  stored: their precise error is recomputed every run.
* ``chains``: the incompatible changes of one contract's history. The key hashes evtctl's
  and jsonschema's versions, the mode, the policy and, per version, its number, its
  location and the bytes of every file it is made of.

A run with the cache off, an unreadable or corrupt cache file, or any lookup error simply
computes, exactly as without a cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evtctl import __version__

SCHEMA_VERSION = 2  # of the cache file's layout


def cache_dir() -> Path:
    override = os.environ.get("EVTCTL_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("evtctl"))


_TOOL_VERSIONS: list[str] = []


def tool_versions() -> str:
    """evtctl's version and jsonschema's (whose metaschema checks and example validation
    the verdicts rest on), read without importing jsonschema."""
    if not _TOOL_VERSIONS:
        from importlib.metadata import PackageNotFoundError, version

        try:
            js = version("jsonschema")
        except PackageNotFoundError:  # pragma: no cover - a dependency
            js = "?"
        _TOOL_VERSIONS.append(f"evtctl {__version__}\0jsonschema {js}\0layout {SCHEMA_VERSION}")
    return _TOOL_VERSIONS[0]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path) -> str | None:
    try:
        return _sha(path.read_bytes())
    except OSError:
        return None


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


class SchemaHandle:
    """One schema file for lint: its content digest, and the loaded schema on demand."""

    def __init__(self, number: int, digest: str, base_uri: str, load: Callable[[], Any],
                 loaded: Any | None = None) -> None:
        self.number = number  # the contract version it stands for
        self.digest = digest  # covers the bytes of the file and of every file it reaches
        self.base_uri = base_uri
        self._load = load
        self._loaded = loaded

    def schema(self) -> Any:
        """The compat ``SchemaVersion`` (loaded now if the cache answered without it)."""
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded


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
            db.execute("CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, deps TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS chains (key TEXT PRIMARY KEY, changes TEXT)")
            return cls(db)
        except (OSError, sqlite3.Error):
            return cls(None)

    # -- schema files --------------------------------------------------------------------------
    def load_schema(self, path: Path, version: int, root: Path, allow_remote: bool) -> SchemaHandle:
        """A handle on a valid schema file; raises ``SchemaFileError`` as ``load_schema_file`` does."""
        resolved = path.resolve()
        prefix = f"{tool_versions()}\0{allow_remote}\0{root}\0{resolved}\0"

        def load_now() -> Any:
            from evtctl.compat.schemafile import load_schema_file

            return load_schema_file(path, version, root=root, allow_remote=allow_remote)

        if self.db is not None:
            try:
                data = resolved.read_bytes()
            except OSError:
                data = None
            if data is not None:
                key = _file_key(prefix, _sha(data))
                deps = self._valid_deps(key, root)
                if deps is not None:
                    return SchemaHandle(version, _digest(key, deps), resolved.as_uri(), load_now)
        from evtctl.compat.schemafile import load_tracked

        digests: dict[str, str] = {}
        loaded = load_tracked(path, version, root, allow_remote, digests)
        main_uri = loaded.base_uri
        key = _file_key(prefix, digests[main_uri])
        deps = {uri: sha for uri, sha in digests.items() if uri != main_uri}
        if self.db is not None:
            try:
                self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)",
                                (key, json.dumps(deps, sort_keys=True)))
                self.writes += 1
            except sqlite3.Error:
                pass
        return SchemaHandle(version, _digest(key, deps), main_uri, load_now, loaded)

    def _valid_deps(self, key: str, root: Path) -> dict[str, str] | None:
        """The recorded dependencies of a known-valid file, if every one is unchanged."""
        assert self.db is not None
        try:
            row = self.db.execute("SELECT deps FROM files WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            deps = json.loads(row[0])
        except (sqlite3.Error, ValueError):
            return None
        if not isinstance(deps, dict):
            return None
        from urllib.parse import unquote, urlparse

        for uri, sha in deps.items():
            dep = Path(unquote(urlparse(uri).path))
            if not _inside(dep, root) or _file_sha(dep) != sha:
                return None
        return deps

    # -- compatibility of a contract's history ---------------------------------------------------
    def incompatible_changes(self, versions: Sequence[Any], mode: str,
                             policy: str) -> list[dict[str, Any]]:
        """The incompatible changes over a contract's whole history (cached).

        ``versions`` are :class:`SchemaHandle` values (or compat ``SchemaVersion`` values,
        which are fingerprinted by their content).
        """
        key = _chain_key(versions, mode, policy)
        if self.db is not None:
            try:
                row = self.db.execute("SELECT changes FROM chains WHERE key = ?",
                                      (key,)).fetchone()
                if row is not None:
                    return json.loads(row[0])  # type: ignore[no-any-return]
            except (sqlite3.Error, ValueError):
                pass
        from evtctl.compat import check_chain

        loaded = [v.schema() if isinstance(v, SchemaHandle) else v for v in versions]
        result = check_chain(loaded, mode, policy)
        changes = [
            {"type": c.type, "path": c.path, "from_version": c.from_version,
             "to_version": c.to_version, "example": c.example,
             "example_note": getattr(c, "example_note", None),
             "description": getattr(c, "description", None)}
            for c in result.changes if not c.compatible
        ]
        if self.db is not None:
            try:
                self.db.execute("INSERT OR REPLACE INTO chains VALUES (?, ?)",
                                (key, json.dumps(changes, default=str)))
                self.writes += 1
            except sqlite3.Error:
                pass
        return changes

    def flush(self) -> None:
        if self.db is not None and self.writes:
            try:
                self.db.commit()
                self.writes = 0
            except sqlite3.Error:
                pass

    def close(self) -> None:
        if self.db is not None:
            self.flush()
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            self.db = None


def _file_key(prefix: str, main_sha: str) -> str:
    return _sha(prefix.encode() + b"\0" + main_sha.encode())


def _digest(key: str, deps: dict[str, str]) -> str:
    return _sha(json.dumps([key, sorted(deps.items())]).encode())


def _chain_key(versions: Sequence[Any], mode: str, policy: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{tool_versions()}\0{mode}\0{policy}\0".encode())
    for v in versions:
        if isinstance(v, SchemaHandle):
            payload: Any = {"h": v.digest, "b": v.base_uri, "n": v.number}
        else:
            payload = {"v": v.version, "s": v.schema, "b": v.base_uri,
                       "d": dict(sorted((v.documents or {}).items()))}
        digest.update(json.dumps(payload, sort_keys=True, default=str).encode())
        digest.update(b"\0")
    return digest.hexdigest()
