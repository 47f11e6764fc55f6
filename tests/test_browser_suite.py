"""The browser suite's switch: skipped with one clear reason where Chromium is
missing, and an error instead when SECONDOP_REQUIRE_BROWSER=1 (as in CI)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "SECONDOP_REQUIRE_BROWSER"}
    environ.update(SECONDOP_CHROMIUM=str(tmp_path / "no-chromium"), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/browser/test_checks.py"],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)


def test_missing_browser_skips_with_one_clear_reason(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    reason = (f"browser tests skipped: {tmp_path / 'no-chromium'} not found; "
              "install with apt-get install chromium, see README")
    assert reason in result.stdout
    assert " passed" not in result.stdout and " skipped" in result.stdout


def test_missing_browser_fails_when_required(tmp_path: Path) -> None:
    result = _run(tmp_path, SECONDOP_REQUIRE_BROWSER="1")
    assert result.returncode != 0
    assert "SECONDOP_REQUIRE_BROWSER=1 but" in result.stdout + result.stderr
