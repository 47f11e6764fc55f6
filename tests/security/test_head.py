"""Issue 13, finding 6: ``HEAD`` on a download does no export work and
records no export.

Flask answers ``HEAD`` by running the ``GET`` view and dropping the body, so
before the fix a ``HEAD`` made the whole PDF or ZIP (and read every stored
file) and recorded a successful export. Each download is tried here with one
stored file damaged on disk: a ``HEAD`` that read it would answer 409, and
WeasyPrint logs each PDF it makes, so neither can happen unseen.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.compare.models import Opinion, Worksheet
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Document, Facility

from ..packet.conftest import PacketHelper
from ..uploads import samples


@pytest.fixture
def downloads(app: Flask, client: FlaskClient, tmp_path: Path) -> dict[str, str]:
    """Every download of Maria's records, one stored file damaged on disk."""
    packets = PacketHelper(app, client)
    client.get("/test-login/p-maria")
    packet_id = packets.create()
    packets.upload(packet_id, "pathology_reports", [(samples.pdf_bytes(1), "Report.pdf")])
    document = packets.all(Document, packet_id=packet_id)[0]
    stored = tmp_path / "files" / "objects" / document.storage_key[:2] / document.storage_key
    stored.write_bytes(b"X" + stored.read_bytes()[1:])  # same size, other bytes
    with app.app_context():
        records = current_secondop.records
        facility = records.add("p-maria", Facility(packet_id=packet_id, name="General Hospital",
                                                   version=1))
        worksheet = records.add("p-maria", Worksheet(title="Choice", marks={}, version=1))
        records.flush()
        for n in (1, 2):
            opinion = Opinion(position=n, doctor=f"Dr {n}", plan=f"Plan {n}")
            worksheet.opinions.append(opinion)
            records.add("p-maria", opinion)
        records.commit()
        facility_id, worksheet_id = facility.id, worksheet.id
    base = f"/second-opinion/packet/{packet_id}"
    return {
        "summary PDF": f"{base}/export/summary.pdf",
        "packet ZIP": f"{base}/export/packet.zip",
        "FHIR bundle": f"{base}/export/packet.fhir.json",
        "records letter PDF": f"{base}/requests/{facility_id}/letter.pdf",
        "file download": f"{base}/documents/{document.id}/download",
        "comparison PDF": f"/second-opinion/compare/{worksheet_id}/comparison.pdf",
        "comparison letter PDF": f"/second-opinion/compare/{worksheet_id}/letter.pdf",
    }


@pytest.mark.parametrize("name", [
    "summary PDF", "packet ZIP", "FHIR bundle", "records letter PDF", "file download", "comparison PDF",
    "comparison letter PDF",
])
def test_head_on_a_download_does_no_export_work_and_records_no_export(
    name: str, downloads: dict[str, str], client: FlaskClient, audit_log: list[Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    del audit_log[:]
    with caplog.at_level(logging.DEBUG):
        response = client.head(downloads[name])
    assert response.status_code == 200, name
    assert response.get_data() == b""
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert [(e.action, e.outcome) for e in audit_log] == [("view", "success")], name
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")], name
    assert "rendering PDF" not in caplog.text


def test_head_of_a_file_download_gives_its_length_without_reading_it(
    downloads: dict[str, str], client: FlaskClient
) -> None:
    response = client.head(downloads["file download"])
    assert response.status_code == 200 and int(response.headers["Content-Length"]) > 0
    assert client.get(downloads["file download"]).status_code == 409  # GET does read it


def test_head_on_another_patients_download_is_a_404(
    downloads: dict[str, str], client: FlaskClient, audit_log: list[Any]
) -> None:
    client.get("/test-login/p-lee")
    for name, url in downloads.items():
        del audit_log[:]
        assert client.head(url).status_code == 404, name
        assert [e.outcome for e in audit_log] == ["not_found"], name
