"""Shared test set-up: a per-session compatibility cache, so tests never touch the
user's cache directory and never depend on what an earlier run left there."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    old = os.environ.get("EVTCTL_CACHE_DIR")
    os.environ["EVTCTL_CACHE_DIR"] = str(tmp_path_factory.mktemp("evtctl-cache"))
    yield
    if old is None:
        os.environ.pop("EVTCTL_CACHE_DIR", None)
    else:
        os.environ["EVTCTL_CACHE_DIR"] = old
