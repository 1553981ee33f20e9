"""A content-addressed cache for lint, so unchanged contract versions are neither loaded nor
compared again on every run. The same for every contract format.

Two tables in one SQLite file in the user's cache directory (``EVTCTL_CACHE_DIR``
overrides it; ``--no-cache`` bypasses it):

* ``files``: a version's schema file known to load. The key hashes evtctl's version, the
  format's identity (its name and the versions of the libraries its verdicts rest on), the
  load options, the project root, the file's resolved path and its bytes; the row lists every
  other file the version was made of (``$ref``'d documents, Avro named types, Protobuf
  imports), with the hash of their bytes, and the diagnostics loading gave. A hit (the file
  and all of those unchanged, and still inside the root) means the version loads without
  error, so it is not parsed at all. Versions that fail to load are never stored: their
  precise error is recomputed every run.
* ``chains``: the incompatible changes of one contract's history. The key hashes evtctl's
  version, the format's identity, the mode, the policy and, per version, its number, its
  location and the bytes of every file it is made of.
* ``histories``: under the same key, the whole verdict of that history, every change
  allowed or not, for the catalogue (which shows them all); written whenever a history is
  compared, so a catalogue built after a lint compares nothing lint compared. Lint never
  reads it.

A run with the cache off, an unreadable or corrupt cache file, or any lookup error simply
computes, exactly as without a cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evtctl import __version__
from evtctl.compat import Change, CompatResult
from evtctl.compat.formats import Diagnostic, LoadedSchema, LoadOptions, get_format
from evtctl.compat.realpaths import RealPaths

SCHEMA_VERSION = 4  # of the cache file's layout
# Each table's value column.
_COLUMNS = {"files": "row", "chains": "changes", "histories": "result"}
_CHANGE_FIELDS = tuple(f.name for f in dataclasses.fields(Change))
# What a worker's cache learnt, for lint's process: verdicts by key, and rows for the
# files, chains and histories tables.
Pending = tuple[dict[str, tuple[Change, ...]], list[tuple[str, str]], list[tuple[str, str]],
                list[tuple[str, str]]]
# The shape of a cached history's changes; bump it when the stored fields change.
CHAIN_FORMAT = 4


def cache_dir() -> Path:
    override = os.environ.get("EVTCTL_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("evtctl"))


_IDENTITIES: dict[str, str] = {}


def identity(schema_type: str) -> str:
    """evtctl's version, the cache layout and the format's identity (once per process)."""
    found = _IDENTITIES.get(schema_type)
    if found is None:
        found = _IDENTITIES[schema_type] = (
            f"evtctl {__version__}\0layout {SCHEMA_VERSION}\0{get_format(schema_type).identity()}")
    return found


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: Path) -> str | None:
    try:
        return _sha(path.read_bytes())
    except OSError:
        return None


def options_key(options: LoadOptions) -> str:
    """The load options as text for cache keys (the root is keyed separately)."""
    return repr((options.allow_remote, tuple(map(str, options.include_paths)), options.message,
                 tuple(map(str, options.references))))


class SchemaHandle:
    """One contract version for lint: its content digest, and the loaded version on demand.

    Pickles without the loaded version (a worker process sends handles to lint's process,
    which loads a version again only if it still needs it)."""

    def __init__(self, schema_type: str, number: int, digest: str, path: Path,
                 options: LoadOptions, loaded: LoadedSchema | None = None) -> None:
        self.schema_type = schema_type
        self.number = number  # the contract version it stands for
        self.digest = digest  # covers the bytes of the file and of every file it is made of
        self.path = path  # the main file, resolved
        self.options = options
        self._loaded = loaded

    def loaded(self) -> LoadedSchema:
        """The loaded version (loaded now if the cache answered without it)."""
        if self._loaded is None:
            self._loaded = get_format(self.schema_type).load(self.path, self.number,
                                                             self.options)
        return self._loaded

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_loaded": None}


class ContractCache:
    def __init__(self, db: sqlite3.Connection | None, paths: RealPaths | None = None) -> None:
        self.db = db
        self.paths = paths if paths is not None else RealPaths()
        # Rows to write, kept until flush(): one transaction, one executemany per table.
        self.pending_files: list[tuple[str, str]] = []
        self.pending_chains: list[tuple[str, str]] = []
        self.pending_histories: list[tuple[str, str]] = []
        # Chain verdicts known in this run (computed here or in a worker process), by key.
        self.known_chains: dict[str, tuple[Change, ...]] = {}
        # Each table's rows, read whole when first asked (one query each): a key that is not
        # among them is a miss, and a hit needs no query of its own. Absent: not read yet.
        self._stored: dict[str, dict[str, str]] = {}
        self.hits = 0  # versions answered from a row (known to load, nothing parsed)
        self._dep_shas: dict[str, str | None] = {}

    @property
    def writes(self) -> int:
        return len(self.pending_files) + len(self.pending_chains) + len(self.pending_histories)

    @classmethod
    def open(cls, enabled: bool = True, paths: RealPaths | None = None) -> ContractCache:
        if not enabled:
            return cls(None, paths)
        try:
            folder = cache_dir()
            folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(folder / "contracts.sqlite3", timeout=2)
            # A cache: losing the last writes to a crash only costs time, so no fsync.
            db.execute("PRAGMA synchronous=OFF")
            db.execute("CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, row TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS chains (key TEXT PRIMARY KEY, changes TEXT)")
            db.execute("CREATE TABLE IF NOT EXISTS histories (key TEXT PRIMARY KEY, result TEXT)")
            db.commit()
            return cls(db, paths)
        except (OSError, sqlite3.Error):
            return cls(None, paths)

    # -- versions ----------------------------------------------------------------------------
    def load(self, schema_type: str, path: Path, number: int,
             options: LoadOptions) -> tuple[SchemaHandle, tuple[Diagnostic, ...]]:
        """A handle on a version that loads, with the diagnostics loading gave; raises
        ``SchemaFileError`` as the format's ``load`` does."""
        real = self.paths.real(path)
        resolved = path if str(path) == real else Path(real)
        prefix = (f"{identity(schema_type)}\0{options_key(options)}\0{options.root}\0"
                  f"{resolved}\0")
        data: bytes | None = None
        if self.db is not None and self._may_hold_any("files"):
            try:
                data = resolved.read_bytes()
            except OSError:
                data = None
            if data is not None:
                key = _file_key(prefix, _sha(data))
                hit = self._valid_row(key, options.root)
                if hit is not None:
                    deps, diagnostics = hit
                    self.hits += 1
                    return (SchemaHandle(schema_type, number, _digest(key, deps), resolved,
                                         options), diagnostics)
        # The bytes just hashed are the bytes loaded: read once.
        loaded = get_format(schema_type).load(resolved, number, options, paths=self.paths,
                                              data=data)
        main_sha = loaded.files.get(loaded.path) or _file_sha(resolved) or ""
        key = _file_key(prefix, main_sha)
        deps = {str(file): sha for file, sha in loaded.files.items() if file != loaded.path}
        if self.db is not None:
            row = {"deps": deps, "diagnostics": [_diagnostic_row(d) for d in loaded.diagnostics]}
            self.pending_files.append((key, json.dumps(row, sort_keys=True)))
        handle = SchemaHandle(schema_type, number, _digest(key, deps), resolved, options, loaded)
        return handle, loaded.diagnostics

    def _may_hold_any(self, table: str) -> bool:
        """False when ``table`` was empty when this run first looked (a cold cache: no
        file needs hashing to learn that it is a miss)."""
        rows = self._rows(table)
        return rows is None or bool(rows)

    def _rows(self, table: str) -> dict[str, str] | None:
        """``table``'s rows by key, read in one query on first use; None when they cannot
        be read (then each lookup asks for its own row, as lookups always did)."""
        rows = self._stored.get(table)
        if rows is None:
            assert self.db is not None
            try:
                rows = dict(self.db.execute(f"SELECT * FROM {table}"))
            except sqlite3.Error:
                return None
            self._stored[table] = rows
        return rows

    def _row(self, table: str, key: str) -> str | None:
        """The stored row of ``key`` in ``table`` (as it was when this run first looked)."""
        rows = self._rows(table)
        if rows is not None:
            return rows.get(key)
        assert self.db is not None
        column = _COLUMNS[table]
        found = self.db.execute(f"SELECT {column} FROM {table} WHERE key = ?",
                                (key,)).fetchone()
        return None if found is None else str(found[0])

    def _may_hold(self, table: str, key: str) -> bool:
        """False when ``table`` held no row for ``key`` when this run first looked."""
        rows = self._rows(table)
        return True if rows is None else key in rows

    def holds_any(self) -> bool:
        """Whether the cache may hold a row for any version (not when it is off or empty)."""
        return self.db is not None and self._may_hold_any("files")

    def holds(self, schema_type: str, path: Path, options: LoadOptions) -> bool:
        """Whether a row for the version's file as it is now was stored (the files it is
        made of are not checked: a quick guess whether the cache is warm, nothing more)."""
        if not self.holds_any():
            return False
        try:
            resolved = self.paths.real(path)
            data = Path(resolved).read_bytes()
        except (OSError, ValueError, RuntimeError):
            return False
        prefix = (f"{identity(schema_type)}\0{options_key(options)}\0{options.root}\0"
                  f"{resolved}\0")
        return self._may_hold("files", _file_key(prefix, _sha(data)))

    def _valid_row(self, key: str,
                   root: Path | None) -> tuple[dict[str, str], tuple[Diagnostic, ...]] | None:
        """The recorded files and diagnostics of a known-loadable version, if every file it
        is made of is unchanged."""
        assert self.db is not None
        if not self._may_hold("files", key):
            return None
        try:
            found = self._row("files", key)
            if found is None:
                return None
            row = json.loads(found)
            deps = row["deps"]
            diagnostics = tuple(Diagnostic(d["kind"], d["message"], Path(d["path"]), d["line"],
                                           d["column"], d["advisory"])
                                for d in row["diagnostics"])
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            return None
        if not isinstance(deps, dict):
            return None
        for name, sha in deps.items():
            if (root is not None and not self.paths.contains(root, name)) or \
                    self._dep_sha(name) != sha:
                return None
        return deps, diagnostics

    def _dep_sha(self, name: str) -> str | None:
        """The SHA-256 of a file versions are made of, read once per run (a file shared by
        many versions, an Avro named type or a ``$ref``'d document, is hashed once)."""
        if name not in self._dep_shas:
            try:
                with open(name, "rb") as fh:
                    self._dep_shas[name] = _sha(fh.read())
            except OSError:
                self._dep_shas[name] = None
        return self._dep_shas[name]

    # -- compatibility of a contract's history ---------------------------------------------------
    def incompatible_changes(self, schema_type: str, versions: Sequence[SchemaHandle],
                             mode: str, policy: str) -> tuple[Change, ...]:
        """The incompatible changes over a contract's whole history (cached)."""
        key = _chain_key(schema_type, versions, mode, policy)
        known = self.known_chains.get(key)
        if known is not None:
            return known
        if self.db is not None and self._may_hold("chains", key):
            try:
                row = self._row("chains", key)
                if row is not None:
                    cached = tuple(Change(**item) for item in json.loads(row))
                    self.known_chains[key] = cached
                    return cached
            except (sqlite3.Error, ValueError, TypeError):
                pass
        return self._keep_chain(key, self.check_history(schema_type, versions, mode, policy,
                                                        keep=False))

    def check_history(self, schema_type: str, versions: Sequence[SchemaHandle], mode: str,
                      policy: str, *, keep: bool = True) -> CompatResult:
        """Every change over a contract's history, allowed or not (the catalogue shows them
        all). With ``keep`` (the catalogue), the verdict a lint or an earlier catalogue
        stored is taken if there is one; otherwise it is computed now and kept, its
        incompatible changes as :meth:`incompatible_changes` keeps them, so lint answers
        from them."""
        key = _chain_key(schema_type, versions, mode, policy)
        if keep and self.db is not None:
            stored_result = self._stored_history(key)
            if stored_result is not None:
                return stored_result
        result = get_format(schema_type).check([v.loaded() for v in versions], mode, policy,
                                               chain=True, examples=True)
        if keep:
            stored = self._rows("chains") if self.db is not None else None
            if key not in self.known_chains and (stored is None or key not in stored):
                self._keep_chain(key, result)
            else:
                self._keep_history(key, result)
        return result

    def _keep_chain(self, key: str, result: CompatResult) -> tuple[Change, ...]:
        changes = tuple(c for c in result.changes if not c.compatible)
        if self.db is not None:
            stored = [dataclasses.asdict(c) for c in changes]
            text = json.dumps(stored, sort_keys=True, default=repr)
            if json.loads(text) == stored:  # only what reads back exactly as computed
                self.pending_chains.append((key, text))
            self._keep_history(key, result)
        self.known_chains[key] = changes
        return changes

    def _keep_history(self, key: str, result: CompatResult) -> None:
        """The whole verdict, for the catalogue: only what reads back exactly as computed
        (plain JSON values), each change as a list in the order of ``_CHANGE_FIELDS`` (a
        tenth of the cost of a sorted object per change, on every cold lint)."""
        if self.db is None:
            return
        changes = [[getattr(c, name) for name in _CHANGE_FIELDS] for c in result.changes]
        if not all(_plain(c.example) for c in result.changes):
            return
        labels = [[number, name] for number, name in result.labels]
        try:
            text = json.dumps([_CHANGE_FIELDS, result.compatible, result.mode, result.policy,
                               result.schema_type, labels, changes], allow_nan=False)
        except (TypeError, ValueError):
            return
        self.pending_histories.append((key, text))

    def _stored_history(self, key: str) -> CompatResult | None:
        try:
            text = self._row("histories", key)
            if text is None:
                return None
            fields, compatible, mode, policy, schema_type, labels, changes = json.loads(text)
            if tuple(fields) != _CHANGE_FIELDS:
                return None  # written by an evtctl whose changes had other fields
            return CompatResult(bool(compatible), str(mode), str(policy),
                                tuple(Change(*values) for values in changes),
                                str(schema_type),
                                tuple((int(n), str(name)) for n, name in labels))
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            return None

    def adopt(self, chains: dict[str, tuple[Change, ...]], files: list[tuple[str, str]],
              chain_rows: list[tuple[str, str]],
              history_rows: Sequence[tuple[str, str]] = ()) -> None:
        """Take over what another process's cache computed: verdicts to answer from, rows
        to write."""
        self.known_chains.update(chains)
        if self.db is not None:
            self.pending_files.extend(files)
            self.pending_chains.extend(chain_rows)
            self.pending_histories.extend(history_rows)

    def take_pending(self) -> Pending:
        """What this (worker's) cache learnt since the last call, for :meth:`adopt`."""
        chains = dict(self.known_chains)
        files, chain_rows = list(self.pending_files), list(self.pending_chains)
        history_rows = list(self.pending_histories)
        self.known_chains.clear()
        self.pending_files.clear()
        self.pending_chains.clear()
        self.pending_histories.clear()
        return chains, files, chain_rows, history_rows

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
                    self.db.executemany(
                        "INSERT OR REPLACE INTO histories VALUES (?, ?)",
                        self.pending_histories)
            except sqlite3.Error:
                pass
        self.pending_files.clear()
        self.pending_chains.clear()
        self.pending_histories.clear()

    def close(self) -> None:
        if self.db is not None:
            self.flush()
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None


def _plain(value: Any, depth: int = 0) -> bool:
    """Whether JSON gives ``value`` back equal and of the same types (no tuples, no
    non-string keys, no NaN)."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if depth > 100:
        return False
    if type(value) is list:
        return all(_plain(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


def _diagnostic_row(d: Diagnostic) -> dict[str, Any]:
    return {"kind": d.kind, "message": d.message, "path": str(d.path), "line": d.line,
            "column": d.column, "advisory": d.advisory}


def _file_key(prefix: str, main_sha: str) -> str:
    return _sha(prefix.encode() + b"\0" + main_sha.encode())


def _digest(key: str, deps: dict[str, str]) -> str:
    return _sha(json.dumps([key, sorted(deps.items())]).encode())


def _chain_key(schema_type: str, versions: Sequence[SchemaHandle], mode: str,
               policy: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{identity(schema_type)}\0{CHAIN_FORMAT}\0{mode}\0{policy}\0".encode())
    for v in versions:
        digest.update(json.dumps({"h": v.digest, "p": str(v.path), "n": v.number}).encode())
        digest.update(b"\0")
    return digest.hexdigest()
