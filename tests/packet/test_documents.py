"""Uploads attached to checklist items, downloads through the document's own
route (verified first), deletes (row first, then bytes)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Document

from ..conftest import _reset_database
from ..fake_host import create_app
from .conftest import BASE, PacketHelper


def _object_path(tmp_path: Path, key: str) -> Path:
    return tmp_path / "files" / "objects" / key[:2] / key


def _stored_files(tmp_path: Path) -> list[Path]:
    return [p for p in (tmp_path / "files").rglob("*") if p.is_file()]


def test_upload_pdf_and_dicom_zip(client, auth, packets, sample_pdf, sample_dicom_zip, audit_log):
    auth.login("p-maria")
    packet_id = packets.create()
    response = packets.upload(
        packet_id, "pathology_reports", [(sample_pdf, "Informe de patología.pdf")]
    )
    assert response.status_code == 303
    response = packets.upload(packet_id, "imaging_files", [(sample_dicom_zip, "CT chest 2024.zip")])
    assert response.status_code == 303
    assert [(e.action, e.outcome) for e in audit_log[-2:]] == [("upload", "success")] * 2
    docs = packets.all(Document, packet_id=packet_id)
    assert [(d.display_name, d.kind, d.mimetype) for d in docs] == [
        ("Informe de patología.pdf", "pdf", "application/pdf"),
        ("CT chest 2024.zip", "dicom-zip", "application/zip"),
    ]
    assert docs[0].sha256 == hashlib.sha256(sample_pdf).hexdigest() and docs[0].size == len(
        sample_pdf
    )
    assert docs[0].patient_id == "p-maria"
    item_id = packets.item_id(packet_id, "pathology_reports")
    html = client.get(f"{BASE}/{packet_id}/items/{item_id}").get_data(as_text=True)
    assert "Informe de patología.pdf" in html
    assert docs[0].storage_key not in html  # the key never reaches a page or URL


def test_upload_several_files_at_once(client, auth, packets, sample_pdf):
    auth.login("p-maria")
    packet_id = packets.create()
    response = packets.upload(
        packet_id, "clinic_notes", [(sample_pdf, "a.pdf"), (sample_pdf, "b.pdf")]
    )
    assert response.status_code == 303
    assert len(packets.all(Document, packet_id=packet_id)) == 2


def test_upload_refused_by_content_stores_nothing(client, auth, packets, tmp_path, audit_log):
    auth.login("p-maria")
    packet_id = packets.create()
    response = packets.upload(
        packet_id, "clinic_notes", [(b"MZ\x90\x00 not really a pdf" * 40, "notes.pdf")]
    )
    assert response.status_code == 415
    html = response.get_data(as_text=True)
    assert "The file was not added" in html
    assert packets.all(Document, packet_id=packet_id) == []
    assert _stored_files(tmp_path) == []
    assert audit_log[-1].outcome == "invalid"


def test_upload_too_large_answers_413(tmp_path, sample_pdf):
    app = create_app(tmp_path, {"SECONDOP_MAX_UPLOAD_BYTES": 1000})
    _reset_database(app)
    client = app.test_client()
    client.get("/test-login/p-maria")
    helper = PacketHelper(app, client)
    packet_id = helper.create()
    response = helper.upload(packet_id, "clinic_notes", [(sample_pdf + b"\0" * 2000, "big.pdf")])
    assert response.status_code == 413
    assert helper.all(Document) == [] and _stored_files(tmp_path) == []


def test_database_failure_discards_the_stored_files(
    client, auth, packets, app, tmp_path, sample_pdf, monkeypatch
):
    auth.login("p-maria")
    packet_id = packets.create()
    with app.app_context():
        records = current_secondop.records

    def broken_commit() -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(records, "commit", broken_commit)
    app.testing = False  # let the 500 page answer instead of raising into the test
    response = packets.upload(packet_id, "clinic_notes", [(sample_pdf, "a.pdf")])
    assert response.status_code == 500
    monkeypatch.undo()
    assert packets.all(Document, packet_id=packet_id) == []
    assert _stored_files(tmp_path) == []


def test_upload_checks_csrf_itself(tmp_path, sample_pdf):
    app = create_app(tmp_path, csrf=True)
    _reset_database(app)
    client = app.test_client()
    client.get("/test-login/p-maria")
    page = client.get(f"{BASE}/new").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        f"{BASE}/new", data={"center_name": "X", "version": "0", "csrf_token": token}
    )
    packet_id = int(response.location.rsplit("/", 1)[-1])
    helper = PacketHelper(app, client)
    assert helper.upload(packet_id, "clinic_notes", [(sample_pdf, "a.pdf")]).status_code == 400
    assert helper.all(Document) == [] and _stored_files(tmp_path) == []
    response = helper.upload(
        packet_id, "clinic_notes", [(sample_pdf, "a.pdf")], headers={"X-CSRFToken": token}
    )
    assert response.status_code == 303
    assert len(helper.all(Document)) == 1


def test_download_is_verified_attachment(client, auth, packets, sample_pdf, audit_log):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.upload(packet_id, "pathology_reports", [(sample_pdf, "Отчёт.pdf")])
    doc = packets.all(Document, packet_id=packet_id)[0]
    response = client.get(f"{BASE}/{packet_id}/documents/{doc.id}/download")
    assert response.status_code == 200
    assert response.data == sample_pdf
    assert response.mimetype == "application/pdf"
    assert (
        "filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82.pdf"
        in response.headers["Content-Disposition"]
    )
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert (audit_log[-1].action, audit_log[-1].outcome, audit_log[-1].object_id) == (
        "download",
        "success",
        str(doc.id),
    )


@pytest.mark.parametrize("damage", ["flip", "truncate", "missing"])
def test_corrupted_file_is_reported_never_served(
    client, auth, packets, sample_pdf, tmp_path, audit_log, damage
):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.upload(packet_id, "pathology_reports", [(sample_pdf, "report.pdf")])
    doc = packets.all(Document, packet_id=packet_id)[0]
    path = _object_path(tmp_path, doc.storage_key)
    if damage == "flip":
        data = bytearray(path.read_bytes())
        data[20] ^= 0xFF
        path.write_bytes(bytes(data))
    elif damage == "truncate":
        path.write_bytes(path.read_bytes()[:-10])
    else:
        path.unlink()
    response = client.get(f"{BASE}/{packet_id}/documents/{doc.id}/download")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "A stored file is damaged" in html and "report.pdf" in html
    assert b"%PDF" not in response.data
    assert (audit_log[-1].action, audit_log[-1].outcome) == ("download", "error")


def test_delete_document_row_then_bytes(client, auth, packets, sample_pdf, tmp_path, audit_log):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.upload(packet_id, "clinic_notes", [(sample_pdf, "notes.pdf")])
    doc = packets.all(Document, packet_id=packet_id)[0]
    assert client.get(f"{BASE}/{packet_id}/documents/{doc.id}/delete").status_code == 200
    assert _object_path(tmp_path, doc.storage_key).exists()  # GET changes nothing
    response = client.post(f"{BASE}/{packet_id}/documents/{doc.id}/delete")
    assert response.status_code == 302
    assert packets.all(Document, packet_id=packet_id) == []
    assert not _object_path(tmp_path, doc.storage_key).exists()
    assert (audit_log[-1].action, audit_log[-1].object_id) == ("delete", str(doc.id))


def test_failed_delete_commit_keeps_the_bytes(
    client, auth, packets, sample_pdf, tmp_path, app, monkeypatch
):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.upload(packet_id, "clinic_notes", [(sample_pdf, "notes.pdf")])
    doc = packets.all(Document, packet_id=packet_id)[0]
    with app.app_context():
        records = current_secondop.records

    def broken_commit() -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(records, "commit", broken_commit)
    app.testing = False
    assert client.post(f"{BASE}/{packet_id}/documents/{doc.id}/delete").status_code == 500
    monkeypatch.undo()
    assert len(packets.all(Document, packet_id=packet_id)) == 1
    assert _object_path(tmp_path, doc.storage_key).exists()


def test_upload_without_a_file_asks_for_one(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    item = packets.item_id(packet_id, "clinic_notes")
    response = client.post(
        f"{BASE}/{packet_id}/items/{item}/upload",
        data={"file": (io.BytesIO(b""), "")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Please choose a file to upload." in response.get_data(as_text=True)
    assert packets.all(Document, packet_id=packet_id) == []
