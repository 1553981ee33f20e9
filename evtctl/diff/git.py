"""Reading a git ref's tree without touching the checkout.

``git ls-tree`` lists the ref's files and ``git cat-file --batch`` streams their contents
into a temporary folder, which is then read like any other tree. Nothing here writes to the
repository, its index or its work tree; ``git archive`` is not used because
``export-ignore`` attributes would silently drop files.

Only regular files and symbolic links that stay inside the tree are written; submodules,
links that point outside the tree and files larger than the schema loader accepts are
skipped, so a hostile ref cannot make evtctl read or write outside the folder.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_FILE_BYTES = 16 * 1024 * 1024
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
_SHA = re.compile(r"[0-9a-fA-F]{7,64}")


class GitError(Exception):
    """A git problem, worded for the user (one line; exit status 2)."""


@dataclass(frozen=True)
class Commit:
    ref: str
    sha: str

    @property
    def label(self) -> str:
        return f"{self.ref} ({self.sha[:7]})" if self.ref != self.sha else self.sha[:12]


def _git(args: Sequence[str], cwd: Path, input: bytes | None = None,
         check: bool = True) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0",
           "GIT_OPTIONAL_LOCKS": "0"}  # read-only: never refresh the index as a side effect
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=input, capture_output=True,
                              env=env, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH); --against and --head need "
                       "it") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc}") from None
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done


def repo_root(cwd: Path) -> Path:
    """The top folder of the work tree that holds ``cwd``."""
    if not cwd.is_dir():
        raise GitError(f"{cwd} is not a folder")
    done = _git(["rev-parse", "--show-toplevel"], cwd, check=False)
    if done.returncode != 0:
        raise GitError(f"--against and --head need a git repository, and {cwd} is not "
                       "inside one (compare two folders with `evtctl diff OLD_DIR NEW_DIR`)")
    return Path(done.stdout.decode("utf-8", "surrogateescape").strip())


def resolve(root: Path, ref: str) -> Commit:
    """The commit ``ref`` names, or a GitError saying which fetch makes it available."""
    if not ref or ref.startswith("-") or any(c in ref for c in "\0\n\r"):
        raise GitError(f"{ref!r} is not a git ref")
    done = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root, check=False)
    if done.returncode != 0:
        raise GitError(missing_ref_message(root, ref))
    return Commit(ref, done.stdout.decode().strip())


def is_shallow(root: Path) -> bool:
    done = _git(["rev-parse", "--is-shallow-repository"], root, check=False)
    return done.stdout.decode().strip() == "true"


def remotes(root: Path) -> list[str]:
    done = _git(["remote"], root, check=False)
    return [r for r in done.stdout.decode("utf-8", "replace").split() if r]


def missing_ref_message(root: Path, ref: str) -> str:
    """Why ``ref`` is not here, and the ``git fetch`` that fixes it."""
    shallow = is_shallow(root)
    names = remotes(root)
    where = ("this shallow clone (CI checkouts usually fetch one commit)" if shallow
             else "this repository")
    head = f"git ref {ref!r} is not in {where}"
    if not names:
        return f"{head}; check the name (this repository has no remote to fetch it from)"
    remote = "origin" if "origin" in names else names[0]
    first, _, rest = ref.partition("/")
    fetch: str
    if first in names and rest:
        fetch = (f"git fetch --no-tags --depth=1 {first} "
                 f"{rest}:refs/remotes/{first}/{rest}")
    elif ref.startswith("refs/heads/"):
        branch = ref.removeprefix("refs/heads/")
        fetch = f"git fetch --no-tags --depth=1 {remote} {branch}:{ref}"
    elif ref.startswith("refs/"):
        fetch = f"git fetch --no-tags --depth=1 {remote} {ref}:{ref}"
    elif _SHA.fullmatch(ref):
        fetch = (f"git fetch --no-tags --depth=1 {remote} <full 40-character sha>"
                 if len(ref) < 40 else f"git fetch --no-tags --depth=1 {remote} {ref}")
    elif re.search(r"[~^@{}:]", ref):
        # HEAD~1, main^, @{upstream}: history the clone does not have.
        fetch = "git fetch --deepen=50" if shallow else f"git fetch {remote}"
    else:
        fetch = (f"git fetch --no-tags --depth=1 {remote} {ref}:refs/remotes/{remote}/{ref}"
                 f"` and use `--against {remote}/{ref}")
    fix = f"; fetch it with `{fetch}`"
    if shallow:
        fix += " (or fetch the whole history with `git fetch --unshallow`)"
    return head + fix


def materialize(root: Path, commit: Commit, dest: Path) -> int:
    """Write the files of ``commit`` into ``dest``; returns how many were written."""
    listing = _git(["-c", "core.quotePath=off", "ls-tree", "-r", "-z", "--long",
                    "--full-tree", commit.sha], root).stdout
    files: list[tuple[str, str, str]] = []  # (mode, blob sha, path)
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        fields = meta.split()
        if len(fields) != 4:
            continue
        mode, kind, sha, size = (f.decode() for f in fields)
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind != "blob" or not _safe(path):
            continue  # submodules, and paths that could escape the folder
        if mode != "120000" and size.isdigit() and int(size) > MAX_FILE_BYTES:
            continue
        files.append((mode, sha, path))
    contents = _blobs(root, sorted({sha for _m, sha, _p in files}))
    written = 0
    dest_root = dest.resolve()
    for mode, sha, path in files:
        target = dest_root / path
        data = contents.get(sha)
        if data is None:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            link = data.decode("utf-8", "surrogateescape")
            if _link_inside(path, link):
                target.symlink_to(link)
                written += 1
            continue
        target.write_bytes(data)
        written += 1
    return written


def _safe(path: str) -> bool:
    parts = PurePosixPath(path).parts
    if not parts or path.startswith("/") or "\\" in path:
        return False
    if any(p in ("", ".", "..", ".git") for p in parts):
        return False
    return not any(p in _SKIPPED_DIRS for p in parts[:-1])


def _link_inside(path: str, link: str) -> bool:
    """A symbolic link whose target stays inside the tree (lexically)."""
    if not link or link.startswith("/") or "\\" in link or "\0" in link:
        return False
    depth = len(PurePosixPath(path).parts) - 1
    for part in PurePosixPath(link).parts:
        depth += -1 if part == ".." else 0 if part == "." else 1
        if depth < 0:
            return False
    return True


def _blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    if not shas:
        return {}
    out = _git(["cat-file", "--batch"], root, input="\n".join(shas).encode() + b"\n").stdout
    blobs: dict[str, bytes] = {}
    pos = 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if len(header) == 2 and header[1] == b"missing":
            continue
        sha, _kind, size = header[0].decode(), header[1], int(header[2])
        blobs[sha] = out[pos:pos + size]
        pos += size + 1  # the content is followed by a newline
    return blobs
