"""Checklist items: status, dates, notes; progress; the gaps view; the slide ledger."""

from __future__ import annotations

from oncokind_secondop.packet.models import ChecklistItem, SlideRecord

from .conftest import BASE


def test_progress_counts_received_and_not_applicable(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.set_status(packet_id, "pathology_reports", "received", received_on="2026-10-02")
    packets.set_status(packet_id, "operative_notes", "not_applicable")
    packets.set_status(packet_id, "slides_blocks", "requested", requested_on="2026-10-01")
    packets.set_status(packet_id, "germline_results", "cannot_get")
    html = client.get(f"{BASE}/{packet_id}").get_data(as_text=True)
    assert "2 of 11 are ready" in html
    assert '<progress max="11" value="2"' in html
    packets.set_status(packet_id, "clinic_notes", "received")
    packets.set_status(packet_id, "operative_notes", "not_started", notes="")
    html = client.get(f"{BASE}/{packet_id}").get_data(as_text=True)
    assert "2 of 11 are ready" in html


def test_one_ready_item_uses_the_singular(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.set_status(packet_id, "clinic_notes", "received")
    assert "1 of 11 is ready" in client.get(f"{BASE}/{packet_id}").get_data(as_text=True)


def test_gaps_name_what_is_missing_and_why(client, auth, packets, audit_log):
    auth.login("p-maria")
    packet_id = packets.create()
    for key in (
        "pathology_reports",
        "imaging_reports",
        "imaging_files",
        "operative_notes",
        "clinic_notes",
        "tumor_biomarkers",
        "germline_results",
        "medications_allergies",
        "referring_doctor",
        "timeline",
    ):
        packets.set_status(packet_id, key, "received")
    del audit_log[:]
    html = client.get(f"{BASE}/{packet_id}/gaps").get_data(as_text=True)
    assert [(e.action, e.category, e.outcome) for e in audit_log] == [("view", "packet", "success")]
    assert "Slides and blocks" in html
    assert "can only talk in general terms" in html
    assert "Pathology reports</h2>" not in html
    packets.set_status(packet_id, "slides_blocks", "not_applicable")
    html = client.get(f"{BASE}/{packet_id}/gaps").get_data(as_text=True)
    assert "Nothing is missing" in html


def test_cannot_get_items_stay_in_the_gaps_with_advice(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.set_status(packet_id, "germline_results", "cannot_get")
    html = client.get(f"{BASE}/{packet_id}/gaps").get_data(as_text=True)
    assert "Inherited (germline) test results" in html
    assert "They may be able to ask for it themselves." in html


def test_item_saves_dates_and_notes(client, auth, packets, audit_log):
    auth.login("p-maria")
    packet_id = packets.create()
    item_id = packets.item_id(packet_id, "imaging_files")
    assert client.get(f"{BASE}/{packet_id}/items/{item_id}").status_code == 200
    packets.set_status(
        packet_id,
        "imaging_files",
        "requested",
        requested_on="2026-09-01",
        notes="Called radiology, disc is on its way",
    )
    item = packets.get(ChecklistItem, item_id)
    assert item.status == "requested" and str(item.requested_on) == "2026-09-01"
    assert item.notes == "Called radiology, disc is on its way" and item.version == 2
    assert audit_log[-1].action == "change" and audit_log[-1].category == "packet_item"


def test_item_errors_keep_input(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    item_id = packets.item_id(packet_id, "clinic_notes")
    response = client.post(
        f"{BASE}/{packet_id}/items/{item_id}",
        data={
            "status": "received",
            "requested_on": "2026-09-10",
            "received_on": "2026-09-01",
            "notes": "Dr Park's notes",
            "version": "1",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "cannot be before the date you asked" in html and "Dr Park&#39;s notes" in html
    response = client.post(
        f"{BASE}/{packet_id}/items/{item_id}", data={"status": "lost", "version": "1"}
    )
    assert response.status_code == 400


def test_stale_item_save_answers_409_and_shows_both(client, auth, packets, audit_log):
    auth.login("p-maria")
    packet_id = packets.create()
    item_id = packets.item_id(packet_id, "clinic_notes")
    packets.set_status(packet_id, "clinic_notes", "requested", notes="Asked the front desk")
    response = client.post(
        f"{BASE}/{packet_id}/items/{item_id}",
        data={"status": "received", "notes": "Got them by mail", "version": "1"},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Asked the front desk" in html and "Got them by mail" in html
    assert audit_log[-1].outcome == "conflict"
    assert packets.get(ChecklistItem, item_id).status == "requested"
    # saving again with the version shown is a deliberate overwrite
    response = client.post(
        f"{BASE}/{packet_id}/items/{item_id}",
        data={"status": "received", "notes": "Got them by mail", "version": "2"},
    )
    assert response.status_code == 302


def test_slide_ledger_add_and_remove(client, auth, packets, audit_log):
    auth.login("p-maria")
    packet_id = packets.create()
    item_id = packets.item_id(packet_id, "slides_blocks")
    response = client.post(
        f"{BASE}/{packet_id}/slides",
        data={
            "lab": "Valley Pathology",
            "accession_number": "S24-1234",
            "specimen_ids": "A1, A2",
            "count": "2",
            "material": "recut",
            "location": "At the lab",
        },
    )
    assert response.status_code == 302 and response.location.endswith(f"/items/{item_id}#slides")
    html = client.get(f"{BASE}/{packet_id}/items/{item_id}").get_data(as_text=True)
    assert "Valley Pathology" in html and "S24-1234" in html and "Recut" in html
    slide = packets.all(SlideRecord, packet_id=packet_id)[0]
    response = client.post(
        f"{BASE}/{packet_id}/slides", data={"lab": "", "count": "0", "accession_number": "X9"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please enter the lab or hospital." in html and 'value="X9"' in html
    assert client.post(f"{BASE}/{packet_id}/slides/{slide.id}/delete").status_code == 302
    assert packets.all(SlideRecord, packet_id=packet_id) == []
    assert audit_log[-1].action == "delete" and audit_log[-1].category == "packet_slides"
