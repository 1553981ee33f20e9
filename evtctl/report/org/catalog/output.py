"""The catalogue's folder: what a build writes there, and only that.

The folder must be new, empty, or an earlier catalogue (it holds :data:`MARKER`), so
``--out .`` cannot wipe a project. An earlier catalogue is brought up to date in place: a
page whose bytes are unchanged is left alone, a changed one is rewritten, and whatever the
build did not write is removed at the end. On a busy disk, deleting and creating thousands
of files costs many times more than reading them, so an unchanged site is a read per page.

Nothing is followed out of the folder: a symbolic link, or a folder, where a page goes is
removed first, and pages are opened with ``O_NOFOLLOW``.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

MARKER = ".evtctl-catalog"
_MARKER_TEXT = b"built by evtctl catalog; the next build replaces this folder\n"
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)


class OutputError(Exception):
    """The folder cannot take a catalogue (one line for the user)."""


class SiteOutput:
    """Writes the pages of one build into ``out`` (see the module docstring)."""

    def __init__(self, out: Path, earlier: dict[str, os.stat_result]) -> None:
        self.out = out
        self._root = str(out)
        self._earlier = earlier  # relative path -> lstat, of what was there before the build
        self._kept: set[str] = {MARKER}  # relative paths this build wrote or kept
        self.rewritten = 0  # files created or changed (the rest were already right)

    @classmethod
    def open(cls, out: Path) -> SiteOutput:
        """Check ``out`` and note what an earlier catalogue left there. Raises OutputError."""
        if out.exists() and not out.is_dir():
            raise OutputError(f"--out {out}: is a file, not a folder")
        earlier: dict[str, os.stat_result] = {}
        if out.is_dir():
            earlier = _tree(out)
            if earlier and MARKER not in earlier:
                raise OutputError(f"--out {out}: the folder is not empty and holds no earlier "
                                  "catalogue; give a new or empty folder")
        out.mkdir(parents=True, exist_ok=True)
        site = cls(out, earlier)
        site.write_bytes(MARKER, _MARKER_TEXT)
        return site

    def folder(self, rel: str) -> None:
        """Make sure ``rel`` is a real folder of the site."""
        if rel in self._kept:
            return
        old = self._earlier.get(rel)
        if old is not None and not stat.S_ISDIR(old.st_mode):
            os.unlink(os.path.join(self._root, rel))
        if old is None or not stat.S_ISDIR(old.st_mode):
            os.mkdir(os.path.join(self._root, rel))
        self._kept.add(rel)

    def expect(self, rel: str) -> None:
        """``rel`` is written by another process of this build: keep it at the end."""
        self._kept.add(rel)

    def write(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def write_bytes(self, rel: str, data: bytes) -> None:
        path = os.path.join(self._root, rel)
        self._kept.add(rel)
        old = self._earlier.get(rel)
        if old is not None:
            if stat.S_ISREG(old.st_mode):
                if old.st_size == len(data) and _same(path, data):
                    return
            elif stat.S_ISDIR(old.st_mode):
                shutil.rmtree(path)
            else:  # a symbolic link or anything else: never written through
                os.unlink(path)
        try:
            fd = os.open(path, _FLAGS, 0o666)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            os.unlink(path)  # became a link since the folder was read
            fd = os.open(path, _FLAGS, 0o666)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        self.rewritten += 1

    def finish(self) -> None:
        """Remove what an earlier build left and this one did not write."""
        keep = set(self._kept)
        for rel in self._kept:  # the folders every kept file is in
            while "/" in rel:
                rel = rel.rsplit("/", 1)[0]
                keep.add(rel)
        stale = [rel for rel in self._earlier if rel not in keep]
        for rel in sorted(stale, key=lambda r: r.count("/"), reverse=True):
            path = os.path.join(self._root, rel)
            try:
                if stat.S_ISDIR(self._earlier[rel].st_mode):
                    shutil.rmtree(path)
                else:
                    os.unlink(path)
            except (FileNotFoundError, NotADirectoryError):
                pass  # in a folder removed already, or replaced by a page


def _same(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(data) + 1) == data
    except OSError:
        return False


def _tree(out: Path) -> dict[str, os.stat_result]:
    """Every entry below ``out`` (relative path -> lstat), links not followed."""
    found: dict[str, os.stat_result] = {}
    pending = [""]
    while pending:
        rel = pending.pop()
        with os.scandir(os.path.join(out, rel) if rel else out) as entries:
            for entry in entries:
                name = f"{rel}/{entry.name}" if rel else entry.name
                info = entry.stat(follow_symlinks=False)
                found[name] = info
                if stat.S_ISDIR(info.st_mode):
                    pending.append(name)
    return found
