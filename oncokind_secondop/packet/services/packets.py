"""Making, changing and deleting whole packets.

Each function is one unit of work (``with store.transaction():``): it
commits, or raises and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...adapters import FileStore, RecordStore
from ...limits import check_room
from ..checklist import CHECKLIST
from ..models import (
    ChecklistItem,
    Document,
    Facility,
    Packet,
    Share,
    ShareAccess,
    SlideRecord,
    TimelineEvent,
)
from .reads import get_packet

#: Every table a packet owns rows in, children before the packet itself.
CHILD_MODELS: tuple[type[Any], ...] = (
    Document,
    ShareAccess,
    Share,
    TimelineEvent,
    Facility,
    SlideRecord,
    ChecklistItem,
)

REFERRING_FIELDS = ("referring_name", "referring_phone", "referring_fax", "referring_npi")


def create_packet(
    store: RecordStore,
    patient_id: str,
    values: Mapping[str, Any],
    *,
    max_packets: int,
    copy_from: int | None = None,
    max_events: int = 0,
    max_slides: int = 0,
) -> Packet:
    """A new packet with one checklist item per checklist entry and, with
    ``copy_from``, the timeline, slide list and doctor's details of another
    of the patient's packets.

    Raises :class:`~oncokind_secondop.limits.LimitReached` at ``max_packets``,
    or when the source holds more events or slides than a packet may (possible
    once a host lowers a limit); nothing is written then."""
    with store.transaction():
        check_room("packets", store.count(Packet, patient_id), max_packets)
        source = get_packet(store, patient_id, copy_from) if copy_from is not None else None
        packet = store.add(patient_id, Packet(**values))
        store.flush()
        for entry in CHECKLIST:
            store.add(
                patient_id,
                ChecklistItem(
                    packet_id=packet.id, key=entry.key, position=entry.order, status="not_started"
                ),
            )
        if source is not None:
            copy_details(
                store, patient_id, source, packet, max_events=max_events, max_slides=max_slides
            )
    return packet


def copy_details(
    store: RecordStore,
    patient_id: str,
    source: Packet,
    target: Packet,
    *,
    max_events: int,
    max_slides: int,
) -> int:
    """Stage copies of ``source``'s timeline and slide ledger into ``target``,
    and its doctor's details where ``target`` has none; return the events copied.
    Files are not copied: each stored file belongs to one document row.

    Raises :class:`~oncokind_secondop.limits.LimitReached` before staging
    anything when the source holds more than a packet may: the caller's
    transaction then writes nothing."""
    events = store.list(TimelineEvent, patient_id, where={"packet_id": source.id}, order_by=("id",))
    slides = store.list(SlideRecord, patient_id, where={"packet_id": source.id}, order_by=("id",))
    check_room("events", 0, max_events, adding=len(events))
    check_room("slides", 0, max_slides, adding=len(slides))
    for name in REFERRING_FIELDS:
        if not getattr(target, name):
            setattr(target, name, getattr(source, name))
    for event in events:
        store.add(
            patient_id,
            TimelineEvent(
                packet_id=target.id,
                event_date=event.event_date,
                precision=event.precision,
                kind=event.kind,
                title=event.title,
                details=event.details,
            ),
        )
    for slide in slides:
        store.add(
            patient_id,
            SlideRecord(
                packet_id=target.id,
                lab=slide.lab,
                accession_number=slide.accession_number,
                specimen_ids=slide.specimen_ids,
                count=slide.count,
                material=slide.material,
                location=slide.location,
            ),
        )
    return len(events)


def save(
    store: RecordStore,
    patient_id: str,
    model: type[Any],
    object_id: int,
    expected_version: int,
    values: Mapping[str, Any],
) -> Any:
    """Save a versioned record (a packet, an item, an event, a request) if
    nobody saved it since ``expected_version`` was read; else
    :class:`~oncokind_secondop.adapters.StaleVersion` with the saved one."""
    with store.transaction():
        return store.update(model, patient_id, object_id, expected_version, values)


def delete_packet(store: RecordStore, files: FileStore, patient_id: str, packet: Packet) -> list[str]:
    """Delete a packet and everything in it: the rows in one transaction,
    then the stored bytes. Returns the keys whose bytes could not be deleted
    (left for the sweeper)."""
    keys: list[str] = []
    with store.transaction():
        for model in CHILD_MODELS:
            for record in store.list(model, patient_id, where={"packet_id": packet.id}):
                if isinstance(record, Document):
                    keys.append(record.storage_key)
                store.delete(patient_id, record)
            store.flush()  # children first, so foreign keys hold on every database
        store.delete(patient_id, packet)
    return delete_stored(files, keys)  # bytes only after the rows are gone


def delete_stored(files: FileStore, keys: Sequence[str]) -> list[str]:
    """Remove bytes after their rows are gone; return the keys that could not
    be removed. A failure leaves an orphan for the sweeper, never a row
    without its file."""
    left: list[str] = []
    for key in keys:
        try:
            files.delete(key)
        except Exception:  # OSError from a disk, a client error from a cloud store: not the user's problem
            left.append(key)
    return left
