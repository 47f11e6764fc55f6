"""Helpers for the fuzz and state-machine tests: one fake host app per test
function, Maria's and Lee's objects made through the pages, and a snapshot of
every ``secondop_`` table to prove "nothing changed" or "exactly this changed"."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, delete, insert, select, update

from oncokind_secondop.compare.models import Opinion, Worksheet
from oncokind_secondop.db import TABLE_PREFIX, Base
from oncokind_secondop.packet.models import ChecklistItem, Document, Facility, Packet, SlideRecord, TimelineEvent

from ..conftest import _reset_database
from ..fake_host import create_app
from ..uploads.samples import pdf_bytes

PACKET = "/second-opinion/packet"
COMPARE = "/second-opinion/compare"

TABLES = [t for t in Base.metadata.sorted_tables if t.name.startswith(TABLE_PREFIX)]

#: table name -> {row id -> {column -> value}}
Snapshot = dict[str, dict[int, dict[str, Any]]]


def make_app(tmp_path: Path) -> Flask:
    app = create_app(tmp_path)
    _reset_database(app)
    return app


def engine_of(app: Flask) -> Engine:
    return app.extensions["secondop"].records.engine  # type: ignore[no-any-return]


def snapshot(app: Flask) -> Snapshot:
    with engine_of(app).connect() as conn:
        return {
            table.name: {row.id: dict(row._mapping) for row in conn.execute(select(table))}
            for table in TABLES
        }


def changes(before: Snapshot, after: Snapshot) -> dict[str, dict[str, set[int]]]:
    """Per table: ids added, removed and changed (tables without change left out)."""
    out: dict[str, dict[str, set[int]]] = {}
    for name in before:
        old, new = before[name], after[name]
        diff = {
            "added": set(new) - set(old),
            "removed": set(old) - set(new),
            "changed": {i for i in set(old) & set(new) if old[i] != new[i]},
        }
        if any(diff.values()):
            out[name] = diff
    return out


def drop_rows_not_in(app: Flask, baseline: Snapshot) -> None:
    """Delete rows added since ``baseline`` (children first), so tables stay small."""
    with engine_of(app).begin() as conn:
        for table in reversed(TABLES):
            keep = list(baseline[table.name])
            conn.execute(delete(table).where(table.c.id.not_in(keep)) if keep else delete(table))


def restore(app: Flask, baseline: Snapshot, files: dict[str, bytes]) -> None:
    """Put every table back to ``baseline`` (rows added dropped, removed rows
    inserted again with their ids, changed rows reset) and stored files back,
    so a delete can be tried again on the same record."""
    now = snapshot(app)
    with engine_of(app).begin() as conn:
        for table in reversed(TABLES):  # children first
            extra = set(now[table.name]) - set(baseline[table.name])
            if extra:
                conn.execute(delete(table).where(table.c.id.in_(extra)))
        for table in TABLES:  # parents first
            rows, current = baseline[table.name], now[table.name]
            missing = [row for rid, row in rows.items() if rid not in current]
            if missing:
                conn.execute(insert(table), missing)
            for rid in rows.keys() & current.keys():
                if rows[rid] != current[rid]:
                    conn.execute(update(table).where(table.c.id == rid).values(**rows[rid]))
    store = app.extensions["secondop"].files
    for key, data in files.items():
        if not store.exists(key):  # LocalFileStore: write the bytes back under the same key
            path = store._path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def stored_files(app: Flask, baseline: Snapshot) -> dict[str, bytes]:
    """The bytes of every document in ``baseline``, by storage key."""
    store = app.extensions["secondop"].files
    out = {}
    for row in baseline["secondop_packet_document"].values():
        with store.open(row["storage_key"]) as handle:
            out[row["storage_key"]] = handle.read()
    return out


def one_id(app: Flask, model: type[Any], **where: Any) -> int:
    with engine_of(app).connect() as conn:
        stmt = select(model.id).filter_by(**where).order_by(model.id.desc())
        return int(conn.execute(stmt).scalars().first())


def ok(response: Any) -> Any:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


@dataclass
class World:
    """An app, a client logged in as Maria, and named ids of both patients' objects."""

    app: Flask
    client: FlaskClient
    ids: dict[str, int] = field(default_factory=dict)
    #: The tables right after seeding (rows added later are removed between examples).
    baseline: Snapshot = field(default_factory=dict)

    def login(self, user_id: str) -> None:
        assert self.client.get(f"/test-login/{user_id}").status_code == 200

    def seed_patient(self, prefix: str, patient_id: str) -> None:
        """One packet with an event, a request, a slide, a document; one worksheet
        with two opinions."""
        app, post = self.app, self.client.post
        ok(post(f"{PACKET}/new", data={"center_name": f"{prefix} center", "version": "0"}))
        packet = self.ids[f"{prefix}_packet"] = one_id(app, Packet, patient_id=patient_id)
        self.ids[f"{prefix}_item"] = one_id(app, ChecklistItem, packet_id=packet, key="pathology_reports")
        ok(post(f"{PACKET}/{packet}/timeline", data={
            "year": "2024", "month": "3", "day": "", "kind": "test", "title": f"{prefix} scan",
            "version": "0"}))
        self.ids[f"{prefix}_event"] = one_id(app, TimelineEvent, packet_id=packet)
        ok(post(f"{PACKET}/{packet}/requests/new", data={
            "name": f"{prefix} lab", "requested_items": "pathology_reports", "version": "0"}))
        self.ids[f"{prefix}_facility"] = one_id(app, Facility, packet_id=packet)
        ok(post(f"{PACKET}/{packet}/slides", data={"lab": f"{prefix} lab", "material": "recut"}))
        self.ids[f"{prefix}_slide"] = one_id(app, SlideRecord, packet_id=packet)
        item = self.ids[f"{prefix}_item"]
        upload = post(f"{PACKET}/{packet}/items/{item}/upload", content_type="multipart/form-data",
                      data={"file": [(io.BytesIO(pdf_bytes()), f"{prefix}.pdf")]})
        assert upload.status_code == 303, upload.get_data(as_text=True)[:2000]
        self.ids[f"{prefix}_document"] = one_id(app, Document, packet_id=packet)
        ok(post(f"{COMPARE}/new", data={"title": f"{prefix} choice", "notes": ""}))
        sheet = self.ids[f"{prefix}_worksheet"] = one_id(app, Worksheet, patient_id=patient_id)
        ok(post(f"{COMPARE}/{sheet}/opinions/new", data={"doctor": f"Dr {prefix}", "version": "1"}))
        self.ids[f"{prefix}_opinion"] = one_id(app, Opinion, worksheet_id=sheet)
        ok(post(f"{COMPARE}/{sheet}/opinions/new", data={"center": f"{prefix} clinic", "version": "2"}))
        self.ids[f"{prefix}_opinion2"] = one_id(app, Opinion, worksheet_id=sheet)


def build_world(tmp_path: Path) -> World:
    app = make_app(tmp_path)
    world = World(app, app.test_client())
    world.login("p-lee")
    world.seed_patient("lee", "p-lee")
    world.login("p-maria")
    # A source packet to copy from: a doctor's details, an event and a slide.
    ok(world.client.post(f"{PACKET}/new", data={
        "center_name": "Source center", "referring_name": "Dr Source", "referring_phone": "555",
        "referring_npi": "1234567890", "version": "0"}))
    source = world.ids["maria_source"] = one_id(app, Packet, patient_id="p-maria")
    ok(world.client.post(f"{PACKET}/{source}/timeline", data={
        "year": "2023", "kind": "symptom", "title": "Cough", "version": "0"}))
    ok(world.client.post(f"{PACKET}/{source}/slides", data={"lab": "Source lab", "material": "original"}))
    world.seed_patient("maria", "p-maria")
    return world
