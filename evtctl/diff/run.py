"""``evtctl diff`` end to end: read both sides, compare, render, choose the exit status."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from evtctl.diff.result import FAIL_ON, DiffResult, diff_sides
from evtctl.diff.sides import DiffInputError, Side, load_side, read_config

FORMATS = ("text", "json", "markdown")


@dataclass(frozen=True)
class DiffOptions:
    old_dir: Path | None = None
    new_dir: Path | None = None
    against: str | None = None
    head: str | None = None
    format: str = "text"
    fail_on: str = "breaking"
    config: Path | None = None
    paths: tuple[Path, ...] = ()
    cwd: Path = field(default_factory=Path.cwd)
    graph: bool = False  # markdown: add the flow of the affected part


def run(options: DiffOptions, stream: TextIO | None = None) -> int:
    """Do the work of the command; returns the exit status (errors: one line on stderr)."""
    from evtctl.cli_errors import fail
    from evtctl.diff.git import GitError

    problem = _usage_problem(options)
    if problem:
        return fail(problem, where="diff")
    try:
        result = compute(options)
    except (DiffInputError, GitError) as exc:
        return fail(str(exc), where="diff")
    if options.graph:
        from evtctl.diff.report_markdown import render as markdown

        markdown(result, stream or sys.stdout, graph=True)
        return result.exit_code
    from evtctl.diff.report import render

    render(result, options.format, stream or sys.stdout)
    return result.exit_code


def _usage_problem(o: DiffOptions) -> str | None:
    if o.format not in FORMATS:
        return f"unknown --format {o.format!r}; choose one of {', '.join(FORMATS)}"
    if o.graph and o.format != "markdown":
        return "--graph draws the flow in a pull-request comment: use it with --format markdown"
    if o.fail_on not in FAIL_ON:
        return f"unknown --fail-on {o.fail_on!r}; choose one of {', '.join(FAIL_ON)}"
    dirs = (o.old_dir, o.new_dir)
    if o.head is not None and o.against is None:
        return "--head needs --against (the ref to compare it with)"
    if o.against is not None and any(d is not None for d in dirs):
        return "give either OLD_DIR NEW_DIR or --against REF, not both"
    if o.against is None and (o.old_dir is None or o.new_dir is None):
        return ("give two folders (evtctl diff OLD_DIR NEW_DIR) or a git ref "
                "(evtctl diff --against origin/main)")
    for p in o.paths:
        if p.is_absolute() or ".." in p.parts:
            return f"--path {p}: give a folder inside the tree, relative to it"
    return None


def compute(options: DiffOptions) -> DiffResult:
    """The comparison the options ask for. Raises DiffInputError or GitError."""
    if options.against is None:
        assert options.old_dir is not None and options.new_dir is not None
        return _folders(options, options.old_dir, options.new_dir)
    return _git(options, options.against)


def _subpaths(root: Path, paths: Sequence[Path]) -> list[Path]:
    return [root / p for p in paths] if paths else [root]


def _folders(o: DiffOptions, old_dir: Path, new_dir: Path) -> DiffResult:
    for d in (old_dir, new_dir):
        if not d.is_dir():
            raise DiffInputError(f"{d}: not a folder (evtctl diff compares two folders)")
    new_paths = _subpaths(new_dir, o.paths)
    for p in new_paths:
        if not p.exists():
            raise DiffInputError(f"{p}: no such file or folder in {new_dir}")
    old_paths = _subpaths(old_dir, o.paths)
    old = load_side("old", old_dir.as_posix(), old_dir, old_paths,
                    read_config(o.config, old_paths, old_dir.as_posix(), None))
    new = load_side("new", new_dir.as_posix(), new_dir, new_paths,
                    read_config(o.config, new_paths, new_dir.as_posix(), None))
    return diff_sides(old, new, o.fail_on)


def _git(o: DiffOptions, against: str) -> DiffResult:
    from evtctl.diff import git

    root = git.repo_root(o.cwd)
    base = git.resolve(root, against)
    head = git.resolve(root, o.head) if o.head is not None else None
    try:
        cwd_in_repo = o.cwd.resolve().relative_to(root.resolve())
    except ValueError:
        cwd_in_repo = Path()
    rel_paths = [cwd_in_repo / p for p in o.paths] if o.paths else [cwd_in_repo]
    config_rel = _config_in_repo(o.config, root)
    with tempfile.TemporaryDirectory(prefix="evtctl-diff-") as tmp:
        old_root = Path(tmp) / "old"
        old_root.mkdir()
        git.materialize(root, base, old_root)
        old = _git_side("old", base.label, old_root, rel_paths, o.config, config_rel)
        if head is None:
            new_paths = [root / p for p in rel_paths]
            for p in new_paths:
                if not p.exists():
                    raise DiffInputError(f"{p}: no such file or folder")
            new = _git_side("new", "working tree", root, rel_paths, o.config, config_rel)
        else:
            new_root = Path(tmp) / "new"
            new_root.mkdir()
            git.materialize(root, head, new_root)
            new = _git_side("new", head.label, new_root, rel_paths, o.config, config_rel)
        return diff_sides(old, new, o.fail_on,
                          (base.sha, head.sha if head is not None else None))


def _config_in_repo(config: Path | None, root: Path) -> Path | None:
    """The explicit config's path inside the repository, if it is inside it."""
    if config is None:
        return None
    try:
        return config.resolve().relative_to(root.resolve())
    except ValueError:
        return None


def _git_side(name: str, label: str, tree: Path, rel_paths: Sequence[Path],
              explicit: Path | None, config_rel: Path | None) -> Side:
    paths = [tree / p for p in rel_paths]
    if explicit is not None and config_rel is not None:
        # A config inside the repository is read from the same tree as the manifests.
        in_tree = tree / config_rel
        explicit = in_tree if in_tree.is_file() else explicit
    config = read_config(explicit, paths, label, tree)
    return load_side(name, label, tree, paths, config)
