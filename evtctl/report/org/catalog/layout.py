"""Graphviz, the layout engine of the catalogue's event flow: the only module that runs it.

evtctl runs the ``dot`` program of a Graphviz installation (Debian's ``graphviz``
package, Homebrew's, or any other: ``EVTCTL_DOT`` names the program when it is not on
``PATH``). ``dot`` draws layered graphs, which is what a flow of events from publishers to
consumers is; the Python bindings on PyPI wrap the same program (or need a C build against
it), so calling it directly adds no dependency. Layouts of several namespaces run side by
side, each bounded in time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

TIMEOUT_S = 300
HOW_TO_GET = ("install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; macOS: "
              "`brew install graphviz`), or set EVTCTL_DOT to its `dot` program, then "
              "build the catalogue again")


class LayoutError(Exception):
    pass


def find_dot() -> tuple[str | None, str]:
    """The ``dot`` program, or None and why not."""
    named = os.environ.get("EVTCTL_DOT")
    if named is not None:
        found = shutil.which(named) if named else None
        if found is None:
            return None, f"EVTCTL_DOT={named!r} is not a program that can be run"
        return found, ""
    found = shutil.which("dot")
    return (found, "") if found else (None, "Graphviz's `dot` program is not on PATH")


def version(dot: str) -> str:
    """What ``dot -V`` says (cache keys: another Graphviz may lay out differently)."""
    try:
        proc = subprocess.run([dot, "-V"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return dot
    return (proc.stderr or proc.stdout).decode(errors="replace").strip() or dot


def svg(dot: str, source: str) -> str:
    """The SVG of one DOT source. Raises LayoutError."""
    try:
        proc = subprocess.run([dot, "-Tsvg"], input=source.encode(), capture_output=True,
                              timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise LayoutError(f"Graphviz took longer than {TIMEOUT_S} s") from None
    except OSError as exc:
        raise LayoutError(f"cannot run {dot}: {exc}") from None
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines()
        raise LayoutError(f"Graphviz failed: {message[-1] if message else proc.returncode}")
    text = proc.stdout.decode()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def svgs(dot: str, sources: Sequence[str], jobs: int | None = None) -> list[str | LayoutError]:
    """Each source laid out (in parallel); a failure is returned in its place."""
    def one(source: str) -> str | LayoutError:
        try:
            return svg(dot, source)
        except LayoutError as exc:
            return exc

    workers = jobs or max(1, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, sources))
