"""Finding manifest files below the paths a user names."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")
# Folders that never hold a team's manifests and can be huge.
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})


class PathNotFound(Exception):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: no such file or directory")
        self.path = path


def yaml_files(paths: Sequence[Path]) -> Iterator[Path]:
    """Every YAML file below ``paths`` once, in a stable order.

    Hidden folders (``.git``, ``.venv``...) are skipped. Symbolic links to folders are
    followed once; a link back into a folder already walked (a loop) is not.
    """
    seen_files: set[Path] = set()
    seen_dirs: set[tuple[int, int]] = set()
    for path in paths:
        if not path.exists():
            raise PathNotFound(path)
        if path.is_file():
            key = path.resolve()
            if key not in seen_files:
                seen_files.add(key)
                yield path
            continue
        for file in _walk(path, seen_dirs):
            key = file.resolve()
            if key not in seen_files:
                seen_files.add(key)
                yield file


def _walk(top: Path, seen_dirs: set[tuple[int, int]]) -> Iterator[Path]:
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
        except OSError:
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in seen_dirs:
            continue
        seen_dirs.add(ident)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs: list[Path] = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()  # follows links; loops are stopped by seen_dirs
            except OSError:
                continue
            if is_dir:
                if not name.startswith(".") and name not in SKIPPED_DIRS:
                    subdirs.append(Path(entry.path))
            elif name.endswith(YAML_SUFFIXES):
                try:
                    if entry.is_file():
                        yield Path(entry.path)
                except OSError:
                    continue
        stack.extend(reversed(subdirs))
