"""A real headless Chromium (Debian's), driven by Playwright for Python: never a browser
that Playwright downloads. Each test gets a fresh profile, no network services, and its
console errors and page errors collected."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgkit import CHROMIUM, REPO, need

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(os.environ.get("EVTCTL_ARTIFACTS", REPO / "test-artifacts")) / "org"


@dataclass
class Browser:
    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=False)
        return path


@contextmanager
def chromium() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "Playwright for Python (pip install -e '.[test]')")
        raise
    need(Path(CHROMIUM).is_file(), f"Chromium at {CHROMIUM} (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="evtctl-chromium-") as profile, \
            sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=ARGS, headless=True,
            viewport={"width": 1400, "height": 900}, timeout=120_000)
        try:
            page = context.new_page()
            page.set_default_timeout(60_000)
            b = Browser(page)
            page.on("console", lambda m: b.errors.append(f"console: {m.text}")
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: b.errors.append(f"page error: {e}"))
            page.on("request", lambda r: b.requests.append(r.url))
            page.on("requestfailed", lambda r: b.errors.append(f"failed: {r.url}"))
            yield b
        finally:
            context.close()
