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

from ...access import acting
from ...adapters import PatientRef
from ...exports import budget
from ...exports.pdf import Embedded, render_pdf
from ...extension import current_secondop
from .. import services
from ..checklist import BY_KEY, EVENT_KINDS, SLIDE_MATERIALS, STATUSES
from ..display import event_date_label
from ..services import PacketContents

SUMMARY_TEMPLATE = "secondop/packet/summary_pdf.html"
INDEX_TEMPLATE = "secondop/packet/zip_index.html"
FULL_TEXT_TEMPLATE = "secondop/packet/zip_full_text.html"

# The summary PDF's budget (see exports/budget.py). WeasyPrint's time grows
# with lines and table rows, so each section has a character budget and the
# file index a row budget. At every limit at once (200 events, 11 notes, 40
# slides, 40 requests, 550 files, 5,000 unbroken characters each) the PDF stays
# near 60 pages; a typical packet fits whole. Everything in full goes into the
# ZIP (full-text.html; index.html and manifest.json list every file).
COVER_CHARS = 3000          # each of the questions and the suggested plan
NOTES_BUDGET = 4400         # all checklist notes together
NOTES_FLOOR = 300
DETAILS_BUDGET = 30_000     # all timeline details together
DETAILS_FLOOR = 150
TITLE_CHARS = 80            # an event's title (one line, up to 200 in the form)
CELL_CHARS = 80             # one-line fields in the slide and request tables
FILE_NAME_CHARS = 60
FILES_LISTED = 150          # rows of the PDF's file index; the ZIP lists every file


@dataclass(frozen=True)
class Caps:
    cover: int
    notes: int
    details: int
    title: int = TITLE_CHARS
    cell: int = CELL_CHARS
    file_name: int = FILE_NAME_CHARS
    files: int = FILES_LISTED


def listed_files(items: list[Any], limit: int) -> list[tuple[Any, list[Any]]]:
    """The first ``limit`` files, grouped by checklist item, for the PDF's index."""
    groups = []
    left = limit
    for item in items:
        if item.documents and left > 0:
            groups.append((item, list(item.documents[:left])))
            left -= len(groups[-1][1])
    return groups


def caps_for(contents: PacketContents) -> Caps:
    return Caps(
        cover=COVER_CHARS,
        notes=budget.share(NOTES_BUDGET, len(contents.items), NOTES_FLOOR),
        details=budget.share(DETAILS_BUDGET, len(contents.events), DETAILS_FLOOR),
    )


def shortens(contents: PacketContents, caps: Caps) -> bool:
    """True when the summary PDF will shorten at least one text."""
    packet = contents.packet
    return not (
        budget.fits([packet.consult_questions, packet.proposed_plan], caps.cover)
        and budget.fits([item.notes for item in contents.items], caps.notes)
        and budget.fits([event.details for event in contents.events], caps.details)
        and budget.fits([event.title for event in contents.events], caps.title)
        and budget.fits([doc.display_name for doc in contents.documents], caps.file_name)
        and budget.fits([f.name for f in contents.facilities], caps.cell)
        and budget.fits([getattr(slide, key) for slide in contents.slides
                         for key in ("lab", "accession_number", "specimen_ids", "location")],
                        caps.cell)
    )


def _context(
    contents: PacketContents, created: datetime, patient: PatientRef | None = None
) -> dict[str, Any]:
    caps = caps_for(contents)
    period = int(current_secondop.config["SECONDOP_RECORDS_REQUEST_DAYS"])
    return {
        "caps": caps,
        "shortened": shortens(contents, caps),
        "clip": budget.clip,
        "file_groups": listed_files(contents.items, caps.files),
        "files_not_listed": max(0, len(contents.documents) - caps.files),
        "text": budget.pdf_text,
        # The host's patient on her own pages; a share's copy on a team's (share.views).
        "patient": patient if patient is not None else acting().patient,
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
        "date_label": event_date_label,
        "clocks": {f.id: services.request_clock(f, period=period) for f in contents.facilities},
        "created": created,
    }


def summary_pdf(contents: PacketContents, created: datetime | None = None,
                embedded: list[Embedded] | None = None, *, patient: PatientRef | None = None) -> bytes:
    """The tagged summary of one packet: PDF/UA-1, or PDF/A-3b (still tagged)
    with ``embedded`` files (``build.summary_pdf``: the manifest and the FHIR bundle)."""
    return render_pdf(SUMMARY_TEMPLATE, embedded=embedded or (),
                      **_context(contents, created or datetime.now(UTC), patient))


def full_text_html(
    contents: PacketContents, created: datetime | None = None, *, patient: PatientRef | None = None
) -> bytes:
    """The ZIP's ``full-text.html``: every text of the packet in full, where
    the summary PDF may have shortened it. A browser lays it out on demand."""
    return render_template(
        FULL_TEXT_TEMPLATE, **_context(contents, created or datetime.now(UTC), patient)
    ).encode("utf-8")


def index_html(
    contents: PacketContents, planned: list[Any], created: datetime | None = None, *,
    patient: PatientRef | None = None,
) -> bytes:
    """The ZIP's ``index.html``: plain HTML, relative links, no scripts."""
    return render_template(
        INDEX_TEMPLATE, planned=planned, **_context(contents, created or datetime.now(UTC), patient)
    ).encode("utf-8")
