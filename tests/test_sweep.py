"""``flask secondop sweep`` and :func:`oncokind_secondop.sweep.sweep`.

Proved here: abandoned temporary files and orphan objects (no row references
them) are removed once older than the grace period, never younger ones (an
upload between rename and commit); rows of every patient count as references;
rows whose file is missing (or, with ``--verify``, damaged) are reported with
a non-zero exit and never deleted; ``--dry-run`` removes nothing; the output
holds counts only (no file names, keys or patient ids).
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import String

from oncokind_secondop.adapters import FileStore, RecordStore
from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.db import Base, models_with_files
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Document
from oncokind_secondop.sweep import sweep

from .packet.conftest import PacketHelper
from .uploads.samples import pdf_bytes

OLD = 10 * 24 * 3600  # seconds: far older than any grace period used here


@pytest.fixture
def world(app: Flask, client, auth) -> dict[str, Document]:  # type: ignore[no-untyped-def]
    """One document of Maria's and one of Lee's, uploaded through the pages,
    their files dated long ago (so only a reference keeps them)."""
    helper = PacketHelper(app, client)
    docs = {}
    for patient, name in (("p-maria", "maria-secret-scan.pdf"), ("p-lee", "lee-secret-scan.pdf")):
        auth.login(patient)
        packet_id = helper.create()
        assert helper.upload(packet_id, "clinic_notes", [(pdf_bytes(1), name)]).status_code == 303
        [docs[patient]] = helper.all(Document, packet_id=packet_id)
        _age(_object(app, docs[patient].storage_key))
    return docs


def _store(app: Flask) -> LocalFileStore:
    with app.app_context():
        return current_secondop.files  # type: ignore[no-any-return]


def _object(app: Flask, key: str) -> Path:
    return _store(app).objects_dir / key[:2] / key


def _age(path: Path, seconds: float = OLD) -> None:
    past = path.stat().st_mtime - seconds
    os.utime(path, (past, past))


def _orphan(app: Flask, *, old: bool) -> str:
    key = _store(app).put([b"bytes nobody owns"]).key
    if old:
        _age(_object(app, key))
    return key


def _abandoned_temp(app: Flask, *, old: bool) -> None:
    store = _store(app)
    store.begin().write(b"half an upload")
    if old:
        _age(max(store.temporary_files(), key=lambda p: p.stat().st_mtime))


def _counts(output: str) -> dict[str, str]:
    return dict(re.findall(r"^(.+?)(?: \([^)]*\))?: (\d+|not checked)", output, flags=re.MULTILINE))


def test_removes_old_orphans_and_temp_files_keeps_young_ones_and_every_patients_files(
    app, runner, world
) -> None:
    old_orphan = _orphan(app, old=True)
    young_orphan = _orphan(app, old=False)
    _abandoned_temp(app, old=True)
    _abandoned_temp(app, old=False)

    result = runner.invoke(args=["secondop", "sweep"])

    assert result.exit_code == 0, result.output
    counts = _counts(result.output)
    assert counts["temporary files removed"] == "1"
    assert counts["orphan files removed"] == "1"
    assert counts["orphan files kept for now"] == "1"
    assert counts["document rows checked"] == "2"
    assert counts["rows whose file is missing"] == "0"
    store = _store(app)
    assert set(store.keys()) == {young_orphan, world["p-maria"].storage_key,
                                 world["p-lee"].storage_key}
    assert old_orphan not in set(store.keys())
    assert len(store.temporary_files()) == 1


def test_grace_zero_removes_every_orphan_and_temp_file(app, runner, world) -> None:
    _orphan(app, old=False)
    _abandoned_temp(app, old=False)
    result = runner.invoke(args=["secondop", "sweep", "--grace-seconds", "0"])
    assert result.exit_code == 0, result.output
    store = _store(app)
    assert set(store.keys()) == {d.storage_key for d in world.values()}
    assert store.temporary_files() == []


def test_dry_run_removes_nothing(app, runner, world) -> None:
    orphan = _orphan(app, old=True)
    _abandoned_temp(app, old=True)
    result = runner.invoke(args=["secondop", "sweep", "--dry-run"])
    assert result.exit_code == 0, result.output
    counts = _counts(result.output)
    assert counts["temporary files would remove"] == "1"
    assert counts["orphan files would remove"] == "1"
    assert orphan in set(_store(app).keys())
    assert len(_store(app).temporary_files()) == 1


def test_missing_file_is_reported_with_a_failing_exit_and_the_row_is_kept(app, runner, world) -> None:
    _object(app, world["p-lee"].storage_key).unlink()
    result = runner.invoke(args=["secondop", "sweep", "--grace-seconds", "0"])
    assert result.exit_code == 1
    assert _counts(result.output)["rows whose file is missing"] == "1"
    with app.app_context():
        assert current_secondop.records.session.get(Document, world["p-lee"].id) is not None


def test_damaged_file_is_found_only_with_verify(app, runner, world) -> None:
    path = _object(app, world["p-maria"].storage_key)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte flipped
    path.write_bytes(bytes(data))
    assert hashlib.sha256(data).hexdigest() != world["p-maria"].sha256

    quick = runner.invoke(args=["secondop", "sweep"])
    assert quick.exit_code == 0, quick.output
    assert _counts(quick.output)["rows whose file does not match its SHA-256"] == "not checked"

    full = runner.invoke(args=["secondop", "sweep", "--verify"])
    assert full.exit_code == 1
    assert _counts(full.output)["rows whose file does not match its SHA-256"] == "1"
    assert path.exists()  # reported, never deleted


def test_output_holds_counts_only(app, runner, world) -> None:
    _object(app, world["p-maria"].storage_key).unlink()
    _orphan(app, old=True)
    result = runner.invoke(args=["secondop", "sweep", "--verify"])
    assert result.exit_code == 1
    text = result.output + result.stderr
    for doc in world.values():
        for secret in (doc.display_name, doc.storage_key, doc.patient_id, "Maria", "Lee"):
            assert secret not in text


def test_python_api_for_a_host_scheduler(app, world) -> None:
    orphan = _orphan(app, old=True)
    with app.app_context():
        report = sweep(grace_seconds=60)
    assert (report.orphans_removed, report.rows_checked, report.problem_rows) == (1, 2, 0)
    assert orphan not in set(_store(app).keys())


def test_a_store_that_cannot_date_its_files_keeps_orphans_unless_grace_is_zero(
    tmp_path, app, world
) -> None:
    class UndatedStore(LocalFileStore):
        def stored_at(self, key: str) -> float | None:
            return FileStore.stored_at(self, key)  # the interface's default: unknown

    store = UndatedStore(tmp_path / "files")
    orphan = _orphan(app, old=True)
    with app.app_context():
        records = current_secondop.records
        assert sweep(store, records, grace_seconds=3600).orphans_kept == 1
        assert orphan in set(store.keys())
        assert sweep(store, records, grace_seconds=0).orphans_removed == 1
    assert orphan not in set(store.keys())


def test_a_record_store_that_cannot_list_files_stops_the_sweep(app, runner, world, monkeypatch):
    with app.app_context():
        records = current_secondop.records
    monkeypatch.setattr(records, "all_stored_files", lambda: RecordStore.all_stored_files(records))
    orphan = _orphan(app, old=True)
    result = runner.invoke(args=["secondop", "sweep", "--grace-seconds", "0"])
    assert result.exit_code == 1
    assert "all_stored_files" in result.output
    assert orphan in set(_store(app).keys())  # nothing removed without knowing the rows


def test_all_stored_files_covers_every_patient(app, world) -> None:
    with app.app_context():
        listed = {f.key: f for f in current_secondop.records.all_stored_files()}
    assert set(listed) == {d.storage_key for d in world.values()}
    for doc in world.values():
        assert (listed[doc.storage_key].size, listed[doc.storage_key].sha256) == (doc.size, doc.sha256)


def test_every_file_reference_in_the_schema_is_seen_by_the_sweeper() -> None:
    """A new table holding file keys under another column name would escape the
    sweeper (its files deleted as orphans): the convention is ``storage_key``."""
    assert models_with_files() == [Document]
    suspicious = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, String)
        and re.search(r"key|file|path|blob|object|sha", column.name)
        and column.name != "storage_key"
    }
    # Known non-file columns: the checklist entry's code, the hash beside a key, and the
    # checklist codes a share includes.
    assert suspicious == {"secondop_packet_item.key", "secondop_packet_document.sha256",
                          "secondop_share.item_keys"}


def test_a_document_deleted_during_the_check_is_not_reported(app, world, monkeypatch) -> None:
    """The rows are read, then the patient deletes a document (row, then bytes)
    before its file is checked: that is not a missing file."""
    lee = world["p-lee"]
    with app.app_context():
        records = current_secondop.records
        real = records.all_stored_files
        reads = {"n": 0}

        def rows_then_delete():  # type: ignore[no-untyped-def]
            listed = list(real())
            reads["n"] += 1
            if reads["n"] == 1:  # the delete commits right after our first read
                session = records.session
                session.delete(session.get(Document, lee.id))
                session.commit()
                _object(app, lee.storage_key).unlink()
            return iter(listed)

        monkeypatch.setattr(records, "all_stored_files", rows_then_delete)
        report = sweep(grace_seconds=0)
    assert (report.rows_checked, report.problem_rows) == (2, 0)


def test_a_store_written_before_dry_run_existed_still_sweeps(tmp_path, app, world) -> None:
    class OlderStore(LocalFileStore):
        def sweep_temporary(self, older_than_seconds: float = 3600) -> int:  # type: ignore[override]
            return super().sweep_temporary(older_than_seconds)

    store = OlderStore(tmp_path / "files")
    _abandoned_temp(app, old=True)
    with app.app_context():
        assert sweep(store, current_secondop.records, grace_seconds=60).temporary_removed == 1
    assert store.temporary_files() == []
