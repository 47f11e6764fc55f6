"""A seeded world for the authorization matrix, the header test and the
canary test: Maria and Lee each own one of every object (a packet with an
uploaded document, a checklist item with notes, a timeline event, a slide
record, a records request, a Compare worksheet with two opinions), every text
field carrying that patient's canary string.

Seeding goes through the pages (as the patient), like a real user would.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfWriter
from sqlalchemy import select

from oncokind_secondop.compare.fields import COMPARED_KEYS
from oncokind_secondop.compare.models import Opinion, Worksheet
from oncokind_secondop.db import Base
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.learn import content
from oncokind_secondop.packet.models import (
    ChecklistItem,
    Document,
    Facility,
    Packet,
    Share,
    SlideRecord,
    TimelineEvent,
)
from oncokind_secondop.signals import AuditEvent, audit_event

from ..compare.conftest import CompareHelper, opinion_data
from ..learn.test_letter import VALUES as LETTER_VALUES
from ..packet.conftest import PacketHelper
from ..share._team import make_share

#: One canary per patient, in every text field of every object they own.
CANARY = {"p-maria": "CanaryMariaK4", "p-lee": "CanaryLeeW9"}

PREFIX = "/second-opinion"
ITEM_KEY = "pathology_reports"

#: Models whose id a route takes, by URL argument name.
ID_MODELS: dict[str, type[Any]] = {
    "packet_id": Packet,
    "item_id": ChecklistItem,
    "doc_id": Document,
    "event_id": TimelineEvent,
    "facility_id": Facility,
    "slide_id": SlideRecord,
    "share_id": Share,
    "worksheet_id": Worksheet,
    "opinion_id": Opinion,
}


def canary_pdf(canary: str) -> bytes:
    """A real one-page PDF whose bytes hold the canary (in its metadata), so a
    leaked file is found in a ZIP too."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": f"Report {canary}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def login(client: FlaskClient, user_id: str) -> None:
    assert client.get(f"/test-login/{user_id}").status_code == 200


def logout(client: FlaskClient) -> None:
    client.get("/test-logout")


def seed_patient(app: Flask, client: FlaskClient, patient_id: str) -> dict[str, Any]:
    """One of every object for ``patient_id``, made through the pages; returns
    the URL arguments (real ids) and the document's bytes."""
    canary = CANARY[patient_id]
    login(client, patient_id)
    packets = PacketHelper(app, client)
    packet_id = packets.create(
        f"Center {canary}",
        consult_questions=f"Question {canary}",
        proposed_plan=f"Plan {canary}",
        plan_goal=f"Goal {canary}",
        referring_name=f"Dr {canary}",
    )
    packets.set_status(packet_id, ITEM_KEY, "received", notes=f"Notes {canary}")
    document = canary_pdf(canary)
    assert packets.upload(packet_id, ITEM_KEY, [(document, f"report {canary}.pdf")]).status_code == 303
    packets.add_event(packet_id, f"Scan {canary}", 2024, 5, 1)
    slide = client.post(f"{PREFIX}/packet/{packet_id}/slides",
                        data={"lab": f"Lab {canary}", "material": "original"})
    assert slide.status_code == 302, slide.get_data(as_text=True)
    request = client.post(
        f"{PREFIX}/packet/{packet_id}/requests/new",
        data={"name": f"Hospital {canary}", "notes": f"Request {canary}",
              "requested_items": [ITEM_KEY], "send_to_me": "y", "version": "0"},
    )
    assert request.status_code == 302, request.get_data(as_text=True)
    share = client.post(f"{PREFIX}/packet/{packet_id}/shares/new",
                        data={"team_name": f"Team {canary}", "contact": f"Contact {canary}",
                              "days": "14", "scope": "all"})
    assert share.status_code == 200, share.get_data(as_text=True)
    compare = CompareHelper(app, client)
    worksheet_id = compare.create(f"Choice {canary}", notes=f"Worksheet {canary}")
    for n, extra in ((1, {"doctor": f"Dr One {canary}"}), (2, {"center": f"Center Two {canary}"})):
        version = current_versions(app, {"worksheet_id": worksheet_id}, patient_id)["worksheet_id"]
        added = client.post(f"{PREFIX}/compare/{worksheet_id}/opinions/new",
                            data={**opinion_data(n, **extra), "version": version})
        assert added.status_code == 302, added.get_data(as_text=True)
    first = compare.opinion_ids(worksheet_id, patient_id)[0]
    logout(client)
    share = make_share(app, packet_id, patient_id)
    return {
        "share_id": share.id,
        "token": share.token,
        "code": share.code,
        "packet_id": packet_id,
        "item_id": packets.item_id(packet_id, ITEM_KEY),
        "doc_id": packets.all(Document, packet_id=packet_id)[0].id,
        "event_id": packets.all(TimelineEvent, packet_id=packet_id)[0].id,
        "facility_id": packets.all(Facility, packet_id=packet_id)[0].id,
        "slide_id": packets.all(SlideRecord, packet_id=packet_id)[0].id,
        # The share made through the patient's page: her revoke and delete act on it,
        # so the team's share above (share_id, token, code) stays open for the team's rows.
        "own_share_id": packets.all(Share, packet_id=packet_id)[0].id,
        "worksheet_id": worksheet_id,
        "opinion_id": first,
        "slug": content.TOPICS[0].slug,
        "document": document,
    }


@dataclass
class World:
    maria: dict[str, Any]
    lee: dict[str, Any]


def build_world(app: Flask, client: FlaskClient) -> World:
    return World(maria=seed_patient(app, client, "p-maria"), lee=seed_patient(app, client, "p-lee"))


def snapshot(app: Flask, patient_id: str) -> dict[str, Any]:
    """Every row of ``patient_id`` in every table, and every stored file key."""
    with app.app_context():
        session = current_secondop.records.session
        rows = {
            table.name: sorted(
                tuple(row) for row in session.execute(
                    select(table).where(table.c.patient_id == patient_id)
                )
            )
            for table in Base.metadata.sorted_tables
        }
        session.rollback()
        return {"rows": rows, "files": sorted(current_secondop.files.keys())}


def current_versions(app: Flask, ids: dict[str, Any], patient_id: str) -> dict[str, int]:
    """The saved version of each versioned object in ``ids`` (0 once deleted)."""
    out: dict[str, int] = {}
    with app.app_context():
        records = current_secondop.records
        for name, model in ID_MODELS.items():
            if hasattr(model, "version"):
                record = records.get(model, patient_id, ids[name]) if name in ids else None
                out[name] = record.version if record is not None else 0
        records.session.rollback()
    return out


@contextmanager
def recorded_audit(app: Flask) -> Iterator[list[AuditEvent]]:
    events: list[AuditEvent] = []

    def receive(sender: Flask, event: AuditEvent) -> None:
        events.append(event)

    audit_event.connect(receive, sender=app)
    try:
        yield events
    finally:
        audit_event.disconnect(receive, sender=app)


def secondop_rules(app: Flask) -> list[Any]:
    """Every rule of the blueprint but its static files, in a stable order."""
    return sorted(
        (r for r in app.url_map.iter_rules()
         if r.endpoint.startswith("secondop.") and r.endpoint != "secondop.static"),
        key=lambda r: (r.rule, r.endpoint),
    )


def methods_of(rule: Any) -> list[str]:
    # HEAD mirrors GET and OPTIONS is answered by Werkzeug: neither reaches a view.
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def url_for_rule(rule: Any, ids: dict[str, Any]) -> str:
    if rule.endpoint.startswith("secondop.packet_share"):  # the patient's own share pages
        ids = {**ids, "share_id": ids["own_share_id"]}
    return str(rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1])


#: Destructive POSTs run last, children before parents, so every other cell
#: of the owner and the caregiver still finds its object.
LAST = (
    "secondop.packet_share_delete",  # after its revoke (a POST not listed here): only an ended share goes
    "secondop.packet_document_delete",
    "secondop.packet_slide_delete",
    "secondop.packet_event_delete",
    "secondop.packet_request_delete",
    "secondop.compare_opinion_remove",
    "secondop.compare_delete",
    "secondop.packet_delete",
)


def payload(endpoint: str, v: dict[str, int]) -> dict[str, Any]:
    """A valid form for each POST (Maria's current versions): what the owner
    saves, and what a non-owner tries."""
    forms: dict[str, dict[str, Any]] = {
        "secondop.choose_patient": {"patient": "p-maria"},
        "secondop.learn_selfcheck": {"situations": ["rare"], "urgent": "y"},
        "secondop.learn_letter": {**LETTER_VALUES, "action": "show"},
        "secondop.packet_new": {"center_name": "Another center", "version": "0"},
        "secondop.packet_edit": {"center_name": "Edited center", "version": v["packet_id"]},
        "secondop.packet_item": {"status": "requested", "version": v["item_id"]},
        "secondop.packet_slide_add": {"lab": "Added lab", "material": "recut"},
        "secondop.packet_event_add": {"year": "2023", "kind": "test", "title": "Added", "version": "0"},
        "secondop.packet_event_edit": {"year": "2022", "kind": "test", "title": "Edited",
                                       "version": v["event_id"]},
        "secondop.packet_request_new": {"name": "Added hospital", "requested_items": [ITEM_KEY],
                                        "send_to_me": "y", "version": "0"},
        "secondop.packet_request_edit": {"name": "Edited hospital", "requested_items": [ITEM_KEY],
                                         "send_to_me": "y", "version": v["facility_id"]},
        "secondop.packet_request_received": {"received_on": "2026-01-02"},
        "secondop.packet_share_create": {"team_name": "Added team", "days": "14", "scope": "all"},
        "secondop.compare_new": {"title": "Added worksheet"},
        "secondop.compare_edit": {"title": "Edited worksheet", "notes": "", "version": v["worksheet_id"]},
        "secondop.compare_delete": {"version": v["worksheet_id"]},
        "secondop.compare_opinion_new": {**opinion_data(3), "version": v["worksheet_id"]},
        "secondop.compare_opinion_edit": {**opinion_data(4), "version": v["worksheet_id"]},
        "secondop.compare_opinion_move": {"direction": "down", "version": v["worksheet_id"]},
        "secondop.compare_opinion_remove": {"version": v["worksheet_id"]},
        "secondop.compare_save_marks": {**{f"mark_{k}": "agree" for k in COMPARED_KEYS},
                                        "version": v["worksheet_id"]},
    }
    return forms.get(endpoint, {})  # deletes: a bare confirmation


def send(client: FlaskClient, app: Flask, rule: Any, method: str, ids: dict[str, Any]) -> Any:
    url = url_for_rule(rule, ids)
    if method == "GET":
        return client.get(url)
    if rule.endpoint == "secondop.packet_upload":
        return client.post(url, data={"file": (io.BytesIO(canary_pdf("Added")), "added.pdf")},
                           content_type="multipart/form-data")
    return client.post(url, data=payload(rule.endpoint, current_versions(app, ids, "p-maria")))


def ordered_cells(app: Flask) -> list[tuple[Any, str]]:
    cells = [(rule, method) for rule in secondop_rules(app) for method in methods_of(rule)]

    def key(cell: tuple[Any, str]) -> tuple[int, int, str]:
        rule, method = cell
        last = LAST.index(rule.endpoint) if rule.endpoint in LAST and method == "POST" else -1
        return (method == "POST", last, rule.rule)

    return sorted(cells, key=key)
