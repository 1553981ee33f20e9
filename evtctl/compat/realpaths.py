"""Resolving schema paths once per run.

``Path.resolve()`` walks every component of a path with ``lstat`` and then ``stat``\\ s the
result; lint used to call it five times per schema file (containment, cache key, loading,
the file's own ``#/...`` references). :class:`RealPaths` resolves each folder once and each
file with one ``lstat`` (is it a symlink?), and answers containment by comparing resolved
strings. Results equal ``Path.resolve()``'s, errors included (a symlink loop raises
``RuntimeError``, as it does), on the assumption that files do not move during a run;
one difference: a path below a folder that cannot be searched (permission denied) fails
to resolve here, where ``Path.resolve()`` would return it unresolved.
"""

from __future__ import annotations

import os
from pathlib import Path

_POSIX = os.name == "posix"


class RealPaths:
    """A per-run memo of resolved paths (``str(Path(p).resolve())``)."""

    def __init__(self) -> None:
        self._dirs: dict[str, str | BaseException] = {}
        self._files: dict[str, str] = {}

    def real(self, path: str | os.PathLike[str]) -> str:
        text = os.fspath(path)
        hit = self._files.get(text)
        if hit is not None:
            return hit
        head, tail = os.path.split(text)
        if not _POSIX or not head or tail in ("", ".", ".."):
            real = str(Path(text).resolve())
        else:
            folder = self._dirs.get(head)
            if folder is None:
                try:
                    folder = str(Path(head).resolve())
                except (OSError, RuntimeError) as exc:
                    folder = exc
                self._dirs[head] = folder
            if isinstance(folder, BaseException):
                raise folder  # what Path.resolve() raises for every path below it
            candidate = os.path.join(folder, tail)
            real = str(Path(candidate).resolve()) if os.path.islink(candidate) else candidate
        self._files[text] = real
        return real

    def inside(self, path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
        """``Path(path).resolve().relative_to(Path(root).resolve())`` succeeds.

        Raises what ``Path.resolve()`` raises (``RuntimeError`` for a symlink loop)."""
        real, top = self.real(path), self.real(root)
        if not _POSIX:
            try:
                Path(real).relative_to(top)
            except ValueError:
                return False
            return True
        return real == top or real.startswith(top if top.endswith("/") else top + "/")

    def contains(self, root: str | os.PathLike[str], path: str | os.PathLike[str]) -> bool:
        """Like :meth:`inside`, but a path that cannot be resolved is simply not inside."""
        try:
            return self.inside(path, root)
        except (ValueError, OSError, RuntimeError):
            return False
