"""Packet logic that is not about HTTP: creating a packet with its checklist,
progress and gaps, the records-request clock, and scoped look-ups of a
packet's children."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol, TypeVar

from flask import abort

from ..access import acting, get_or_404
from ..extension import current_secondop
from ..i18n import format_date, format_month_year
from ..limits import add_days, check_room
from ..signals import emit_audit
from .checklist import BY_KEY, CHECKLIST, READY_STATUSES, ChecklistEntry
from .models import ChecklistItem, Document, Facility, Packet, SlideRecord, TimelineEvent


class _InPacket(Protocol):
    """A record that belongs to one packet (every child model)."""

    @property
    def packet_id(self) -> int: ...


T = TypeVar("T", bound=_InPacket)

CHILD_MODELS: tuple[type[Any], ...] = (
    Document,
    TimelineEvent,
    Facility,
    SlideRecord,
    ChecklistItem,
)


def patient_id() -> str:
    return acting().patient.id


def create_packet(values: dict[str, Any]) -> Packet:
    """Stage a packet and one checklist item per entry of the checklist table."""
    records = current_secondop.records
    packet = records.add(patient_id(), Packet(**values))
    records.flush()
    for entry in CHECKLIST:
        records.add(
            patient_id(),
            ChecklistItem(
                packet_id=packet.id, key=entry.key, position=entry.order, status="not_started"
            ),
        )
    return packet


REFERRING_FIELDS = ("referring_name", "referring_phone", "referring_fax", "referring_npi")


def copy_details(source: Packet, target: Packet, *, max_events: int, max_slides: int) -> int:
    """Stage copies of ``source``'s timeline and slide ledger into ``target``,
    and its doctor's details where ``target`` has none; return the events copied.
    Files are not copied: each stored file belongs to one document row.

    Raises :class:`~oncokind_secondop.limits.LimitReached` before staging
    anything when the source holds more than a packet may (possible once a
    host lowers a limit): the caller's transaction then writes nothing."""
    records = current_secondop.records
    pid = target.patient_id
    events = records.list(TimelineEvent, pid, where={"packet_id": source.id}, order_by=("id",))
    slides = records.list(SlideRecord, pid, where={"packet_id": source.id}, order_by=("id",))
    check_room("events", 0, max_events, adding=len(events))
    check_room("slides", 0, max_slides, adding=len(slides))
    for name in REFERRING_FIELDS:
        if not getattr(target, name):
            setattr(target, name, getattr(source, name))
    for event in events:
        records.add(
            pid,
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
        records.add(
            pid,
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


def child_or_404(
    model: type[T], object_id: int, packet: Packet, *, action: str, category: str
) -> T:
    """A record of this patient that also belongs to ``packet``; a child of
    another packet (even the same patient's) is a 404 like any stranger's."""
    record = get_or_404(model, object_id, action=action, category=category)
    if record.packet_id != packet.id:
        emit_audit(action, category, outcome="not_found", object_id=object_id)
        abort(404)
    return record


def packet_items(packet: Packet, *, with_documents: bool = False) -> list[ChecklistItem]:
    return current_secondop.records.list(
        ChecklistItem,
        packet.patient_id,
        where={"packet_id": packet.id},
        order_by=("position",),
        load=("documents",) if with_documents else (),
    )


def packet_events(packet: Packet) -> list[TimelineEvent]:
    return current_secondop.records.list(
        TimelineEvent,
        packet.patient_id,
        where={"packet_id": packet.id},
        order_by=("event_date", "id"),
    )


@dataclass(frozen=True)
class Progress:
    ready: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.ready / self.total) if self.total else 0


def progress(items: Sequence[ChecklistItem]) -> Progress:
    return Progress(sum(1 for i in items if i.status in READY_STATUSES), len(items))


@dataclass(frozen=True)
class Gap:
    item: ChecklistItem
    entry: ChecklistEntry


def gaps(items: Sequence[ChecklistItem]) -> list[Gap]:
    """Items not yet ready, in checklist order, each with why it matters."""
    return [
        Gap(i, BY_KEY[i.key]) for i in items if i.status not in READY_STATUSES and i.key in BY_KEY
    ]


@dataclass(frozen=True)
class RequestClock:
    """Where a records request stands against the answer period."""

    state: str  # "not_requested", "waiting", "overdue", "received"
    due_on: date | None
    days: int  # days left while waiting, days late when overdue


def request_clock(facility: Facility, today: date | None = None) -> RequestClock:
    """Total for any stored date: forms take years 1900 to 2100 only, but a
    row saved before that check may hold 9999-12-31 (adding days overflowed)."""
    today = today or date.today()
    period = current_secondop.config["SECONDOP_RECORDS_REQUEST_DAYS"]
    if facility.received_on is not None:
        due = add_days(facility.requested_on, period) if facility.requested_on else None
        return RequestClock("received", due, 0)
    if facility.requested_on is None:
        return RequestClock("not_requested", None, 0)
    due = add_days(facility.requested_on, period)
    left = (due - today).days
    if left < 0:
        return RequestClock("overdue", due, -left)
    return RequestClock("waiting", due, left)


def event_date_label(event: TimelineEvent) -> str:
    """The event date to the precision the patient gave (a year, a month, a day)."""
    if event.precision == "year":
        return str(event.event_date.year)
    if event.precision == "month":
        return format_month_year(event.event_date)
    return format_date(event.event_date, "medium")


def delete_packet(packet: Packet) -> list[str]:
    """Stage the removal of a packet and everything in it; return the storage
    keys whose bytes the caller deletes after the commit."""
    records = current_secondop.records
    pid = packet.patient_id
    keys: list[str] = []
    for model in CHILD_MODELS:
        for record in records.list(model, pid, where={"packet_id": packet.id}):
            if isinstance(record, Document):
                keys.append(record.storage_key)
            records.delete(pid, record)
        records.flush()  # children first, so foreign keys hold on every database
    records.delete(pid, packet)
    return keys


def delete_stored(keys: Sequence[str]) -> None:
    """Remove bytes after their rows are gone; a failure leaves an orphan for
    the sweeper, never a row without its file."""
    store = current_secondop.files
    for key in keys:
        try:
            store.delete(key)
        except Exception:  # OSError from a disk, a client error from a cloud store: not the user's problem
            from flask import current_app

            current_app.logger.warning("could not delete a stored file; the sweeper will retry")
