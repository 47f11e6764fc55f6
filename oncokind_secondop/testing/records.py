"""The RecordStore contract kit (see :mod:`oncokind_secondop.testing`)."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from ..adapters import RecordStore, StaleVersion
from ..compare.models import Opinion, Worksheet
from ..db import PatientOwned
from ..packet.models import ChecklistItem, Document, Packet

MARIA, LEE = "p-contract-maria", "p-contract-lee"
OUT_OF_RANGE = (2**31, -(2**31) - 1, 10**30)


class RecordStoreContract:
    """What the package relies on from the
    :class:`~oncokind_secondop.adapters.RecordStore` a host passes to
    ``init_app`` (its docstring says why these are SQLAlchemy semantics):
    patient scoping, filters, ordering and ``load=``, versioned updates,
    ids from ``flush``, commit/rollback/transaction, the ORM's dirty
    tracking and cascades, and ``all_stored_files`` for the sweeper.

    ``make_store`` is a generator: set up whatever the store needs (an app
    context for Flask-SQLAlchemy's ``db.session`` or for ``engine=``), make
    the package's tables empty, yield the store, then clean up. The tests use
    patient ids no real patient has, but write and delete rows: use a test
    database.
    """

    def make_store(self, tmp_path: Path) -> Iterator[RecordStore]:
        raise NotImplementedError("yield the RecordStore under test, its tables empty")

    @pytest.fixture
    def records(self, tmp_path: Path) -> Iterator[RecordStore]:
        yield from self.make_store(tmp_path)

    # -- helpers -------------------------------------------------------------
    @staticmethod
    def saved(records: RecordStore, model: type[PatientOwned], object_id: int, column: str) -> object:
        """The value in the database now, read on a connection of its own."""
        table = model.__table__  # type: ignore[attr-defined]
        with records.engine.connect() as connection:
            return connection.execute(
                select(table.c[column]).where(table.c.id == object_id)).scalar_one_or_none()

    @staticmethod
    def packet(records: RecordStore, patient_id: str, center: str = "Center") -> Packet:
        packet = records.add(patient_id, Packet(center_name=center))
        records.flush()
        return packet

    @staticmethod
    def document(records: RecordStore, item: ChecklistItem, key: str, data: bytes) -> Document:
        document = records.add(item.patient_id, Document(
            packet_id=item.packet_id, item_id=item.id, display_name=f"{key}.pdf", kind="pdf",
            mimetype="application/pdf", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
            storage_key=key))
        records.flush()
        return document

    # -- ids, identity, scoping ---------------------------------------------
    def test_add_sets_the_owner_and_flush_assigns_the_id(self, records: RecordStore) -> None:
        packet = records.add(MARIA, Packet(center_name="Mine", patient_id=LEE))
        assert packet.patient_id == MARIA
        records.flush()
        assert isinstance(packet.id, int)
        records.commit()
        assert records.get(Packet, MARIA, packet.id) is packet  # one object per row (identity map)
        assert self.saved(records, Packet, packet.id, "patient_id") == MARIA

    def test_another_patients_record_is_never_found(self, records: RecordStore) -> None:
        mine = self.packet(records, MARIA)
        records.commit()
        assert records.get(Packet, LEE, mine.id) is None
        assert records.list(Packet, LEE) == []
        assert records.list(Packet, LEE, where={"id": mine.id}) == []
        assert records.count(Packet, LEE) == 0
        assert records.count(Packet, LEE, where={"id": mine.id}) == 0
        with pytest.raises(LookupError):
            records.update(Packet, LEE, mine.id, mine.version, {"center_name": "Hijacked"})
        records.rollback()
        with pytest.raises(LookupError):
            records.delete(LEE, mine)
        records.rollback()
        assert self.saved(records, Packet, mine.id, "center_name") == "Center"

    def test_missing_and_out_of_range_ids_are_not_found(self, records: RecordStore) -> None:
        packet = self.packet(records, MARIA)
        records.commit()
        assert records.get(Packet, MARIA, packet.id + 1000) is None
        assert records.get(Packet, MARIA, str(packet.id)) is None  # type: ignore[arg-type]
        for number in OUT_OF_RANGE:
            assert records.get(Packet, MARIA, number) is None
            with pytest.raises(LookupError):
                records.update(Packet, MARIA, number, 1, {"center_name": "x"})
            records.rollback()

    # -- list: filter, order, load ------------------------------------------
    def test_list_filters_orders_and_counts(self, records: RecordStore) -> None:
        for center in ("B", "A", "C"):
            self.packet(records, MARIA, center)
        self.packet(records, LEE, "Lee's")
        records.commit()
        assert [p.center_name for p in records.list(Packet, MARIA)] == ["B", "A", "C"]  # by id
        assert [p.center_name for p in records.list(Packet, MARIA, order_by=("center_name",))] == [
            "A", "B", "C"]
        assert [p.center_name for p in records.list(Packet, MARIA, order_by=("-center_name",))] == [
            "C", "B", "A"]
        assert [p.center_name for p in records.list(Packet, MARIA, where={"center_name": "B"})] == ["B"]
        assert records.count(Packet, MARIA) == 3
        assert records.count(Packet, MARIA, where={"center_name": "B"}) == 1
        assert records.count(Packet, LEE) == 1

    def test_load_fetches_relationships_and_others_load_lazily(self, records: RecordStore) -> None:
        packet = self.packet(records, MARIA)
        item = records.add(MARIA, ChecklistItem(packet_id=packet.id, key="pathology", position=1))
        records.flush()
        self.document(records, item, "k" * 32, b"report")
        records.commit()
        records.session.expire_all()
        (loaded,) = records.list(ChecklistItem, MARIA, where={"packet_id": packet.id},
                                 load=("documents",))
        assert "documents" not in inspect(loaded).unloaded
        assert [d.storage_key for d in loaded.documents] == ["k" * 32]
        records.session.expire_all()
        (lazy,) = records.list(ChecklistItem, MARIA, where={"packet_id": packet.id})
        assert "documents" in inspect(lazy).unloaded
        assert [d.storage_key for d in lazy.documents] == ["k" * 32]  # loaded on first access

    # -- writes ---------------------------------------------------------------
    def test_versioned_update_and_stale_version(self, records: RecordStore) -> None:
        packet = self.packet(records, MARIA, "First")
        records.commit()
        assert packet.version == 1
        updated = records.update(Packet, MARIA, packet.id, 1, {"center_name": "Second"})
        records.commit()
        assert (updated.center_name, updated.version) == ("Second", 2)
        assert self.saved(records, Packet, packet.id, "version") == 2
        for stale in (1, 3, *OUT_OF_RANGE):
            with pytest.raises(StaleVersion) as info:
                records.update(Packet, MARIA, packet.id, stale, {"center_name": "Stale"})
            records.rollback()
            assert info.value.current.center_name == "Second"
        assert self.saved(records, Packet, packet.id, "center_name") == "Second"

    def test_protected_columns_cannot_be_set(self, records: RecordStore) -> None:
        packet = self.packet(records, MARIA)
        records.commit()
        for column in ("id", "patient_id", "version", "created_at", "updated_at"):
            with pytest.raises(ValueError):
                records.update(Packet, MARIA, packet.id, 1, {column: LEE})
            records.rollback()
        assert self.saved(records, Packet, packet.id, "patient_id") == MARIA

    def test_changed_attributes_are_saved_by_commit(self, records: RecordStore) -> None:
        # Services change loaded records by assignment (dirty tracking).
        packet = self.packet(records, MARIA, "Before")
        records.commit()
        loaded = records.get(Packet, MARIA, packet.id)
        assert loaded is not None
        loaded.center_name = "After"
        records.commit()
        assert self.saved(records, Packet, packet.id, "center_name") == "After"

    def test_rollback_forgets_staged_changes(self, records: RecordStore) -> None:
        kept = self.packet(records, MARIA, "Kept")
        records.commit()
        self.packet(records, MARIA, "Forgotten")
        loaded = records.get(Packet, MARIA, kept.id)
        assert loaded is not None
        loaded.center_name = "Changed"
        records.flush()
        records.rollback()
        assert [p.center_name for p in records.list(Packet, MARIA)] == ["Kept"]
        assert self.saved(records, Packet, kept.id, "center_name") == "Kept"

    def test_transaction_commits_or_rolls_back(self, records: RecordStore) -> None:
        with records.transaction():
            packet = self.packet(records, MARIA, "Committed")
        assert self.saved(records, Packet, packet.id, "center_name") == "Committed"
        with pytest.raises(RuntimeError):
            with records.transaction():
                self.packet(records, MARIA, "Lost")
                raise RuntimeError("the service failed half-way")
        assert [p.center_name for p in records.list(Packet, MARIA)] == ["Committed"]

    # -- deletes ------------------------------------------------------------
    def test_delete_removes_the_record(self, records: RecordStore) -> None:
        packet = self.packet(records, MARIA)
        other = self.packet(records, LEE)
        records.commit()
        records.delete(MARIA, packet)
        records.commit()
        assert records.count(Packet, MARIA) == 0
        assert self.saved(records, Packet, packet.id, "id") is None
        assert self.saved(records, Packet, other.id, "id") == other.id

    def test_deleting_a_worksheet_deletes_its_opinions(self, records: RecordStore) -> None:
        worksheet = records.add(MARIA, Worksheet(title="Which treatment"))
        records.flush()
        opinions = [records.add(MARIA, Opinion(worksheet_id=worksheet.id, position=n))
                    for n in (1, 2)]
        theirs = records.add(LEE, Worksheet(title="Lee's"))
        records.flush()
        records.add(LEE, Opinion(worksheet_id=theirs.id, position=1))
        records.commit()
        records.delete(MARIA, worksheet)
        records.commit()
        assert records.count(Opinion, MARIA) == 0
        assert all(self.saved(records, Opinion, o.id, "id") is None for o in opinions)
        assert records.count(Opinion, LEE) == 1

    def test_a_packet_goes_after_its_children(self, records: RecordStore) -> None:
        # What packet deletion does: children first (flushed), then the packet.
        packet = self.packet(records, MARIA)
        item = records.add(MARIA, ChecklistItem(packet_id=packet.id, key="imaging", position=1))
        records.flush()
        document = self.document(records, item, "d" * 32, b"scan")
        records.commit()
        for child in (document, item):
            records.delete(MARIA, child)
            records.flush()
        records.delete(MARIA, packet)
        records.commit()
        for model in (Packet, ChecklistItem, Document):
            assert records.count(model, MARIA) == 0

    # -- the sweeper --------------------------------------------------------
    def test_all_stored_files_lists_every_patients_files(self, records: RecordStore) -> None:
        found = {}
        for patient, key in ((MARIA, "a" * 32), (LEE, "b" * 32)):
            packet = self.packet(records, patient)
            item = records.add(patient, ChecklistItem(packet_id=packet.id, key="other", position=1))
            records.flush()
            found[key] = self.document(records, item, key, key.encode())
        records.commit()
        listed = {row.key: row for row in records.all_stored_files()}
        assert set(listed) == set(found)
        for key, document in found.items():
            assert (listed[key].size, listed[key].sha256) == (document.size, document.sha256)
        records.delete(LEE, found["b" * 32])
        records.commit()
        assert [row.key for row in records.all_stored_files()] == ["a" * 32]
