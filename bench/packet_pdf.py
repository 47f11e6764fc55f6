# ruff: noqa: E501  (the Markdown report lines are long on purpose)
"""Benchmark: the packet's summary PDF against plain WeasyPrint.

    python3 bench/packet_pdf.py                 # 5 runs, prints a report
    python3 bench/packet_pdf.py --write-docs    # ... and updates docs/benchmarks.md

A packet with 100 timeline events and 50 stored files (Maria, the tests' fake
host, SQLite in a temporary folder) is exported through its route
(``/packet/<id>/export/summary.pdf``: database reads, templates, WeasyPrint,
tagged PDF/UA-1). Baselines measured in the same run: WeasyPrint rendering a
plain HTML document (paragraphs, one forced page break per page) with the
same page count, untagged and tagged (``pdf_variant="pdf/ua-1"``). Times are
wall-clock medians after one warm-up render of each; runs alternate
between the three.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _packet_data import machine, make_app, make_packet, write_docs
from pypdf import PdfReader

EVENTS, FILES = 100, 50


def plain_html(pages: int) -> str:
    paragraph = (
        "<p>A plain paragraph of ordinary text that fills a few lines on the page, so "
        "the layout engine has some real work to do for every page it makes.</p>"
    )
    body = "".join(
        f'<section style="break-after: page"><h1>Page {n + 1}</h1>{paragraph * 6}</section>'
        for n in range(pages - 1)
    )
    body += f"<section><h1>Page {pages}</h1>{paragraph * 6}</section>"
    return f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Plain</title></head><body>{body}</body></html>'


def interleaved(
    actions: dict[str, Callable[[], bytes]], runs: int
) -> dict[str, tuple[float, bytes]]:
    """Median time of each action; runs alternate between the actions so a
    busy machine slows them all alike."""
    results = {name: action() for name, action in actions.items()}  # warm-up: fonts, imports
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            start = time.perf_counter()
            results[name] = action()
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.median(times[name]), results[name]) for name in actions}


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    from weasyprint import HTML

    with tempfile.TemporaryDirectory() as tmp:
        app, client = make_app(Path(tmp))
        packet_id = make_packet(app, client, events=EVENTS, files=FILES)

        def summary() -> bytes:
            response = client.get(f"/second-opinion/packet/{packet_id}/export/summary.pdf")
            assert response.status_code == 200
            return response.data

        pages = page_count(summary())
        html = plain_html(pages)
        measured = interleaved(
            {
                "ours": summary,
                "plain": lambda: HTML(string=html).write_pdf(),
                "tagged": lambda: HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"),
            },
            args.runs,
        )
        (ours, pdf), (plain, plain_pdf), (tagged, _) = (
            measured[k] for k in ("ours", "plain", "tagged")
        )
        assert page_count(plain_pdf) == pages, (page_count(plain_pdf), pages)

    report = f"""Command: `python3 bench/packet_pdf.py --runs {args.runs} --write-docs` ({machine()}).
A packet with {EVENTS} timeline events and {FILES} stored files, exported through its
route (`/packet/<id>/export/summary.pdf`: database reads, Jinja templates, WeasyPrint,
tagged PDF/UA-1): {pages} A4 pages, {len(pdf) / 1024:.0f} KiB. Baselines in the same run: WeasyPrint
rendering a plain HTML document (paragraphs, one forced break per page) with the
same {pages} pages. Median of {args.runs} runs after one warm-up each; the runs of the
three rows alternate, so a busy machine slows them alike.

| | time (s) | ratio | per page (s) |
|---|---:|---:|---:|
| packet summary PDF (route, tagged) | {ours:.2f} | {ours / plain:.2f}× plain | {ours / pages:.3f} |
| plain HTML, same pages (baseline) | {plain:.2f} | 1.00 | {plain / pages:.3f} |
| plain HTML, same pages, tagged PDF/UA-1 | {tagged:.2f} | {tagged / plain:.2f}× plain | {tagged / pages:.3f} |

The summary's tables (timeline, file index with SHA-256) cost more layout work per
page than plain paragraphs; the ratio shows that cost, not a fixed overhead.
"""
    print(report)
    if args.write_docs:
        write_docs("packet_pdf", "PDF summary", report)


if __name__ == "__main__":
    main()
