"""Dates, numbers and file sizes follow the reader's locale (Babel's CLDR data)."""
from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from oncokind_secondop.i18n import format_date, format_file_size, format_month_year, format_number

from .conftest import seed_maria

DAY = date(2026, 3, 14)
# What Babel gives for each locale: Arabic keeps Latin digits with right-to-left marks
# (CLDR's default numbering system for "ar"), Chinese orders year-month-day.
EXPECTED = {
    "es": ("14 mar 2026", "marzo de 2026", "1,5 MB", "12.345"),
    "ar": ("14\u200f/03\u200f/2026", "مارس 2026", "1.5 MB", "12,345"),
    "zh_Hans": ("2026年3月14日", "2026年3月", "1.5 MB", "12,345"),
    "en": ("Mar 14, 2026", "March 2026", "1.5 MB", "12,345"),
}


@pytest.mark.parametrize("lang", EXPECTED)
def test_date_number_and_size_in_the_locale(lang_app: Flask, lang: str) -> None:
    day, month, size, number = EXPECTED[lang]
    with lang_app.test_request_context(f"/?lang={lang}"):
        assert format_date(DAY) == day
        assert format_month_year(DAY) == month
        # the unit text comes from the catalog; the number from Babel
        assert format_file_size(1536 * 1024).replace("\xa0", " ").startswith(size.split()[0])
        assert format_number(12345) == number


def test_timeline_month_uses_the_locale_order(lang_app: Flask) -> None:
    client = lang_app.test_client()
    seeded = seed_maria(lang_app, client)
    html = client.get(f"/second-opinion/packet/{seeded.packet_id}/timeline?lang=zh_Hans").get_data(as_text=True)
    assert "2026年2月" in html  # "First scan", February 2026, month precision
    assert "2026年3月14日" in html
    html = client.get(f"/second-opinion/packet/{seeded.packet_id}/timeline?lang=es").get_data(as_text=True)
    assert "febrero de 2026" in html


def test_month_names_do_not_leak_between_locales(lang_app: Flask) -> None:
    """Babel 2.18 leaks stand-alone month names across locales ("LLLL" after a
    Chinese page gave Chinese everywhere); the timeline's month list must not."""
    client = lang_app.test_client()
    seeded = seed_maria(lang_app, client)
    url = f"/second-opinion/packet/{seeded.packet_id}/timeline"
    assert "三月" in client.get(f"{url}?lang=zh_Hans").get_data(as_text=True)
    for lang, march in (("fr", "mars"), ("eo", "marto"), ("tl", "Marso")):
        html = client.get(f"{url}?lang={lang}").get_data(as_text=True)
        assert f'<option value="3">{march}' in html.replace("Marto", "marto"), lang
