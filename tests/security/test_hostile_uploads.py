"""Hostile uploads through the real packet upload route, from one reviewable table.

Proved for every case in :data:`CASES`, with the host's CSRF off and on (token in
the ``X-CSRFToken`` header, as upload.js sends it):

* a refused upload answers the status in the table (400, 413 or 415) and our
  item page says why in plain words; afterwards no ``secondop_`` table has a
  new row, the file store has no new object and nothing in ``tmp/``;
* an accepted hostile *name* keeps a cleaned display name (no folders, no
  control or bidi characters, the extension of the type we found) and the bytes
  live under a random 32-hex storage key, never the user's name;
* Werkzeug never spools the body itself (``request.files`` is never parsed,
  no temp file in the system temp folder).

The bodies are written byte by byte (``_hostile.multipart``) so each case sends
exactly what a hostile client would; the sample files come from
``tests/uploads/samples.py``. Holes this table found (fixed in
``oncokind_secondop/uploads``): an error page built after an early refusal
(413 on Content-Length, text too long) made Werkzeug parse the rest of the
body into temp files; a PDF named ``report.pdf.exe`` or a JPEG named
``photo.html`` kept that extension in downloads and ZIP exports; 1,001 files
chosen at once were told "These files are too large"; a preamble, part header
or epilogue that never ends was held in memory (``endless-*``,
``giant-epilogue`` and the 32 MB memory test below). Issue 13 added the
type checks' early exits and unbounded work: a PDF header in front of HTML
behind an ``/Encrypt`` trailer, a JPEG declaring a decompression bomb, a
program after an image's end, PDFs with JavaScript, Launch actions or embedded
files, a DICOM file of a million empty elements, and ZIP counts and ratios.
"""
from __future__ import annotations

import html
import io
import re
import stat
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Document

from ..conftest import _reset_database
from ..fake_host import create_app
from ..packet.conftest import BASE, PacketHelper
from ..uploads import samples
from ._hostile import STORAGE_KEY, Part, multipart, part_head, snapshot, watch_spooling

PDF = samples.pdf_bytes()
PDF_LIMIT = len(PDF)  # SECONDOP_MAX_UPLOAD_BYTES for the size cases: the sample fits exactly
ACCEPTED = 303

# Messages (English fragments of what the item page shows).
NOT_A_KIND = "is not a kind of file we can keep"
DAMAGED = "seems to be damaged, so we cannot read it"
DICOM_PREAMBLE = "looks like a DICOM scan file, but its first bytes hold something"
TOO_LARGE_FILE = "is larger than"
TOO_LARGE_BODY = "These files are too large"
TOO_MANY_FILES = "Please upload at most 10 files at a time."
TEXT_TOO_LONG = "The text in this form is too long"
CHOOSE_A_FILE = "Please choose a file to upload."
NOT_UNDERSTOOD = "The upload did not arrive in a form we understand"
PDF_ACTIVE = "contains a script, a program action or another file hidden inside it"
HIDDEN_AFTER_END = "has something hidden after the end of the picture"
TOO_MANY_PARTS = "far more parts inside than a scan has"


def _jpeg_with_script() -> bytes:
    """A real JPEG whose comment segment is an HTML page (a JPEG/HTML polyglot)."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG", comment=b"<html><script>alert(1)</script></html>")
    return out.getvalue()


def _symlink_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("DICOM/IM0001", samples.dicom_bytes())
        link = zipfile.ZipInfo("DICOM/IM0002")
        link.create_system = 3  # Unix, so the mode bits below mean what they say
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return out.getvalue()


def _zip_lying_about_size() -> bytes:
    """8 MB of zeros whose headers (local and central) claim 1,000 bytes: the
    ratio check sees nothing, the reader must stop at the claimed size."""
    data = bytearray(samples.zip_bytes({"DICOM/IM0001": samples.dicom_bytes() + bytes(8 * 1024**2)}))
    central = data.find(b"PK\x01\x02")
    data[22:26] = data[central + 24:central + 28] = struct.pack("<I", 1000)
    return bytes(data)


def _zip_with_bad_crc() -> bytes:
    data = bytearray(samples.zip_bytes({"DICOM/IM0001": samples.dicom_bytes()}, zipfile.ZIP_STORED))
    data[data.find(b"DICM") + 200] ^= 0xFF  # one stored byte of the entry changed after zipping
    return bytes(data)


def _zip_claiming_a_password() -> bytes:
    # zipfile cannot encrypt: set the "encrypted" flag bit in both headers by hand.
    data = bytearray(samples.zip_bytes({"DICOM/IM0001": samples.dicom_bytes()}))
    central = data.find(b"PK\x01\x02")
    data[6] |= 0x1
    data[central + 8] |= 0x1
    return bytes(data)


def _zip_with_duplicate_names() -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as archive:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate we want
        archive.writestr("DICOM/IM0001", samples.dicom_bytes())
        archive.writestr("dicom/im0001", samples.dicom_bytes())
    return out.getvalue()


def _zip_of(name: str, data: bytes | None = None) -> Callable[[], bytes]:
    return lambda: samples.zip_bytes({"DICOM/IM0001": samples.dicom_bytes(),
                                      name: samples.dicom_bytes() if data is None else data})


def _files(count: int) -> Callable[[], list[Part]]:
    return lambda: [Part("file", PDF, filename=f"page {n}.pdf") for n in range(count)]


@dataclass(frozen=True)
class Case:
    """One hostile upload. ``status`` 303 means accepted: ``expect`` is then the
    display name the document must get; otherwise ``expect`` is a fragment of
    the message our page must show."""

    name: str
    filename: str | None
    body: bytes | Callable[[], bytes]
    status: int
    expect: str
    config: dict[str, Any] = field(default_factory=dict)
    parts: Callable[[], list[Part]] | None = None                # replaces the one file part
    raw: Callable[[], tuple[bytes, str]] | None = None           # replaces the whole body

    def request_body(self) -> tuple[bytes, str]:
        if self.raw is not None:
            return self.raw()
        if self.parts is not None:
            return multipart(self.parts())
        body = self.body() if callable(self.body) else self.body
        return multipart([Part("file", body, filename=self.filename)])


HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(5000)
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(5000)
_300 = "a" * 296 + ".pdf"

CASES: list[Case] = [
    # --- content that is not a document, whatever its name ------------------------------------
    Case("html-named-pdf", "report.pdf", HTML_PAGE, 415, NOT_A_KIND),
    Case("html-named-html", "report.html", HTML_PAGE, 415, NOT_A_KIND),
    Case("svg-with-script", "scan.svg", SVG_SCRIPT, 415, NOT_A_KIND),
    Case("svg-with-xml-prolog-named-png", "scan.png", b'<?xml version="1.0"?>' + SVG_SCRIPT, 415,
         NOT_A_KIND),
    Case("windows-exe-named-pdf", "report.pdf", MZ, 415, NOT_A_KIND),
    Case("windows-exe-named-jpg", "photo.jpg", MZ, 415, NOT_A_KIND),
    Case("linux-elf-named-pdf", "report.pdf", ELF, 415, NOT_A_KIND),
    Case("linux-elf-named-jpg", "photo.jpg", ELF, 415, NOT_A_KIND),
    Case("shell-script-named-pdf", "report.pdf", b"#!/bin/sh\nrm -rf ~\n", 415, NOT_A_KIND),
    Case("pdf-header-then-html", "report.pdf", b"%PDF-1.7\n" + HTML_PAGE, 415, DAMAGED),
    Case("empty-file", "report.pdf", b"", 400, "is empty. Please choose the file again."),
    # --- double extensions: real content is kept, the name gets the type's extension ------------
    Case("double-extension-pdf-exe", "report.pdf.exe", PDF, ACCEPTED, "report.pdf.exe.pdf"),
    Case("double-extension-jpg-html", "scan.jpg.html", samples.image_bytes("JPEG"), ACCEPTED,
         "scan.jpg.html.jpg"),
    Case("jpeg-html-polyglot-named-html", "photo.html", _jpeg_with_script, ACCEPTED,
         "photo.html.jpg"),
    Case("html-with-double-extension", "scan.jpg.html", HTML_PAGE, 415, NOT_A_KIND),
    Case("upper-case-extension-kept", "SCAN.JPEG", samples.image_bytes("JPEG"), ACCEPTED,
         "SCAN.JPEG"),
    Case("dicom-without-extension-kept", "IM0001", samples.dicom_bytes, ACCEPTED, "IM0001"),
    # --- null bytes, folders, absolute paths (Django's list) -------------------------------------
    Case("null-byte-before-extension", "evil.html\x00.pdf", PDF, ACCEPTED, "evil.html.pdf"),
    Case("null-byte-in-name", "a\x00b.pdf", PDF, ACCEPTED, "ab.pdf"),
    Case("traversal-unix", "../../etc/passwd", PDF, ACCEPTED, "passwd"),
    # In a quoted header value a backslash escapes the next character (RFC 9110 quoted-pair),
    # so Werkzeug reads "C:\\x.pdf" as "C:x.pdf": no separator is left, the name is harmless.
    Case("traversal-windows-quoted", "..\\..\\windows\\win.ini", PDF, ACCEPTED, "windowswin.ini.pdf"),
    Case("traversal-mixed-quoted", "../..\\hax0rd.pdf", PDF, ACCEPTED, "hax0rd.pdf"),
    Case("absolute-unix", "/etc/passwd", PDF, ACCEPTED, "passwd"),
    Case("absolute-unix-tmp", "/tmp/hax0rd.txt", PDF, ACCEPTED, "hax0rd.txt.pdf"),
    Case("absolute-windows-drive-quoted", "C:\\x.pdf", PDF, ACCEPTED, "C:x.pdf"),
    Case("absolute-windows-forward", "C:/Windows/hax0rd.pdf", PDF, ACCEPTED, "hax0rd.pdf"),
    Case("absolute-mixed-separators-quoted", "/tmp\\hax0rd.pdf", PDF, ACCEPTED, "tmphax0rd.pdf"),
    # Real backslashes arrive through RFC 2231 (filename*=UTF-8''..%5C..): folders are dropped.
    *(Case(f"rfc2231-{label}", None, PDF, ACCEPTED, expected, parts=lambda raw=raw: [Part(
        "file", PDF, disposition=f"form-data; name=\"file\"; filename*=UTF-8''{raw}")])
      for label, raw, expected in [
          ("traversal-windows", "..%5C..%5Cwindows%5Cwin.ini", "win.ini.pdf"),
          ("absolute-windows-drive", "C%3A%5Cx.pdf", "x.pdf"),
          ("absolute-backslash-root", "%5Ctmp%5Chax0rd.pdf", "hax0rd.pdf"),
          ("descendant-mixed", "sub%2Fdir%5Chax0rd.pdf", "hax0rd.pdf"),
          ("unc-path", "%5C%5Cserver%5Cshare%5Cscan.pdf", "scan.pdf"),
          ("parent-directory-only", "c%3A%5Ctmp%5C..", "file.pdf"),
          ("traversal-unix", "..%2F..%2Fetc%2Fpasswd", "passwd"),
      ]),
    # Never URL- or HTML-decoded: shown as typed, harmless as text.
    Case("percent-encoded-traversal", "%2e%2e%2fhax0rd.pdf", PDF, ACCEPTED, "%2e%2e%2fhax0rd.pdf"),
    Case("html-entity-traversal", "&#x2e;&#x2e;&#x2f;hax0rd.pdf", PDF, ACCEPTED,
         "&#x2e;&#x2e;&#x2f;hax0rd.pdf"),
    Case("directory-only", "/tmp/", PDF, ACCEPTED, "file.pdf"),
    Case("parent-directory-only", "/tmp/..", PDF, ACCEPTED, "file.pdf"),
    Case("dot-directory", "/tmp/.", PDF, ACCEPTED, "file.pdf"),
    Case("no-name-means-no-file", "", PDF, 400, CHOOSE_A_FILE),
    # --- long, control-character and bidi names ------------------------------------------------
    Case("300-character-name", _300, PDF, ACCEPTED, "a" * 196 + ".pdf"),
    Case("300-character-chinese-name", "病" * 300 + ".pdf", PDF, ACCEPTED, "病" * 78 + ".pdf"),
    Case("control-characters", "\x07bell\x1b[31mred\x7f\x08.pdf", PDF, ACCEPTED, "bell[31mred.pdf"),
    Case("rfc2231-newlines", None, PDF, ACCEPTED, "linebreak.pdf", parts=lambda: [Part(
        "file", PDF, disposition="form-data; name=\"file\"; filename*=UTF-8''line%0Abreak%0D%00.pdf")]),
    Case("rfc2231-non-ascii", None, PDF, ACCEPTED, "Informe de patología.pdf", parts=lambda: [Part(
        "file", PDF,
        disposition="form-data; name=\"file\"; filename*=UTF-8''Informe%20de%20patolog%C3%ADa.pdf")]),
    Case("rfc2231-latin-1", None, PDF, ACCEPTED, "café.pdf", parts=lambda: [Part(
        "file", PDF, disposition="form-data; name=\"file\"; filename*=ISO-8859-1''caf%E9.pdf")]),
    # Undecodable bytes become U+FFFD (visible, harmless), never an error or a lost file.
    Case("rfc2231-invalid-utf8", None, PDF, ACCEPTED, "\ufffd\ufffdscan\ufffd.pdf", parts=lambda: [Part(
        "file", PDF, disposition="form-data; name=\"file\"; filename*=UTF-8''%FF%FEscan%C0.pdf")]),
    Case("100-kb-name", "a" * 100_000 + ".pdf", PDF, ACCEPTED, "a" * 196 + ".pdf"),
    Case("name-of-dots-and-spaces", " . .. ... ", PDF, ACCEPTED, "file.pdf"),
    Case("right-to-left-override", "report\u202egpj.exe", PDF, ACCEPTED, "reportgpj.exe.pdf"),
    Case("right-to-left-override-jpg", "photo\u202efdp.jpg", samples.image_bytes("JPEG"), ACCEPTED,
         "photofdp.jpg"),
    Case("bidi-isolates-and-zero-width", "scan\u2066\u200b\u2069.pdf", PDF, ACCEPTED, "scan.pdf"),
    # --- DICOM polyglots (CVE-2019-11687) --------------------------------------------------------
    Case("dicom-mz-preamble", "IM0001.dcm", lambda: samples.dicom_bytes(preamble=MZ[:128]), 415,
         DICOM_PREAMBLE),
    Case("dicom-elf-preamble", "IM0001.dcm", lambda: samples.dicom_bytes(preamble=ELF[:128]), 415,
         DICOM_PREAMBLE),
    Case("dicom-html-preamble", "IM0001.dcm",
         lambda: samples.dicom_bytes(preamble=b"<html><script>alert(1)</script>"), 415, DICOM_PREAMBLE),
    Case("zip-with-mz-dicom", "scans.zip", _zip_of("DICOM/IM0002", samples.dicom_bytes(preamble=MZ[:128])),
         415, DICOM_PREAMBLE),
    # --- ZIP archives ----------------------------------------------------------------------------
    Case("zip-bomb-ratio", "scans.zip",
         lambda: samples.zip_bytes({"DICOM/IM0001": samples.dicom_bytes() + bytes(8 * 1024**2)}), 415,
         "would grow far too large when opened"),
    Case("zip-bomb-many-entries", "scans.zip", lambda: samples.zip_bytes(
        {f"DICOM/IM{i:05d}": b"" for i in range(10_001)}, zipfile.ZIP_STORED), 415,
         "holds more than 10,000 files"),
    Case("zip-total-over-limit", "scans.zip", lambda: samples.dicom_zip(3), 415,
         "are too large in total", config={"SECONDOP_ZIP_MAX_TOTAL_BYTES": 1000}),
    Case("nested-zip", "scans.zip", _zip_of("DICOM/inner.zip", samples.dicom_zip(1)), 415,
         "contains another ZIP file inside it"),
    Case("zip-symlink-entry", "scans.zip", _symlink_zip, 415, "contains a shortcut (link)"),
    Case("zip-dot-dot-entry", "scans.zip", _zip_of("../../etc/cron.d/evil"), 415, "unsafe folder path"),
    Case("zip-dot-dot-inside-entry", "scans.zip", _zip_of("DICOM/../../evil"), 415, "unsafe folder path"),
    Case("zip-absolute-entry", "scans.zip", _zip_of("/etc/cron.d/evil"), 415, "unsafe folder path"),
    Case("zip-windows-absolute-entry", "scans.zip", _zip_of("C:\\Windows\\evil.dcm"), 415,
         "unsafe folder path"),
    Case("zip-html-entry", "scans.zip", _zip_of("DICOM/index.html", HTML_PAGE), 415,
         "contains a file that is not a DICOM scan"),
    Case("zip-bomb-lying-about-size", "scans.zip", _zip_lying_about_size, 415, DAMAGED),
    Case("zip-entry-with-bad-crc", "scans.zip", _zip_with_bad_crc, 415, DAMAGED),
    Case("zip-with-password", "scans.zip", _zip_claiming_a_password, 415, "is protected by a password"),
    Case("zip-duplicate-names", "scans.zip", _zip_with_duplicate_names, 415,
         "contains two files with the same name"),
    Case("zip-of-nothing-but-folders", "scans.zip", lambda: samples.zip_bytes({"DICOM/": b""}), 415,
         "does not contain any DICOM scan files"),
    # --- issue 13: no early exits, bounded work (findings 2, 3, 11) -----------------------------
    Case("pdf-header-html-and-elf-behind-an-encrypt-trailer", "report.pdf",
         samples.pdf_header_then_html_with_encrypt_trailer, 415, "we cannot check it"),
    Case("pdf-needing-a-password", "report.pdf", lambda: samples.pdf_with("password"), 415,
         "is locked with a password"),
    Case("pdf-open-action-javascript", "report.pdf", lambda: samples.pdf_with("open-action-javascript"),
         415, PDF_ACTIVE),
    Case("pdf-document-javascript", "report.pdf", lambda: samples.pdf_with("javascript"), 415, PDF_ACTIVE),
    Case("pdf-launch-action", "report.pdf", lambda: samples.pdf_with("open-action-launch"), 415,
         PDF_ACTIVE),
    Case("pdf-embedded-program", "report.pdf", lambda: samples.pdf_with("embedded-file"), 415, PDF_ACTIVE),
    Case("pdf-locked-against-editing-only", "report.pdf",
         lambda: samples.pdf_with("locked-against-editing-only"), ACCEPTED, "report.pdf"),
    Case("jpeg-declaring-a-bomb-then-html-and-elf", "photo.jpg",
         samples.jpeg_declaring_a_bomb_then_html_and_elf, 415, "is a picture with too many pixels"),
    Case("jpeg-then-elf-after-its-end", "photo.jpg", lambda: samples.image_bytes("JPEG") + ELF, 415,
         HIDDEN_AFTER_END),
    Case("png-then-html-after-its-end", "photo.png", lambda: samples.image_bytes("PNG") + HTML_PAGE,
         415, HIDDEN_AFTER_END),
    Case("dicom-million-empty-elements", "IM0001.dcm", lambda: samples.dicom_meta()
         + samples.element(0x0009, 0x1010, b"LO") * 1_000_000, 415, TOO_MANY_PARTS),
    Case("dicom-sequences-nested-100-deep", "IM0001.dcm",
         lambda: samples.dicom_meta() + samples.nested_sequences(100), 415, TOO_MANY_PARTS),
    Case("dicom-length-past-the-end", "IM0001.dcm", lambda: samples.dicom_meta()
         + samples.element(0x0009, 0x1010, b"OB", b"x" * 10)[:8] + struct.pack("<L", 0xFFFFFFF0)
         + b"x" * 10, 415, "could not read it"),
    Case("zip64-end-record-stating-300000-entries", "scans.zip",
         lambda: samples.with_zip64_end(samples.dicom_zip(3), 300_000), 415,
         "holds more than 10,000 files"),
    Case("zip-of-small-entries-over-the-ratio", "scans.zip", lambda: samples.zip_bytes(
        {f"IM{i}": samples.dicom_bytes(pixels=250_000) for i in range(4)}), 415,
         "would grow far too large when opened"),
    # --- sizes, parts and text fields ------------------------------------------------------------
    Case("file-at-the-limit", "report.pdf", PDF, ACCEPTED, "report.pdf",
         config={"SECONDOP_MAX_UPLOAD_BYTES": PDF_LIMIT}),
    Case("file-one-byte-over-the-limit", "report.pdf", PDF + b"\n", 413, TOO_LARGE_FILE,
         config={"SECONDOP_MAX_UPLOAD_BYTES": PDF_LIMIT}),
    Case("body-over-the-route-limit", "report.pdf", PDF + bytes(2 * 1024**2), 413, TOO_LARGE_BODY,
         config={"SECONDOP_MAX_UPLOAD_BYTES": PDF_LIMIT}),
    Case("eleven-files", None, b"", 413, TOO_MANY_FILES, parts=_files(11)),
    Case("a-whole-folder-of-files", None, b"", 413, TOO_MANY_FILES, parts=_files(1001)),
    Case("too-many-text-parts", None, b"", 413, TOO_MANY_FILES, parts=lambda: [
        *(Part(f"f{n}", b"x") for n in range(1001)), Part("file", PDF, filename="report.pdf")]),
    Case("oversized-text-field", None, b"", 413, TEXT_TOO_LONG, parts=lambda: [
        Part("note", b"x" * 600_000), Part("file", PDF, filename="report.pdf")]),
    Case("text-fields-over-budget-together", None, b"", 413, TEXT_TOO_LONG, parts=lambda: [
        *(Part(f"f{n}", b"x" * 1000) for n in range(600)), Part("file", PDF, filename="report.pdf")]),
    Case("oversized-text-field-after-file", None, b"", 413, TEXT_TOO_LONG, parts=lambda: [
        Part("file", PDF, filename="report.pdf"), Part("note", b"x" * 600_000)]),
    Case("unexpected-file-field", None, b"", 400, "The form sent a file we did not expect",
         parts=lambda: [Part("avatar", PDF, filename="report.pdf")]),
    Case("browser-claims-html-type", None, b"", ACCEPTED, "report.pdf", parts=lambda: [
        Part("file", PDF, filename="report.pdf", content_type="text/html")]),
    Case("empty-form", None, b"", 400, CHOOSE_A_FILE, parts=lambda: []),
    Case("not-multipart", None, b"", 400, NOT_UNDERSTOOD,
         raw=lambda: (b"file=" + PDF, "application/x-www-form-urlencoded")),
    # Bytes that belong to no part must not pile up in memory (up to the body limit).
    Case("endless-preamble", None, b"", 400, NOT_UNDERSTOOD,
         raw=lambda: (b"A" * (3 * 1024**2) + multipart([Part("file", PDF, filename="a.pdf")])[0],
                      multipart([])[1])),
    Case("endless-part-header", None, b"", 400, NOT_UNDERSTOOD, raw=lambda: (
        part_head(Part("file", b"", filename="a.pdf"))[:-2] + b"X-Filler: " + b"A" * (3 * 1024**2),
        multipart([])[1])),
    Case("giant-epilogue", None, b"", 400, NOT_UNDERSTOOD, raw=lambda: (
        multipart([Part("file", PDF, filename="a.pdf")])[0] + b"A" * (3 * 1024**2), multipart([])[1])),
    Case("truncated-body", None, b"", 400, "was cut off before it finished",
         raw=lambda: (multipart([Part("file", PDF, filename="report.pdf")])[0][:-40],
                      multipart([])[1])),
]


def test_case_names_are_unique():
    names = [case.name for case in CASES]
    assert len(names) == len(set(names))


# ---------------------------------------------------------------------------
# The world: one packet, one app per config, CSRF off or on
# ---------------------------------------------------------------------------


class World:
    def __init__(self, root: Path, csrf: bool) -> None:
        self.root = root
        self.csrf = csrf
        self._apps: dict[tuple[tuple[str, Any], ...], tuple[Flask, FlaskClient, str | None]] = {}
        app, client, token = self.client()
        helper = PacketHelper(app, client)
        self.packet_id = helper.create(**({"csrf_token": token or ""} if csrf else {}))
        self.item_id = helper.item_id(self.packet_id, "pathology_reports")

    def client(self, config: dict[str, Any] | None = None) -> tuple[Flask, FlaskClient, str | None]:
        """The app for this config (all share one database and one file store)."""
        key = tuple(sorted((config or {}).items()))
        if key not in self._apps:
            app = create_app(self.root, dict(config or {}), csrf=self.csrf)
            if not self._apps:
                _reset_database(app)  # once: later apps share this database
            client = app.test_client()
            client.get("/test-login/p-maria")
            token = None
            if self.csrf:
                page = client.get(f"{BASE}/new").get_data(as_text=True)
                token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            self._apps[key] = (app, client, token)
        return self._apps[key]

    def dispose(self) -> None:
        for app, _client, _token in self._apps.values():
            with app.app_context():
                current_secondop.records.engine.dispose()


@pytest.fixture(scope="module", params=[False, True], ids=["csrf-off", "csrf-on"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = World(tmp_path_factory.mktemp("hostile"), csrf=request.param)
    yield w
    w.dispose()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_upload(world: World, case: Case, monkeypatch: pytest.MonkeyPatch,
                        tmp_path: Path) -> None:
    app, client, token = world.client(case.config)
    body, content_type = case.request_body()
    documents = PacketHelper(app, client)
    before = snapshot(app)
    documents_before = {d.id for d in documents.all(Document)}
    with watch_spooling(monkeypatch, tmp_path / "system-tmp") as spool:
        response = client.post(
            f"{BASE}/{world.packet_id}/items/{world.item_id}/upload",
            data=body, content_type=content_type,
            headers={"X-CSRFToken": token} if token else {},
        )
        page = html.unescape(response.get_data(as_text=True))
    after = snapshot(app)

    assert response.status_code == case.status, page[-2000:]
    assert spool.calls == [] and spool.leftovers() == [], "Werkzeug spooled the body itself"
    assert after.temps == [], "temporary parts left in the store's tmp/"
    if case.status != ACCEPTED:
        assert "The file was not added" in page and case.expect in page
        assert after.rows == before.rows
        assert after.objects == before.objects
        return
    (new,) = [d for d in documents.all(Document) if d.id not in documents_before]
    assert new.display_name == case.expect
    assert STORAGE_KEY.match(new.storage_key), "the storage key is ours, never the user's name"
    changed = {t: after.rows[t] - before.rows.get(t, 0) for t in after.rows if after.rows[t] != before.rows.get(t)}
    assert changed == {Document.__tablename__: 1}
    (added,) = set(after.objects) - set(before.objects)
    assert added.name == new.storage_key and added.parent.parent.name == "objects"


@pytest.mark.parametrize("where", ["header", "form-field-before-file", "form-field-after-file", "none",
                                   "valid-token-after-file"])
def test_bad_csrf_token_leaves_nothing(world: World, where: str, monkeypatch: pytest.MonkeyPatch,
                                       tmp_path: Path) -> None:
    """With the host's CSRF on, a forged request is refused (400) wherever its
    token sits, before or after the file, and leaves nothing behind. So is a
    valid token sent after the file (issue 13, finding 8): the first file part
    must find the token already there."""
    if not world.csrf:
        pytest.skip("only with the host's CSRF protection on")
    app, client, token = world.client()
    file_part = Part("file", PDF + bytes(1024**2), filename="report.pdf")
    forged = Part("csrf_token", b"forged-token")
    parts = {"header": [file_part], "form-field-before-file": [forged, file_part],
             "form-field-after-file": [file_part, forged], "none": [file_part],
             "valid-token-after-file": [file_part, Part("csrf_token", (token or "").encode())]}[where]
    body, content_type = multipart(parts)
    before = snapshot(app)
    with watch_spooling(monkeypatch, tmp_path / "system-tmp") as spool:
        response = client.post(f"{BASE}/{world.packet_id}/items/{world.item_id}/upload", data=body,
                               content_type=content_type,
                               headers={"X-CSRFToken": "forged-token"} if where == "header" else {})
    assert response.status_code == 400
    assert snapshot(app) == before
    assert spool.calls == [] and spool.leftovers() == []


class _Generated(io.RawIOBase):
    """A request body made on the fly: ``head``, then ``size`` filler bytes."""

    def __init__(self, head: bytes, size: int) -> None:
        self.head = head
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        n = min(len(buffer), self.left)
        buffer[:n] = b"A" * n
        self.left -= n
        return n


@pytest.mark.parametrize("where", ["preamble", "part-header", "epilogue"])
def test_bytes_outside_any_part_are_never_held_in_memory(world: World, where: str) -> None:
    """32 MB that belong to no part (before the first boundary, inside a part's
    headers, after the last boundary): refused, and never kept in memory."""
    import tracemalloc

    app, client, token = world.client()
    size = 32 * 1024**2
    whole, content_type = multipart([Part("file", PDF, filename="a.pdf")])
    head = {"preamble": b"", "part-header": part_head(Part("file", b"", filename="a.pdf"))[:-2],
            "epilogue": whole}[where]
    before = snapshot(app)
    tracemalloc.start()
    try:
        response = client.post(
            f"{BASE}/{world.packet_id}/items/{world.item_id}/upload",
            data=b"", content_type=content_type, headers={"X-CSRFToken": token} if token else {},
            # The test client would measure a stream by seeking to its end: hand it to WSGI as is.
            environ_overrides={"wsgi.input": io.BufferedReader(_Generated(head, size)),
                               "CONTENT_LENGTH": str(len(head) + size)},
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert NOT_UNDERSTOOD in html.unescape(response.get_data(as_text=True))
    assert peak < 8 * 1024**2, f"{peak // 1024**2} MB held for a 32 MB body outside any part"
    assert snapshot(app) == before
