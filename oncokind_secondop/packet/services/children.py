"""Adding and removing what a packet holds: slide list lines, stored
documents, timeline events and records requests.

Adding counts what the packet holds inside the same transaction and raises
:class:`~oncokind_secondop.limits.LimitReached` (nothing written) when one
more would not fit; each function commits its own unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from ...adapters import FileStore, RecordStore, StoredFile
from ...limits import LimitReached, check_room
from ..models import ChecklistItem, Document, Facility, SlideRecord, TimelineEvent
from .packets import delete_stored
from .reads import count_in_packet

SLIDE_FIELDS = ("lab", "accession_number", "specimen_ids", "count", "material", "location")


def add_slide(
    store: RecordStore, patient_id: str, packet_id: int, values: Mapping[str, Any], *, max_slides: int
) -> SlideRecord:
    """One more line of the packet's slide and block list."""
    with store.transaction():
        check_room("slides", count_in_packet(store, patient_id, SlideRecord, packet_id), max_slides)
        slide = store.add(
            patient_id,
            SlideRecord(packet_id=packet_id, **{name: values[name] for name in SLIDE_FIELDS}),
        )
        store.flush()
    return slide


def add_event(
    store: RecordStore, patient_id: str, packet_id: int, values: Mapping[str, Any], *, max_events: int
) -> TimelineEvent:
    """One more event on the packet's timeline."""
    with store.transaction():
        check_room("events", count_in_packet(store, patient_id, TimelineEvent, packet_id), max_events)
        event = store.add(patient_id, TimelineEvent(packet_id=packet_id, **values))
        store.flush()
    return event


def add_request(
    store: RecordStore, patient_id: str, packet_id: int, values: Mapping[str, Any], *, max_requests: int
) -> Facility:
    """One more records request (a facility and what is asked of it)."""
    with store.transaction():
        check_room("requests", count_in_packet(store, patient_id, Facility, packet_id), max_requests)
        facility = store.add(patient_id, Facility(packet_id=packet_id, **values))
        store.flush()
    return facility


def mark_received(
    store: RecordStore, patient_id: str, facility: Facility, received_on: date | None
) -> Facility:
    """The records of a request arrived on ``received_on`` (None: not yet).
    Saved over the version just read: :class:`~oncokind_secondop.adapters.StaleVersion`
    if someone saved in between."""
    with store.transaction():
        return store.update(
            Facility, patient_id, facility.id, facility.version, {"received_on": received_on}
        )


def delete_record(store: RecordStore, patient_id: str, record: Any) -> None:
    """Delete one row that holds no stored file (an event, a request, a slide line)."""
    with store.transaction():
        store.delete(patient_id, record)


def delete_document(store: RecordStore, files: FileStore, patient_id: str, document: Document) -> list[str]:
    """Delete a document's row, then its bytes; return the keys whose bytes
    stayed (left for the sweeper)."""
    key = document.storage_key
    with store.transaction():
        store.delete(patient_id, document)
    return delete_stored(files, [key])  # the row is gone and committed: now the bytes


# -- uploads ----------------------------------------------------------------


class Accepted(Protocol):
    """A file the upload parser stored and accepted (``uploads.AcceptedFile``)."""

    @property
    def stored(self) -> StoredFile: ...

    @property
    def display_name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def mimetype(self) -> str: ...


class Received(Protocol):
    """What an upload brought (``uploads.ReceivedUpload``): its stored files,
    and how to remove them again."""

    @property
    def files(self) -> Sequence[Accepted]: ...

    def discard(self, store: FileStore, *, owned: Callable[[], Collection[str]] | None = None) -> None: ...


def check_document_room(
    store: RecordStore, patient_id: str, item_id: int, *, max_documents: int, adding: int = 1
) -> None:
    """Raise :class:`~oncokind_secondop.limits.LimitReached` unless ``adding``
    more files fit in the item (asked before a byte of an upload is read)."""
    have = store.count(Document, patient_id, where={"item_id": item_id})
    check_room("documents", have, max_documents, adding=adding)


def add_documents(
    store: RecordStore,
    files: FileStore,
    patient_id: str,
    item: ChecklistItem,
    received: Received,
    *,
    max_documents: int,
) -> int:
    """A row for each file of an upload already stored; return how many.

    If they do not all fit (:class:`~oncokind_secondop.limits.LimitReached`)
    none is kept, bytes included. If the write fails, the bytes go too,
    unless the commit was durable after all (then the rows hold them)."""
    item_id, packet_id = item.id, item.packet_id
    try:
        check_document_room(
            store, patient_id, item_id, max_documents=max_documents, adding=len(received.files)
        )
    except LimitReached:  # several files at once would go past it: keep none
        received.discard(files)
        raise
    try:
        with store.transaction():
            for accepted in received.files:
                store.add(
                    patient_id,
                    Document(
                        packet_id=packet_id,
                        item_id=item_id,
                        display_name=accepted.display_name,
                        kind=accepted.kind,
                        mimetype=accepted.mimetype,
                        size=accepted.stored.size,
                        sha256=accepted.stored.sha256,
                        storage_key=accepted.stored.key,
                    ),
                )
    except Exception:
        # No row, so no file either; unless the commit was durable after all.
        received.discard(files, owned=lambda: {
            d.storage_key for d in store.list(Document, patient_id, where={"item_id": item_id})
        })
        raise
    return len(received.files)
