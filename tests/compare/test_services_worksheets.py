"""Worksheet services without an app: a SQLite store and a plain Session.
Each rule the views relied on (limits, versions, not found, marks) is
proved here on the service alone."""

from __future__ import annotations

import pytest

from oncokind_secondop.adapters import StaleVersion
from oncokind_secondop.compare import services
from oncokind_secondop.compare.models import Opinion, Worksheet
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore
from oncokind_secondop.errors import NotFound
from oncokind_secondop.limits import LimitReached

MARIA, LEE = "p-maria", "p-lee"


def _sheet(store: SQLAlchemyRecordStore, patient: str = MARIA, title: str = "Surgery or radiation") -> int:
    return services.create_worksheet(store, patient, title, "", max_worksheets=10).id


def test_create_strips_and_starts_at_version_one(store: SQLAlchemyRecordStore) -> None:
    worksheet = services.create_worksheet(store, MARIA, "  Choice  ", "  by June \n", max_worksheets=3)
    assert (worksheet.title, worksheet.notes, worksheet.marks, worksheet.version) == ("Choice", "by June", {}, 1)
    assert [w.id for w in services.list_worksheets(store, MARIA)] == [worksheet.id]
    assert services.count_worksheets(store, MARIA) == 1
    assert services.list_worksheets(store, LEE) == [] and services.count_worksheets(store, LEE) == 0


def test_create_at_the_limit_writes_nothing(store: SQLAlchemyRecordStore) -> None:
    for n in range(2):
        services.create_worksheet(store, MARIA, f"Sheet {n}", "", max_worksheets=2)
    with pytest.raises(LimitReached) as refused:
        services.create_worksheet(store, MARIA, "One too many", "", max_worksheets=2)
    assert (refused.value.kind, refused.value.limit, refused.value.have) == ("worksheets", 2, 2)
    assert services.count_worksheets(store, MARIA) == 2
    # Another patient's worksheets do not count against Maria's limit, nor hers against his.
    services.create_worksheet(store, LEE, "Lee's", "", max_worksheets=2)


def test_another_patients_worksheet_is_not_found(store: SQLAlchemyRecordStore) -> None:
    mine = _sheet(store)
    assert services.get_worksheet(store, MARIA, mine).id == mine
    for patient, worksheet_id in ((LEE, mine), (MARIA, mine + 100)):
        with pytest.raises(NotFound) as missing:
            services.get_worksheet(store, patient, worksheet_id)
        assert missing.value.object_id == worksheet_id


def test_update_moves_the_version_on_and_a_stale_one_changes_nothing(store: SQLAlchemyRecordStore) -> None:
    sheet = _sheet(store)
    saved = services.update_worksheet(store, MARIA, sheet, 1, " New name ", " notes ")
    assert (saved.title, saved.notes, saved.version) == ("New name", "notes", 2)
    with pytest.raises(StaleVersion) as stale:
        services.update_worksheet(store, MARIA, sheet, 1, "Lost", "Lost")
    assert stale.value.current.version == 2
    again = services.get_worksheet(store, MARIA, sheet)
    assert (again.title, again.version) == ("New name", 2)


def test_changing_a_worksheet_that_is_gone_or_another_patients_is_not_found(store: SQLAlchemyRecordStore) -> None:
    sheet = _sheet(store)
    with pytest.raises(NotFound) as missing:
        services.update_worksheet(store, LEE, sheet, 1, "Lee's now", "")
    assert missing.value.object_id == sheet
    services.delete_worksheet(store, MARIA, sheet, 1)
    with pytest.raises(NotFound):
        services.save_marks(store, MARIA, sheet, 2, {"plan": "agree"})
    assert store.get(Worksheet, MARIA, sheet) is None


def test_delete_takes_the_opinions_along_and_a_stale_delete_keeps_all(store: SQLAlchemyRecordStore) -> None:
    sheet = _sheet(store)
    services.add_opinion(store, MARIA, sheet, 1, {"doctor": "Dr A"}, max_opinions=6)
    with pytest.raises(StaleVersion):
        services.delete_worksheet(store, MARIA, sheet, 1)
    assert store.count(Opinion, MARIA) == 1 and services.count_worksheets(store, MARIA) == 1
    services.delete_worksheet(store, MARIA, sheet, 2)
    assert store.count(Opinion, MARIA) == 0 and services.count_worksheets(store, MARIA) == 0


def test_marks_keep_known_fields_and_marks_only(store: SQLAlchemyRecordStore) -> None:
    sheet = _sheet(store)
    saved = services.save_marks(
        store, MARIA, sheet, 1,
        {"plan": "differ", "goal": "agree", "doctor": "agree", "stage": "maybe", "nonsense": "agree"},
    )
    assert saved.marks == {"plan": "differ", "goal": "agree"}  # doctor is not compared
    assert saved.version == 2 and saved.marks_basis == services.opinions_fingerprint(saved)


def test_marks_outdated_once_a_compared_answer_changes(store: SQLAlchemyRecordStore) -> None:
    sheet = _sheet(store)
    first = services.add_opinion(store, MARIA, sheet, 1, {"plan": "Surgery"}, max_opinions=6).id
    services.add_opinion(store, MARIA, sheet, 2, {"plan": "Radiation"}, max_opinions=6)
    worksheet = services.get_worksheet(store, MARIA, sheet)
    assert not services.marks_outdated(worksheet)  # no marks yet: nothing to be out of date
    services.save_marks(store, MARIA, sheet, 3, {"plan": "differ"})
    # Renaming the worksheet or editing private notes leaves the marks current ...
    services.update_worksheet(store, MARIA, sheet, 4, "Renamed", "")
    services.save_opinion(store, MARIA, sheet, first, 5, {"patient_notes": "Scared"})
    # ... and spacing or case in an answer too.
    services.save_opinion(store, MARIA, sheet, first, 6, {"plan": "  SURGERY "})
    assert not services.marks_outdated(services.get_worksheet(store, MARIA, sheet))
    services.save_opinion(store, MARIA, sheet, first, 7, {"plan": "Surgery, then radiation"})
    assert services.marks_outdated(services.get_worksheet(store, MARIA, sheet))
