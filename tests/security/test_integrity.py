"""One flipped stored byte: the download, the ZIP export and the summary PDF refuse that file.

Every stored file carries the SHA-256 and size taken when it arrived. Proved here,
through the real routes, for a single bit flipped in the middle of one stored
file (same size, so only the hash can tell):

* the document download, the packet ZIP and the summary PDF (which lists every
  file with its SHA-256 for the receiving team) each answer 409 with the page
  "A stored file is damaged" naming that file, send none of its bytes, and
  record an ``error`` audit event;
* the other, intact files of the packet still download;
* a file damaged *after* the check, while the ZIP streams, stops the stream
  before the archive's central directory: the team gets an unfinished download,
  never a well-formed ZIP holding the damaged copy.

Before this test the summary PDF was made from a packet with a damaged file,
vouching for a SHA-256 the stored bytes no longer had
(fixed in ``oncokind_secondop/packet/export/views.py``).
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from oncokind_secondop.exports.zipstream import MemberMismatch
from oncokind_secondop.packet.export import packet_zip
from oncokind_secondop.packet.models import Document

from ..packet.conftest import BASE, PacketHelper
from ..uploads import samples

DAMAGED_NAME = "Pathology report.pdf"


def _object_path(root: Path, key: str) -> Path:
    return root / "files" / "objects" / key[:2] / key


def _flip_one_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged_packet(app, client, auth, tmp_path):  # type: ignore[no-untyped-def]
    """A packet with three files, the PDF report flipped by one bit on disk."""
    packets = PacketHelper(app, client)
    auth.login("p-maria")
    packet_id = packets.create()
    packets.upload(packet_id, "pathology_reports", [(samples.pdf_bytes(2), DAMAGED_NAME)])
    packets.upload(packet_id, "clinic_notes", [(samples.pdf_bytes(1), "Clinic note.pdf")])
    packets.upload(packet_id, "imaging_files", [(samples.dicom_zip(2), "CT chest.zip")])
    documents = {d.display_name: d for d in packets.all(Document, packet_id=packet_id)}
    path = _object_path(tmp_path, documents[DAMAGED_NAME].storage_key)
    original = path.read_bytes()
    _flip_one_bit(path)
    assert len(path.read_bytes()) == len(original) and path.read_bytes() != original
    return packet_id, documents, original


EXPORTS = {
    "download": lambda pid, docs: f"{BASE}/{pid}/documents/{docs[DAMAGED_NAME].id}/download",
    "zip-export": lambda pid, docs: f"{BASE}/{pid}/export/packet.zip",
    "summary-pdf": lambda pid, docs: f"{BASE}/{pid}/export/summary.pdf",
    "fhir-export": lambda pid, docs: f"{BASE}/{pid}/export/packet.fhir.json",
}
AUDIT_ACTION = {"download": "download", "zip-export": "export", "summary-pdf": "export",
                "fhir-export": "export"}


@pytest.mark.parametrize("route", list(EXPORTS))
def test_one_flipped_byte_is_refused_with_a_clear_message(client, damaged_packet, audit_log, route):
    packet_id, documents, original = damaged_packet
    del audit_log[:]
    response = client.get(EXPORTS[route](packet_id, documents))
    assert response.status_code == 409
    assert response.mimetype == "text/html" and "Content-Disposition" not in response.headers
    page = response.get_data(as_text=True)
    assert "A stored file is damaged" in page and DAMAGED_NAME in page
    assert "Please delete the damaged file and upload it again" in page
    assert ("ZIP file was not made" in page) == (route == "zip-export")
    assert "Clinic note.pdf" not in page and "CT chest.zip" not in page  # only the damaged one
    assert original[len(original) // 2 - 8:len(original) // 2 + 8] not in response.data
    assert [(e.action, e.outcome) for e in audit_log] == [(AUDIT_ACTION[route], "error")]


def test_intact_files_still_download(client, damaged_packet):
    packet_id, documents, _original = damaged_packet
    for name in ("Clinic note.pdf", "CT chest.zip"):
        response = client.get(f"{BASE}/{packet_id}/documents/{documents[name].id}/download")
        assert response.status_code == 200 and response.headers["Content-Disposition"].startswith(
            "attachment;")


def test_undamaged_packet_exports(client, damaged_packet, tmp_path):
    """The same packet exports again once the bytes are right (the check is not stuck)."""
    packet_id, documents, original = damaged_packet
    _object_path(tmp_path, documents[DAMAGED_NAME].storage_key).write_bytes(original)
    assert client.get(f"{BASE}/{packet_id}/export/summary.pdf").status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{BASE}/{packet_id}/export/packet.zip").data))
    # README.TXT, INDEX.HTM, index, manifest, FHIR bundle, SHA256SUMS, summary,
    # full-text.html (issue 13) and the three files
    assert archive.testzip() is None and len(archive.namelist()) == 11


def test_damage_while_the_zip_streams_stops_it(client, damaged_packet, tmp_path, monkeypatch):
    packet_id, documents, original = damaged_packet
    path = _object_path(tmp_path, documents[DAMAGED_NAME].storage_key)
    path.write_bytes(original)  # intact when checked...
    check = packet_zip.verify_all

    def check_then_damage(store, docs):  # type: ignore[no-untyped-def]
        sha1s = check(store, docs)
        _flip_one_bit(path)  # ...damaged before its turn in the stream
        return sha1s

    monkeypatch.setattr(packet_zip, "verify_all", check_then_damage)
    response = client.get(f"{BASE}/{packet_id}/export/packet.zip", buffered=False)
    assert response.status_code == 200  # headers went out before the damage could be seen
    received = bytearray()
    with pytest.raises(MemberMismatch):
        for chunk in response.response:
            received += chunk
    assert len(received) < response.content_length
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(bytes(received)))
