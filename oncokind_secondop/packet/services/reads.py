"""Reading a patient's packets: scoped look-ups and what each page shows.

Every function takes the store and the patient id; an object of another
patient, or a child of another packet (even the same patient's), raises
:class:`~oncokind_secondop.errors.NotFound` like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

from ...adapters import RecordStore
from ...db import PatientOwned
from ...errors import NotFound
from ..checklist import BY_KEY, LETTER_ENTRIES
from ..models import ChecklistItem, Document, Facility, Packet, SlideRecord, TimelineEvent
from .status import Progress, gaps, progress

SLIDES_KEY = "slides_blocks"  # the checklist item the slide and block list belongs to


class _InPacket(Protocol):
    """A record that belongs to one packet (every child model)."""

    @property
    def id(self) -> int: ...

    @property
    def packet_id(self) -> int: ...


# Every child model is a PatientOwned row with a packet_id (_InPacket).
C = TypeVar("C", bound=PatientOwned)


def get_packet(store: RecordStore, patient_id: str, packet_id: int) -> Packet:
    """One of this patient's packets, or :class:`NotFound`."""
    packet = store.get(Packet, patient_id, packet_id)
    if packet is None:
        raise NotFound(packet_id)
    return packet


def get_child(store: RecordStore, patient_id: str, model: type[C], object_id: int, packet: Packet) -> C:
    """A record of this patient that also belongs to ``packet``; a child of
    another packet (even the same patient's) is not found like a stranger's."""
    record = store.get(model, patient_id, object_id)
    if record is None or cast(_InPacket, record).packet_id != packet.id:
        raise NotFound(object_id)
    return record


def in_packet(
    store: RecordStore, patient_id: str, packet_id: int, model: type[C], object_id: int
) -> tuple[Packet, C]:
    """The packet in the URL and one of its children (the packet is looked up first)."""
    packet = get_packet(store, patient_id, packet_id)
    return packet, get_child(store, patient_id, model, object_id, packet)


def list_packets(store: RecordStore, patient_id: str) -> list[Packet]:
    return store.list(Packet, patient_id, order_by=("id",))


def packet_items(
    store: RecordStore, patient_id: str, packet_id: int, *, with_documents: bool = False
) -> list[ChecklistItem]:
    return store.list(
        ChecklistItem,
        patient_id,
        where={"packet_id": packet_id},
        order_by=("position",),
        load=("documents",) if with_documents else (),
    )


def packet_events(store: RecordStore, patient_id: str, packet_id: int) -> list[TimelineEvent]:
    return store.list(
        TimelineEvent, patient_id, where={"packet_id": packet_id}, order_by=("event_date", "id")
    )


def packet_facilities(store: RecordStore, patient_id: str, packet_id: int) -> list[Facility]:
    return store.list(Facility, patient_id, where={"packet_id": packet_id}, order_by=("id",))


def packet_slides(store: RecordStore, patient_id: str, packet_id: int) -> list[SlideRecord]:
    return store.list(SlideRecord, patient_id, where={"packet_id": packet_id}, order_by=("id",))


def item_documents(store: RecordStore, patient_id: str, item_id: int) -> list[Document]:
    return store.list(Document, patient_id, where={"item_id": item_id}, order_by=("id",))


def count_in_packet(store: RecordStore, patient_id: str, model: type[Any], packet_id: int) -> int:
    """How many rows of ``model`` (events, requests, slides, documents) a packet holds."""
    return store.count(model, patient_id, where={"packet_id": packet_id})


def slides_item(store: RecordStore, patient_id: str, packet_id: int) -> ChecklistItem:
    """The checklist item whose page holds the slide and block list."""
    return next(i for i in packet_items(store, patient_id, packet_id) if i.key == SLIDES_KEY)


# -- what a page shows ------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    """The packet list: each packet with its checklist progress."""

    packets: list[Packet]
    progress: dict[int, Progress]


def overview(store: RecordStore, patient_id: str) -> Overview:
    """Every packet of the patient with its progress, in two queries."""
    packets = list_packets(store, patient_id)
    items = store.list(ChecklistItem, patient_id, order_by=("packet_id", "position"))
    by_packet: dict[int, list[ChecklistItem]] = {}
    for item in items:
        by_packet.setdefault(item.packet_id, []).append(item)
    return Overview(packets, {p.id: progress(by_packet.get(p.id, [])) for p in packets})


@dataclass(frozen=True)
class PacketState:
    """A packet with its checklist (and, for the detail page, its requests)."""

    packet: Packet
    items: list[ChecklistItem]
    event_count: int
    facilities: list[Facility]


def packet_state(
    store: RecordStore, patient_id: str, packet_id: int, *, detail: bool = False
) -> PacketState:
    """The packet page (``detail``: items with their files, and the records
    requests) or the gaps page (items only)."""
    packet = get_packet(store, patient_id, packet_id)
    items = packet_items(store, patient_id, packet.id, with_documents=detail)
    facilities = packet_facilities(store, patient_id, packet.id) if detail else []
    events = count_in_packet(store, patient_id, TimelineEvent, packet.id)
    return PacketState(packet, items, events, facilities)


@dataclass(frozen=True)
class ItemContents:
    """What a checklist item's page lists: its files, and for the slides item
    the packet's slide and block list."""

    documents: list[Document]
    slides: list[SlideRecord]


def item_contents(store: RecordStore, patient_id: str, item: ChecklistItem) -> ItemContents:
    documents = item_documents(store, patient_id, item.id)
    slides = packet_slides(store, patient_id, item.packet_id) if item.key == SLIDES_KEY else []
    return ItemContents(documents, slides)


def letter_defaults(store: RecordStore, patient_id: str, packet_id: int) -> list[str]:
    """What a new records request asks for: what is still missing; everything
    if nothing is marked yet."""
    missing = {gap.item.key for gap in gaps(packet_items(store, patient_id, packet_id))}
    keys = [e.key for e in LETTER_ENTRIES if e.key in missing]
    return keys or [e.key for e in LETTER_ENTRIES]


# -- the exports ------------------------------------------------------------


@dataclass
class PacketContents:
    """Everything the exports show, read once with a fixed number of queries."""

    packet: Packet
    items: list[Any]
    events: list[Any]
    slides: list[Any]
    facilities: list[Any]

    @property
    def documents(self) -> list[Any]:
        return [doc for item in self.items for doc in item.documents]

    def item_titles(self) -> dict[int, str]:
        return {item.id: str(BY_KEY[item.key].title) for item in self.items}


def packet_contents(store: RecordStore, patient_id: str, packet: Packet) -> PacketContents:
    return PacketContents(
        packet=packet,
        items=packet_items(store, patient_id, packet.id, with_documents=True),
        events=packet_events(store, patient_id, packet.id),
        slides=packet_slides(store, patient_id, packet.id),
        facilities=packet_facilities(store, patient_id, packet.id),
    )
