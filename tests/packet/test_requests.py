"""Records requests: the prefilled letter, its PDF, the 30-day clock, received."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from pypdf import PdfReader

from oncokind_secondop.packet.models import Facility

from .conftest import BASE


def _new_request(client, packet_id, **extra):
    data = {
        "name": "General Hospital",
        "department": "Health Information Management",
        "requested_items": ["pathology_reports", "imaging_files", "slides_blocks"],
        "send_to_me": "y",
        "version": "0",
        **extra,
    }
    response = client.post(f"{BASE}/{packet_id}/requests/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def test_new_request_ticks_what_is_missing_and_sends_to_me_by_default(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.set_status(packet_id, "pathology_reports", "received")
    html = client.get(f"{BASE}/{packet_id}/requests/new").get_data(as_text=True)
    boxes = dict(
        (value, tag) for tag, value in re.findall(r'(<input[^>]*value="([a-z_]+)"[^>]*>)', html)
    )
    assert "checked" not in boxes["pathology_reports"]
    assert "checked" in boxes["imaging_files"] and "checked" in boxes["slides_blocks"]
    assert 'checked id="send_to_me"' in html and 'checked id="send_to_center"' not in html


def test_letter_is_prefilled_from_the_packet(client, auth, packets, audit_log):
    auth.login("p-maria")
    packet_id = packets.create("City Cancer Center")
    response = _new_request(client, packet_id, dates_of_service="2024 to today")
    html = client.get(response.location).get_data(as_text=True)
    assert audit_log[-1].action == "print"
    assert "Maria Lopez" in html and "April 2, 1968" in html
    assert "General Hospital" in html and "2024 to today" in html
    assert "second opinion at City Cancer Center" in html
    assert "DICOM format" in html and "only a viewer program" in html
    assert "recut slides are fine" in html
    assert "Please send the copies to me" in html
    assert "Please also send a copy directly" not in html
    assert "45 CFR 164.524" in html and "within 30 days" in html


def test_letter_pdf(client, auth, packets, audit_log):
    auth.login("p-maria")
    packet_id = packets.create("City Cancer Center")
    _new_request(client, packet_id, send_to_center="y")
    facility = packets.all(Facility, packet_id=packet_id)[0]
    response = client.get(f"{BASE}/{packet_id}/requests/{facility.id}/letter.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Maria Lopez" in text and "DICOM" in text and "directly to City Cancer Center" in text
    assert audit_log[-1].action == "export" and audit_log[-1].recipient == "General Hospital"


def test_clock_counts_down_then_shows_overdue(app, client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    sent = date.today() - timedelta(days=10)
    _new_request(client, packet_id, requested_on=sent.isoformat())
    html = client.get(f"{BASE}/{packet_id}/requests").get_data(as_text=True)
    assert "20 days left." in html
    facility = packets.all(Facility, packet_id=packet_id)[0]
    edit = {
        "name": facility.name,
        "requested_items": ["pathology_reports"],
        "send_to_me": "y",
        "requested_on": (date.today() - timedelta(days=31)).isoformat(),
        "version": "1",
    }
    assert client.post(f"{BASE}/{packet_id}/requests/{facility.id}", data=edit).status_code == 302
    html = client.get(f"{BASE}/{packet_id}/requests").get_data(as_text=True)
    assert "Overdue by 1 day." in html
    assert "Overdue by 1 day." in client.get(f"{BASE}/{packet_id}").get_data(as_text=True)


def test_clock_uses_the_configured_period(tmp_path):
    from ..conftest import _reset_database
    from ..fake_host import create_app

    app = create_app(tmp_path, {"SECONDOP_RECORDS_REQUEST_DAYS": 15})
    _reset_database(app)
    client = app.test_client()
    client.get("/test-login/p-maria")
    from .conftest import PacketHelper

    packet_id = PacketHelper(app, client).create()
    _new_request(client, packet_id, requested_on=(date.today() - timedelta(days=10)).isoformat())
    assert "5 days left." in client.get(f"{BASE}/{packet_id}/requests").get_data(as_text=True)


def test_mark_received(client, auth, packets, audit_log):
    auth.login("p-maria")
    packet_id = packets.create()
    _new_request(client, packet_id, requested_on="2026-01-05")
    facility = packets.all(Facility, packet_id=packet_id)[0]
    response = client.post(
        f"{BASE}/{packet_id}/requests/{facility.id}/received", data={"received_on": "2026-01-20"}
    )
    assert response.status_code == 302
    assert str(packets.get(Facility, facility.id).received_on) == "2026-01-20"
    assert audit_log[-1].action == "change" and audit_log[-1].category == "packet_request"
    html = client.get(f"{BASE}/{packet_id}/requests").get_data(as_text=True)
    assert "Received on Jan 20, 2026." in html and "Mark as received" not in html


def test_request_needs_a_name_and_something_to_ask_for(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    response = client.post(
        f"{BASE}/{packet_id}/requests/new", data={"name": "", "fax": "555-0100", "version": "0"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please enter the name of the place." in html
    assert "Please choose at least one thing to ask for." in html and 'value="555-0100"' in html


def test_stale_request_edit_answers_409(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    _new_request(client, packet_id)
    facility = packets.all(Facility, packet_id=packet_id)[0]
    edit = {
        "name": "General Hospital East",
        "requested_items": ["pathology_reports"],
        "send_to_me": "y",
        "version": "1",
    }
    assert client.post(f"{BASE}/{packet_id}/requests/{facility.id}", data=edit).status_code == 302
    edit["name"] = "General Hospital West"
    response = client.post(f"{BASE}/{packet_id}/requests/{facility.id}", data=edit)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "General Hospital East" in html and "General Hospital West" in html


def test_delete_request(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    _new_request(client, packet_id)
    facility = packets.all(Facility, packet_id=packet_id)[0]
    assert client.post(f"{BASE}/{packet_id}/requests/{facility.id}/delete").status_code == 302
    assert packets.all(Facility, packet_id=packet_id) == []
