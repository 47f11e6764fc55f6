"""``packet.fhir.json``: the packet as a FHIR R4 document Bundle, for a
receiving system that files records rather than reading a PDF.

Shape (http://hl7.org/fhir/R4/documents.html): ``Bundle.type`` "document",
a Composition first (sections: the consult questions, the checklist with each
item's status and files, the timeline), then the Patient as the host gives it
(name and date of birth only), then one DocumentReference per stored file.
Entries are ``urn:uuid:`` full URLs and refer to each other by them.

Request-free: it needs no logged-in patient and reads nothing from the
request but the locale (through ``i18n``); it takes what it shows (the packet's contents, the patient, the
planned ZIP paths, the SHA-1s from ``packet_zip.verify_all``) and returns
bytes, so the owner's export and a receiving team's shared view can both
call it. Section titles and status labels are in the current locale, as in
the summary PDF; codes beside them are locale-free.
"""

from __future__ import annotations

import base64
import html
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from ...adapters import PatientRef
from ...i18n import _, html_lang
from ..checklist import EVENT_KINDS, STATUSES
from ..services import PacketContents
from .packet_zip import PlannedFile

# The SHA-256 goes in DocumentReference.identifier as a URI (FHIR: system
# "urn:ietf:rfc:3986" means "the value is a URI"), written as an RFC 6920
# "nih" name (``nih:sha-256;<hex>``): a standard, algorithm-labelled URI that
# keeps the same lower-case hex as manifest.json and SHA256SUMS, so a
# receiving team can compare the three by eye or by grep.
URI_SYSTEM = "urn:ietf:rfc:3986"
SHA256_PREFIX = "nih:sha-256;"

# The package's own code systems (checklist item keys, statuses, timeline
# kinds): plain URNs under one documented prefix (docs/packet.md), since no
# published terminology has "pathology reports received for a second opinion".
CODE_PREFIX = "urn:oncokind-secondop:"
ITEM_SYSTEM = CODE_PREFIX + "checklist-item"
STATUS_SYSTEM = CODE_PREFIX + "checklist-status"
STATUS_EXTENSION = CODE_PREFIX + "fhir:checklist-status"
EVENT_KIND_SYSTEM = CODE_PREFIX + "timeline-kind"
# The bundle's own identifier system (bdl-9: a document has one).
BUNDLE_ID_SYSTEM = URI_SYSTEM

# FHIR R4 Attachment.size is an unsignedInt (at most 2^31 - 1). A larger file
# (imaging archives can be) leaves it out; manifest.json and SHA256SUMS still
# carry its exact size and hash.
MAX_UNSIGNED_INT = 2**31 - 1

XHTML = "http://www.w3.org/1999/xhtml"


def _urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def _instant(value: datetime) -> str:
    """A FHIR instant: seconds and a time zone (a naive value is UTC, as stored)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _partial_date(value: date, precision: str) -> str:
    """A FHIR date to the precision the patient gave: 2023, 2024-03, 2024-03-14."""
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def _div(*blocks: str) -> dict[str, str]:
    """A generated Narrative; ``blocks`` are already-escaped XHTML."""
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{"".join(blocks)}</div>'}


def _paragraphs(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


def _questions_section(contents: PacketContents) -> dict[str, Any]:
    text = contents.packet.consult_questions
    body = _paragraphs(text) or f"<p>{html.escape(_('None written yet.'))}</p>"
    return {"title": _("Questions the patient wants answered"), "text": _div(body)}


def _item_section(item: Any, title: str, document_urls: list[str]) -> dict[str, Any]:
    status = str(STATUSES[item.status])
    rows = [f"<p>{html.escape(_('Status'))}: {html.escape(status)}</p>"]
    if item.requested_on:
        rows.append(f"<p>{html.escape(_('Asked on'))}: {item.requested_on.isoformat()}</p>")
    if item.received_on:
        rows.append(f"<p>{html.escape(_('Received on'))}: {item.received_on.isoformat()}</p>")
    if item.notes.strip():
        rows.append(f"<p>{html.escape(_('Notes'))}:</p>{_paragraphs(item.notes)}")
    section: dict[str, Any] = {
        "title": title,
        "code": {"coding": [{"system": ITEM_SYSTEM, "code": item.key}], "text": title},
        "extension": [{
            "url": STATUS_EXTENSION,
            "valueCoding": {"system": STATUS_SYSTEM, "code": item.status, "display": status},
        }],
        "text": _div(*rows),
    }
    if document_urls:
        section["entry"] = [{"reference": url} for url in document_urls]
    return section


def _checklist_section(
    contents: PacketContents, titles: dict[int, str], urls_by_item: dict[int, list[str]]
) -> dict[str, Any]:
    rows = "".join(
        f"<tr><td>{html.escape(titles[item.id])}</td><td>{html.escape(str(STATUSES[item.status]))}</td>"
        f"<td>{len(urls_by_item.get(item.id, []))}</td></tr>"
        for item in contents.items
    )
    head = "".join(f"<th>{html.escape(label)}</th>" for label in (_("Item"), _("Status"), _("Files")))
    section: dict[str, Any] = {
        "title": _("Checklist"),
        "text": _div(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
                     if rows else f"<p>{html.escape(_('None written yet.'))}</p>"),
    }
    if contents.items:
        section["section"] = [
            _item_section(item, titles[item.id], urls_by_item.get(item.id, []))
            for item in contents.items
        ]
    return section


def _timeline_section(contents: PacketContents) -> dict[str, Any]:
    rows = "".join(
        "<li>"
        f"{_partial_date(event.event_date, event.precision)} "
        f"({html.escape(str(EVENT_KINDS.get(event.kind, event.kind)))}): "
        f"{html.escape(event.title)}{_paragraphs(event.details)}"
        "</li>"
        for event in contents.events
    )
    body = f"<ol>{rows}</ol>" if rows else f"<p>{html.escape(_('No events written yet.'))}</p>"
    return {"title": _("Timeline"), "text": _div(body)}


def _patient(patient: PatientRef) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "name": [{"text": patient.display_name}],
    }
    if patient.date_of_birth:
        resource["birthDate"] = patient.date_of_birth.isoformat()
    return resource


def _document_reference(
    plan: PlannedFile, sha1: bytes, item_title: str, item_key: str, patient_url: str
) -> dict[str, Any]:
    document = plan.document
    attachment: dict[str, Any] = {
        "contentType": document.mimetype,
        # Relative to the ZIP's root (the file's path in the packet ZIP).
        "url": quote(plan.arcname),
        "hash": base64.b64encode(sha1).decode("ascii"),  # FHIR: base64 of the SHA-1
        "title": document.display_name,
        "creation": _instant(document.uploaded_at),
    }
    if document.size <= MAX_UNSIGNED_INT:
        attachment["size"] = document.size
    return {
        "resourceType": "DocumentReference",
        "identifier": [{"system": URI_SYSTEM, "value": SHA256_PREFIX + document.sha256}],
        "status": "current",
        "category": [{"coding": [{"system": ITEM_SYSTEM, "code": item_key}], "text": item_title}],
        "subject": {"reference": patient_url},
        "date": _instant(document.uploaded_at),
        "description": document.display_name,
        "content": [{"attachment": attachment}],
    }


def fhir_bundle(
    contents: PacketContents,
    patient: PatientRef,
    planned: Sequence[PlannedFile],
    sha1s: dict[int, bytes],
    created: datetime,
) -> bytes:
    """The FHIR R4 document Bundle of one packet, as UTF-8 JSON.

    ``sha1s`` maps document ids to their SHA-1 digests (from
    ``packet_zip.verify_all``); ``planned`` gives each file its ZIP path."""
    titles = contents.item_titles()
    keys = {item.id: item.key for item in contents.items}
    patient_url = _urn()
    document_entries = []
    urls_by_item: dict[int, list[str]] = {}
    for plan in planned:
        url = _urn()
        item_id = plan.document.item_id
        urls_by_item.setdefault(item_id, []).append(url)
        document_entries.append({
            "fullUrl": url,
            "resource": _document_reference(
                plan, sha1s[plan.document.id], titles[item_id], keys[item_id], patient_url
            ),
        })
    title = _("Second opinion records packet")
    composition: dict[str, Any] = {
        "resourceType": "Composition",
        "language": html_lang(),
        "status": "final",
        # Free text: no LOINC document type fits "records a patient gathered
        # for a second opinion"; the binding is only "preferred".
        "type": {"text": title},
        "subject": {"reference": patient_url},
        "date": _instant(created),
        # The patient (or a caregiver acting for them) wrote it.
        "author": [{"reference": patient_url}],
        "title": f"{title}: {contents.packet.center_name}" if contents.packet.center_name else title,
        "section": [
            _questions_section(contents),
            _checklist_section(contents, titles, urls_by_item),
            _timeline_section(contents),
        ],
    }
    bundle = {
        "resourceType": "Bundle",
        "identifier": {"system": BUNDLE_ID_SYSTEM, "value": _urn()},
        "type": "document",
        "timestamp": _instant(created),
        "entry": [
            {"fullUrl": _urn(), "resource": composition},
            {"fullUrl": patient_url, "resource": _patient(patient)},
            *document_entries,
        ],
    }
    return json.dumps(bundle, ensure_ascii=False, indent=2).encode("utf-8")
