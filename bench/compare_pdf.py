"""Benchmark: the Compare worksheet's exports and pages, against baselines
measured in the same run.

    python3 bench/compare_pdf.py            # 5 runs each, prints a report
    python3 bench/compare_pdf.py --runs 9

Maria (the tests' fake host, SQLite in a temporary folder) has worksheets
with 2, 3 and 6 opinions, every field typed (a few sentences each). Measured
through the routes, wall-clock medians after one warm-up:

* comparison PDF (``/compare/<id>/comparison.pdf``: reads, templates,
  WeasyPrint, tagged PDF/UA-1) against WeasyPrint rendering a plain HTML
  document of paragraphs with the same page count (tagged too);
* the side-by-side page against the hub page (the package's lightest page);
* saving one opinion (versioned worksheet UPDATE + opinion UPDATE, one
  transaction) against renaming the worksheet (versioned UPDATE only).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oncokind_secondop.compare.fields import OPINION_FIELDS  # noqa: E402
from tests.conftest import _reset_database  # noqa: E402
from tests.fake_host import create_app  # noqa: E402

BASE = "/second-opinion/compare"
SENTENCE = "They explained this part slowly and answered every question we had that day. "


def opinion(n: int) -> dict[str, str]:
    data = {spec.key: f"Opinion {n}: " + SENTENCE * 3 for spec in OPINION_FIELDS}
    data.update(
        doctor=f"Dr Example{n}", center=f"Center {n}", seen_on="2026-03-14", visit_kind="visit"
    )
    return data


def timed(action: Callable[[], Any], runs: int) -> tuple[float, Any]:
    result = action()  # warm-up: fonts, imports, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def plain_html(pages: int) -> str:
    paragraph = "<p>" + SENTENCE * 4 + "</p>"
    sections = [
        f'<section style="break-after: page"><h1>Page {n}</h1>{paragraph * 8}</section>'
        for n in range(1, pages)
    ]
    sections.append(f"<section><h1>Page {pages}</h1>{paragraph * 8}</section>")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Plain</title>'
        f"</head><body>{''.join(sections)}</body></html>"
    )


def version_of(html: str) -> int:
    match = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert match
    return int(match.group(1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.pop("SECONDOP_TEST_DATABASE_URL", None)  # always SQLite in a temp folder
    from weasyprint import HTML

    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp))
        _reset_database(app)
        client = app.test_client()
        client.get("/test-login/p-maria")
        hub, _ = timed(lambda: client.get("/second-opinion/"), args.runs)
        for count in (2, 3, 6):
            response = client.post(f"{BASE}/new", data={"title": f"{count} opinions"})
            worksheet_id = int(response.location.rsplit("/", 1)[-1])
            for n in range(1, count + 1):
                client.post(
                    f"{BASE}/{worksheet_id}/opinions/new", data={**opinion(n), "version": n}
                )

            def pdf(worksheet_id: int = worksheet_id) -> bytes:
                response = client.get(f"{BASE}/{worksheet_id}/comparison.pdf")
                assert response.status_code == 200
                return response.data

            ours, data = timed(pdf, args.runs)
            pages = len(PdfReader(io.BytesIO(data)).pages)
            html = plain_html(pages)
            plain, _ = timed(
                lambda h=html: HTML(string=h).write_pdf(pdf_variant="pdf/ua-1"), args.runs
            )
            page, _ = timed(
                lambda w=worksheet_id: client.get(f"{BASE}/{w}/side-by-side"), args.runs
            )
            lines.append(
                f"| {count} | {pages} | {ours * 1000:.0f} ms | {plain * 1000:.0f} ms "
                f"| {ours / plain:.2f} | {page * 1000:.1f} ms | {page / hub:.1f} |"
            )

        # Saving: one opinion (two UPDATEs, one transaction) vs the worksheet name (one UPDATE).
        first_url = f"{BASE}/{worksheet_id}/opinions"
        opinion_id = int(
            re.search(
                rf"{first_url}/(\d+)/edit",
                client.get(f"{BASE}/{worksheet_id}").get_data(as_text=True),
            )[1]
        )

        def save_opinion() -> None:
            version = version_of(
                client.get(f"{first_url}/{opinion_id}/edit").get_data(as_text=True)
            )
            assert (
                client.post(
                    f"{first_url}/{opinion_id}/edit", data={**opinion(1), "version": version}
                ).status_code
                == 302
            )

        def rename() -> None:
            version = version_of(client.get(f"{BASE}/{worksheet_id}/edit").get_data(as_text=True))
            assert (
                client.post(
                    f"{BASE}/{worksheet_id}/edit", data={"title": "renamed", "version": version}
                ).status_code
                == 302
            )

        save, _ = timed(save_opinion, args.runs)
        rename_time, _ = timed(rename, args.runs)

    print(
        f"Command: python3 bench/compare_pdf.py --runs {args.runs} "
        f"({platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, SQLite)\n"
    )
    print(
        "| opinions | PDF pages | comparison PDF | plain tagged PDF, same pages | ratio "
        "| side-by-side page | ratio to hub page |"
    )
    print("|---|---|---|---|---|---|---|")
    print("\n".join(lines))
    print(f"\nHub page (baseline): {hub * 1000:.1f} ms")
    print(
        f"Save one opinion (GET form + POST): {save * 1000:.1f} ms; rename the worksheet "
        f"(GET form + POST): {rename_time * 1000:.1f} ms; ratio {save / rename_time:.2f}"
    )


if __name__ == "__main__":
    main()
