"""Saving worksheets and opinions: every rule and every write of Compare.

Request-free: each function takes the record store, the patient id and plain
limit numbers, and imports nothing from Flask. A missing object (or another
patient's, or an opinion of another worksheet) raises
:class:`~oncokind_secondop.errors.NotFound`; a full list
:class:`~oncokind_secondop.limits.LimitReached`; a save over a newer version
:class:`~oncokind_secondop.adapters.StaleVersion`. Nothing is written then.

Concurrency: the worksheet row is the unit. Each change first runs the
versioned ``UPDATE`` on the worksheet (``store.update``), then changes the
opinion, then commits, all in one transaction. The versioned UPDATE locks
the worksheet row (PostgreSQL) or the database (SQLite), so of two saves
made from the same version exactly one matches; the other raises
``StaleVersion`` and nothing of it is kept.

Where the opinions agree (the side-by-side rows) is :mod:`.comparison`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..adapters import RecordStore
from ..errors import NotFound
from ..limits import check_room
from .fields import COMPARED_KEYS, FIELDS_BY_KEY, OPINION_FIELDS, comparable
from .models import MARKS, Opinion, Worksheet

# -- reading -----------------------------------------------------------------


def list_worksheets(store: RecordStore, patient_id: str) -> list[Worksheet]:
    return store.list(Worksheet, patient_id, order_by=("-updated_at", "-id"), load=("opinions",))


def count_worksheets(store: RecordStore, patient_id: str) -> int:
    return store.count(Worksheet, patient_id)


def get_worksheet(store: RecordStore, patient_id: str, worksheet_id: int) -> Worksheet:
    """The patient's worksheet, or :class:`NotFound` (another patient's too)."""
    worksheet = store.get(Worksheet, patient_id, worksheet_id)
    if worksheet is None:
        raise NotFound(worksheet_id)
    return worksheet


def find_opinion(store: RecordStore, patient_id: str, worksheet: Worksheet, opinion_id: int) -> Opinion | None:
    """The opinion as saved now, if it is still on this worksheet."""
    opinion = store.get(Opinion, patient_id, opinion_id)
    return opinion if opinion is not None and opinion.worksheet_id == worksheet.id else None


def get_opinion(
    store: RecordStore, patient_id: str, worksheet_id: int, opinion_id: int
) -> tuple[Worksheet, Opinion]:
    """The worksheet and one of its opinions, or :class:`NotFound` (for the
    worksheet's id first, then the opinion's). An opinion of another worksheet
    is not here."""
    worksheet = get_worksheet(store, patient_id, worksheet_id)
    opinion = find_opinion(store, patient_id, worksheet, opinion_id)
    if opinion is None:
        raise NotFound(opinion_id)
    return worksheet, opinion


def opinion_number(worksheet: Worksheet, opinion: Opinion) -> int:
    """The opinion's column, counted from 1."""
    return worksheet.opinions.index(opinion) + 1


def opinion_values(opinion: Opinion) -> dict[str, Any]:
    return {spec.key: getattr(opinion, spec.key) for spec in OPINION_FIELDS}


def opinions_fingerprint(worksheet: Worksheet) -> str:
    """SHA-256 of the opinions' compared answers, in column order (spacing and
    case aside). Renaming the worksheet or editing private notes leaves it alone."""
    answers = [
        [opinion.id, *(comparable(getattr(opinion, key)) for key in COMPARED_KEYS)]
        for opinion in worksheet.opinions
    ]
    return hashlib.sha256(json.dumps(answers).encode("utf-8")).hexdigest()


def marks_outdated(worksheet: Worksheet) -> bool:
    """True when the patient has marks and the opinions changed after they saved them."""
    return bool(worksheet.marks) and worksheet.marks_basis != opinions_fingerprint(worksheet)


# -- worksheets ---------------------------------------------------------------


def create_worksheet(
    store: RecordStore, patient_id: str, title: str, notes: str, *, max_worksheets: int
) -> Worksheet:
    """Raises ``LimitReached`` when the patient already keeps ``max_worksheets``."""
    with store.transaction():
        check_room("worksheets", store.count(Worksheet, patient_id), max_worksheets)
        worksheet = store.add(
            patient_id,
            Worksheet(title=title.strip(), notes=(notes or "").strip(), marks={}, version=1),
        )
        store.flush()
    return worksheet


@contextmanager
def worksheet_change(
    store: RecordStore,
    patient_id: str,
    worksheet_id: int,
    expected_version: int,
    values: Mapping[str, Any] | None = None,
) -> Iterator[Worksheet]:
    """Bump the worksheet's version (raising ``StaleVersion`` if it moved on,
    ``NotFound`` if it is gone), let the caller stage its change, then commit;
    roll back on any error."""
    try:
        try:
            worksheet = store.update(Worksheet, patient_id, worksheet_id, expected_version, dict(values or {}))
        except LookupError:  # deleted meanwhile, or never this patient's
            raise NotFound(worksheet_id) from None
        yield worksheet
        store.commit()
    except BaseException:
        store.rollback()
        raise


def _opinion_here(store: RecordStore, patient_id: str, worksheet: Worksheet, opinion_id: int) -> Opinion:
    opinion = find_opinion(store, patient_id, worksheet, opinion_id)
    if opinion is None:
        raise NotFound(opinion_id)
    return opinion


def update_worksheet(
    store: RecordStore, patient_id: str, worksheet_id: int, expected_version: int, title: str, notes: str
) -> Worksheet:
    with worksheet_change(
        store,
        patient_id,
        worksheet_id,
        expected_version,
        {"title": title.strip(), "notes": (notes or "").strip()},
    ) as worksheet:
        pass
    return worksheet


def save_marks(
    store: RecordStore, patient_id: str, worksheet_id: int, expected_version: int, marks: Mapping[str, str]
) -> Worksheet:
    clean = {key: value for key, value in marks.items() if key in COMPARED_KEYS and value in MARKS}
    with worksheet_change(store, patient_id, worksheet_id, expected_version, {"marks": clean}) as worksheet:
        worksheet.marks_basis = opinions_fingerprint(worksheet)
    return worksheet


def delete_worksheet(store: RecordStore, patient_id: str, worksheet_id: int, expected_version: int) -> None:
    with worksheet_change(store, patient_id, worksheet_id, expected_version) as worksheet:
        store.delete(patient_id, worksheet)  # its opinions go with it (ORM cascade)


# -- opinions -------------------------------------------------------------------


def add_opinion(
    store: RecordStore,
    patient_id: str,
    worksheet_id: int,
    expected_version: int,
    values: Mapping[str, Any],
    *,
    max_opinions: int,
) -> Opinion:
    """Raises ``LimitReached`` when the worksheet already holds ``max_opinions``
    (counted after the version check has locked the worksheet, so two
    concurrent adds cannot both squeeze in) and rolls everything back."""
    with worksheet_change(store, patient_id, worksheet_id, expected_version) as worksheet:
        check_room("opinions", len(worksheet.opinions), max_opinions)
        last = max((o.position for o in worksheet.opinions), default=0)
        opinion = store.add(patient_id, Opinion(position=last + 1, **_opinion_values(values)))
        worksheet.opinions.append(opinion)
        store.flush()
    return opinion


def save_opinion(
    store: RecordStore,
    patient_id: str,
    worksheet_id: int,
    opinion_id: int,
    expected_version: int,
    values: Mapping[str, Any],
) -> Opinion:
    with worksheet_change(store, patient_id, worksheet_id, expected_version) as worksheet:
        opinion = _opinion_here(store, patient_id, worksheet, opinion_id)
        for key, value in _opinion_values(values).items():
            setattr(opinion, key, value)
    return opinion


def remove_opinion(
    store: RecordStore, patient_id: str, worksheet_id: int, opinion_id: int, expected_version: int
) -> None:
    with worksheet_change(store, patient_id, worksheet_id, expected_version) as worksheet:
        opinion = _opinion_here(store, patient_id, worksheet, opinion_id)
        store.delete(patient_id, opinion)
        if opinion in worksheet.opinions:
            worksheet.opinions.remove(opinion)


def move_opinion(
    store: RecordStore, patient_id: str, worksheet_id: int, opinion_id: int, expected_version: int, step: int
) -> None:
    """Move an opinion one place earlier (step -1) or later (+1) in the columns."""
    with worksheet_change(store, patient_id, worksheet_id, expected_version) as worksheet:
        opinion = _opinion_here(store, patient_id, worksheet, opinion_id)
        order = list(worksheet.opinions)
        index = order.index(opinion)
        target = min(max(index + step, 0), len(order) - 1)
        order.insert(target, order.pop(index))
        for position, item in enumerate(order, start=1):  # renumber: no ties, no gaps
            item.position = position
        worksheet.opinions[:] = order  # the loaded list follows too, for this session


def _opinion_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key in FIELDS_BY_KEY}
