"""PDFs in every language carry real glyphs.

For each of the seven locales: the packet summary, the worksheet PDF and the
three letters are rendered, their text extracted with pypdf, and compared
with (a) a known message as the compiled catalog translates it at run time
(so the test follows whatever the translators wrote) and (b) values the user
typed in that language's script. Without the fonts the text comes out as
boxes or nothing, and the comparison fails: the negative test below proves it
by rendering with a fontconfig that holds only DejaVu.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale

from oncokind_secondop.i18n import gettext

from .conftest import LANGUAGES, LETTER, pdf_text, seed_maria

STATIC = Path(__file__).resolve().parents[2] / "oncokind_secondop" / "static" / "secondop"
# Something a person would type in each language's script (a hospital's name).
TYPED = {
    "en": "Riverside Hospital",
    "es": "Hospital Nuestra Señora de la Peña",
    "zh_Hans": "北京肿瘤医院",
    "vi": "Bệnh viện Chợ Rẫy",
    "ko": "서울대학교병원",
    "tl": "Ospital ng Maynila",
    "ar": "مستشفى الملك فيصل",
}


def squash(text: str) -> str:
    """Compare without spacing or line breaks (PDF lines wrap anywhere), NFKC
    (Arabic presentation forms and ligatures back to letters)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def direction_runs(text: str) -> list[str]:
    """The left-to-right and right-to-left runs of a string: a PDF keeps each
    run in reading order but may place the runs of mixed text in visual order."""
    runs: list[str] = []
    current, kind = "", ""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        this = "R" if bidi in ("R", "AL") else "L" if bidi == "L" else ""
        if this and kind and this != kind:
            runs.append(current)
            current = ""
        kind = this or kind
        current += ch
    runs.append(current)
    return [r for r in (squash(r).strip(".,:;()·-") for r in runs) if r]


def assert_in_pdf(expected: str, text: str, where: str) -> None:
    flat = squash(text)
    for run in direction_runs(expected):
        assert run in flat, f"{where}: {run!r} (of {expected!r}) not in the PDF text"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_pdf_in_the_language(lang_app: Flask, lang: str) -> None:
    typed = TYPED[lang]
    client = lang_app.test_client()
    seeded = seed_maria(lang_app, client, center=typed, title=typed)
    p, w, f = seeded.packet_id, seeded.worksheet_id, seeded.facility_id
    q = f"?lang={lang}"
    with lang_app.test_request_context(q), force_locale(lang):
        expected = {
            "packet summary": [gettext("Second opinion records packet"), typed],
            "packet request letter": [gettext("Request for copies of my medical records")],
            "worksheet": [gettext("Comparing opinions: %(title)s", title=typed)],
            "discuss-together letter": [gettext("Please discuss my case together"), "Dr Ortiz1"],
            "Learn records letter": [gettext("Request for copies of my medical records"),
                                     gettext("To: %(facility)s", facility=typed)],
        }
    responses = {
        "packet summary": client.get(f"/second-opinion/packet/{p}/export/summary.pdf{q}"),
        "packet request letter": client.get(f"/second-opinion/packet/{p}/requests/{f}/letter.pdf{q}"),
        "worksheet": client.get(f"/second-opinion/compare/{w}/comparison.pdf{q}"),
        "discuss-together letter": client.get(f"/second-opinion/compare/{w}/letter.pdf{q}"),
        "Learn records letter": client.post(f"/second-opinion/learn/records-letter{q}",
                                            data={**LETTER, "facility": typed, "action": "pdf"}),
    }
    for name, response in responses.items():
        assert response.status_code == 200, name
        text = pdf_text(response.data)
        for phrase in expected[name]:
            assert_in_pdf(phrase, text, f"{lang} {name}")


# --- missing fonts must fail the check ---------------------------------------------------------

RENDER = textwrap.dedent("""
    import io, sys
    from pypdf import PdfReader
    from weasyprint import CSS, HTML
    html = '<html lang="zh-Hans"><body><p>' + sys.argv[2] + '</p></body></html>'
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=sys.argv[1])])
    print("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
""")


def _render_with_fonts(tmp_path: Path, font_dirs: list[str], text: str) -> str:
    conf = tmp_path / f"fonts-{len(font_dirs)}.conf"
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs)
    conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                    f"<fontconfig>{dirs}<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>")
    result = subprocess.run([sys.executable, "-c", RENDER, str(STATIC / "pdf-fonts.css"), text],
                            env={"FONTCONFIG_FILE": str(conf), "PATH": "/usr/bin:/bin",
                                 "HOME": str(tmp_path)},
                            capture_output=True, text=True, timeout=120, check=True)
    return result.stdout


def _font_dir(family: str) -> str:
    match = shutil.which("fc-match")
    if match is None:
        pytest.skip("fontconfig tools are not installed")
    found = subprocess.run([match, "-f", "%{family}\n%{file}", family], capture_output=True, text=True).stdout
    names, _, path = found.partition("\n")
    if family.lower() not in names.lower():
        pytest.skip(f"{family} is not installed")
    return str(Path(path).parent)


def test_without_a_cjk_font_the_chinese_check_fails(tmp_path: Path) -> None:
    chinese = TYPED["zh_Hans"]
    dejavu, wqy = _font_dir("DejaVu Sans"), _font_dir("WenQuanYi Micro Hei")
    without = _render_with_fonts(tmp_path, [dejavu], chinese)
    with pytest.raises(AssertionError):
        assert_in_pdf(chinese, without, "DejaVu only")
    # the same setup with the CJK font added passes: the font, not the setup, decides
    assert direction_runs("Comparing: مستشفى الملك") == ["Comparing", "مستشفىالملك"]
    assert_in_pdf(chinese, _render_with_fonts(tmp_path, [dejavu, wqy], chinese), "with WenQuanYi")


def test_korean_hangul_is_covered_by_the_pdf_fonts(tmp_path: Path) -> None:
    dejavu, wqy = _font_dir("DejaVu Sans"), _font_dir("WenQuanYi Micro Hei")
    assert_in_pdf(TYPED["ko"], _render_with_fonts(tmp_path, [dejavu, wqy], TYPED["ko"]), "Hangul")
