"""The default record store: every call scoped by patient; versioned updates."""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from oncokind_secondop.adapters import StaleVersion
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore
from oncokind_secondop.db import PatientOwned, Versioned


class _TestBase(DeclarativeBase):
    pass


class Note(_TestBase, PatientOwned, Versioned):
    """A throwaway model, kept out of the package's metadata."""

    __tablename__ = "secondop_test_note"
    text: Mapped[str] = mapped_column(String(200))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLAlchemyRecordStore]:
    url = os.environ.get("SECONDOP_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_engine(url)
    _TestBase.metadata.drop_all(engine)
    _TestBase.metadata.create_all(engine)
    store = SQLAlchemyRecordStore(engine=engine)
    app = Flask("store-test")
    store.init_app(app)
    with app.app_context():
        yield store
    _TestBase.metadata.drop_all(engine)
    engine.dispose()


def _note(store: SQLAlchemyRecordStore, patient: str, text: str) -> Note:
    note = store.add(patient, Note(text=text))
    store.commit()
    return note


def test_get_is_scoped_by_patient(store) -> None:
    mine = _note(store, "p-maria", "mine")
    assert store.get(Note, "p-maria", mine.id) is mine
    assert store.get(Note, "p-lee", mine.id) is None
    assert store.get(Note, "p-maria", "1") is None  # type: ignore[arg-type]  # ids are ints only


def test_list_and_count_are_scoped_and_ordered(store) -> None:
    for text in ("b", "a", "c"):
        _note(store, "p-maria", text)
    _note(store, "p-lee", "lee's")
    assert [n.text for n in store.list(Note, "p-maria", order_by=("text",))] == ["a", "b", "c"]
    assert [n.text for n in store.list(Note, "p-maria", order_by=("-text",))] == ["c", "b", "a"]
    assert [n.text for n in store.list(Note, "p-maria", where={"text": "b"})] == ["b"]
    assert store.count(Note, "p-maria") == 3
    assert store.count(Note, "p-lee") == 1
    assert store.count(Note, "p-nobody") == 0


def test_add_sets_the_owner(store) -> None:
    note = Note(text="x", patient_id="p-lee")
    store.add("p-maria", note)
    store.commit()
    assert note.patient_id == "p-maria"


def test_versioned_update_and_stale_save(store) -> None:
    note = _note(store, "p-maria", "first")
    assert note.version == 1
    updated = store.update(Note, "p-maria", note.id, 1, {"text": "second"})
    store.commit()
    assert (updated.text, updated.version) == ("second", 2)
    with pytest.raises(StaleVersion) as info:
        store.update(Note, "p-maria", note.id, 1, {"text": "stale"})
    store.rollback()
    assert info.value.current.text == "second"
    assert store.get(Note, "p-maria", note.id).text == "second"


def test_update_of_another_patients_record_is_not_found(store) -> None:
    note = _note(store, "p-maria", "mine")
    with pytest.raises(LookupError):
        store.update(Note, "p-lee", note.id, 1, {"text": "hijack"})
    store.rollback()
    assert store.get(Note, "p-maria", note.id).text == "mine"


def test_protected_columns_cannot_be_set(store) -> None:
    note = _note(store, "p-maria", "mine")
    for column in ("patient_id", "id", "version"):
        with pytest.raises(ValueError, match="protected"):
            store.update(Note, "p-maria", note.id, 1, {column: "p-lee"})


def test_delete_is_scoped(store) -> None:
    note = _note(store, "p-maria", "mine")
    with pytest.raises(LookupError):
        store.delete("p-lee", note)
    store.delete("p-maria", note)
    store.commit()
    assert store.count(Note, "p-maria") == 0


def test_transaction_rolls_back_on_error(store) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add("p-maria", Note(text="lost"))
            store.flush()
            raise RuntimeError("boom")
    assert store.count(Note, "p-maria") == 0


def test_needs_exactly_one_of_session_or_engine() -> None:
    with pytest.raises(TypeError):
        SQLAlchemyRecordStore()
    with pytest.raises(TypeError):
        SQLAlchemyRecordStore(session=object(), engine=create_engine("sqlite://"))
