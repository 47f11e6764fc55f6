"""Canary strings seeded per patient: nothing Lee sees, downloads or exports,
and no log line, holds Maria's."""

from __future__ import annotations

import io
import logging
import zipfile

from pypdf import PdfReader

from .conftest import BASE

MARIA = "CanaryMariaQ7"
LEE = "CanaryLeeZ3"


def _seed(client, auth, packets, who: str, canary: str, sample_pdf: bytes) -> int:
    auth.login(who)
    packet_id = packets.create(f"Center {canary}", consult_questions=f"Question {canary}")
    packets.upload(packet_id, "clinic_notes", [(sample_pdf, f"notes {canary}.pdf")])
    packets.add_event(packet_id, f"Scan {canary}", 2024, 5, 1)
    client.post(f"{BASE}/{packet_id}/slides", data={"lab": f"Lab {canary}", "material": "original"})
    client.post(
        f"{BASE}/{packet_id}/requests/new",
        data={
            "name": f"Hospital {canary}",
            "requested_items": ["clinic_notes"],
            "send_to_me": "y",
            "version": "0",
        },
    )
    auth.logout()
    return packet_id


def test_no_cross_patient_leak_in_pages_exports_or_logs(client, auth, packets, sample_pdf, caplog):
    caplog.set_level(logging.DEBUG)
    _seed(client, auth, packets, "p-maria", MARIA, sample_pdf)
    lee_packet = _seed(client, auth, packets, "p-lee", LEE, sample_pdf)
    auth.login("p-lee")
    responses = [
        client.get(f"{BASE}{suffix}")
        for suffix in (
            "/",
            f"/{lee_packet}",
            f"/{lee_packet}/timeline",
            f"/{lee_packet}/gaps",
            f"/{lee_packet}/requests",
            f"/{lee_packet}/requests/new",
            f"/{lee_packet}/requests/2/letter",
            "/new",
        )
    ]
    assert [r.status_code for r in responses] == [200] * len(responses)
    bodies = [r.get_data(as_text=True) for r in responses]
    pdf = client.get(f"{BASE}/{lee_packet}/export/summary.pdf").data
    bodies.append("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"{BASE}/{lee_packet}/export/packet.zip").get_data())
    )
    bodies += [archive.read(name).decode("utf-8") for name in ("index.html", "manifest.json")]
    bodies += archive.namelist()
    assert all(LEE in body for body in bodies[1:3])
    assert not any(MARIA in body for body in bodies)
    for text in (record.getMessage() for record in caplog.records):
        assert MARIA not in text and LEE not in text
