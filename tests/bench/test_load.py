"""The load benchmark still runs end to end in a reduced form (10 users for
8 s, docs untouched), so it cannot rot between full runs: every step of the
journey (sign-in with CSRF, pages, checklist, uploads, timeline, worksheet,
PDF and ZIP exports, download, another patient's packet and file answered 404,
sign-out) runs under concurrent users with 0 errors, the server's log has no
traceback and no "database is locked", and the report has its percentiles.
Not timed: no latency is asserted."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from load import KINDS  # noqa: E402


def test_load_benchmark_runs_with_concurrent_users_and_no_errors() -> None:
    docs = (ROOT / "docs" / "benchmarks.md").read_bytes()
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--users", "10", "--seconds", "8",
         "--baseline-seconds", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    out = result.stdout
    assert result.returncode == 0, out[-4000:] + result.stderr[-4000:]
    assert "Errors: 0." in out
    assert 'Server log: no tracebacks, no "database is locked".' in out
    assert "Every step ran at least once: yes." in out
    assert "gunicorn -k gthread (3 workers, 8 threads)" in out or "Werkzeug threaded server" in out
    assert "| step | requests | per s | p50 | p90 | p95 | p99 | max | p50 ratio |" in out
    number = r"[\d,.]+"
    for kind in ("**all journey requests**", "static file (baseline, same users, own phase)"):
        cells = rf"\| {re.escape(kind)} \| {number} \| {number}" + rf" \| {number}" * 5
        assert re.search(cells, out), kind
    for kind in KINDS:
        assert f"| {kind} |" in out
    assert (ROOT / "docs" / "benchmarks.md").read_bytes() == docs
