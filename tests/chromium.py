"""Debian's Chromium through Playwright, shared by every browser test.

One Playwright instance and one browser per test run: Playwright's sync API
cannot be started twice in one process while another instance is alive, and a
single browser keeps the suite fast. Tests take the ``browser`` fixture from
``tests/conftest.py`` and open their own context.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

CHROMIUM = Path(os.environ.get("SECONDOP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return (f"browser tests skipped: {CHROMIUM} not found; "
                "install with apt-get install chromium, see README")
    if importlib.util.find_spec("playwright") is None:
        return ("browser tests skipped: the playwright package is not installed; "
                "pip install -e '.[test]', see README")
    return None


def browser_required() -> bool:
    return os.environ.get("SECONDOP_REQUIRE_BROWSER") == "1"
