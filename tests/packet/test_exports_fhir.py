"""The FHIR R4 document bundle (``packet.fhir.json``): downloaded alone and
in the ZIP, valid against the ``fhir.resources`` R4B models (R4's technical
correction; see pyproject.toml), with a DocumentReference per file whose
SHA-1 ``hash`` and SHA-256 identifier match the stored bytes."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from oncokind_secondop.adapters import PatientRef
from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.packet.export import fhir
from oncokind_secondop.packet.export.packet_zip import PlannedFile
from oncokind_secondop.packet.models import ChecklistItem, Document

from .conftest import BASE
from .test_exports import _fill


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _stored_bytes(tmp_path: Path, doc: Document) -> bytes:
    return (Path(tmp_path) / "files" / "objects" / doc.storage_key[:2] / doc.storage_key).read_bytes()


def test_fhir_bundle_downloads_alone_as_a_valid_r4_document(
    client, auth, packets, sample_pdf, sample_dicom_zip, audit_log, tmp_path
):
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    del audit_log[:]
    response = client.get(f"{BASE}/{packet_id}/export/packet.fhir.json")
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "packet.fhir.json" in response.headers["Content-Disposition"]
    assert [(e.action, e.category, e.outcome, e.recipient) for e in audit_log] == [
        ("export", "packet_export", "success", "City Cancer Center")
    ]
    Bundle.model_validate_json(response.data)  # raises on anything R4(B) does not allow
    bundle = json.loads(response.data)
    assert bundle["type"] == "document" and bundle["timestamp"]
    assert bundle["identifier"]["system"] and bundle["identifier"]["value"].startswith("urn:uuid:")

    # Every entry has a unique urn:uuid fullUrl, and every reference points at one.
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls) and all(u.startswith("urn:uuid:") for u in urls)
    references = [m for m in _all_references(bundle)]
    assert references and all(r in urls for r in references)

    # Composition first, then the Patient as the host gives it.
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[:2] == ["Composition", "Patient"] and kinds[2:] == ["DocumentReference"] * 4
    composition = bundle["entry"][0]["resource"]
    patient_url = bundle["entry"][1]["fullUrl"]
    assert bundle["entry"][1]["resource"]["name"] == [{"text": "Maria Lopez"}]
    assert bundle["entry"][1]["resource"]["birthDate"] == "1968-04-02"
    assert composition["subject"]["reference"] == patient_url
    assert composition["status"] == "final" and "City Cancer Center" in composition["title"]
    questions, checklist, timeline = composition["section"]
    assert "Is surgery the best first step?" in questions["text"]["div"]
    assert "Lump found" in timeline["text"]["div"] and "2024-03-14" in timeline["text"]["div"]
    assert "<p>" in timeline["text"]["div"] or "<li>" in timeline["text"]["div"]

    # The checklist: one sub-section per item, its status coded, its files referenced.
    items = packets.all(ChecklistItem, packet_id=packet_id)
    by_key = {s["code"]["coding"][0]["code"]: s for s in checklist["section"]}
    assert set(by_key) == {item.key for item in items}
    for item in items:
        status = by_key[item.key]["extension"][0]["valueCoding"]
        assert status["system"] == fhir.STATUS_SYSTEM and status["code"] == item.status
    assert by_key["pathology_reports"]["extension"][0]["valueCoding"]["display"] == "Received"
    assert by_key["operative_notes"]["extension"][0]["valueCoding"]["display"] == "Does not apply to me"
    doc_urls = {e["fullUrl"]: e["resource"] for e in bundle["entry"][2:]}
    referenced = [r["reference"] for s in checklist["section"] for r in s.get("entry", [])]
    assert sorted(referenced) == sorted(doc_urls)
    assert len(by_key["pathology_reports"]["entry"]) == 2

    # One DocumentReference per stored file: type, size, SHA-1 hash, SHA-256 identifier.
    documents = packets.all(Document, packet_id=packet_id)
    refs = {r["content"][0]["attachment"]["title"]: r for r in _resources(bundle, "DocumentReference")}
    assert len(refs) == len(documents)
    for doc in documents:
        ref = refs[doc.display_name]
        assert ref["identifier"] == [{"system": "urn:ietf:rfc:3986", "value": f"nih:sha-256;{doc.sha256}"}]
        data = _stored_bytes(tmp_path, doc)
        attachment = ref["content"][0]["attachment"]
        assert attachment["hash"] == base64.b64encode(hashlib.sha1(data).digest()).decode()
        assert attachment["size"] == len(data) == doc.size
        assert attachment["contentType"] == doc.mimetype
        assert attachment["title"] == doc.display_name
        assert attachment["creation"] and ref["date"]
        assert ref["subject"]["reference"] == patient_url and ref["status"] == "current"
        item = next(i for i in items if i.id == doc.item_id)
        assert ref["category"][0]["coding"][0]["code"] == item.key


def _all_references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for value in node.values() for r in _all_references(value)]
    if isinstance(node, list):
        return [r for value in node for r in _all_references(value)]
    return []


def test_the_zip_holds_the_same_bundle_at_its_root(
    client, auth, packets, sample_pdf, sample_dicom_zip
):
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{BASE}/{packet_id}/export/packet.zip").get_data()))
    data = archive.read("packet.fhir.json")
    Bundle.model_validate_json(data)
    bundle = json.loads(data)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["fhir"] == {
        "path": "packet.fhir.json", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()
    }
    # Each DocumentReference's url is the file's path in the ZIP, and the hash is its bytes'.
    from urllib.parse import unquote

    for ref in _resources(bundle, "DocumentReference"):
        attachment = ref["content"][0]["attachment"]
        member = archive.read(unquote(attachment["url"]))
        assert attachment["hash"] == base64.b64encode(hashlib.sha1(member).digest()).decode()
        assert ref["identifier"][0]["value"] == "nih:sha-256;" + hashlib.sha256(member).hexdigest()
    alone = json.loads(client.get(f"{BASE}/{packet_id}/export/packet.fhir.json").data)
    hashes = sorted(r["content"][0]["attachment"]["hash"] for r in _resources(alone, "DocumentReference"))
    assert hashes == sorted(r["content"][0]["attachment"]["hash"]
                            for r in _resources(bundle, "DocumentReference"))


def test_a_damaged_file_stops_the_bundle_with_the_damaged_files_page(
    client, auth, packets, sample_pdf, sample_dicom_zip, audit_log, tmp_path
):
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    doc = packets.all(Document, packet_id=packet_id)[2]
    path = Path(tmp_path) / "files" / "objects" / doc.storage_key[:2] / doc.storage_key
    path.write_bytes(b"x" * doc.size)
    del audit_log[:]
    response = client.get(f"{BASE}/{packet_id}/export/packet.fhir.json")
    assert response.status_code == 409 and response.mimetype == "text/html"
    assert "Content-Disposition" not in response.headers
    html = response.get_data(as_text=True)
    assert "A stored file is damaged" in html and "CT chest.zip" in html
    assert [(e.action, e.outcome) for e in audit_log] == [("export", "error")]


@pytest.mark.parametrize("export, reads_per_file", [
    ("packet.fhir.json", 1),  # the check's read gives the SHA-1 too
    ("summary.pdf", 1),
    ("packet.zip", 2),  # the check, then the stream (as before the bundle)
])
def test_each_stored_file_is_read_once_by_the_check(
    client, auth, packets, sample_pdf, sample_dicom_zip, monkeypatch, export, reads_per_file
):
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    opened: list[str] = []
    real_open = LocalFileStore.open

    def counting_open(self, key):  # type: ignore[no-untyped-def]
        opened.append(key)
        return real_open(self, key)

    monkeypatch.setattr(LocalFileStore, "open", counting_open)
    response = client.get(f"{BASE}/{packet_id}/export/{export}")
    assert response.status_code == 200
    response.get_data()
    keys = [d.storage_key for d in packets.all(Document, packet_id=packet_id)]
    assert sorted(opened) == sorted(keys * reads_per_file)


def test_empty_packet_bundle_is_valid(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create(consult_questions="")
    data = client.get(f"{BASE}/{packet_id}/export/packet.fhir.json").data
    Bundle.model_validate_json(data)
    bundle = json.loads(data)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Composition", "Patient"]
    questions = bundle["entry"][0]["resource"]["section"][0]
    assert "None written yet." in questions["text"]["div"]


def test_bundle_needs_no_acting_patient_and_leaves_out_a_size_r4_cannot_hold(app):
    """Built from plain values (no logged-in patient, no ``acting()``), as a
    shared view will call it; the request is only the host's locale selector.
    A file over 2^31 - 1 bytes (an imaging archive can be) keeps its hash
    and identifier but no size: R4's unsignedInt stops there."""
    uploaded = datetime(2026, 10, 2, 9, 30)  # naive, as SQLite gives it back: read as UTC
    item = SimpleNamespace(id=7, key="imaging_files", status="received", requested_on=None,
                           received_on=date(2026, 10, 2), notes="Two <discs> & a note",
                           documents=[])
    big = SimpleNamespace(id=3, item_id=7, display_name="CT <chest>.zip", mimetype="application/zip",
                          size=3 * 1024**3, sha256="ab" * 32, uploaded_at=uploaded)
    item.documents.append(big)
    contents = SimpleNamespace(
        packet=SimpleNamespace(consult_questions="Line one\nLine <two>", center_name=""),
        items=[item], events=[], documents=[big],
        item_titles=lambda: {7: "Imaging files"},
    )
    with app.test_request_context("/?lang=en"):
        data = fhir.fhir_bundle(
            contents,  # type: ignore[arg-type]
            PatientRef("p-x", "Ana Díaz"),
            [PlannedFile(big, "01 Imaging files/CT _chest_.zip", "01 Imaging files")],
            {3: b"\x01" * 20},
            datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
        )
    Bundle.model_validate_json(data)
    bundle = json.loads(data)
    patient = bundle["entry"][1]["resource"]
    assert patient == {"resourceType": "Patient", "name": [{"text": "Ana Díaz"}]}  # no birthDate given
    attachment = bundle["entry"][2]["resource"]["content"][0]["attachment"]
    assert "size" not in attachment and attachment["hash"] == base64.b64encode(b"\x01" * 20).decode()
    assert attachment["creation"] == "2026-10-02T09:30:00+00:00"
    assert attachment["url"] == "01%20Imaging%20files/CT%20_chest_.zip"
    composition = bundle["entry"][0]["resource"]
    div = composition["section"][1]["section"][0]["text"]["div"]
    assert "Two &lt;discs&gt; &amp; a note" in div and "<discs>" not in div  # escaped XHTML
    assert "<p>Line one</p><p>Line &lt;two&gt;</p>" in composition["section"][0]["text"]["div"]
