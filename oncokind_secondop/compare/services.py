"""Saving worksheets and opinions, and working out where opinions agree.

Concurrency: the worksheet row is the unit. Each change first runs the
versioned ``UPDATE`` on the worksheet (``records.update``), then changes the
opinion, then commits, all in one transaction. The versioned UPDATE locks
the worksheet row (PostgreSQL) or the database (SQLite), so of two saves
made from the same version exactly one matches; the other raises
:class:`~oncokind_secondop.adapters.StaleVersion` and nothing of it is kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..extension import current_secondop
from ..limits import check_room
from .fields import (
    COMPARED_KEYS,
    FIELDS_BY_KEY,
    OPINION_FIELDS,
    OpinionField,
    comparable,
    display_value,
)
from .models import MARKS, Opinion, Worksheet


def list_worksheets(patient_id: str) -> list[Worksheet]:
    return current_secondop.records.list(
        Worksheet, patient_id, order_by=("-updated_at", "-id"), load=("opinions",)
    )


def create_worksheet(patient_id: str, title: str, notes: str) -> Worksheet:
    records = current_secondop.records
    with records.transaction():
        worksheet = records.add(
            patient_id,
            Worksheet(title=title.strip(), notes=(notes or "").strip(), marks={}, version=1),
        )
        records.flush()
    return worksheet


@contextmanager
def worksheet_change(
    patient_id: str,
    worksheet_id: int,
    expected_version: int,
    values: Mapping[str, Any] | None = None,
) -> Iterator[Worksheet]:
    """Bump the worksheet's version (raising ``StaleVersion`` if it moved on),
    let the caller stage its change, then commit; roll back on any error."""
    records = current_secondop.records
    try:
        worksheet = records.update(
            Worksheet, patient_id, worksheet_id, expected_version, dict(values or {})
        )
        yield worksheet
        records.commit()
    except BaseException:
        records.rollback()
        raise


def update_worksheet(
    patient_id: str, worksheet_id: int, expected_version: int, title: str, notes: str
) -> Worksheet:
    with worksheet_change(
        patient_id,
        worksheet_id,
        expected_version,
        {"title": title.strip(), "notes": (notes or "").strip()},
    ) as worksheet:
        pass
    return worksheet


def save_marks(
    patient_id: str, worksheet_id: int, expected_version: int, marks: Mapping[str, str]
) -> Worksheet:
    clean = {key: value for key, value in marks.items() if key in COMPARED_KEYS and value in MARKS}
    with worksheet_change(
        patient_id, worksheet_id, expected_version, {"marks": clean}
    ) as worksheet:
        worksheet.marks_basis = opinions_fingerprint(worksheet)
    return worksheet


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


def add_opinion(
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
    records = current_secondop.records
    with worksheet_change(patient_id, worksheet_id, expected_version) as worksheet:
        check_room("opinions", len(worksheet.opinions), max_opinions)
        last = max((o.position for o in worksheet.opinions), default=0)
        opinion = records.add(patient_id, Opinion(position=last + 1, **_opinion_values(values)))
        worksheet.opinions.append(opinion)
        records.flush()
    return opinion


def save_opinion(
    patient_id: str,
    worksheet_id: int,
    opinion: Opinion,
    expected_version: int,
    values: Mapping[str, Any],
) -> Opinion:
    with worksheet_change(patient_id, worksheet_id, expected_version):
        for key, value in _opinion_values(values).items():
            setattr(opinion, key, value)
    return opinion


def remove_opinion(
    patient_id: str, worksheet_id: int, opinion: Opinion, expected_version: int
) -> None:
    records = current_secondop.records
    with worksheet_change(patient_id, worksheet_id, expected_version) as worksheet:
        records.delete(patient_id, opinion)
        if opinion in worksheet.opinions:
            worksheet.opinions.remove(opinion)


def move_opinion(
    patient_id: str, worksheet_id: int, opinion: Opinion, expected_version: int, step: int
) -> None:
    """Move an opinion one place earlier (step -1) or later (+1) in the columns."""
    with worksheet_change(patient_id, worksheet_id, expected_version) as worksheet:
        order = list(worksheet.opinions)
        index = order.index(opinion)
        target = min(max(index + step, 0), len(order) - 1)
        order.insert(target, order.pop(index))
        for position, item in enumerate(order, start=1):  # renumber: no ties, no gaps
            item.position = position
        worksheet.opinions[:] = order  # the loaded list follows too, for this session


def delete_worksheet(patient_id: str, worksheet_id: int, expected_version: int) -> None:
    records = current_secondop.records
    with worksheet_change(patient_id, worksheet_id, expected_version) as worksheet:
        records.delete(patient_id, worksheet)  # its opinions go with it (ORM cascade)


def _opinion_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key in FIELDS_BY_KEY}


def find_opinion(patient_id: str, worksheet: Worksheet, opinion_id: int) -> Opinion | None:
    """The opinion as saved now, if it is still on this worksheet."""
    opinion = current_secondop.records.get(Opinion, patient_id, opinion_id)
    return opinion if opinion is not None and opinion.worksheet_id == worksheet.id else None


def opinion_values(opinion: Opinion) -> dict[str, Any]:
    return {spec.key: getattr(opinion, spec.key) for spec in OPINION_FIELDS}


# --------------------------------------------------------------------------
# The comparison: one row per field, one cell per opinion
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    field: OpinionField
    values: tuple[str, ...]  # display text, one per opinion
    mark: str  # the patient's mark: "agree", "differ", "unsure" or ""

    @property
    def key(self) -> str:
        return self.field.key

    @property
    def all_empty(self) -> bool:
        return all(not v for v in self.values)

    @property
    def some_empty(self) -> bool:
        return any(not v for v in self.values) and not self.all_empty

    @property
    def identical(self) -> bool:
        """Every opinion has the same non-empty text (spacing and case aside)."""
        filled = [comparable(v) for v in self.values]
        return len(self.values) >= 2 and all(filled) and len(set(filled)) == 1

    @property
    def text_differs(self) -> bool:
        filled = {comparable(v) for v in self.values if v}
        return len(filled) > 1

    @property
    def unmarked_text_differs(self) -> bool:
        return self.field.compared and not self.mark and self.text_differs

    @property
    def css_classes(self) -> str:
        classes = ["compare-row"]
        if self.identical:
            classes.append("compare-row--same")
        if self.all_empty:
            classes.append("compare-row--empty")
        elif self.some_empty:
            classes.append("compare-row--gap")
        if self.mark:
            classes.append(f"compare-row--{self.mark}")
        return " ".join(classes)


def comparison_rows(worksheet: Worksheet, marks: Mapping[str, str] | None = None) -> list[Row]:
    """Rows in field order. ``marks`` overrides the stored marks (to show a
    user's unsaved marks back to them after a conflict)."""
    chosen = worksheet.marks if marks is None else marks
    rows = []
    for spec in OPINION_FIELDS:
        mark = (chosen or {}).get(spec.key, "") if spec.compared else ""
        rows.append(
            Row(
                field=spec,
                values=tuple(display_value(spec, getattr(o, spec.key)) for o in worksheet.opinions),
                mark=mark if mark in MARKS else "",
            )
        )
    return rows


def differing_rows(rows: list[Row]) -> tuple[list[Row], bool]:
    """Where the opinions differ, for the letter, and whether that came from
    the patient's marks. Marks win: once the patient marked any row "differ",
    only those rows are listed. Before that, every compared row whose words
    differ is listed, so an unmarked worksheet still gives a useful letter."""
    marked = [row for row in rows if row.field.compared and row.mark == "differ"]
    if marked:
        return marked, True
    return [row for row in rows if row.unmarked_text_differs], False
