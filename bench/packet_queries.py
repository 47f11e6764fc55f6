# ruff: noqa: E501  (the Markdown report lines are long on purpose)
"""Benchmark: SQL queries per packet page, 10 vs 1,000 timeline events.

    python3 bench/packet_queries.py                 # prints a report
    python3 bench/packet_queries.py --write-docs    # ... and updates docs/benchmarks.md

Two packets of Maria's (the tests' fake host; SQLite in a temporary folder,
or ``SECONDOP_TEST_DATABASE_URL``), each with 20 stored files, one with 10
timeline events and one with 1,000. Every statement sent to the database
while a page is served is counted with a SQLAlchemy ``before_cursor_execute``
listener. The count must be the same for both packets (no query per event,
item or file: children are eager-loaded with ``load=`` in ``records.list``).
The median page time of 5 requests is shown too, for scale.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _packet_data import machine, make_app, make_packet, write_docs
from sqlalchemy import event

from oncokind_secondop.extension import current_secondop

PAGES = (
    ("Checklist (packet page)", ""),
    ("Timeline", "/timeline"),
    ("Gaps", "/gaps"),
    ("Records requests", "/requests"),
)
SIZES = (10, 1000)


def measure(app, client, packet_id: int, suffix: str, runs: int) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    with app.app_context():
        engine = current_secondop.records.engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    url = f"/second-opinion/packet/{packet_id}{suffix}"
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        times.append(time.perf_counter() - start)
    return len(statements), statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app, client = make_app(Path(tmp))
        packets = {n: make_packet(app, client, events=n, files=20) for n in SIZES}
        client.get(f"/second-opinion/packet/{packets[SIZES[0]]}")  # warm-up
        rows = []
        grew = False
        for title, suffix in PAGES:
            (few, t_few), (many, t_many) = (
                measure(app, client, packets[n], suffix, args.runs) for n in SIZES
            )
            grew |= many != few
            rows.append(
                f"| {title} | {few} | {many} | {'same' if many == few else 'GREW'} "
                f"| {t_few * 1000:.0f} | {t_many * 1000:.0f} |"
            )
    table = "\n".join(rows)
    report = f"""Command: `python3 bench/packet_queries.py --write-docs` ({machine()}).
Two packets with 20 stored files each, one with {SIZES[0]} and one with {SIZES[1]:,} timeline
events. Statements counted with a SQLAlchemy `before_cursor_execute` listener while
the page is served (one request after a warm-up); times are medians of {args.runs} requests.

| page | queries, {SIZES[0]} events | queries, {SIZES[1]:,} events | | ms, {SIZES[0]} events | ms, {SIZES[1]:,} events |
|---|---:|---:|---|---:|---:|
{table}

Target: query counts do not grow with the timeline — {"NOT met" if grew else "met"}. The timeline
page's time grows with the events it shows (it renders every one, twice: the visual
timeline and the table); its query count does not. `tests/packet/test_queries.py`
checks the same property (10 vs 200 events) in the test suite.
"""
    print(report)
    if args.write_docs:
        write_docs("packet_queries", "Queries per page", report)
    if grew:
        raise SystemExit("query count grew with the timeline")


if __name__ == "__main__":
    main()
