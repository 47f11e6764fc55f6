"""The packet's one-PDF summary: cover sheet, checklist, timeline, slide
ledger, records requests and an index of every file with its SHA-256.

The receiving team matches records by name and date of birth, so both come
from the host (``acting().patient``) and appear on the cover and in the
running header of every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import render_template

from ..access import acting
from ..extension import current_secondop
from ..packet import services
from ..packet.checklist import BY_KEY, EVENT_KINDS, SLIDE_MATERIALS, STATUSES
from ..packet.models import Facility, Packet, SlideRecord
from .pdf import render_pdf

SUMMARY_TEMPLATE = "secondop/packet/summary_pdf.html"
INDEX_TEMPLATE = "secondop/packet/zip_index.html"


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


def load_contents(packet: Packet) -> PacketContents:
    records = current_secondop.records
    pid = packet.patient_id
    return PacketContents(
        packet=packet,
        items=services.packet_items(packet, with_documents=True),
        events=services.packet_events(packet),
        slides=records.list(SlideRecord, pid, where={"packet_id": packet.id}, order_by=("id",)),
        facilities=records.list(Facility, pid, where={"packet_id": packet.id}, order_by=("id",)),
    )


def _context(contents: PacketContents, created: datetime) -> dict[str, Any]:
    return {
        "patient": acting().patient,
        "packet": contents.packet,
        "items": contents.items,
        "events": contents.events,
        "slides": contents.slides,
        "facilities": contents.facilities,
        "documents": contents.documents,
        "progress": services.progress(contents.items),
        "BY_KEY": BY_KEY,
        "STATUSES": STATUSES,
        "EVENT_KINDS": EVENT_KINDS,
        "SLIDE_MATERIALS": SLIDE_MATERIALS,
        "date_label": services.event_date_label,
        "clocks": {f.id: services.request_clock(f) for f in contents.facilities},
        "created": created,
    }


def summary_pdf(contents: PacketContents, created: datetime | None = None) -> bytes:
    """The tagged (PDF/UA-1) summary of one packet."""
    return render_pdf(SUMMARY_TEMPLATE, **_context(contents, created or datetime.now(UTC)))


def index_html(
    contents: PacketContents, planned: list[Any], created: datetime | None = None
) -> bytes:
    """The ZIP's ``index.html``: plain HTML, relative links, no scripts."""
    return render_template(
        INDEX_TEMPLATE, planned=planned, **_context(contents, created or datetime.now(UTC))
    ).encode("utf-8")
