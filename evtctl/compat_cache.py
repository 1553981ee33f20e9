"""A content-addressed cache for lint, so unchanged schemas are neither loaded nor compared
again on every run.

Two tables in one SQLite file in the user's cache directory (``EVTCTL_CACHE_DIR``
overrides it; ``--no-cache`` bypasses it):

* ``files``: a schema file known to be valid, without diagnostics (a file with any is
  loaded again every run, so EVT503 reports them every run). The key hashes evtctl's and
  jsonschema's versions, whether remote ``$ref``\\ s are allowed, the project root, the
  file's resolved path and its bytes; the row lists every other file its ``$ref``\\ s
  reached, with the hash of their bytes. A hit (the file and all of those unchanged, and
  still inside the root) means the file loads without error, so it is not parsed at all.
  Invalid files are never stored: their precise error is recomputed every run.
* ``chains``: the incompatible changes of one contract's history. The key hashes evtctl's
  and jsonschema's versions, the mode, the policy and, per version, its number, its
  location and the bytes of every file it is made of.

A run with the cache off, an unreadable or corrupt cache file, or any lookup error simply
computes, exactly as without a cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evtctl import __version__
from evtctl.compat.realpaths import RealPaths

SCHEMA_VERSION = 3  # of the cache file's layout (3: rows never hold files with diagnostics)


def cache_dir() -> Path:
    override = os.environ.get("EVTCTL_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("evtctl"))


_TOOL_VERSIONS: list[str] = []


# The shape of a cached history's changes; bump it when the stored fields change.
CHAIN_FORMAT = 2


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


class SchemaHandle:
    """One schema file for lint: its content digest, and the loaded schema on demand.

    Pickles without the loaded schema (a worker process sends handles to lint's process,
    which loads a schema again only if it still needs it)."""

    def __init__(
        self,
        number: int,
        digest: str,
        base_uri: str,
        source: tuple[Path, Path, bool],
        loaded: Any | None = None,
    ) -> None:
        self.number = number  # the contract version it stands for
        self.digest = digest  # covers the bytes of the file and of every file it reaches
        self.base_uri = base_uri
        self.source = source  # (path, project root, remote $refs allowed)
        self._loaded = loaded
        # Problems that leave it comparable (compat Diagnostic values; EVT503 reports them).
        # A file with any is never stored as known-valid, so a cache hit has none.
        self.diagnostics: tuple[Any, ...] = tuple(getattr(loaded, "diagnostics", ()))

    def schema(self) -> Any:
        """The compat ``SchemaVersion`` (loaded now if the cache answered without it)."""
        if self._loaded is None:
            from evtctl.compat.jsonschema.schemafile import load_schema_file

            path, root, allow_remote = self.source
            self._loaded = load_schema_file(path, self.number, root=root, allow_remote=allow_remote)
        return self._loaded

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_loaded": None}


class CompatCache:
    def __init__(self, db: sqlite3.Connection | None, paths: RealPaths | None = None) -> None:
        self.db = db
        self.paths = paths if paths is not None else RealPaths()
        # Rows to write, kept until flush(): one transaction, one executemany per table.
        self.pending_files: list[tuple[str, str]] = []
        self.pending_chains: list[tuple[str, str]] = []
        # Chain verdicts known in this run (computed here or in a worker process), by key.
        self.known_chains: dict[str, list[dict[str, Any]]] = {}
        # The keys each table held when first asked (one query each): a key that is not
        # among them is a miss without a query per file. None: not read yet.
        self._stored: dict[str, set[str]] = {}

    @property
    def writes(self) -> int:
        return len(self.pending_files) + len(self.pending_chains)

    @classmethod
    def open(cls, enabled: bool = True, paths: RealPaths | None = None) -> CompatCache:
        if not enabled:
            return cls(None, paths)
        try:
            folder = cache_dir()
            folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(folder / "compat.sqlite3", timeout=2)
            # A cache: losing the last writes to a crash only costs time, so no fsync.
            db.execute("PRAGMA synchronous=OFF")
            db.execute("CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, deps TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS chains (key TEXT PRIMARY KEY, changes TEXT)")
            db.commit()
            return cls(db, paths)
        except (OSError, sqlite3.Error):
            return cls(None, paths)

    # -- schema files --------------------------------------------------------------------------
    def load_schema(self, path: Path, version: int, root: Path, allow_remote: bool) -> SchemaHandle:
        """A handle on a valid schema file; raises ``SchemaFileError`` as
        ``load_schema_file`` does."""
        resolved = Path(self.paths.real(path))
        prefix = f"{tool_versions()}\0{allow_remote}\0{root}\0{resolved}\0"
        source = (path, root, allow_remote)
        data: bytes | None = None
        if self.db is not None:
            try:
                data = resolved.read_bytes()
            except OSError:
                data = None
            if data is not None:
                key = _file_key(prefix, _sha(data))
                deps = self._valid_deps(key, root)
                if deps is not None:
                    return SchemaHandle(version, _digest(key, deps), resolved.as_uri(), source)
        from evtctl.compat.jsonschema.schemafile import load_tracked

        digests: dict[str, str] = {}
        # The bytes just hashed are the bytes loaded: read (and hashed) once.
        loaded = load_tracked(
            resolved, version, root, allow_remote, digests, paths=self.paths, data=data
        )
        main_uri = loaded.base_uri
        key = _file_key(prefix, digests[main_uri])
        deps = {uri: sha for uri, sha in digests.items() if uri != main_uri}
        if self.db is not None and not loaded.diagnostics:
            # A file with diagnostics is loaded again next run, so they are reported again.
            self.pending_files.append((key, json.dumps(deps, sort_keys=True)))
        return SchemaHandle(version, _digest(key, deps), main_uri, source, loaded)

    def _may_hold(self, table: str, key: str) -> bool:
        """False when ``table`` held no row for ``key`` when this run first looked."""
        keys = self._stored.get(table)
        if keys is None:
            assert self.db is not None
            try:
                keys = {row[0] for row in self.db.execute(f"SELECT key FROM {table}")}
            except sqlite3.Error:
                return True  # ask row by row, as the lookups always did
            self._stored[table] = keys
        return key in keys

    def _valid_deps(self, key: str, root: Path) -> dict[str, str] | None:
        """The recorded dependencies of a known-valid file, if every one is unchanged."""
        assert self.db is not None
        if not self._may_hold("files", key):
            return None
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
            if not self.paths.contains(root, dep) or _file_sha(dep) != sha:
                return None
        return deps

    # -- compatibility of a contract's history ---------------------------------------------------
    def incompatible_changes(
        self, versions: Sequence[Any], mode: str, policy: str
    ) -> list[dict[str, Any]]:
        """The incompatible changes over a contract's whole history (cached).

        ``versions`` are :class:`SchemaHandle` values (or compat ``SchemaVersion`` values,
        which are fingerprinted by their content).
        """
        key = _chain_key(versions, mode, policy)
        known = self.known_chains.get(key)
        if known is not None:
            return known
        if self.db is not None and self._may_hold("chains", key):
            try:
                row = self.db.execute("SELECT changes FROM chains WHERE key = ?", (key,)).fetchone()
                if row is not None:
                    cached: list[dict[str, Any]] = json.loads(row[0])
                    self.known_chains[key] = cached
                    return cached
            except (sqlite3.Error, ValueError):
                pass
        from evtctl.compat.jsonschema import check_chain

        loaded = [v.schema() if isinstance(v, SchemaHandle) else v for v in versions]
        result = check_chain(loaded, mode, policy)
        changes = [
            {
                "type": c.type,
                "path": c.path,
                "from_version": c.from_version,
                "to_version": c.to_version,
                "direction": c.direction,
                "example": c.example,
                "example_note": getattr(c, "example_note", None),
                "description": getattr(c, "description", None),
            }
            for c in result.changes
            if not c.compatible
        ]
        if self.db is not None:
            self.pending_chains.append((key, json.dumps(changes, default=str)))
        self.known_chains[key] = changes
        return changes

    def adopt(
        self,
        chains: dict[str, list[dict[str, Any]]],
        files: list[tuple[str, str]],
        chain_rows: list[tuple[str, str]],
    ) -> None:
        """Take over what another process's cache computed: verdicts to answer from, rows
        to write."""
        self.known_chains.update(chains)
        if self.db is not None:
            self.pending_files.extend(files)
            self.pending_chains.extend(chain_rows)

    def flush(self) -> None:
        if self.db is not None and self.writes:
            try:
                with self.db:  # one transaction
                    self.db.executemany(
                        "INSERT OR REPLACE INTO files VALUES (?, ?)", self.pending_files
                    )
                    self.db.executemany(
                        "INSERT OR REPLACE INTO chains VALUES (?, ?)", self.pending_chains
                    )
            except sqlite3.Error:
                pass
        self.pending_files.clear()
        self.pending_chains.clear()

    def close(self) -> None:
        if self.db is not None:
            self.flush()
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None


def _file_key(prefix: str, main_sha: str) -> str:
    return _sha(prefix.encode() + b"\0" + main_sha.encode())


def _digest(key: str, deps: dict[str, str]) -> str:
    return _sha(json.dumps([key, sorted(deps.items())]).encode())


def _chain_key(versions: Sequence[Any], mode: str, policy: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{tool_versions()}\0{CHAIN_FORMAT}\0{mode}\0{policy}\0".encode())
    for v in versions:
        if isinstance(v, SchemaHandle):
            payload: Any = {"h": v.digest, "b": v.base_uri, "n": v.number}
        else:
            payload = {
                "v": v.version,
                "s": v.schema,
                "b": v.base_uri,
                "d": dict(sorted((v.documents or {}).items())),
            }
        digest.update(json.dumps(payload, sort_keys=True, default=str).encode())
        digest.update(b"\0")
    return digest.hexdigest()
