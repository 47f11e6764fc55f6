"""stream_zip: stored, sized, lazy, and honest about the bytes it sends."""
from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime

import pytest
from flask import Flask, Response

from oncokind_secondop.exports.zipstream import (
    ArcnameBook,
    MemberMismatch,
    ZipMember,
    safe_component,
    stream_zip,
)


class Tracked(io.BytesIO):
    opened: list[str] = []

    def __init__(self, name: str, data: bytes) -> None:
        super().__init__(data)
        Tracked.opened.append(name)


def opener(name: str, data: bytes):  # type: ignore[no-untyped-def]
    return lambda: Tracked(name, data)


def members() -> list[ZipMember]:
    big = bytes(range(256)) * 4096 * 3  # 3 MiB, several read chunks
    return [
        ZipMember("index.html", 13, data=b"<h1>Index</h1>"[:13]),
        ZipMember("Pathology/report.pdf", len(big), opener=opener("report", big),
                  modified=datetime(2024, 3, 5, 14, 30, 12),
                  sha256=hashlib.sha256(big).hexdigest()),
        ZipMember("Imaging/病理 скан.dcm", 5, opener=opener("scan", b"DICM!")),
        ZipMember("manifest.json", 2, data=b"{}"),
    ]


def test_archive_is_valid_sized_and_byte_identical():
    chunks, length = stream_zip(members())
    body = b"".join(chunks)
    assert len(body) == length
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["index.html", "Pathology/report.pdf",
                                      "Imaging/病理 скан.dcm", "manifest.json"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())
        assert archive.read("Pathology/report.pdf") == bytes(range(256)) * 4096 * 3
        assert archive.read("Imaging/病理 скан.dcm") == b"DICM!"
        assert archive.getinfo("Pathology/report.pdf").date_time == (2024, 3, 5, 14, 30, 12)


def test_entry_dates_do_not_leak_to_other_entries():
    chunks, _ = stream_zip(members())
    with zipfile.ZipFile(io.BytesIO(b"".join(chunks))) as archive:
        assert archive.getinfo("index.html").date_time != (2024, 3, 5, 14, 30, 12)


def test_files_are_opened_lazily_one_at_a_time():
    Tracked.opened = []
    chunks, _ = stream_zip(members())
    assert Tracked.opened == []  # nothing read before the response starts
    for _chunk in chunks:
        pass
    assert Tracked.opened == ["report", "scan"]


def test_size_mismatch_stops_the_stream():
    chunks, _ = stream_zip([ZipMember("a.pdf", 10, opener=opener("a", b"only 9 b"))])
    with pytest.raises(MemberMismatch):
        b"".join(chunks)
    chunks, _ = stream_zip([ZipMember("a.pdf", 3, opener=opener("a", b"too long"))])
    with pytest.raises(MemberMismatch):
        b"".join(chunks)


def test_hash_mismatch_stops_before_the_archive_completes():
    member = ZipMember("a.pdf", 4, opener=opener("a", b"evil"),
                       sha256=hashlib.sha256(b"good").hexdigest())
    chunks, length = stream_zip([member])
    sent = b""
    with pytest.raises(MemberMismatch):
        for chunk in chunks:
            sent += chunk
    assert len(sent) < length  # the client sees an unfinished download


def test_member_needs_exactly_one_source():
    with pytest.raises(ValueError):
        ZipMember("a", 1)
    with pytest.raises(ValueError):
        ZipMember("a", 1, data=b"x", opener=lambda: io.BytesIO(b"x"))
    with pytest.raises(ValueError):
        ZipMember("a", 5, data=b"x")


def test_served_through_flask_with_content_length():
    app = Flask(__name__)

    @app.route("/zip")
    def download() -> Response:
        chunks, length = stream_zip(members())
        response = Response(chunks, mimetype="application/zip", direct_passthrough=True)
        response.content_length = length
        return response

    response = app.test_client().get("/zip")
    assert response.content_length == len(response.data)
    assert zipfile.ZipFile(io.BytesIO(response.data)).testzip() is None


def test_zip64_for_large_member_counts():
    many = [ZipMember(f"f{i}", 1, data=b"x") for i in range(70_000)]
    chunks, length = stream_zip(many)
    body = b"".join(chunks)
    assert len(body) == length
    assert len(zipfile.ZipFile(io.BytesIO(body)).infolist()) == 70_000


@pytest.mark.parametrize(("raw", "expected"), [
    ("CON.pdf", "_CON.pdf"), ("nul", "_nul"), ('a<b>c:d"e|f?g*.pdf', "a_b_c_d_e_f_g_.pdf"),
    ("../x/y.pdf", "y.pdf"), ("Patología", "Patología"), ("", "file")])
def test_safe_component(raw, expected):
    assert safe_component(raw) == expected


def test_arcname_book_makes_unique_paths():
    book = ArcnameBook()
    assert book.path("Pathology", "report.pdf") == "Pathology/report.pdf"
    assert book.path("Pathology", "Report.PDF") == "Pathology/Report (2).PDF"
    assert book.path("Pathology", "report.pdf") == "Pathology/report (3).pdf"
    assert book.path("Imaging", "report.pdf") == "Imaging/report.pdf"
    assert book.path("Imaging", "README") == "Imaging/README"
    assert book.path("Imaging", "readme") == "Imaging/readme (2)"
