"""Exports: the summary PDF (tagged, identifiable, complete) and the ZIP
(folders per item, index.html, manifest.json, SHA256SUMS, every file
byte-identical). The FHIR bundle, PDF/A-3b attachments and the IHE XDM
files: test_exports_fhir.py and test_exports_xdm.py."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

from pypdf import PdfReader

from oncokind_secondop.packet.models import Document

from .conftest import BASE


def _fill(packets, sample_pdf, sample_dicom_zip) -> int:
    packet_id = packets.create("City Cancer Center")
    packets.set_status(packet_id, "pathology_reports", "received", received_on="2026-10-02")
    packets.set_status(packet_id, "operative_notes", "not_applicable")
    packets.upload(
        packet_id,
        "pathology_reports",
        [(sample_pdf, "Pathology report.pdf"), (sample_pdf, "pathology REPORT.pdf")],
    )
    packets.upload(packet_id, "imaging_files", [(sample_dicom_zip, "CT chest.zip")])
    packets.upload(packet_id, "clinic_notes", [(sample_pdf, "../../etc/passwd.pdf")])
    packets.add_event(packet_id, "Lump found", 2023, kind="symptom")
    packets.add_event(packet_id, "Core biopsy", 2024, 3, 14, kind="diagnosis")
    return packet_id


def sha256sums(archive: zipfile.ZipFile) -> dict[str, str]:
    """SHA256SUMS read back: path -> hex (plain names only: the test packets'
    paths have no backslash or line break)."""
    lines = archive.read("SHA256SUMS").decode("utf-8").splitlines()
    pairs = [line.split("  ", 1) for line in lines]
    assert all(len(p) == 2 and len(p[0]) == 64 and not p[0].startswith("\\") for p in pairs)
    return {path: digest for digest, path in pairs}


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_summary_pdf(client, auth, packets, sample_pdf, sample_dicom_zip, audit_log):
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    del audit_log[:]
    response = client.get(f"{BASE}/{packet_id}/export/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert [(e.action, e.category, e.outcome) for e in audit_log] == [
        ("export", "packet_export", "success")
    ]
    reader = PdfReader(io.BytesIO(response.data))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged for screen readers
    assert root["/Lang"]
    text = " ".join(_pdf_text(response.data).split())  # table cells wrap
    for expected in (
        "Maria Lopez",
        "April 2, 1968",
        "City Cancer Center",
        "Is surgery the best first step?",
        "Surgery, then chemotherapy",
        "Pathology reports",
        "Received",
        "Does not apply to me",
        "Lump found",
        "Mar 14, 2024",
        "Core biopsy",
        "CT chest.zip",
    ):
        assert expected in text, expected
    compact = re.sub(r"\s+", "", text)
    for doc in packets.all(Document, packet_id=packet_id):
        assert doc.sha256 in compact
    # the stylesheet was applied: the name and birth date head every page
    assert len(reader.pages) >= 2
    assert all("Maria Lopez" in page.extract_text() for page in reader.pages)


def test_zip_holds_every_file_byte_identical_with_its_manifest_hash(
    client, auth, packets, sample_pdf, sample_dicom_zip, audit_log
):
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    del audit_log[:]
    response = client.get(f"{BASE}/{packet_id}/export/packet.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.is_streamed
    body = response.get_data()
    assert int(response.headers["Content-Length"]) == len(body)
    assert [(e.action, e.outcome) for e in audit_log] == [("export", "success")]
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.testzip() is None
    names = archive.namelist()
    # The IHE XDM entry points first, then the machine-readable files, then the summary.
    assert names[:8] == ["README.TXT", "INDEX.HTM", "index.html", "manifest.json",
                         "packet.fhir.json", "SHA256SUMS", "summary.pdf", "full-text.html"]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["patient"] == {"name": "Maria Lopez", "date_of_birth": "1968-04-02"}
    assert manifest["center"] == "City Cancer Center"
    assert len(manifest["files"]) == 4
    for entry in manifest["files"]:
        data = archive.read(entry["path"])
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["size"]
    summary = archive.read("summary.pdf")
    # The summary embeds the manifest, so its hash lives in SHA256SUMS instead.
    sums = sha256sums(archive)
    assert hashlib.sha256(summary).hexdigest() == sums["summary.pdf"]
    assert "summary" not in manifest and manifest["checksums"] == "SHA256SUMS"
    assert set(sums) == set(names) - {"SHA256SUMS"}  # every other file of the ZIP
    for name, digest in sums.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    assert "Maria Lopez" in _pdf_text(summary)
    paths = [entry["path"] for entry in manifest["files"]]
    assert paths[0] == "01 Pathology reports/Pathology report.pdf"
    assert paths[1] == "01 Pathology reports/pathology REPORT (2).pdf"  # unique, case-insensitively
    assert paths[2].startswith("04 Imaging files") and paths[2].endswith("/CT chest.zip")
    assert all(".." not in p.split("/") and not p.startswith("/") for p in names)
    assert len(paths[3].split("/")) == 2  # a traversal name stays one file name inside its folder
    originals = {d.sha256 for d in packets.all(Document, packet_id=packet_id)}
    assert {entry["sha256"] for entry in manifest["files"]} == originals


def test_zip_index_opens_in_any_browser(client, auth, packets, sample_pdf, sample_dicom_zip):
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"{BASE}/{packet_id}/export/packet.zip").get_data())
    )
    index = archive.read("index.html").decode("utf-8")
    assert "<script" not in index.lower()
    assert "Maria Lopez" in index and "City Cancer Center" in index
    links = re.findall(r'href="([^"]+)"', index)
    assert "summary.pdf" in links and "manifest.json" in links
    from urllib.parse import unquote

    names = set(archive.namelist())
    file_links = [unquote(link) for link in links if "/" in link]
    assert len(file_links) == 4 and all(link in names for link in file_links)
    assert not any(link.startswith(("/", "http")) for link in links)


def test_corrupted_file_stops_the_zip_with_a_clear_message(
    client, auth, packets, sample_pdf, tmp_path, sample_dicom_zip, audit_log
):
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    doc = packets.all(Document, packet_id=packet_id)[2]
    path = Path(tmp_path) / "files" / "objects" / doc.storage_key[:2] / doc.storage_key
    path.write_bytes(b"x" * doc.size)
    response = client.get(f"{BASE}/{packet_id}/export/packet.zip")
    assert response.status_code == 409 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert (
        "A stored file is damaged" in html
        and "CT chest.zip" in html
        and "ZIP file was not made" in html
    )
    assert (audit_log[-1].action, audit_log[-1].outcome) == ("export", "error")


def test_empty_packet_exports(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    assert client.get(f"{BASE}/{packet_id}/export/summary.pdf").status_code == 200
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"{BASE}/{packet_id}/export/packet.zip").get_data())
    )
    assert archive.namelist() == ["README.TXT", "INDEX.HTM", "index.html", "manifest.json",
                                  "packet.fhir.json", "SHA256SUMS", "summary.pdf", "full-text.html"]
    assert json.loads(archive.read("manifest.json"))["files"] == []
    assert set(sha256sums(archive)) == set(archive.namelist()) - {"SHA256SUMS"}
