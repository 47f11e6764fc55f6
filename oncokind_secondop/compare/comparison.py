"""The comparison: one row per field, one cell per opinion, and where the
opinions differ. Request-free and without presentation: the caller says how a
stored value reads (the views pass :func:`.fields.display_value`, dates in the
reader's locale), and the template decides how a row looks (``_macros.html``'s
``row_classes``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .fields import OPINION_FIELDS, OpinionField, comparable
from .models import MARKS, Worksheet


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


#: How a stored value reads in a cell: ``(field, stored value) -> text``.
Show = Callable[[OpinionField, Any], str]


def comparison_rows(worksheet: Worksheet, marks: Mapping[str, str] | None = None, *, show: Show) -> list[Row]:
    """Rows in field order, each cell the text ``show`` makes of the stored
    value. ``marks`` overrides the stored marks (to show a user's unsaved
    marks back to them after a conflict)."""
    chosen = worksheet.marks if marks is None else marks
    rows = []
    for spec in OPINION_FIELDS:
        mark = (chosen or {}).get(spec.key, "") if spec.compared else ""
        rows.append(
            Row(
                field=spec,
                values=tuple(show(spec, getattr(o, spec.key)) for o in worksheet.opinions),
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
