"""Benchmark: every export at every limit at once, against the same exports
of a typical small packet measured in the same run.

    python3 bench/worst_case.py                 # 3 runs each, prints a report
    python3 bench/worst_case.py --runs 5 --write-docs

Maria (the tests' fake host, SQLite in a temporary folder) gets the largest
packet and worksheet the limits allow (read from
``oncokind_secondop.config.SETTINGS``): 200 timeline events, 40 slide
records, 40 records requests, 50 files under each of the 11 checklist items,
6 opinions, every multi-line field at the text limit and every one-line field
at its column width, all of it long unbroken words in nine scripts (Arabic
and Hebrew right to left, Thai, Chinese, Korean...). That is the text that
cost WeasyPrint 196 s before issue 13.

Measured through the routes with the WSGI interface (so the time to the
first byte is when the response starts, before the body is read), wall-clock
medians after one warm-up: time to first byte and total, for the summary
PDF, the comparison PDF (without and with private notes) and the packet ZIP.
Baseline: the same exports of a typical packet (10 events, 5 files, a few
sentences each) and worksheet (3 opinions). The target: every export starts
answering within 10 s. The uploads rows come from ``bench/worst_case_uploads.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _packet_data import machine, make_packet, write_docs  # noqa: E402

from tests.conftest import _reset_database  # noqa: E402
from tests.fake_host import create_app  # noqa: E402
from tests.worst_case_data import fill_packet, fill_worksheet, limits  # noqa: E402

TARGET_SECONDS = 10.0
SENTENCE = "They explained this part slowly and answered every question we had that day. "


def first_byte_and_total(app: Any, path: str, cookie: str) -> tuple[float, float, int]:
    """Seconds to the start of the response and to its last byte, and its size."""
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path.split("?")[0],
        "QUERY_STRING": path.partition("?")[2], "SERVER_NAME": "localhost",
        "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": None,
        "wsgi.errors": sys.stderr, "HTTP_COOKIE": cookie, "SERVER_PROTOCOL": "HTTP/1.1",
    }
    import io

    environ["wsgi.input"] = io.BytesIO()
    status: list[str] = []
    start = time.perf_counter()
    body = app.wsgi_app(environ, lambda s, h, exc_info=None: status.append(s))
    size = 0
    first = None
    for chunk in body:
        if first is None:
            first = time.perf_counter() - start
        size += len(chunk)
    if hasattr(body, "close"):
        body.close()
    total = time.perf_counter() - start
    assert status and status[0].startswith("200"), (path, status)
    return (first if first is not None else total), total, size


def timed(action: Callable[[], tuple[float, float, int]], runs: int) -> tuple[float, float, int]:
    action()  # warm-up: fonts, imports, caches
    results = [action() for _ in range(runs)]
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results),
            results[-1][2])


def _session_cookie(client: Any) -> str:
    cookies = [f"{c.key}={c.value}" for c in client._cookies.values()]
    return "; ".join(cookies)


def typical_worksheet(client: Any) -> int:
    from oncokind_secondop.compare.fields import OPINION_FIELDS

    response = client.post("/second-opinion/compare/new", data={"title": "Typical"})
    worksheet_id = int(response.location.rsplit("/", 1)[-1])
    for n in range(1, 4):
        data = {spec.key: f"Opinion {n}: " + SENTENCE * 2 for spec in OPINION_FIELDS}
        data.update(doctor=f"Dr Example{n}", center=f"Center {n}", seen_on="2026-03-14",
                    visit_kind="visit", version=n)
        client.post(f"/second-opinion/compare/{worksheet_id}/opinions/new", data=data)
    return worksheet_id


def upload_rows(runs: int) -> list[dict[str, Any]]:
    """The uploads' rows from bench/worst_case_uploads.py (another branch writes
    it); an empty list until it is there."""
    try:
        from worst_case_uploads import measure  # type: ignore[import-not-found]
    except ImportError:
        return []
    rows: list[dict[str, Any]] = measure(runs=runs)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    os.environ.pop("SECONDOP_TEST_DATABASE_URL", None)  # always SQLite in a temp folder

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp))
        _reset_database(app)
        client = app.test_client()
        client.get("/test-login/p-maria")
        cookie = _session_cookie(client)
        typical_packet = make_packet(app, client, events=10, files=5)
        typical_sheet = typical_worksheet(client)
        with app.app_context():
            big_packet = fill_packet("p-maria")
            big_sheet = fill_worksheet("p-maria")
        exports = [
            ("summary PDF", "/second-opinion/packet/{}/export/summary.pdf", typical_packet,
             big_packet),
            ("comparison PDF", "/second-opinion/compare/{}/comparison.pdf", typical_sheet,
             big_sheet),
            ("comparison PDF with private notes",
             "/second-opinion/compare/{}/comparison.pdf?private_notes=yes", typical_sheet,
             big_sheet),
            ("packet ZIP", "/second-opinion/packet/{}/export/packet.zip", typical_packet,
             big_packet),
        ]
        for name, pattern, small_id, big_id in exports:
            small_path, big_path = pattern.format(small_id), pattern.format(big_id)
            base_first, _, _ = timed(
                lambda p=small_path: first_byte_and_total(app, p, cookie), args.runs)
            first, total, size = timed(
                lambda p=big_path: first_byte_and_total(app, p, cookie), args.runs)
            verdict = "yes" if first < TARGET_SECONDS else "**NO**"
            rows.append(
                f"| {name} | {base_first:.2f} s | {first:.2f} s | {first / base_first:.1f} "
                f"| {total:.2f} s | {size / 1e6:.1f} MB | {verdict} |"
            )
    lim = limits()
    body = [
        f"Command: `python3 bench/worst_case.py --runs {args.runs}` ({machine()})\n",
        "Largest packet and worksheet the limits allow: "
        f"{lim['max_timeline_events']} events, {lim['max_slide_records']} slide records, "
        f"{lim['max_records_requests']} records requests, {lim['max_documents_per_item']} files "
        f"under each of 11 items, {lim['max_opinions_per_worksheet']} opinions, "
        f"{lim['max_text_chars']} characters in every multi-line field and every one-line "
        "field at its column width, all long unbroken words in nine scripts (two right to "
        "left). Baseline: the same export of a typical packet (10 events, 5 files) or "
        "worksheet (3 opinions, a few sentences each). Medians; first byte = the response "
        f"starts. Target: first byte under {TARGET_SECONDS:.0f} s.\n",
        "| export | typical, first byte | worst case, first byte | ratio | worst case, total "
        "| size | under 10 s |",
        "|---|---|---|---|---|---|---|",
        *rows,
    ]
    uploads = upload_rows(args.runs)
    if uploads:
        body += [
            "\nMost expensive accepted upload of each type: content check vs SHA-256 of the "
            "same bytes (target ≤ 3×).\n",
            "| type | what | bytes | check | SHA-256 | ratio |",
            "|---|---|---|---|---|---|",
            *(f"| {u['type']} | {u['what']} | {u['bytes']:,} | {u['check_seconds']:.3f} s "
              f"| {u['sha256_seconds']:.3f} s | {u['ratio']:.2f} |" for u in uploads),
        ]
    else:
        body.append("\n(Uploads rows: `bench/worst_case_uploads.py` is not on this branch yet.)")
    text = "\n".join(body) + "\n"
    print(text)
    if args.write_docs:
        write_docs("worst_case", "Every export at every limit (issue 13)", text)


if __name__ == "__main__":
    main()
