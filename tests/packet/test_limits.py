"""Limits of issue 13 on the packet pages: at a limit the patient is told what
the limit is and what to do, the "add" page says so up front, a refused form
comes back with everything typed, and nothing is added (not a row, not a file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Document, Facility, Packet, SlideRecord, TimelineEvent

from ..conftest import _reset_database
from ..fake_host import create_app
from .conftest import BASE, PacketHelper

SMALL = {
    "SECONDOP_MAX_PACKETS_PER_PATIENT": 2,
    "SECONDOP_MAX_TIMELINE_EVENTS": 2,
    "SECONDOP_MAX_RECORDS_REQUESTS": 1,
    "SECONDOP_MAX_SLIDE_RECORDS": 1,
    "SECONDOP_MAX_DOCUMENTS_PER_ITEM": 2,
    "SECONDOP_MAX_TEXT_CHARS": 50,
}


@pytest.fixture
def small(tmp_path: Path) -> Iterator[PacketHelper]:
    app = create_app(tmp_path, SMALL)
    _reset_database(app)
    client = app.test_client()
    assert client.get("/test-login/p-maria").status_code == 200
    yield PacketHelper(app, client)
    with app.app_context():
        current_secondop.records.engine.dispose()


def stored_files(app: Flask) -> list[Path]:
    root = Path(app.extensions["secondop"].files.root)
    return sorted(p for p in root.rglob("*") if p.is_file())


def refused_keeping(client: FlaskClient, url: str, data: dict[str, str], message: str) -> str:
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400, html[:2000]
    assert message in html
    assert "Everything you typed is still here." in html
    for value in data.values():
        if value and len(value) > 3:
            assert value in html, f"lost what was typed: {value!r}"
    return html


def test_new_packet_at_the_packet_limit_is_refused_with_what_was_typed_kept(small: PacketHelper) -> None:
    small.create("First center")
    small.create("Second center")
    page = small.client.get(f"{BASE}/new").get_data(as_text=True)
    message = "You can keep up to 2 packets. To start a new one, delete a packet you no longer need."
    assert message in page
    assert 'name="center_name"' not in page  # said up front, no form that would fail
    refused_keeping(small.client, f"{BASE}/new", {
        "center_name": "Third center", "consult_questions": "Will surgery help me?", "version": "0"}, message)
    assert len(small.all(Packet)) == 2


def test_copying_a_packet_with_more_events_than_a_packet_may_hold_adds_nothing(small: PacketHelper) -> None:
    source = small.create("Old center")
    small.seed_events(source, 3)  # saved before the host lowered the limit
    data = {"center_name": "New center", "copy_from": str(source), "version": "0"}
    refused_keeping(small.client, f"{BASE}/new", data, "A timeline can hold up to 2 events.")
    assert [p.id for p in small.all(Packet)] == [source]
    assert len(small.all(TimelineEvent)) == 3


def test_timeline_at_the_event_limit_says_so_and_refuses_adding(small: PacketHelper) -> None:
    packet = small.create()
    small.add_event(packet, "Biopsy", 2024, 3)
    small.add_event(packet, "CT scan", 2024, 4)
    message = ("A timeline can hold up to 2 events. To add another, remove an old event "
               "or combine a few events into one.")
    page = small.client.get(f"{BASE}/{packet}/timeline").get_data(as_text=True)
    assert message in page
    assert f'action="{BASE}/{packet}/timeline"' not in page
    refused_keeping(small.client, f"{BASE}/{packet}/timeline", {
        "year": "2024", "month": "5", "kind": "test", "title": "Blood test in May",
        "details": "White cells low", "version": "0"}, message)
    assert len(small.all(TimelineEvent, packet_id=packet)) == 2


def test_records_requests_at_the_limit_say_so_and_refuse_adding(small: PacketHelper) -> None:
    packet = small.create()
    url = f"{BASE}/{packet}/requests/new"
    first = small.client.post(url, data={"name": "River lab", "requested_items": "pathology_reports",
                                         "version": "0"})
    assert first.status_code == 302
    message = "A packet can hold up to 1 records request. To add another, remove one you no longer need."
    page = small.client.get(url).get_data(as_text=True)
    assert message in page and 'name="requested_items"' not in page
    refused_keeping(small.client, url, {"name": "Hill hospital", "requested_items": "clinic_notes",
                                        "notes": "Called on Monday", "version": "0"}, message)
    assert len(small.all(Facility, packet_id=packet)) == 1


def test_slide_list_at_the_limit_says_so_and_refuses_adding(small: PacketHelper) -> None:
    packet = small.create()
    item = small.item_id(packet, "slides_blocks")
    assert small.client.post(f"{BASE}/{packet}/slides", data={"lab": "River lab", "material": "recut"}
                             ).status_code == 302
    message = "The slide and block list can hold up to 1 line."
    page = small.client.get(f"{BASE}/{packet}/items/{item}").get_data(as_text=True)
    assert message in page and 'name="accession_number"' not in page
    refused_keeping(small.client, f"{BASE}/{packet}/slides", {
        "lab": "Hill pathology", "accession_number": "S24-1187", "material": "original"}, message)
    assert len(small.all(SlideRecord, packet_id=packet)) == 1


def test_files_past_the_per_item_limit_are_refused_and_none_is_kept(small: PacketHelper, sample_pdf: bytes) -> None:
    packet = small.create()
    message = "Each checklist item can hold up to 2 files."
    # Three at once into an empty item: none kept, no stored byte left behind.
    response = small.upload(packet, "pathology_reports", [(sample_pdf, f"r{n}.pdf") for n in range(3)])
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert small.all(Document) == [] and stored_files(small.app) == []
    assert small.upload(packet, "pathology_reports", [(sample_pdf, "a.pdf"), (sample_pdf, "b.pdf")]
                        ).status_code == 303
    files = stored_files(small.app)
    item = small.item_id(packet, "pathology_reports")
    page = small.client.get(f"{BASE}/{packet}/items/{item}").get_data(as_text=True)
    assert message in page and 'name="file"' not in page
    response = small.upload(packet, "pathology_reports", [(sample_pdf, "c.pdf")])
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert len(small.all(Document)) == 2 and stored_files(small.app) == files


def test_multi_line_text_past_the_configured_limit_is_refused_and_kept(small: PacketHelper) -> None:
    packet = small.create()
    refused_keeping(small.client, f"{BASE}/{packet}/timeline", {
        "year": "2024", "kind": "test", "title": "Scan", "details": "x" * 51, "version": "0"},
        "Please keep it under 50 characters.")
    assert small.all(TimelineEvent) == []
    small.client.post(f"{BASE}/{packet}/timeline", data={
        "year": "2024", "kind": "test", "title": "Scan", "details": "x" * 50, "version": "0"})
    assert [e.details for e in small.all(TimelineEvent)] == ["x" * 50]
