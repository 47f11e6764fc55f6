"""The largest packet and worksheet the limits allow, with the text that costs
the layout engine most: long unbroken words in every script the PDFs carry,
right-to-left ones included. Shared by ``bench/worst_case.py`` and the tests
that prove the export budget holds at every limit.

Rows go straight through the record store (the forms' limits are enforced
elsewhere); every multi-line field holds ``SECONDOP_MAX_TEXT_CHARS``
characters, every single-line field its column width.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from typing import Any

from oncokind_secondop.compare.fields import OPINION_FIELDS
from oncokind_secondop.compare.models import Opinion, Worksheet
from oncokind_secondop.config import SETTINGS
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.checklist import CHECKLIST
from oncokind_secondop.packet.models import (
    ChecklistItem,
    Document,
    Facility,
    Packet,
    SlideRecord,
    TimelineEvent,
)

#: One unbroken "word" per script: Latin, Cyrillic, Greek, Arabic and Hebrew
#: (right to left), Devanagari, Thai (no spaces by nature), Chinese, Korean.
SCRIPTS = (
    "Pneumonoultramicroscopicsilicovolcanoconiosis",
    "Рентгеноэлектрокардиографический",
    "Ηλεκτροεγκεφαλογράφημα",
    "والاستكشافيةوالتشخيصيةللأورام",
    "והאונקולוגיתהמתקדמתביותר",
    "कैंसरविशेषज्ञोंकीदूसरीराय",
    "การวินิจฉัยโรคมะเร็งครั้งที่สอง",
    "第二意见肿瘤病理诊断报告书",
    "두번째소견종양병리진단보고서",
)


def limits() -> dict[str, int]:
    """The limits, read from the declared defaults."""
    keys = ("MAX_TIMELINE_EVENTS", "MAX_RECORDS_REQUESTS", "MAX_SLIDE_RECORDS",
            "MAX_DOCUMENTS_PER_ITEM", "MAX_OPINIONS_PER_WORKSHEET", "MAX_TEXT_CHARS")
    return {key.lower(): int(SETTINGS["SECONDOP_" + key].default) for key in keys}


def unbroken(length: int, seed: int = 0, marker: str = "") -> str:
    """``length`` characters with no space: scripts joined end to end."""
    text = marker
    n = seed
    while len(text) < length:
        text += SCRIPTS[n % len(SCRIPTS)]
        n += 1
    return text[:length]


def width(model: Any, column: str) -> int:
    return int(model.__table__.c[column].type.length)


def fill_packet(patient_id: str, *, marker: str = "", file_size: int = 16) -> int:
    """Create the largest packet the limits allow; return its id. Call inside
    an app context. ``marker`` starts every text, so a test can find it."""
    lim = limits()
    text = lim["max_text_chars"]
    records = current_secondop.records
    store = current_secondop.files

    def line(model: Any, column: str, seed: int) -> str:
        return unbroken(width(model, column), seed, marker)

    packet = records.add(patient_id, Packet(
        center_name=line(Packet, "center_name", 1),
        consult_questions=unbroken(text, 2, marker), proposed_plan=unbroken(text, 3, marker),
        plan_goal=line(Packet, "plan_goal", 4), referring_name=line(Packet, "referring_name", 5),
        referring_phone="0" * width(Packet, "referring_phone"),
        referring_fax="1" * width(Packet, "referring_fax"),
        referring_npi="2" * width(Packet, "referring_npi"), version=1,
    ))
    records.flush()
    items = []
    for position, entry in enumerate(CHECKLIST):
        items.append(records.add(patient_id, ChecklistItem(
            packet_id=packet.id, key=entry.key, position=position, status="received",
            requested_on=date(2026, 1, 2), received_on=date(2026, 2, 3),
            notes=unbroken(text, position, marker), version=1,
        )))
    records.flush()
    for n in range(lim["max_timeline_events"]):
        records.add(patient_id, TimelineEvent(
            packet_id=packet.id, event_date=date(2000 + n % 26, 1 + n % 12, 1 + n % 28),
            precision="day", kind="other", title=line(TimelineEvent, "title", n),
            details=unbroken(text, n, marker), version=1,
        ))
    for n in range(lim["max_slide_records"]):
        records.add(patient_id, SlideRecord(
            packet_id=packet.id, lab=line(SlideRecord, "lab", n),
            accession_number=line(SlideRecord, "accession_number", n + 1),
            specimen_ids=line(SlideRecord, "specimen_ids", n + 2), count=99,
            material="original", location=line(SlideRecord, "location", n + 3),
        ))
    for n in range(lim["max_records_requests"]):
        records.add(patient_id, Facility(
            packet_id=packet.id, name=line(Facility, "name", n),
            department=line(Facility, "department", n + 1),
            address=unbroken(text, n + 2, marker), phone="3" * width(Facility, "phone"),
            fax="4" * width(Facility, "fax"),
            requested_items=" ".join(e.key for e in CHECKLIST if e.letter_line is not None),
            dates_of_service=line(Facility, "dates_of_service", n + 3),
            requested_on=date(2026, 1, 5), received_on=None,
            notes=unbroken(text, n + 4, marker), version=1,
        ))
    now = datetime.now(UTC)
    for item in items:
        for n in range(lim["max_documents_per_item"]):
            stored = store.put([secrets.token_bytes(file_size)])
            name = unbroken(width(Document, "display_name") - 4, n, marker) + ".pdf"
            records.add(patient_id, Document(
                packet_id=packet.id, item_id=item.id, display_name=name, kind="pdf",
                mimetype="application/pdf", size=stored.size, sha256=stored.sha256,
                storage_key=stored.key, uploaded_at=now,
            ))
    records.commit()
    return int(packet.id)


def fill_worksheet(patient_id: str, *, marker: str = "", private: str = "") -> int:
    """Create the largest worksheet the limits allow; return its id. Each
    opinion's private notes start with ``private`` (a canary) when given."""
    lim = limits()
    records = current_secondop.records
    worksheet = records.add(patient_id, Worksheet(
        title=unbroken(width(Worksheet, "title"), 0, marker),
        notes=unbroken(lim["max_text_chars"], 1, marker), marks={}, version=1,
    ))
    records.flush()
    for n in range(lim["max_opinions_per_worksheet"]):
        values: dict[str, Any] = {}
        for seed, spec in enumerate(OPINION_FIELDS):
            if spec.kind == "date":
                values[spec.key] = date(2026, 1, 1 + n)
            elif spec.kind == "choice":
                values[spec.key] = "remote"
            elif spec.kind == "line":
                values[spec.key] = unbroken(width(Opinion, spec.key), n + seed, marker)
            else:
                values[spec.key] = unbroken(lim["max_text_chars"], n + seed, marker)
        if private:
            values["patient_notes"] = private + values["patient_notes"][len(private):]
        opinion = Opinion(position=n + 1, **values)
        worksheet.opinions.append(opinion)
        records.add(patient_id, opinion)
    records.commit()
    return int(worksheet.id)
