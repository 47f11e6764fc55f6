"""The upload and ZIP export benchmark still runs end to end (small size, one
run, docs untouched), so it cannot rot between full runs. Not timed: it checks
that the real portal path works and that the memory target holds."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("zip") is None, reason="the benchmark's baseline needs `zip`")
def test_upload_zip_benchmark_runs_through_the_portal() -> None:
    docs = (ROOT / "docs" / "benchmarks.md").read_bytes()
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "upload_zip.py"), "--size", "8M", "--runs", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "server: gunicorn -k gthread" in out or "server: Werkzeug threaded server" in out
    assert "upload through the packet route" in out
    assert "ZIP export through the packet route" in out
    assert out.count("Target: under 64 MiB RSS growth — met.") == 2
    assert "warning:" not in result.stderr  # the store holds exactly the 16 export files
    assert (ROOT / "docs" / "benchmarks.md").read_bytes() == docs
