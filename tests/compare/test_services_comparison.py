"""The comparison rows and the letter's differing rows, without an app: the
caller says how a stored value reads, and no row carries presentation."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any

from oncokind_secondop.compare import comparison
from oncokind_secondop.compare.comparison import Row, comparison_rows, differing_rows
from oncokind_secondop.compare.fields import OPINION_FIELDS, OpinionField
from oncokind_secondop.compare.models import Opinion, Worksheet


def plain(field: OpinionField, value: Any) -> str:
    return "" if value is None else str(value)


def worksheet(*opinions: dict[str, Any], marks: dict[str, str] | None = None) -> Worksheet:
    sheet = Worksheet(title="Choice", notes="", marks=marks or {}, version=1)
    for position, values in enumerate(opinions, start=1):
        sheet.opinions.append(Opinion(position=position, **values))
    return sheet


def by_key(rows: list[Row]) -> dict[str, Row]:
    return {row.key: row for row in rows}


def test_one_row_per_field_with_same_words_gaps_and_empties() -> None:
    sheet = worksheet(
        {"goal": "Cure", "stage": "II", "plan": "Surgery"},
        {"goal": "  cure ", "stage": "", "plan": "Radiation"},
    )
    rows = comparison_rows(sheet, show=plain)
    assert [row.key for row in rows] == [spec.key for spec in OPINION_FIELDS]
    got = by_key(rows)
    assert got["goal"].identical and not got["goal"].text_differs  # spacing and case aside
    assert got["stage"].some_empty and not got["stage"].identical and not got["stage"].all_empty
    assert got["trials"].all_empty and not got["trials"].some_empty
    assert got["plan"].text_differs and got["plan"].unmarked_text_differs
    assert got["plan"].values == ("Surgery", "Radiation")


def test_the_caller_says_how_a_value_reads() -> None:
    sheet = worksheet({"doctor": "Dr A"}, {"doctor": "Dr B"})
    rows = comparison_rows(sheet, show=lambda field, value: f"<{field.key}:{value or ''}>")
    assert by_key(rows)["doctor"].values == ("<doctor:Dr A>", "<doctor:Dr B>")


def test_one_opinion_is_never_identical() -> None:
    assert not by_key(comparison_rows(worksheet({"goal": "Cure"}), show=plain))["goal"].identical


def test_marks_only_on_compared_fields_and_unsaved_marks_override() -> None:
    sheet = worksheet({"plan": "A"}, {"plan": "B"}, marks={"plan": "agree", "doctor": "differ", "goal": "bogus"})
    got = by_key(comparison_rows(sheet, show=plain))
    assert (got["plan"].mark, got["doctor"].mark, got["goal"].mark) == ("agree", "", "")
    assert not got["plan"].unmarked_text_differs  # marked: the patient decided
    unsaved = by_key(comparison_rows(sheet, {"plan": "unsure"}, show=plain))
    assert unsaved["plan"].mark == "unsure"


def test_differing_rows_marks_win_over_words() -> None:
    sheet = worksheet({"plan": "A", "goal": "Cure"}, {"plan": "B", "goal": "Control"})
    rows, from_marks = differing_rows(comparison_rows(sheet, show=plain))
    assert from_marks is False and {row.key for row in rows} == {"plan", "goal"}
    sheet.marks = {"goal": "differ", "plan": "agree"}
    rows, from_marks = differing_rows(comparison_rows(sheet, show=plain))
    assert from_marks is True and [row.key for row in rows] == ["goal"]


def test_rows_carry_no_presentation() -> None:
    """CSS classes are the template's (``_macros.html`` ``row_classes``)."""
    names = {f.name for f in dataclass_fields(Row)} | {n for n in vars(Row) if not n.startswith("_")}
    assert not any("css" in name or "class" in name for name in names), names
    assert "compare-row" not in open(comparison.__file__, encoding="utf-8").read()
