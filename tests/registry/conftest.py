"""Fixtures for the registry tests: an organisation on disk, a fake registry for planning
tests, and (for the tests marked ``registry``) one real Apicurio Registry per session."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_registry import FakeRegistry
from local_apicurio import Apicurio, ApicurioUnavailable
from regkit import Org


@pytest.fixture
def org(tmp_path: Path) -> Org:
    return Org(tmp_path / "org")


@pytest.fixture
def fake() -> FakeRegistry:
    return FakeRegistry()


@pytest.fixture(scope="session")
def apicurio() -> Iterator[Apicurio]:
    """One Apicurio Registry (in memory) for the whole session; tests use their own subject
    prefixes. Missing Java or the jars: a failure under CI, a skip elsewhere."""
    try:
        registry = Apicurio()
    except ApicurioUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"registry tests cannot run in CI: {error}", pytrace=False)
        pytest.skip(f"no local Apicurio Registry: {error}")
    registry.start()
    yield registry
    registry.stop()
