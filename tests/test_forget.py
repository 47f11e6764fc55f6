"""Forgetting a patient (issue 22, item 5): :func:`oncokind_secondop.forget.forget_patient`,
:func:`oncokind_secondop.accounts.forget` and ``flask secondop forget-patient``.

Proved here, on the suite's database (SQLite, or PostgreSQL with
``SECONDOP_TEST_DATABASE_URL``) and the file store the contract kit covers
(``LocalFileStore``): with two patients holding rows in **every** package table
(a test fails if the seed misses a table, so a new table is forgotten-checked
as soon as it exists), forgetting one leaves no row with their id in any table
and none of their files, leaves the other patient's rows and files as they
were, and a second run changes nothing. A crash after the rows' commit leaves
only orphans the sweeper clears; a crash before it changes nothing and a
rerun finishes. One audit event (no content) and one ``patient_forgotten``
signal; the command asks first and prints counts only.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from oncokind_secondop.accounts import forget
from oncokind_secondop.adapters import FileStore, RecordStore
from oncokind_secondop.compare.models import Opinion, Worksheet
from oncokind_secondop.db import Base, models_with_files
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.forget import forget_patient, tables_without_patient_column
from oncokind_secondop.packet.models import (
    ChecklistItem,
    Document,
    Facility,
    Packet,
    Share,
    ShareAccess,
    SlideRecord,
    TimelineEvent,
)
from oncokind_secondop.signals import AuditEvent, patient_forgotten
from oncokind_secondop.sweep import sweep

MARIA, LEE = "p-maria", "p-lee"
SECRET = "Maria-secret-diagnosis"


@pytest.fixture
def stores(app: Flask) -> Iterator[tuple[RecordStore, FileStore]]:
    with app.app_context():
        yield current_secondop.records, current_secondop.files


def seed(records: RecordStore, files: FileStore, patient_id: str, canary: str = "") -> set[str]:
    """One row of this patient in every package table, two stored files; returns their keys."""
    keys = set()
    with records.transaction():
        packet = records.add(patient_id, Packet(center_name=f"Center {canary}", consult_questions=canary))
        records.flush()
        item = records.add(patient_id, ChecklistItem(packet_id=packet.id, key="pathology", position=1))
        records.add(patient_id, SlideRecord(packet_id=packet.id, lab=f"Lab {canary}"))
        records.add(patient_id, Facility(packet_id=packet.id, name=f"Clinic {canary}"))
        records.add(patient_id, TimelineEvent(packet_id=packet.id, event_date=date(2026, 1, 5), title=canary))
        records.flush()
        for n in range(2):
            stored = files.put([f"{canary} scan {n}".encode()])
            keys.add(stored.key)
            records.add(patient_id, Document(
                packet_id=packet.id, item_id=item.id, display_name=f"{canary}-{n}.pdf", kind="pdf",
                mimetype="application/pdf", size=stored.size, sha256=stored.sha256, storage_key=stored.key))
        share = records.add(patient_id, Share(
            packet_id=packet.id, team_name="Team", token_hash=f"{patient_id}-token".ljust(64, "x")[:64],
            code_hash="scrypt$x", patient_name=canary, created_by=patient_id,
            expires_at=datetime.now(UTC) + timedelta(days=3)))
        records.flush()
        records.add(patient_id, ShareAccess(packet_id=packet.id, share_id=share.id, what="opened"))
        worksheet = records.add(patient_id, Worksheet(title=canary, marks={}))
        records.flush()
        worksheet.opinions.append(records.add(patient_id, Opinion(worksheet_id=worksheet.id, diagnosis=canary)))
    return keys


def rows_by_table(records: RecordStore, patient_id: str) -> dict[str, int]:
    """Rows of this patient in every table of the package's metadata."""
    session = records.session
    counts = {t.name: session.execute(select(func.count()).select_from(t).where(t.c.patient_id == patient_id))
              .scalar_one() for t in Base.metadata.sorted_tables}
    session.rollback()  # end the read transaction (PostgreSQL would hold locks)
    return counts


@pytest.fixture
def world(stores: tuple[RecordStore, FileStore]) -> dict[str, Any]:
    records, files = stores
    return {"maria": seed(records, files, MARIA, SECRET), "lee": seed(records, files, LEE, "Lee")}


def test_every_table_can_be_forgotten_and_the_seed_covers_every_table(stores, world) -> None:
    """A new table without ``patient_id`` cannot be forgotten; a new table the
    seed does not fill is not proved forgotten: both fail here."""
    records, _ = stores
    assert tables_without_patient_column() == []
    assert {name for name, n in rows_by_table(records, MARIA).items() if n == 0} == set()
    assert models_with_files() == [Document]  # every file-owning model's bytes are collected


def test_forget_removes_every_row_and_file_of_the_patient_and_nothing_else(stores, world) -> None:
    records, files = stores
    lee_rows_before = rows_by_table(records, LEE)

    forgotten = forget_patient(records, files, MARIA)

    assert set(rows_by_table(records, MARIA).values()) == {0}
    assert not world["maria"] & set(files.keys())
    assert rows_by_table(records, LEE) == lee_rows_before
    assert world["lee"] <= set(files.keys())
    for key in world["lee"]:
        with files.open(key) as fh:
            assert fh.read().startswith(b"Lee scan")
    assert forgotten.rows == {name: 1 for name in lee_rows_before} | {"secondop_packet_document": 2}
    assert (forgotten.files_removed, forgotten.files_left) == (2, 0)
    assert forgotten.changed_anything


def test_a_second_run_changes_nothing(stores, world) -> None:
    records, files = stores
    forget_patient(records, files, MARIA)
    keys_after_first = set(files.keys())
    lee_rows = rows_by_table(records, LEE)

    again = forget_patient(records, files, MARIA)

    assert not again.changed_anything
    assert (again.total_rows, again.files_removed, again.files_left) == (0, 0, 0)
    assert set(files.keys()) == keys_after_first
    assert rows_by_table(records, LEE) == lee_rows


def test_a_crash_before_the_commit_changes_nothing_and_a_rerun_finishes(stores, world, monkeypatch) -> None:
    records, files = stores
    before = rows_by_table(records, MARIA)

    def crash() -> None:
        raise OSError("the database went away")

    monkeypatch.setattr(records, "commit", crash)
    with pytest.raises(OSError):
        forget_patient(records, files, MARIA)
    monkeypatch.undo()

    assert rows_by_table(records, MARIA) == before
    assert world["maria"] <= set(files.keys())
    forget_patient(records, files, MARIA)
    assert set(rows_by_table(records, MARIA).values()) == {0}
    assert not world["maria"] & set(files.keys())


def test_a_crash_while_deleting_bytes_leaves_only_orphans_the_sweeper_clears(stores, world, monkeypatch) -> None:
    records, files = stores
    real_delete = files.delete
    calls = {"n": 0}

    def failing_delete(key: str) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("disk error")
        real_delete(key)

    monkeypatch.setattr(files, "delete", failing_delete)
    forgotten = forget_patient(records, files, MARIA)
    monkeypatch.undo()

    assert (forgotten.files_removed, forgotten.files_left) == (1, 1)
    assert any("sweep" in line for line in forgotten.lines())
    assert set(rows_by_table(records, MARIA).values()) == {0}
    assert len(world["maria"] & set(files.keys())) == 1  # an orphan: no row refers to it
    assert not forget_patient(records, files, MARIA).changed_anything  # rerun: nothing left it knows of

    report = sweep(files, records, grace_seconds=0)

    assert report.orphans_removed == 1 and report.problem_rows == 0
    assert not world["maria"] & set(files.keys())
    assert world["lee"] <= set(files.keys())


def test_forget_refuses_an_empty_id(stores) -> None:
    records, files = stores
    with pytest.raises(ValueError):
        forget_patient(records, files, "")


def test_the_app_call_sends_one_audit_event_and_the_signal(app, stores, world, audit_log) -> None:
    received: list[dict[str, Any]] = []

    def on_forgotten(sender: Flask, **extra: Any) -> None:
        received.append({"sender": sender, **extra})

    patient_forgotten.connect(on_forgotten, sender=app)
    try:
        forgotten = forget(MARIA, actor_id="admin-1")
    finally:
        patient_forgotten.disconnect(on_forgotten, sender=app)

    [event] = audit_log
    assert isinstance(event, AuditEvent)
    assert (event.action, event.category, event.outcome, event.patient_id, event.actor_id) == (
        "delete", "patient", "success", MARIA, "admin-1")
    assert event.object_id is None and event.recipient is None
    assert SECRET not in repr(event.as_dict())
    assert received == [{"sender": app, "patient_id": MARIA, "forgotten": forgotten}]
    assert SECRET not in repr(forgotten)


def test_command_asks_first_and_a_no_changes_nothing(app, runner, world) -> None:
    result = runner.invoke(args=["secondop", "forget-patient", MARIA], input="n\n")
    assert result.exit_code == 1  # aborted
    with app.app_context():
        assert rows_by_table(current_secondop.records, MARIA)["secondop_packet"] == 1
    assert world["maria"] <= set(_keys(app))


def test_command_with_yes_forgets_and_prints_counts_only(app, runner, world, audit_log) -> None:
    result = runner.invoke(args=["secondop", "forget-patient", "--yes", MARIA])

    assert result.exit_code == 0, result.output
    assert "rows deleted: 11" in result.output
    assert "stored files deleted: 2" in result.output
    for secret in (SECRET, "Center", "Clinic", *world["maria"]):
        assert secret not in result.output
    [event] = audit_log
    assert (event.action, event.category, event.patient_id) == ("delete", "patient", MARIA)
    assert event.actor_id and event.actor_id.startswith("cli")
    with app.app_context():
        assert set(rows_by_table(current_secondop.records, MARIA).values()) == {0}
        assert rows_by_table(current_secondop.records, LEE)["secondop_packet"] == 1
    assert not world["maria"] & set(_keys(app))

    again = runner.invoke(args=["secondop", "forget-patient", "--yes", MARIA])
    assert again.exit_code == 0 and "rows deleted: 0" in again.output


def test_command_confirmed_interactively_names_the_actor(app, runner, world, audit_log) -> None:
    result = runner.invoke(args=["secondop", "forget-patient", "--actor", "admin-7", MARIA], input="y\n")
    assert result.exit_code == 0, result.output
    assert "rows deleted: 11" in result.output
    assert [e.actor_id for e in audit_log] == ["admin-7"]


def test_a_forgotten_id_reused_sees_nothing_of_the_old_account(app, client, auth, world) -> None:
    """Why ids must never be reused: before forgetting, a new account given the
    old id would see the old packets; after, it starts empty."""
    auth.login(MARIA)
    assert SECRET in client.get("/second-opinion/packet/").get_data(as_text=True)
    with app.app_context():
        forget(MARIA, actor_id="admin-1")
    assert SECRET not in client.get("/second-opinion/packet/").get_data(as_text=True)


def _keys(app: Flask) -> list[str]:
    with app.app_context():
        return list(current_secondop.files.keys())
