"""Issue 13, finding 12: private stays private.

The side-by-side page says "Your private notes are not compared", yet each
opinion's private note was printed word for word in the comparison PDF that
patients hand to their doctors. Now nothing labelled private leaves the
patient's own pages unless the patient ticks "Include my private notes" for
that one export (the comparison PDF); letters and the packet ZIP never carry it.

A canary in every private note is looked for in every export: each PDF's text
and bytes, the ZIP's bytes, member names and unpacked members (the PDF inside
it too), the letters (page and PDF).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from oncokind_secondop.compare.models import Opinion, Worksheet
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Facility

from ..packet.conftest import PacketHelper
from ..uploads import samples

CANARY = "PrivNoteCanary7Q3Z"


def _pdf_text(data: bytes) -> str:
    """The pages' text and the embedded files (compressed streams)."""
    reader = PdfReader(io.BytesIO(data))
    embedded = [d.decode("utf-8", "replace") for datas in reader.attachments.values() for d in datas]
    return "".join("".join(page.extract_text().split()) for page in reader.pages) + "".join(embedded)


def _holds_canary(data: bytes) -> bool:
    if CANARY.encode() in data:
        return True
    if data.startswith(b"%PDF"):
        return CANARY in _pdf_text(data)
    if data.startswith(b"PK"):
        archive = zipfile.ZipFile(io.BytesIO(data))
        return any(CANARY in name or _holds_canary(archive.read(name))
                   for name in archive.namelist())
    return False


@pytest.fixture
def world(app: Flask, client: FlaskClient) -> dict[str, Any]:
    """Maria's packet (a file, a records request) and a worksheet whose every
    opinion has the canary in its private notes."""
    client.get("/test-login/p-maria")
    packets = PacketHelper(app, client)
    packet_id = packets.create()
    packets.upload(packet_id, "pathology_reports", [(samples.pdf_bytes(1), "Report.pdf")])
    with app.app_context():
        records = current_secondop.records
        facility = records.add("p-maria", Facility(packet_id=packet_id, name="General Hospital",
                                                   version=1))
        worksheet = records.add("p-maria", Worksheet(title="Choice", marks={}, version=1))
        records.flush()
        for n in (1, 2, 3):
            opinion = Opinion(position=n, doctor=f"Dr {n}", plan=f"Plan {n}",
                              diagnosis=f"Diagnosis {n}",
                              patient_notes=f"{CANARY} I felt rushed at visit {n}.")
            worksheet.opinions.append(opinion)
            records.add("p-maria", opinion)
        records.commit()
        return {"packet": packet_id, "facility": facility.id, "worksheet": worksheet.id}


def test_private_notes_leave_no_export_unless_the_patient_ticks_the_choice(
    world: dict[str, Any], client: FlaskClient
) -> None:
    packet = f"/second-opinion/packet/{world['packet']}"
    worksheet = f"/second-opinion/compare/{world['worksheet']}"
    # The patient's own pages show them: the canary is really there.
    assert CANARY in client.get(f"{worksheet}/side-by-side").get_data(as_text=True)
    exports = {
        "summary PDF": f"{packet}/export/summary.pdf",
        "packet ZIP": f"{packet}/export/packet.zip",
        "records letter PDF": f"{packet}/requests/{world['facility']}/letter.pdf",
        "records letter page": f"{packet}/requests/{world['facility']}/letter",
        "comparison PDF": f"{worksheet}/comparison.pdf",
        "comparison PDF, choice not ticked": f"{worksheet}/comparison.pdf?private_notes=",
        "comparison PDF, anything but yes": f"{worksheet}/comparison.pdf?private_notes=on",
        "comparison letter page": f"{worksheet}/letter",
        "comparison letter PDF": f"{worksheet}/letter.pdf",
        "comparison letter PDF, even if asked": f"{worksheet}/letter.pdf?private_notes=yes",
        "packet ZIP, even if asked": f"{packet}/export/packet.zip?private_notes=yes",
    }
    for name, url in exports.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert not _holds_canary(response.get_data()), name
        assert CANARY not in response.headers.get("Content-Disposition", ""), name
    learn = client.post("/second-opinion/learn/records-letter", data={
        "patient_name": "Maria Lopez", "date_of_birth": "1968-04-02",
        "facility": "General Hospital", "items": ["pathology_reports"], "format": "electronic",
        "send_to": "me", "address": "12 Oak Street", "contact": "555-0147", "action": "pdf",
    })
    assert learn.status_code == 200 and learn.data.startswith(b"%PDF")
    assert not _holds_canary(learn.data)


def test_the_comparison_pdf_has_private_notes_only_when_the_patient_ticks_the_choice(
    world: dict[str, Any], client: FlaskClient
) -> None:
    worksheet = f"/second-opinion/compare/{world['worksheet']}"
    page = client.get(f"{worksheet}/side-by-side").get_data(as_text=True)
    # An unticked choice on the page that offers the PDF.
    assert 'name="private_notes" value="yes"' in page
    assert 'name="private_notes" value="yes" checked' not in page
    assert "Include my private notes" in page
    without = _pdf_text(client.get(f"{worksheet}/comparison.pdf").data)
    assert CANARY not in without and "Thepatient'sprivatenotesarenotinthisPDF." in without
    asked = _pdf_text(client.get(f"{worksheet}/comparison.pdf?private_notes=yes").data)
    assert asked.count(CANARY) == 3
    assert "ThisPDFincludesthepatient'sprivatenotes" in asked
