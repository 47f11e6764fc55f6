"""Opinion services without an app: positions, the per-worksheet limit,
versions, and an opinion that is not on the worksheet named."""

from __future__ import annotations

from datetime import date

import pytest

from oncokind_secondop.adapters import StaleVersion
from oncokind_secondop.compare import services
from oncokind_secondop.compare.models import Opinion
from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore
from oncokind_secondop.errors import NotFound
from oncokind_secondop.limits import LimitReached

MARIA, LEE = "p-maria", "p-lee"


def _sheet_with(store: SQLAlchemyRecordStore, doctors: list[str], patient: str = MARIA) -> tuple[int, list[int]]:
    sheet = services.create_worksheet(store, patient, "Choice", "", max_worksheets=10).id
    ids = [
        services.add_opinion(store, patient, sheet, n, {"doctor": doctor}, max_opinions=6).id
        for n, doctor in enumerate(doctors, start=1)
    ]
    return sheet, ids


def _order(store: SQLAlchemyRecordStore, sheet: int) -> list[str]:
    return [o.doctor for o in services.get_worksheet(store, MARIA, sheet).opinions]


def test_add_numbers_the_columns_and_keeps_known_fields_only(store: SQLAlchemyRecordStore) -> None:
    sheet, _ = _sheet_with(store, ["Dr A"])
    opinion = services.add_opinion(
        store, MARIA, sheet, 2,
        {"doctor": "Dr B", "seen_on": date(2026, 3, 14), "position": 99, "patient_id": LEE, "id": 1},
        max_opinions=6,
    )
    assert (opinion.doctor, opinion.seen_on, opinion.position, opinion.patient_id) == (
        "Dr B", date(2026, 3, 14), 2, MARIA)
    worksheet = services.get_worksheet(store, MARIA, sheet)
    assert worksheet.version == 3 and _order(store, sheet) == ["Dr A", "Dr B"]
    assert services.opinion_number(worksheet, opinion) == 2
    assert services.opinion_values(opinion)["doctor"] == "Dr B"


def test_add_at_the_limit_or_from_a_stale_version_writes_nothing(store: SQLAlchemyRecordStore) -> None:
    sheet, _ = _sheet_with(store, ["Dr A", "Dr B"])
    with pytest.raises(LimitReached) as refused:
        services.add_opinion(store, MARIA, sheet, 3, {"doctor": "Dr C"}, max_opinions=2)
    assert (refused.value.kind, refused.value.limit, refused.value.have) == ("opinions", 2, 2)
    with pytest.raises(StaleVersion):
        services.add_opinion(store, MARIA, sheet, 2, {"doctor": "Dr C"}, max_opinions=6)
    assert services.get_worksheet(store, MARIA, sheet).version == 3  # the refused add moved nothing
    assert _order(store, sheet) == ["Dr A", "Dr B"] and store.count(Opinion, MARIA) == 2


def test_an_opinion_of_another_worksheet_or_patient_is_not_found(store: SQLAlchemyRecordStore) -> None:
    first, (a,) = _sheet_with(store, ["Dr A"])
    second, (b,) = _sheet_with(store, ["Dr B"])
    worksheet, opinion = services.get_opinion(store, MARIA, first, a)
    assert (worksheet.id, opinion.id) == (first, a)
    with pytest.raises(NotFound) as missing:
        services.get_opinion(store, MARIA, first, b)
    assert missing.value.object_id == b
    with pytest.raises(NotFound) as missing:
        services.get_opinion(store, LEE, first, a)
    assert missing.value.object_id == first  # the worksheet is looked up first
    assert services.find_opinion(store, MARIA, worksheet, b) is None
    # Saving, moving or removing it there is refused too, and rolled back whole.
    for change in (
        lambda: services.save_opinion(store, MARIA, first, b, 2, {"plan": "Moved in"}),
        lambda: services.move_opinion(store, MARIA, first, b, 2, -1),
        lambda: services.remove_opinion(store, MARIA, first, b, 2),
    ):
        with pytest.raises(NotFound):
            change()
        assert services.get_worksheet(store, MARIA, first).version == 2
    assert store.get(Opinion, MARIA, b) is not None and store.get(Opinion, MARIA, b).plan == ""


def test_save_changes_the_opinion_and_a_stale_save_changes_nothing(store: SQLAlchemyRecordStore) -> None:
    sheet, (a, b) = _sheet_with(store, ["Dr A", "Dr B"])
    saved = services.save_opinion(store, MARIA, sheet, b, 3, {"plan": "Surgery", "position": 1})
    assert (saved.plan, saved.position) == ("Surgery", 2)
    assert services.get_worksheet(store, MARIA, sheet).version == 4  # an opinion save moves the worksheet on
    with pytest.raises(StaleVersion) as stale:
        services.save_opinion(store, MARIA, sheet, a, 3, {"plan": "Lost"})
    assert stale.value.current.version == 4
    assert store.get(Opinion, MARIA, a).plan == ""


def test_remove_and_a_stale_remove(store: SQLAlchemyRecordStore) -> None:
    sheet, (a, b) = _sheet_with(store, ["Dr A", "Dr B"])
    with pytest.raises(StaleVersion):
        services.remove_opinion(store, MARIA, sheet, a, 2)
    services.remove_opinion(store, MARIA, sheet, a, 3)
    assert _order(store, sheet) == ["Dr B"] and store.get(Opinion, MARIA, a) is None


def test_move_renumbers_without_gaps_and_stops_at_the_ends(store: SQLAlchemyRecordStore) -> None:
    sheet, (a, b, c) = _sheet_with(store, ["Dr A", "Dr B", "Dr C"])
    services.remove_opinion(store, MARIA, sheet, b, 4)  # a gap in the positions: 1, 3
    services.move_opinion(store, MARIA, sheet, c, 5, -1)
    assert _order(store, sheet) == ["Dr C", "Dr A"]
    assert [o.position for o in services.get_worksheet(store, MARIA, sheet).opinions] == [1, 2]
    services.move_opinion(store, MARIA, sheet, c, 6, -1)  # already first: stays first
    services.move_opinion(store, MARIA, sheet, a, 7, 1)  # already last: stays last
    assert _order(store, sheet) == ["Dr C", "Dr A"]
    with pytest.raises(StaleVersion):
        services.move_opinion(store, MARIA, sheet, a, 7, -1)
    assert _order(store, sheet) == ["Dr C", "Dr A"]
    assert services.get_worksheet(store, MARIA, sheet).version == 8
