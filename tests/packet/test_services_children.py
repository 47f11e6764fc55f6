"""Services for what a packet holds, without an app: scoped look-ups of a
packet's children, adding at and under each limit, stale saves, deletes,
and recording an upload's files (none kept when they do not fit or the
write fails)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from oncokind_secondop.adapters import FileStore, StaleVersion, StoredFile
from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore
from oncokind_secondop.errors import NotFound
from oncokind_secondop.limits import LimitReached
from oncokind_secondop.packet import services
from oncokind_secondop.packet.models import (
    ChecklistItem,
    Document,
    Facility,
    Packet,
    SlideRecord,
    TimelineEvent,
)

MARIA, LEE = "p-maria", "p-lee"
SLIDE = {"lab": "City Lab", "accession_number": "S-1", "specimen_ids": "A1", "count": 2,
         "material": "original", "location": "at the lab"}
EVENT = {"event_date": date(2026, 2, 1), "precision": "month", "kind": "other", "title": "Biopsy",
         "details": ""}
REQUEST = {"name": "County Hospital", "requested_items": "pathology_reports imaging_files",
           "requested_on": date(2026, 3, 1)}


def _packet(store: SQLAlchemyRecordStore, patient: str = MARIA) -> Packet:
    return services.create_packet(store, patient, {"center_name": "Center"}, max_packets=10)


def test_a_child_of_another_packet_or_patient_is_not_found(store: SQLAlchemyRecordStore) -> None:
    mine, second, lees = _packet(store), _packet(store), _packet(store, LEE)
    event = services.add_event(store, MARIA, mine.id, EVENT, max_events=5)
    packet, found = services.in_packet(store, MARIA, mine.id, TimelineEvent, event.id)
    assert (packet.id, found.id) == (mine.id, event.id)
    cases = [
        (MARIA, second.id, event.id, event.id),  # Maria's own event, through her other packet
        (LEE, lees.id, event.id, event.id),  # Lee, through his packet, with Maria's event id
        (LEE, mine.id, event.id, mine.id),  # Lee with Maria's packet id: the packet is missing first
        (MARIA, mine.id, event.id + 100, event.id + 100),
    ]
    for patient, packet_id, event_id, missing_id in cases:
        with pytest.raises(NotFound) as missing:
            services.in_packet(store, patient, packet_id, TimelineEvent, event_id)
        assert missing.value.object_id == missing_id, (patient, packet_id, event_id)


@pytest.mark.parametrize(("add", "values", "limit", "model", "kind"), [
    (services.add_slide, SLIDE, "max_slides", SlideRecord, "slides"),
    (services.add_event, EVENT, "max_events", TimelineEvent, "events"),
    (services.add_request, REQUEST, "max_requests", Facility, "requests"),
])
def test_adding_counts_the_packet_and_at_the_limit_writes_nothing(
        store: SQLAlchemyRecordStore, add: Callable[..., Any], values: dict[str, Any], limit: str,
        model: type[Any], kind: str) -> None:
    packet, other = _packet(store), _packet(store)
    first = add(store, MARIA, packet.id, values, **{limit: 2})
    assert (first.packet_id, first.patient_id) == (packet.id, MARIA)
    add(store, MARIA, packet.id, values, **{limit: 2})
    with pytest.raises(LimitReached) as refused:
        add(store, MARIA, packet.id, values, **{limit: 2})
    assert (refused.value.kind, refused.value.limit, refused.value.have) == (kind, 2, 2)
    assert services.count_in_packet(store, MARIA, model, packet.id) == 2
    add(store, MARIA, other.id, values, **{limit: 2})  # each packet has its own room


def test_a_slide_line_keeps_what_was_typed(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    services.add_slide(store, MARIA, packet.id, SLIDE, max_slides=5)
    [slide] = services.packet_slides(store, MARIA, packet.id)
    assert {name: getattr(slide, name) for name in SLIDE} == SLIDE
    item = services.slides_item(store, MARIA, packet.id)
    assert item.key == "slides_blocks"
    assert [s.id for s in services.item_contents(store, MARIA, item).slides] == [slide.id]
    other_item = services.packet_items(store, MARIA, packet.id)[0]
    assert services.item_contents(store, MARIA, other_item).slides == []


def test_mark_received_saves_over_the_version_read(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    facility = services.add_request(store, MARIA, packet.id, REQUEST, max_requests=5)
    saved = services.mark_received(store, MARIA, facility, date(2026, 3, 20))
    assert (saved.received_on, saved.version) == (date(2026, 3, 20), 2)
    stale = Facility(name="x")
    stale.id, stale.version = facility.id, 1
    with pytest.raises(StaleVersion):
        services.mark_received(store, MARIA, stale, date(2026, 3, 21))
    assert services.packet_facilities(store, MARIA, packet.id)[0].received_on == date(2026, 3, 20)


def test_delete_record_removes_only_that_row(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    gone = services.add_event(store, MARIA, packet.id, EVENT, max_events=5)
    kept = services.add_event(store, MARIA, packet.id, {**EVENT, "title": "Scan"}, max_events=5)
    services.delete_record(store, MARIA, gone)
    assert [e.id for e in services.packet_events(store, MARIA, packet.id)] == [kept.id]


# -- documents --------------------------------------------------------------


@dataclass(frozen=True)
class Accepted:
    stored: StoredFile
    display_name: str
    kind: str = "pdf"
    mimetype: str = "application/pdf"


@dataclass
class Received:
    """Stands in for ``uploads.ReceivedUpload``: files already in the store."""

    files: list[Accepted]
    discarded: list[set[str] | None] = field(default_factory=list)

    def discard(self, store: FileStore, *, owned: Callable[[], Collection[str]] | None = None) -> None:
        keep = set(owned()) if owned is not None else set()
        self.discarded.append(keep if owned is not None else None)
        for accepted in self.files:
            if accepted.stored.key not in keep:
                store.delete(accepted.stored.key)


def _received(files: LocalFileStore, *names: str) -> Received:
    return Received([Accepted(files.put([name.encode()]), name) for name in names])


def _item(store: SQLAlchemyRecordStore, packet: Packet) -> ChecklistItem:
    return services.packet_items(store, MARIA, packet.id)[0]


def test_an_upload_gets_one_row_per_file(store: SQLAlchemyRecordStore, files: LocalFileStore) -> None:
    item = _item(store, _packet(store))
    received = _received(files, "a.pdf", "b.pdf")
    assert services.add_documents(store, files, MARIA, item, received, max_documents=5) == 2
    documents = services.item_documents(store, MARIA, item.id)
    assert [(d.display_name, d.packet_id, d.storage_key) for d in documents] == [
        (a.display_name, item.packet_id, a.stored.key) for a in received.files]
    assert received.discarded == []
    assert all(files.exists(a.stored.key) for a in received.files)


def test_files_past_the_item_limit_are_refused_and_none_is_kept(
        store: SQLAlchemyRecordStore, files: LocalFileStore) -> None:
    item = _item(store, _packet(store))
    services.add_documents(store, files, MARIA, item, _received(files, "a.pdf"), max_documents=2)
    services.check_document_room(store, MARIA, item.id, max_documents=2)  # room for one more
    received = _received(files, "b.pdf", "c.pdf")
    with pytest.raises(LimitReached) as refused:
        services.add_documents(store, files, MARIA, item, received, max_documents=2)
    assert (refused.value.kind, refused.value.have) == ("documents", 1)
    assert not any(files.exists(a.stored.key) for a in received.files)
    assert services.count_in_packet(store, MARIA, Document, item.packet_id) == 1
    services.add_documents(store, files, MARIA, item, _received(files, "d.pdf"), max_documents=2)
    with pytest.raises(LimitReached):  # full: refused before an upload is read
        services.check_document_room(store, MARIA, item.id, max_documents=2)


def test_a_failed_write_discards_the_files_unless_the_rows_hold_them(
        store: SQLAlchemyRecordStore, files: LocalFileStore, monkeypatch: pytest.MonkeyPatch) -> None:
    item = _item(store, _packet(store))
    received = _received(files, "a.pdf")
    real_commit = store.commit

    def broken_commit() -> None:
        raise OSError("database gone")

    monkeypatch.setattr(store, "commit", broken_commit)
    with pytest.raises(OSError):
        services.add_documents(store, files, MARIA, item, received, max_documents=5)
    assert received.discarded == [set()]  # the database was asked, and holds none of them
    assert not files.exists(received.files[0].stored.key)

    # The commit was durable, and only the answer was lost: the files stay with their rows.
    durable = _received(files, "b.pdf")

    def durable_then_lost() -> None:
        real_commit()
        raise OSError("connection dropped after the commit")

    monkeypatch.setattr(store, "commit", durable_then_lost)
    with pytest.raises(OSError):
        services.add_documents(store, files, MARIA, item, durable, max_documents=5)
    key = durable.files[0].stored.key
    assert durable.discarded == [{key}] and files.exists(key)


def test_delete_document_removes_the_row_then_its_bytes(
        store: SQLAlchemyRecordStore, files: LocalFileStore) -> None:
    item = _item(store, _packet(store))
    services.add_documents(store, files, MARIA, item, _received(files, "a.pdf", "b.pdf"), max_documents=5)
    gone, kept = services.item_documents(store, MARIA, item.id)
    assert services.delete_document(store, files, MARIA, gone) == []
    assert [d.id for d in services.item_documents(store, MARIA, item.id)] == [kept.id]
    assert not files.exists(gone.storage_key) and files.exists(kept.storage_key)
