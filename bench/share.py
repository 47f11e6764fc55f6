# ruff: noqa: E501  (the Markdown report lines are long on purpose)
"""Benchmark: sharing a packet with the receiving team (issue 15, item 7).

    python3 bench/share.py                 # prints a report
    python3 bench/share.py --write-docs    # ... and updates docs/benchmarks.md

Maria (the tests' fake host; SQLite in a temporary folder, or
``SECONDOP_TEST_DATABASE_URL``) has a small packet (10 timeline events,
5 stored files) and a large one (200 events, 400 files). For each, through
the routes: she makes a share of the whole packet (the POST of the form), and
a second client without a portal account opens the link, types the code and
opens the read-only packet view. Every statement sent to the database while
the share is made and while the view is served is counted with a SQLAlchemy
``before_cursor_execute`` listener: the counts must not grow with the packet.

Then the ZIP: a packet of 24 files of 8 MiB (192 MiB), downloaded by the
owner (``/packet/<id>/export/packet.zip``) and by the team through its share
(``/shared/<id>/packet.zip``), alternately, every byte read; wall-clock
medians. Target: the team's ZIP within 1.1x of the owner's.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from _packet_data import machine, make_app, make_packet, write_docs
from sqlalchemy import event

from oncokind_secondop.extension import current_secondop

SIZES = ((10, 5), (200, 400))  # (timeline events, stored files)
ZIP_FILES, ZIP_FILE_MB = 24, 8
PREFIX = "/second-opinion"


class Counter:
    def __init__(self, app: Any) -> None:
        with app.app_context():
            self.engine = current_secondop.records.engine
        self.statements: list[str] = []

    def __enter__(self) -> Counter:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        self.statements.append(statement)


def make_share(client: Any, packet_id: int) -> tuple[str, str]:
    """Maria's share of the whole packet: (link path, code) read off the page shown once."""
    page = client.post(f"{PREFIX}/packet/{packet_id}/shares/new",
                       data={"team_name": "Lakeside Oncology", "days": "14", "scope": "all"})
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    link = re.search(r'id="so-share-link-value">([^<]+)<', html)
    code = re.search(r'id="so-share-code-value">([^<]+)<', html)
    assert link and code, "the share page shows the link and the code"
    return "/" + link.group(1).split("/", 3)[3], code.group(1)


def open_share(team: Any, link: str, code: str) -> str:
    """The team types the code; returns the read-only view's path."""
    answer = team.post(link, data={"code": code})
    assert answer.status_code == 303, answer.status_code
    return str(answer.location)


def queries(app: Any, client: Any, packet_id: int) -> tuple[int, int]:
    counter = Counter(app)
    with counter:
        link, code = make_share(client, packet_id)
    made = len(counter.statements)
    team = app.test_client()
    view = open_share(team, link, code)
    assert team.get(view).status_code == 200  # warm-up
    counter = Counter(app)
    with counter:
        assert team.get(view).status_code == 200
    return made, len(counter.statements)


def download(client: Any, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path, buffered=False)
    assert response.status_code == 200, (path, response.status_code)
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    elapsed = time.perf_counter() - start
    assert size > ZIP_FILES * ZIP_FILE_MB * 1024 * 1024
    return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=8)  # even: each side goes first equally often
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        app, client = make_app(Path(tmp))
        counts = {}
        for events, files in SIZES:
            packet_id = make_packet(app, client, events=events, files=files)
            counts[(events, files)] = queries(app, client, packet_id)
        zip_packet = make_packet(app, client, events=10, files=ZIP_FILES, file_size=ZIP_FILE_MB * 1024 * 1024)
        link, code = make_share(client, zip_packet)
        team = app.test_client()
        view = open_share(team, link, code)
        owner_path = f"{PREFIX}/packet/{zip_packet}/export/packet.zip"
        team_path = view.rsplit("/", 1)[0] + "/packet.zip"
        download(client, owner_path), download(team, team_path)  # warm-up
        owner, shared = [], []
        for run in range(args.runs):
            # Who goes first alternates: the second of a pair finds the files hotter in the page cache.
            if run % 2:
                shared.append(download(team, team_path))
                owner.append(download(client, owner_path))
            else:
                owner.append(download(client, owner_path))
                shared.append(download(team, team_path))
    small, large = (counts[s] for s in SIZES)
    grew = small != large
    ratio = statistics.median(shared) / statistics.median(owner)
    slow = ratio > 1.1
    report = f"""Command: `python3 bench/share.py --write-docs` ({machine()}).
Queries counted with a SQLAlchemy `before_cursor_execute` listener while the route is served.

| | small packet ({SIZES[0][0]} events, {SIZES[0][1]} files) | large packet ({SIZES[1][0]} events, {SIZES[1][1]} files) | |
|---|---:|---:|---|
| make a share (POST of the form) | {small[0]} | {large[0]} | {'same' if small[0] == large[0] else 'GREW'} |
| open the team's packet view | {small[1]} | {large[1]} | {'same' if small[1] == large[1] else 'GREW'} |

The ZIP of a packet of {ZIP_FILES} files of {ZIP_FILE_MB} MiB, every byte read through the WSGI
interface, owner and team alternately (who goes first alternates too); medians of {args.runs} runs after a warm-up.

| | time (s) | ratio |
|---|---:|---:|
| the owner's ZIP (`/packet/<id>/export/packet.zip`, baseline) | {statistics.median(owner):.2f} | 1.00 |
| the team's ZIP through its share (`/shared/<id>/packet.zip`) | {statistics.median(shared):.2f} | {ratio:.2f}× |

Targets: query counts do not grow with the packet — {"NOT met" if grew else "met"}; the team's ZIP
within 1.1× of the owner's — {"NOT met" if slow else "met"}.
"""
    print(report)
    if args.write_docs:
        write_docs("share", "Sharing with the receiving team", report)
    if grew or slow:
        raise SystemExit("a target was not met")


if __name__ == "__main__":
    main()
