"""Packet services without an app: a SQLite store, a plain Session and a
folder of files. The rules the views relied on (the checklist, limits,
copying, versions, not found, deleting rows then bytes, progress, gaps and
the request clock) are proved here on the services alone."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from oncokind_secondop.adapters import StaleVersion
from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore
from oncokind_secondop.errors import NotFound
from oncokind_secondop.limits import LimitReached
from oncokind_secondop.packet import services
from oncokind_secondop.packet.checklist import CHECKLIST, LETTER_ENTRIES
from oncokind_secondop.packet.models import (
    ChecklistItem,
    Document,
    Facility,
    Packet,
    SlideRecord,
    TimelineEvent,
)

MARIA, LEE = "p-maria", "p-lee"
LIMITS = {"max_packets": 10, "max_events": 200, "max_slides": 40}


def _packet(store: SQLAlchemyRecordStore, patient: str = MARIA, center: str = "City Cancer Center",
            **values: Any) -> Packet:
    return services.create_packet(store, patient, {"center_name": center, **values}, **LIMITS)


def _fill(store: SQLAlchemyRecordStore, packet: Packet, *, events: int = 0, slides: int = 0) -> None:
    with store.transaction():
        for n in range(events):
            store.add(MARIA, TimelineEvent(packet_id=packet.id, event_date=date(2026, 1, 1 + n),
                                           title=f"Event {n}"))
        for n in range(slides):
            store.add(MARIA, SlideRecord(packet_id=packet.id, lab=f"Lab {n}", count=2))


def test_a_new_packet_has_the_whole_checklist_in_order_none_started(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    items = services.packet_items(store, MARIA, packet.id)
    assert [i.key for i in items] == [e.key for e in CHECKLIST]
    assert {i.status for i in items} == {"not_started"}
    assert {i.patient_id for i in items} == {MARIA} and packet.patient_id == MARIA
    assert services.progress(items) == services.Progress(0, len(CHECKLIST))


def test_the_packet_limit_writes_nothing_and_counts_one_patient_only(store: SQLAlchemyRecordStore) -> None:
    for n in range(2):
        services.create_packet(store, MARIA, {"center_name": f"Center {n}"}, max_packets=2)
    with pytest.raises(LimitReached) as refused:
        services.create_packet(store, MARIA, {"center_name": "One too many"}, max_packets=2)
    assert (refused.value.kind, refused.value.limit, refused.value.have) == ("packets", 2, 2)
    assert store.count(Packet, MARIA) == 2
    assert store.count(ChecklistItem, MARIA) == 2 * len(CHECKLIST)
    services.create_packet(store, LEE, {"center_name": "Lee's"}, max_packets=2)  # his own count


def test_copy_brings_timeline_slides_and_missing_doctor_details_not_files_or_marks(
        store: SQLAlchemyRecordStore) -> None:
    source = _packet(store, referring_name="Dr Old", referring_phone="555-0100")
    _fill(store, source, events=3, slides=2)
    services.save(store, MARIA, ChecklistItem, services.packet_items(store, MARIA, source.id)[0].id, 1,
                  {"status": "received"})
    copy = services.create_packet(store, MARIA, {"center_name": "New", "referring_name": "Dr Mine"},
                                  copy_from=source.id, **LIMITS)
    events = services.packet_events(store, MARIA, copy.id)
    assert [e.title for e in events] == ["Event 0", "Event 1", "Event 2"]
    assert [(s.lab, s.count) for s in services.packet_slides(store, MARIA, copy.id)] == [
        ("Lab 0", 2), ("Lab 1", 2)]
    saved = services.get_packet(store, MARIA, copy.id)
    assert (saved.referring_name, saved.referring_phone) == ("Dr Mine", "555-0100")
    assert {i.status for i in services.packet_items(store, MARIA, copy.id)} == {"not_started"}
    assert services.count_in_packet(store, MARIA, Document, copy.id) == 0
    # the source is untouched
    assert services.count_in_packet(store, MARIA, TimelineEvent, source.id) == 3


def test_a_copy_over_a_lowered_limit_writes_nothing(store: SQLAlchemyRecordStore) -> None:
    source = _packet(store)
    _fill(store, source, events=3, slides=1)
    for limits, kind in (({"max_events": 2, "max_slides": 40}, "events"),
                         ({"max_events": 200, "max_slides": 0}, "slides")):
        with pytest.raises(LimitReached) as refused:
            services.create_packet(store, MARIA, {"center_name": "Copy"}, max_packets=10,
                                   copy_from=source.id, **limits)
        assert refused.value.kind == kind
    assert [p.id for p in services.list_packets(store, MARIA)] == [source.id]
    assert store.count(ChecklistItem, MARIA) == len(CHECKLIST)


def test_copying_another_patients_packet_is_not_found_and_writes_nothing(
        store: SQLAlchemyRecordStore) -> None:
    lees = _packet(store, LEE)
    with pytest.raises(NotFound) as missing:
        services.create_packet(store, MARIA, {"center_name": "Mine"}, copy_from=lees.id, **LIMITS)
    assert missing.value.object_id == lees.id
    assert store.count(Packet, MARIA) == 0 and store.count(ChecklistItem, MARIA) == 0


def test_another_patients_packet_is_not_found(store: SQLAlchemyRecordStore) -> None:
    mine = _packet(store)
    assert services.get_packet(store, MARIA, mine.id).id == mine.id
    for patient, packet_id in ((LEE, mine.id), (MARIA, mine.id + 100)):
        with pytest.raises(NotFound) as missing:
            services.get_packet(store, patient, packet_id)
        assert missing.value.object_id == packet_id
        with pytest.raises(NotFound):
            services.packet_state(store, patient, packet_id)
    assert services.list_packets(store, LEE) == []


def test_save_moves_the_version_on_and_a_stale_one_changes_nothing(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    saved = services.save(store, MARIA, Packet, packet.id, 1, {"center_name": "Renamed"})
    assert (saved.center_name, saved.version) == ("Renamed", 2)
    with pytest.raises(StaleVersion) as stale:
        services.save(store, MARIA, Packet, packet.id, 1, {"center_name": "Lost"})
    assert (stale.value.current.center_name, stale.value.current.version) == ("Renamed", 2)
    assert services.get_packet(store, MARIA, packet.id).center_name == "Renamed"


def _document(store: SQLAlchemyRecordStore, files: LocalFileStore, item: ChecklistItem,
              data: bytes = b"%PDF-1.4 report") -> Document:
    stored = files.put([data])
    with store.transaction():
        document = store.add(item.patient_id, Document(
            packet_id=item.packet_id, item_id=item.id, display_name="report.pdf", kind="pdf",
            mimetype="application/pdf", size=stored.size, sha256=stored.sha256,
            storage_key=stored.key))
        store.flush()
    return document


def test_delete_packet_removes_every_row_then_the_bytes(
        store: SQLAlchemyRecordStore, files: LocalFileStore) -> None:
    packet, other = _packet(store), _packet(store, center="Other")
    _fill(store, packet, events=2, slides=1)
    with store.transaction():
        store.add(MARIA, Facility(packet_id=packet.id, name="Lab"))
    item = services.packet_items(store, MARIA, packet.id)[0]
    doc = _document(store, files, item)
    kept = _document(store, files, services.packet_items(store, MARIA, other.id)[0], b"%PDF other")
    assert services.delete_packet(store, files, MARIA, packet) == []
    for model in (*services.CHILD_MODELS, ):
        assert store.count(model, MARIA, where={"packet_id": packet.id}) == 0, model
    assert [p.id for p in services.list_packets(store, MARIA)] == [other.id]
    assert not files.exists(doc.storage_key) and files.exists(kept.storage_key)


def test_bytes_that_cannot_be_deleted_are_left_for_the_sweeper(
        store: SQLAlchemyRecordStore, files: LocalFileStore, monkeypatch: pytest.MonkeyPatch) -> None:
    packet = _packet(store)
    doc = _document(store, files, services.packet_items(store, MARIA, packet.id)[0])

    def broken(key: str) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(files, "delete", broken)
    assert services.delete_packet(store, files, MARIA, packet) == [doc.storage_key]
    assert store.count(Packet, MARIA) == 0  # the rows are gone all the same


def test_overview_gives_each_packet_its_progress(store: SQLAlchemyRecordStore) -> None:
    first, second = _packet(store), _packet(store, center="Second")
    item = services.packet_items(store, MARIA, second.id)[0]
    services.save(store, MARIA, ChecklistItem, item.id, 1, {"status": "received"})
    overview = services.overview(store, MARIA)
    assert [p.id for p in overview.packets] == [first.id, second.id]
    assert overview.progress[first.id].ready == 0
    assert overview.progress[second.id] == services.Progress(1, len(CHECKLIST))
    assert services.overview(store, LEE).packets == []


def test_packet_state_for_the_detail_and_gaps_pages(
        store: SQLAlchemyRecordStore, files: LocalFileStore) -> None:
    packet = _packet(store)
    _fill(store, packet, events=2)
    with store.transaction():
        store.add(MARIA, Facility(packet_id=packet.id, name="Lab"))
    _document(store, files, services.packet_items(store, MARIA, packet.id)[0])
    detail = services.packet_state(store, MARIA, packet.id, detail=True)
    assert (detail.event_count, [f.name for f in detail.facilities]) == (2, ["Lab"])
    assert [d.display_name for d in detail.items[0].documents] == ["report.pdf"]
    gaps_page = services.packet_state(store, MARIA, packet.id)
    assert (gaps_page.event_count, gaps_page.facilities) == (2, [])
    assert len(gaps_page.items) == len(CHECKLIST)


def test_gaps_are_the_items_not_ready_in_checklist_order(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    items = services.packet_items(store, MARIA, packet.id)
    services.save(store, MARIA, ChecklistItem, items[0].id, 1, {"status": "received"})
    items = services.packet_items(store, MARIA, packet.id)
    gaps = services.gaps(items)
    assert [g.item.key for g in gaps] == [e.key for e in CHECKLIST[1:]]
    assert all(g.entry.key == g.item.key for g in gaps)
    assert services.progress(items).percent == round(100 / len(CHECKLIST))
    assert services.progress([]).percent == 0


def test_a_new_request_asks_for_what_is_missing_or_everything(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    everything = [e.key for e in LETTER_ENTRIES]
    assert services.letter_defaults(store, MARIA, packet.id) == everything
    first = next(i for i in services.packet_items(store, MARIA, packet.id) if i.key == everything[0])
    services.save(store, MARIA, ChecklistItem, first.id, 1, {"status": "received"})
    assert services.letter_defaults(store, MARIA, packet.id) == everything[1:]
    for item in services.packet_items(store, MARIA, packet.id):
        services.save(store, MARIA, ChecklistItem, item.id, item.version, {"status": "received"})
    assert services.letter_defaults(store, MARIA, packet.id) == everything


def _facility(requested_on: date | None = None, received_on: date | None = None) -> Facility:
    return Facility(name="Lab", requested_on=requested_on, received_on=received_on)


def test_the_request_clock_with_a_plain_period() -> None:
    today = date(2026, 3, 10)
    clock = services.request_clock
    assert clock(_facility(), period=30, today=today) == services.RequestClock("not_requested", None, 0)
    assert clock(_facility(date(2026, 3, 1)), period=30, today=today) == services.RequestClock(
        "waiting", date(2026, 3, 31), 21)
    assert clock(_facility(date(2026, 3, 1)), period=5, today=today) == services.RequestClock(
        "overdue", date(2026, 3, 6), 4)
    assert clock(_facility(date(2026, 3, 1), date(2026, 3, 9)), period=30, today=today) == \
        services.RequestClock("received", date(2026, 3, 31), 0)
    assert clock(_facility(None, date(2026, 3, 9)), period=30, today=today).due_on is None
    # a stored date from before the range check: held at the calendar's end, no overflow
    assert clock(_facility(date(9999, 12, 31)), period=30, today=today).due_on == date.max


def test_export_contents_are_read_once_for_the_packet(
        store: SQLAlchemyRecordStore, files: LocalFileStore) -> None:
    packet = _packet(store)
    _fill(store, packet, events=2, slides=1)
    doc = _document(store, files, services.packet_items(store, MARIA, packet.id)[0])
    contents = services.packet_contents(store, MARIA, packet)
    assert contents.packet is packet and len(contents.items) == len(CHECKLIST)
    assert [d.id for d in contents.documents] == [doc.id]
    assert len(contents.events) == 2 and len(contents.slides) == 1 and contents.facilities == []
    assert set(contents.item_titles()) == {i.id for i in contents.items}
