"""Regression tests for issue 13's findings 4, 5, 7 and the letter half of 11:
no 500 on an extreme date (typed now, or stored by an older version), audit
labels that cannot forge a line, one-line fields that refuse control
characters, and letters whose patient block comes before anything typed
about the facility."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.compare import services as compare_services
from oncokind_secondop.compare.models import Worksheet
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import ChecklistItem, Facility, Packet, TimelineEvent
from oncokind_secondop.signals import AuditEvent

from ..guards import PatientSecrets

PACKET = "/second-opinion/packet"
COMPARE = "/second-opinion/compare"
LETTER = "/second-opinion/learn/records-letter"
EXTREME = [date(9999, 12, 31), date(1, 1, 1)]
RANGE_MESSAGE = "Please enter a date between the years 1900 and 2100."
ONE_LINE_MESSAGE = "Please keep this on one line, without tabs or line breaks."


@pytest.fixture
def maria(client: FlaskClient) -> FlaskClient:
    assert client.get("/test-login/p-maria").status_code == 200
    return client


def new_packet(client: FlaskClient, center: str = "City Cancer Center") -> int:
    response = client.post(f"{PACKET}/new", data={"center_name": center, "version": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.location.rsplit("/", 1)[-1])


def store(app: Flask, *records: Any) -> list[int]:
    """Rows written straight to the store, as an older version could have saved them."""
    with app.app_context():
        rs = current_secondop.records
        added = [rs.add("p-maria", r) for r in records]
        rs.commit()
        return [r.id for r in added]


def rows(app: Flask, model: type) -> list[Any]:
    with app.app_context():
        found = current_secondop.records.session.query(model).order_by(model.id).all()
        current_secondop.records.session.expunge_all()
        return found


# -- finding 4: a records request dated 9999-12-31 ---------------------------


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_records_request_dated_outside_1900_to_2100_is_refused_with_a_message(
        app: Flask, maria: FlaskClient, typed: str) -> None:
    packet = new_packet(maria)
    response = maria.post(f"{PACKET}/{packet}/requests/new", data={
        "name": "River lab", "requested_items": "pathology_reports", "requested_on": typed, "version": "0"})
    assert response.status_code == 400
    assert RANGE_MESSAGE in response.get_data(as_text=True)
    assert rows(app, Facility) == []


def test_every_date_field_refuses_year_9999(app: Flask, maria: FlaskClient) -> None:
    packet = new_packet(maria)
    item = next(i for i in rows(app, ChecklistItem) if i.key == "pathology_reports")
    sent = maria.post(f"{PACKET}/{packet}/items/{item.id}", data={
        "status": "requested", "requested_on": "9999-12-31", "version": str(item.version)})
    assert sent.status_code == 400 and RANGE_MESSAGE in sent.get_data(as_text=True)
    [facility] = store(app, Facility(packet_id=packet, name="Lab", requested_items="pathology_reports"))
    received = maria.post(f"{PACKET}/{packet}/requests/{facility}/received", data={"received_on": "9999-12-31"})
    assert received.status_code == 302 and rows(app, Facility)[0].received_on is None
    worksheet = maria.post(f"{COMPARE}/new", data={"title": "Choice"})
    sheet = int(worksheet.location.rsplit("/", 1)[-1])
    opinion = maria.post(f"{COMPARE}/{sheet}/opinions/new",
                         data={"doctor": "Dr A", "seen_on": "9999-12-31", "version": "1"})
    assert opinion.status_code == 400 and RANGE_MESSAGE in opinion.get_data(as_text=True)


@pytest.mark.parametrize("when", EXTREME, ids=["9999-12-31", "0001-01-01"])
def test_a_stored_extreme_date_shows_on_every_page_and_export_without_a_500(
        app: Flask, maria: FlaskClient, when: date) -> None:
    """Was a 500 (OverflowError in the 30-day clock) on the packet page, the
    requests page, the summary PDF and the ZIP, for the patient and any caregiver."""
    packet = new_packet(maria)
    item = next(i for i in rows(app, ChecklistItem) if i.key == "pathology_reports")
    [facility, _, _] = store(
        app,
        Facility(packet_id=packet, name="River lab", requested_items="pathology_reports", requested_on=when),
        Facility(packet_id=packet, name="Hill lab", requested_items="clinic_notes", requested_on=when,
                 received_on=when),
        TimelineEvent(packet_id=packet, event_date=when, precision="day", kind="test", title="Scan"),
    )
    with app.app_context():
        rs = current_secondop.records
        rs.update(ChecklistItem, "p-maria", item.id, item.version, {"requested_on": when, "received_on": when})
        rs.commit()
    urls = [f"{PACKET}/", f"{PACKET}/{packet}", f"{PACKET}/{packet}/requests", f"{PACKET}/{packet}/timeline",
            f"{PACKET}/{packet}/gaps", f"{PACKET}/{packet}/items/{item.id}",
            f"{PACKET}/{packet}/requests/{facility}", f"{PACKET}/{packet}/requests/{facility}/letter",
            f"{PACKET}/{packet}/requests/{facility}/letter.pdf",
            f"{PACKET}/{packet}/export/summary.pdf", f"{PACKET}/{packet}/export/packet.zip"]
    for url in urls:
        response = maria.get(url)
        assert response.status_code == 200, (url, response.status_code)
        response.close()


@pytest.mark.parametrize("when", EXTREME, ids=["9999-12-31", "0001-01-01"])
def test_a_stored_extreme_opinion_date_shows_and_exports_without_a_500(
        app: Flask, maria: FlaskClient, when: date) -> None:
    with app.app_context():
        rs = current_secondop.records
        sheet = compare_services.create_worksheet(rs, "p-maria", "Choice", "", max_worksheets=20).id
        compare_services.add_opinion(rs, "p-maria", sheet, 1, {"doctor": "Dr A", "seen_on": when}, max_opinions=6)
        compare_services.add_opinion(rs, "p-maria", sheet, 2, {"doctor": "Dr B", "seen_on": date(2026, 1, 2)},
                                     max_opinions=6)
    assert rows(app, Worksheet)[0].version == 3
    for url in (f"{COMPARE}/", f"{COMPARE}/{sheet}", f"{COMPARE}/{sheet}/side-by-side",
                f"{COMPARE}/{sheet}/letter", f"{COMPARE}/{sheet}/comparison.pdf", f"{COMPARE}/{sheet}/letter.pdf"):
        response = maria.get(url)
        assert response.status_code == 200, (url, response.status_code)


# -- finding 5: audit labels -------------------------------------------------

FORGED = "City Cancer Center\r\n2026-01-01T00:00:00Z export admin p-lee\x1b[2K\u202e"


def test_export_audit_recipient_of_a_stored_multi_line_name_is_one_safe_line(
        app: Flask, maria: FlaskClient, audit_log: list[AuditEvent]) -> None:
    """Was the name exactly as typed, CR/LF included: forged lines in a text audit log."""
    packet = new_packet(maria)
    with app.app_context():
        rs = current_secondop.records
        rs.update(Packet, "p-maria", packet, 1, {"center_name": FORGED})
        rs.commit()
    # Longer than the 100-character label, within the 200-character column (PostgreSQL enforces it).
    long_name = (FORGED + "x" * 300)[:200]
    [facility] = store(app, Facility(packet_id=packet, name=long_name, requested_items="clinic_notes"))
    for url in (f"{PACKET}/{packet}/export/summary.pdf", f"{PACKET}/{packet}/requests/{facility}/letter.pdf"):
        assert maria.get(url).status_code == 200
    summary, letter = [e.recipient for e in audit_log if e.action == "export"]
    assert summary == "City Cancer Center 2026-01-01T00:00:00Z export admin p-lee [2K"
    assert letter is not None and len(letter) == 100 and letter.endswith("…")
    assert "\r" not in letter and "\n" not in letter and "\u202e" not in letter


@pytest.mark.parametrize("bad", ["City\nCenter", "City\rCenter", "City\tCenter", "City\x1b[31mCenter",
                                 "City\u2028Center", "City\x85Center", "City\x7fCenter"])
def test_single_line_fields_refuse_line_breaks_and_control_characters(
        app: Flask, maria: FlaskClient, bad: str) -> None:
    for url, data in ((f"{PACKET}/new", {"center_name": bad, "version": "0"}),
                      (f"{COMPARE}/new", {"title": bad})):
        response = maria.post(url, data=data)
        assert response.status_code == 400, url
        assert ONE_LINE_MESSAGE in response.get_data(as_text=True)
    packet = new_packet(maria)
    response = maria.post(f"{PACKET}/{packet}/requests/new", data={
        "name": bad, "requested_items": "clinic_notes", "version": "0"})
    assert response.status_code == 400 and ONE_LINE_MESSAGE in response.get_data(as_text=True)
    assert [p.id for p in rows(app, Packet)] == [packet]
    assert rows(app, Facility) == [] and rows(app, Worksheet) == []


def test_multi_line_fields_still_keep_their_lines(app: Flask, maria: FlaskClient) -> None:
    packet = new_packet(maria)
    response = maria.post(f"{PACKET}/{packet}/edit", data={
        "center_name": "City", "consult_questions": "First?\r\nSecond?", "version": "1"})
    assert response.status_code == 302
    assert rows(app, Packet)[0].consult_questions == "First?\r\nSecond?"


# -- finding 7: the anonymous records letter ---------------------------------

LETTER_FORM = {"patient_name": "Maria Lopez", "facility": "City lab", "items": "pathology_reports",
               "send_to": "me", "address": "1 Main St", "action": "show"}


@pytest.mark.parametrize("born", ["2/4/99999999999999999999", "99999999999999999999-01-01",
                                  "4/2/0001", "0001-01-01", "1/1/-5", "31/31/31313131"])
def test_records_letter_with_an_extreme_date_of_birth_is_refused_calmly_and_not_logged(
        client: FlaskClient, patient_secrets: PatientSecrets, born: str) -> None:
    """Was a 500 (OverflowError not caught) with the typed text in the server log;
    the whole-suite log guard fails this test if the text reaches any log record."""
    if len(born) >= 6:
        patient_secrets.add(born)
    response = client.post(LETTER, data={**LETTER_FORM, "date_of_birth": born})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="secondop-error-summary"' in html
    assert "Please enter the date like this: 1968-04-02." in html or RANGE_MESSAGE in html


# -- finding 11 (letters) ----------------------------------------------------


def test_learn_letter_puts_the_patient_block_before_the_facility_address(client: FlaskClient) -> None:
    response = client.post(LETTER, data={**LETTER_FORM, "date_of_birth": "1970-01-02",
                                         "facility_address": "Patient: Somebody Else\n1 River Road"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    letter = html[html.index('class="secondop-letter__date"'):]  # the page also shows the answers
    assert letter.index("Patient: Maria Lopez") < letter.index("Patient: Somebody Else")
    assert letter.index("January 2, 1970") < letter.index("1 River Road")


def test_packet_letter_puts_the_patient_block_before_the_facility_address(app: Flask, maria: FlaskClient) -> None:
    packet = new_packet(maria)
    response = maria.post(f"{PACKET}/{packet}/requests/new", data={
        "name": "River lab", "address": "Patient name: Somebody Else\n1 River Road",
        "requested_items": "clinic_notes", "version": "0"})
    assert response.status_code == 302
    html = maria.get(response.location).get_data(as_text=True)
    letter = html[html.index('class="so-letter"'):]  # the page heading names the lab too
    patient_block = letter.index('class="so-letter__who"')
    assert patient_block < letter.index("Somebody Else") and patient_block < letter.index("River lab")


SEVEN_LINES = "\n".join(f"Line {n}" for n in range(7))
WIDE_LINE = "1 River Road, " + "x" * 90


@pytest.mark.parametrize(("address", "message"), [
    (SEVEN_LINES, "Please fit the address on 6 lines or fewer."),
    (WIDE_LINE, "Each line of the address can have up to 100 characters."),
])
def test_letter_facility_address_is_limited_in_lines_and_length(
        app: Flask, maria: FlaskClient, address: str, message: str) -> None:
    learn = maria.post(LETTER, data={**LETTER_FORM, "date_of_birth": "1970-01-02", "facility_address": address})
    assert message in learn.get_data(as_text=True) and 'id="secondop-error-summary"' in learn.get_data(as_text=True)
    packet = new_packet(maria)
    sent = maria.post(f"{PACKET}/{packet}/requests/new", data={
        "name": "River lab", "address": address, "requested_items": "clinic_notes", "version": "0"})
    assert sent.status_code == 400 and message in sent.get_data(as_text=True)
    assert rows(app, Facility) == []
    six = "\n".join(f"Line {n}" for n in range(6))
    ok = maria.post(f"{PACKET}/{packet}/requests/new", data={
        "name": "River lab", "address": six, "requested_items": "clinic_notes", "version": "0"})
    assert ok.status_code == 302
