"""Helpers for the receiving team's tests: Maria's packet made through her
pages, shares made with ``services.create_share`` directly, and a second,
anonymous browser for the team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Document, Share, ShareAccess
from oncokind_secondop.share import services

from ..packet.conftest import PacketHelper
from ..uploads.samples import pdf_bytes

PREFIX = "/second-opinion"
TEAM = "Lakeside Oncology"
#: The share's contact is for the patient's own notes: never shown to the team.
CONTACT_CANARY = "ContactCanary5512"


@dataclass(frozen=True)
class Made:
    id: int
    token: str
    code: str

    @property
    def entry(self) -> str:
        return f"{PREFIX}/shared/{self.token}"

    @property
    def packet(self) -> str:
        return f"{PREFIX}/shared/{self.id}/packet"

    def file(self, doc_id: int) -> str:
        return f"{PREFIX}/shared/{self.id}/files/{doc_id}"

    @property
    def summary(self) -> str:
        return f"{PREFIX}/shared/{self.id}/summary.pdf"

    @property
    def zip(self) -> str:
        return f"{PREFIX}/shared/{self.id}/packet.zip"


#: The fake host's patients as a share keeps them for its cover.
PEOPLE = {"p-maria": ("Maria Lopez", date(1968, 4, 2)), "p-lee": ("Lee Chen", date(1975, 9, 30))}


def make_share(app: Flask, packet_id: int, patient_id: str = "p-maria", *,
               item_keys: tuple[str, ...] = (), team: str = TEAM) -> Made:
    name, born = PEOPLE[patient_id]
    with app.app_context():
        records = current_secondop.records
        new = services.create_share(
            records, patient_id, packet_id, team_name=team, contact=f"Dr Ruiz {CONTACT_CANARY}",
            days=14, item_keys=item_keys, patient_name=name,
            patient_birth_date=born, created_by=patient_id, max_days=90, max_shares=20)
        made = Made(new.share.id, new.token, new.code)
        records.session.close()
    return made


def seed_packet(app: Flask, client: FlaskClient, patient_id: str = "p-maria") -> dict[str, Any]:
    """A packet with a PDF in pathology reports and one in imaging, a timeline
    event and a slide record, made through the patient's pages."""
    assert client.get(f"/test-login/{patient_id}").status_code == 200
    packets = PacketHelper(app, client)
    packet_id = packets.create("City Cancer Center", consult_questions="Is surgery the best first step?")
    pathology, imaging = pdf_bytes(1), pdf_bytes(2)
    assert packets.upload(packet_id, "pathology_reports", [(pathology, "Pathology report.pdf")]).status_code == 303
    assert packets.upload(packet_id, "imaging_reports", [(imaging, "CT report.pdf")]).status_code == 303
    packets.add_event(packet_id, "First CT scan", 2024, 5, 1)
    slide = client.post(f"{PREFIX}/packet/{packet_id}/slides", data={"lab": "Central Lab", "material": "original"})
    assert slide.status_code == 302
    documents = {d.display_name: d.id for d in packets.all(Document, packet_id=packet_id)}
    client.get("/test-logout")
    return {"packet_id": packet_id, "pathology": documents["Pathology report.pdf"],
            "imaging": documents["CT report.pdf"], "pathology_bytes": pathology, "imaging_bytes": imaging}


def open_share(team: FlaskClient, made: Made) -> Any:
    """The team types the right code; returns the answer (a 303 to the packet)."""
    return team.post(made.entry, data={"code": made.code})


def set_share(app: Flask, share_id: int, **values: Any) -> None:
    """Change a share's row in the database (revoked_at, expires_at...)."""
    with app.app_context():
        session = current_secondop.records.session
        session.execute(update(Share).where(Share.id == share_id).values(**values))
        session.commit()


def past() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)


def accesses(app: Flask, share_id: int) -> list[tuple[str, int | None]]:
    with app.app_context():
        session = current_secondop.records.session
        rows = session.scalars(select(ShareAccess).where(ShareAccess.share_id == share_id)
                               .order_by(ShareAccess.id)).all()
        out = [(a.what, a.document_id) for a in rows]
        session.close()
        return out
