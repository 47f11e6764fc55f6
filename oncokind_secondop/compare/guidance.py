"""Plain-language help shown beside the comparison.

Questions to ask each team, and prompts for a piece of information that may
be missing. None of it says which plan to choose: it helps people ask.
A prompt appears when one of its fields is empty in some opinion or the
patient marked it "differ" or "not sure".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..i18n import _l
from .comparison import Row

#: Asked of every team. Kept short so they fit on the letter.
QUESTIONS: tuple[Any, ...] = (
    _l("Why do you recommend this plan for me?"),
    _l(
        "What evidence or guidelines support it? Do you follow national guidelines here, and if "
        "not, why?"
    ),
    _l("How many people with a case like mine has your team treated this way?"),
    _l("What are the benefits and risks, and the side effects in the short and long term?"),
    _l("What would happen if we wait, or only watch closely for now?"),
    _l("Is a clinical trial an option for me?"),
    _l("How will we know if the treatment is working, and what if it stops working?"),
    _l("What would change your recommendation?"),
    _l("Would you be willing to talk with the other team about my case?"),
)


@dataclass(frozen=True)
class Prompt:
    key: str
    title: Any
    text: Any
    fields: tuple[str, ...]  # empty somewhere, or marked differ / not sure
    marked_only: tuple[str, ...] = ()  # only when marked differ / not sure


PROMPTS: tuple[Prompt, ...] = (
    Prompt(
        "pathology",
        _l("Was the tissue looked at again?"),
        _l(
            "When teams describe the diagnosis differently, ask whether a pathologist at each "
            "center "
            "reviewed your slides, and whether both teams saw the same pathology report."
        ),
        ("diagnosis",),
    ),
    Prompt(
        "stage",
        _l("Is the stage clear?"),
        _l(
            "If the stage is missing or described differently, ask which scans and tests each "
            "team used "
            "to decide it, and whether any result is still out."
        ),
        ("stage",),
    ),
    Prompt(
        "biomarker",
        _l("Is a test result still pending?"),
        _l(
            "Plans often depend on biomarker or genetic results from the tumor. Ask whether any "
            "of these "
            "tests are still pending or were not done, and whether the plan could change when "
            "they come back."
        ),
        ("plan",),
        marked_only=("tests_asked",),
    ),
    Prompt(
        "goal",
        _l("Do the teams have the same goal in mind?"),
        _l(
            "Ask each team to say in plain words what the treatment aims to do for you. "
            "Different plans "
            "sometimes come from different goals."
        ),
        ("goal",),
    ),
    Prompt(
        "change",
        _l("What could change their mind?"),
        _l(
            "If you do not know what would change a team's advice, ask them. The answer often "
            "shows which "
            "piece of information matters most."
        ),
        ("would_change",),
    ),
    Prompt(
        "trials",
        _l("Were clinical trials discussed?"),
        _l(
            "If only one team mentioned a trial, or none did, you can ask each team whether a "
            "trial "
            "could be right for you."
        ),
        ("trials",),
    ),
)


def active_prompts(rows: Sequence[Row]) -> list[Prompt]:
    """The prompts that apply: a field left empty somewhere, or marked differ / not sure.
    With fewer than two opinions there is nothing to compare yet."""
    if rows and len(rows[0].values) < 2:
        return []
    by_key = {row.key: row for row in rows}
    shown = []
    for prompt in PROMPTS:
        rows_here = [by_key[key] for key in (*prompt.fields, *prompt.marked_only) if key in by_key]
        if any(row.mark in ("differ", "unsure") for row in rows_here) or any(
            row.all_empty or row.some_empty for row in rows_here if row.key in prompt.fields
        ):
            shown.append(prompt)
    return shown
