"""Right to left: logical CSS only, mirrored direction icons, ``dir`` from the locale."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from .conftest import seed_maria

PACKAGE = Path(__file__).resolve().parents[2] / "oncokind_secondop"
CSS_FILES = sorted((PACKAGE / "static" / "secondop").glob("*.css"))
TEMPLATES = sorted((PACKAGE / "templates").rglob("*.html"))

PHYSICAL = re.compile(
    r"(?<![\w-])(?:"
    r"(?:margin|padding|border)-(?:left|right)(?:-\w+)?"  # margin-left, border-right-color...
    r"|border-(?:top|bottom)-(?:left|right)-radius"
    r"|(?:left|right)(?=\s*:)"                            # left: / right: positioning
    r")\s*:"
    r"|(?:text-align|float|clear)\s*:\s*(?:left|right)\b",
    re.IGNORECASE,
)
# Physical properties that are truly needed, as "file: declaration" with the reason.
ALLOWED: dict[str, str] = {}
ARROWS = re.compile(r"[→←›‹»«⟶⟵➔➜]|&(?:rarr|larr|rsaquo|lsaquo|raquo|laquo);|\\(?:2192|2190|203[aA9]|bb|ab)\b")


def _declarations(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [d.strip() for d in re.split(r"[;{}]", css) if d.strip()]


@pytest.mark.parametrize("path", CSS_FILES, ids=lambda p: p.name)
def test_css_uses_logical_properties_only(path: Path) -> None:
    physical = [d for d in _declarations(path.read_text(encoding="utf-8"))
                if PHYSICAL.search(d) and f"{path.name}: {d}" not in ALLOWED]
    assert not physical, f"use logical properties (margin-inline-start, inset-inline-end...): {physical}"


def test_the_css_check_can_fail() -> None:
    bad = ".a { margin-left: 1rem; text-align: right; left: 0; border-top-right-radius: 2px }"
    assert len([d for d in _declarations(bad) if PHYSICAL.search(d)]) == 4
    good = ".a { margin-inline-start: 1rem; text-align: start; inset-inline-start: 0; padding: 0 1rem }"
    assert not [d for d in _declarations(good) if PHYSICAL.search(d)]


def test_direction_arrows_mirror_in_rtl() -> None:
    """An arrow in CSS ``content`` has a ``[dir="rtl"]``/``:dir(rtl)`` rule beside it;
    templates carry no literal arrows (their meaning would flip in Arabic)."""
    in_templates = [(p.name, m.group()) for p in TEMPLATES
                    for m in ARROWS.finditer(p.read_text(encoding="utf-8"))]
    assert not in_templates, f"arrows in templates (use CSS that mirrors): {in_templates}"
    for path in CSS_FILES:
        css = path.read_text(encoding="utf-8")
        for rule in re.findall(r"([^{}]+)\{([^}]*content\s*:[^}]*)\}", css):
            selector, body = rule
            arrows = ARROWS.findall(body)
            # Bidi-mirrored glyphs (› ‹ « ») flip on their own in right-to-left text;
            # an extra RTL rule would flip them back (seen in the browser suite).
            if any(not unicodedata.mirrored(ch) for ch in "".join(arrows)) and "rtl" not in selector:
                base = selector.strip()
                mirrored = re.search(rf'(?:\[dir="?rtl"?\]|:dir\(rtl\))[^{{}}]*{re.escape(base.split()[-1])}', css)
                assert mirrored, f"{path.name}: {base} shows an arrow with no RTL rule"


@pytest.fixture
def arabic(lang_app: Flask) -> tuple[FlaskClient, object]:
    client = lang_app.test_client()
    return client, seed_maria(lang_app, client)


def test_arabic_page_is_right_to_left(arabic) -> None:  # type: ignore[no-untyped-def]
    client, seeded = arabic
    for url in ("/second-opinion/?lang=ar", f"/second-opinion/packet/{seeded.packet_id}?lang=ar",
                f"/second-opinion/compare/{seeded.worksheet_id}/side-by-side?lang=ar"):
        html = client.get(url).get_data(as_text=True)
        assert re.search(r'<div class="secondop[^"]*"[^>]*\blang="ar"[^>]*\bdir="rtl"', html) or \
            re.search(r'<div class="secondop[^"]*"[^>]*\bdir="rtl"[^>]*\blang="ar"', html), url
    english = client.get("/second-opinion/?lang=en").get_data(as_text=True)
    assert re.search(r'<div class="secondop[^"]*"[^>]*\bdir="ltr"', english)


def test_arabic_pdf_html_is_right_to_left(arabic) -> None:  # type: ignore[no-untyped-def]
    """The html element of every PDF template says lang="ar" dir="rtl"."""
    from flask import render_template

    import oncokind_secondop.exports.pdf as pdf

    client, seeded = arabic
    seen: list[str] = []
    original = pdf.render_template

    def spy(template: str, **context: object) -> str:
        html = original(template, **context)
        seen.append(html)
        return html

    pdf.render_template = spy  # type: ignore[assignment]
    try:
        for url in (f"/second-opinion/packet/{seeded.packet_id}/export/summary.pdf?lang=ar",
                    f"/second-opinion/compare/{seeded.worksheet_id}/comparison.pdf?lang=ar"):
            assert client.get(url).status_code == 200
    finally:
        pdf.render_template = original  # type: ignore[assignment]
    assert render_template  # the real one is untouched
    assert len(seen) == 2
    for html in seen:
        assert re.search(r'<html lang="ar" dir="rtl">', html), html[:300]
