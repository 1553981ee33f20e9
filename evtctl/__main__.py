"""Entry point for ``evtctl`` and ``python -m evtctl``."""

from __future__ import annotations

import sys


def main() -> None:
    # `evtctl --version` runs on every pre-commit hook and CI step: answer it without
    # importing the CLI framework at all.
    if sys.argv[1:] == ["--version"]:
        from evtctl import __version__

        sys.stdout.write(f"evtctl {__version__}\n")
        return
    from evtctl.cli import run

    run()


if __name__ == "__main__":
    main()
