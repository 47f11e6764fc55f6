"""What every Compare page shares: the route collector, the hub card, the
store and patient of this request, page defaults, opinion titles and the
conflict panel's rows."""

from __future__ import annotations

from typing import Any

from flask import render_template

from ...access import acting
from ...adapters import RecordStore
from ...conflicts import ConflictRow
from ...extension import current_secondop
from ...i18n import _, _l
from ...routes import HubCard, Routes
from ..forms import MoveForm
from ..models import Opinion, Worksheet

WORKSHEET = "compare_worksheet"
OPINION = "compare_opinion"

routes = Routes()
HUB = HubCard(
    "secondop.compare_index",
    _l("Compare opinions"),
    _l(
        "When two or more doctors give different advice, lay their opinions side by side, "
        "see where they agree, and prepare questions for each team."
    ),
    order=30,
)

#: Every compare template may test these; defined always, so a host running
#: Jinja with StrictUndefined renders our pages too.
PAGE_DEFAULTS: dict[str, Any] = {
    "moved_conflict": False,
    "conflict": None,
    "conflict_new": False,
    "opinion_gone": False,
    "titles": [],
}


def render(template: str, **context: Any) -> str:
    return render_template(template, **{**PAGE_DEFAULTS, **context})


def store() -> RecordStore:
    return current_secondop.records


def pid() -> str:
    return acting().patient.id


def conflict_rows(pairs: list[tuple[Any, str, str]]) -> list[ConflictRow]:
    """Rows for the conflict panel from (label, the user's unsaved text, the saved text)."""
    return [ConflictRow(label, saved=saved, yours=yours) for label, yours, saved in pairs]


def opinion_title(opinion: Opinion, number: int) -> str:
    name = opinion.doctor or opinion.center
    if name:
        return str(_("Opinion %(number)s: %(name)s", number=number, name=name))
    return str(_("Opinion %(number)s", number=number))


def titles(worksheet: Worksheet) -> list[str]:
    return [opinion_title(o, i) for i, o in enumerate(worksheet.opinions, start=1)]


def worksheet_page(worksheet: Worksheet, **context: Any) -> str:
    form = MoveForm()
    form.set_version(worksheet.version)
    return render(
        "secondop/compare/worksheet.html",
        worksheet=worksheet,
        titles=titles(worksheet),
        move_form=form,
        **context,
    )
