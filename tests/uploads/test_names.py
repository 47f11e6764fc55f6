"""Display names: any script kept, anything misleading removed."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncokind_secondop.uploads import clean_display_name
from oncokind_secondop.uploads.names import MAX_CHARS, MAX_UTF8_BYTES


@pytest.mark.parametrize(("raw", "expected"), [
    ("фото.jpg", "фото.jpg"),
    ("病理报告.pdf", "病理报告.pdf"),
    ("تقرير الأشعة.pdf", "تقرير الأشعة.pdf"),
    ("Informe de patología.pdf", "Informe de patología.pdf"),
    ("Cafe\u0301.pdf", "Café.pdf"),                           # NFC
    ("report\u202egpj.exe", "reportgpj.exe"),                   # bidi override removed
    ("a\u200bb\u2066c.pdf", "abc.pdf"),                         # zero-width and isolates
    ("line\nbreak\r\x00.pdf", "linebreak.pdf"),                 # controls
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\maria\\Desktop\\scan.pdf", "scan.pdf"),
    ("/var/tmp/x.png", "x.png"),
    ("..", "file.pdf"),
    ("   ", "file.pdf"),
    ("\u202e\u200b", "file.pdf"),
    (".htaccess", "htaccess"),
    ("report.pdf. . .", "report.pdf"),
    ("two   spaces\u00a0and\u3000more.pdf", "two spaces and more.pdf"),
    (None, "file.pdf"),
])
def test_examples(raw, expected):
    assert clean_display_name(raw, "file.pdf") == expected


def test_long_names_keep_their_extension():
    name = clean_display_name("x" * 500 + ".pdf", "file.pdf")
    assert name.endswith(".pdf") and len(name) == MAX_CHARS


def test_long_names_fit_in_file_system_bytes():
    name = clean_display_name("病" * 300 + ".pdf", "file.pdf")
    assert name.endswith(".pdf") and len(name.encode()) <= MAX_UTF8_BYTES


def test_cut_never_leaves_a_lone_combining_mark():
    name = clean_display_name("e\u0301\u0302" * 200 + ".pdf", "file.pdf")  # no NFC composite
    stem = name[:-4]
    assert len(stem) < 400  # it was cut
    assert unicodedata.category(stem[-1]) == "Ll"  # ends on a letter, not a stray accent


@given(st.text())
def test_any_input_gives_a_safe_name(raw):
    name = clean_display_name(raw, "file.pdf")
    assert name
    assert len(name) <= MAX_CHARS and len(name.encode("utf-8")) <= MAX_UTF8_BYTES
    assert "/" not in name and "\\" not in name
    assert not name.startswith(".") and not name.endswith((".", " "))
    assert all(unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
               for ch in name)
    assert unicodedata.is_normalized("NFC", name)
    assert clean_display_name(name, "file.pdf") == name  # idempotent


@pytest.mark.parametrize(("name", "kind", "expected"), [
    ("report.pdf", "pdf", "report.pdf"),
    ("REPORT.PDF", "pdf", "REPORT.PDF"),
    ("report.pdf.exe", "pdf", "report.pdf.exe.pdf"),
    ("scan.jpg.html", "jpeg", "scan.jpg.html.jpg"),
    ("photo.jpeg", "jpeg", "photo.jpeg"),
    ("scan.svg", "png", "scan.svg.png"),
    ("scan.tiff", "tiff", "scan.tiff"),
    ("IM0001", "dicom", "IM0001"),                                   # no extension: kept
    ("1.2.840.113619.2.55.3.604", "dicom", "1.2.840.113619.2.55.3.604"),  # a UID, not a type
    ("CT chest.zip", "dicom-zip", "CT chest.zip"),
    ("CT chest.rar", "dicom-zip", "CT chest.rar.zip"),
])
def test_with_extension_matches_the_kind_found(name, kind, expected):
    from oncokind_secondop.uploads.checks import ACCEPTED_EXTENSIONS
    from oncokind_secondop.uploads.names import with_extension

    assert with_extension(name, ACCEPTED_EXTENSIONS[kind]) == expected


def test_with_extension_keeps_the_length_limits():
    from oncokind_secondop.uploads.names import with_extension

    name = with_extension(clean_display_name("病" * 300 + ".html", "file.pdf"), (".pdf",))
    assert name.endswith(".pdf")
    assert len(name) <= MAX_CHARS and len(name.encode("utf-8")) <= MAX_UTF8_BYTES
