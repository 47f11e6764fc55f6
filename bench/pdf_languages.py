# ruff: noqa: E501  (the Markdown report lines are long on purpose)
"""Benchmark: the packet summary PDF in Chinese and Arabic against English.

    python3 bench/pdf_languages.py                 # 5 runs, prints a report
    python3 bench/pdf_languages.py --write-docs    # ... and updates docs/benchmarks.md

One packet per language (Maria, the tests' fake host, SQLite in a temporary
folder) with 20 timeline events whose titles and details are typed in that
language's script, exported through its route with ``?lang=en|zh_Hans|ar``
(so the interface text is whatever the compiled catalogs hold, and the
patient's own text is always in the script). The English PDF is the
baseline, measured in the same run; runs alternate between the languages and
each time is a wall-clock median after one warm-up render. Target: Chinese
not several times slower than English (the shared font stack in
``static/secondop/pdf-fonts.css`` uses WenQuanYi Micro Hei, not Noto CJK).
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

from _packet_data import machine, make_app, make_packet, write_docs
from packet_pdf import interleaved, page_count

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import TimelineEvent

EVENTS = 20
TEXT = {
    "en": ("Clinic visit and blood test",
           "Blood counts were low, so the next cycle was delayed by a week. Nausea on days 2 to 4."),
    "zh_Hans": ("门诊就诊和验血",
                "血细胞计数偏低，所以下一个疗程推迟了一周。第二到第四天有恶心，诊所开的药有帮助。"),
    "ar": ("زيارة العيادة وفحص الدم",
           "كانت تعداد الدم منخفضة، لذلك تأجلت الدورة التالية أسبوعا. غثيان في الأيام من الثاني إلى الرابع."),
}


def language_packet(app, client, lang: str) -> int:  # type: ignore[no-untyped-def]
    packet_id = make_packet(app, client, events=0, files=0)
    title, details = TEXT[lang]
    with app.app_context():
        records = current_secondop.records
        for n in range(EVENTS):
            records.add("p-maria", TimelineEvent(
                packet_id=packet_id, event_date=date(2025, 1 + n % 12, 1 + n % 28), precision="day",
                kind="test", title=f"{title} {n + 1}", details=details))
        records.commit()
    return packet_id


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        app, client = make_app(Path(tmp))
        packets = {lang: language_packet(app, client, lang) for lang in TEXT}

        def export(lang: str):  # type: ignore[no-untyped-def]
            def run() -> bytes:
                response = client.get(f"/second-opinion/packet/{packets[lang]}/export/summary.pdf?lang={lang}")
                assert response.status_code == 200
                return response.data
            return run

        results = interleaved({lang: export(lang) for lang in TEXT}, args.runs)

    base = results["en"][0]
    names = {"en": "English", "zh_Hans": "Simplified Chinese", "ar": "Arabic"}
    rows = "\n".join(
        f"| {names[lang]} (`{lang}`) | {page_count(pdf)} | {seconds:.2f} s | {seconds / base:.2f}× |"
        for lang, (seconds, pdf) in results.items()
    )
    body = (
        f"Measured {machine()}; {args.runs} runs, medians.\n"
        f"Command: `python3 bench/pdf_languages.py --write-docs`.\n\n"
        "| Packet summary PDF | Pages | Median | vs English |\n|---|---|---|---|\n"
        f"{rows}\n\n"
        f"Each packet holds {EVENTS} timeline events typed in its own script; the interface "
        "text is whatever compiled catalogs exist at run time (English where none). Target: Chinese "
        "not several times slower than English; the shared PDF font stack uses WenQuanYi Micro "
        "Hei for Chinese and Korean because subsetting Noto CJK adds seconds to every PDF.\n"
    )
    print(body)
    if args.write_docs:
        write_docs("pdf_languages", "PDFs in every language", body)


if __name__ == "__main__":
    main()
