"""What one opinion records: defined once, used everywhere.

Each :class:`OpinionField` names a column of :class:`~.models.Opinion`, its
label and hint. The form, the side-by-side view, the PDF and the letter all
walk :data:`OPINION_FIELDS`, so a field added here shows up in each of them
(and the tests check the model has a column for every key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from ..i18n import _l

Kind = Literal["line", "text", "date", "choice"]


@dataclass(frozen=True)
class OpinionField:
    key: str
    label: Any  # lazy string
    hint: Any
    kind: Kind = "text"
    group: str = ""
    #: Characters of a "line" field (its column's width). Text fields take
    #: ``SECONDOP_MAX_TEXT_CHARS`` instead: 5,000 in a three-byte script is
    #: 15 kB, far under Flask's 500 kB per multipart field.
    max_length: int = 5000
    #: False for who/where and the patient's private notes: shown side by
    #: side, but not marked agree/differ and never listed as a difference.
    compared: bool = True


@dataclass(frozen=True)
class FieldGroup:
    key: str
    title: Any


GROUPS: tuple[FieldGroup, ...] = (
    FieldGroup("who", _l("Who gave this opinion")),
    FieldGroup("found", _l("What they found")),
    FieldGroup("advice", _l("What they recommend")),
    FieldGroup("tradeoffs", _l("Tradeoffs")),
    FieldGroup("next", _l("Trials, tests and what could change")),
    FieldGroup("mine", _l("Your own notes")),
)

#: How the opinion was given (stored value → label).
VISIT_KINDS: tuple[tuple[str, Any], ...] = (
    ("visit", _l("In person, at a visit")),
    ("remote", _l("Remote: by video, phone, or from records only")),
)

OPINION_FIELDS: tuple[OpinionField, ...] = (
    OpinionField(
        "doctor",
        _l("Doctor's name"),
        _l("The doctor who gave this opinion. You can also add their specialty."),
        kind="line",
        group="who",
        max_length=200,
        compared=False,
    ),
    OpinionField(
        "center",
        _l("Hospital or cancer center"),
        _l("Where the doctor works."),
        kind="line",
        group="who",
        max_length=200,
        compared=False,
    ),
    OpinionField(
        "seen_on",
        _l("Date of the opinion"),
        _l("The day you saw them or got their report."),
        kind="date",
        group="who",
        compared=False,
    ),
    OpinionField(
        "visit_kind",
        _l("How you got this opinion"),
        _l("Choose one, or leave it blank."),
        kind="choice",
        group="who",
        compared=False,
    ),
    OpinionField(
        "diagnosis",
        _l("The diagnosis, as they explained it"),
        _l("Use their words if you can, for example the type of cancer and where it started."),
        group="found",
    ),
    OpinionField(
        "stage",
        _l("The stage, as they explained it"),
        _l("For example a number or letters they used, and what they said it means."),
        group="found",
    ),
    OpinionField(
        "goal",
        _l("The goal of treatment"),
        _l("For example: to remove all the cancer, to keep it under control, or to ease symptoms."),
        group="advice",
    ),
    OpinionField(
        "plan",
        _l("The plan they recommend"),
        _l(
            "The treatments, in the order they suggested. Include watching and waiting if they "
            "said so."
        ),
        group="advice",
    ),
    OpinionField(
        "reasons", _l("Why they prefer this plan"), _l("The reasons they gave you."), group="advice"
    ),
    OpinionField(
        "evidence",
        _l("Evidence or guidelines they mentioned"),
        _l("For example national guidelines, a study, or a tumor board."),
        group="advice",
    ),
    OpinionField(
        "experience",
        _l("Their experience with cases like yours"),
        _l("For example how often their team treats this cancer or does this procedure."),
        group="advice",
    ),
    OpinionField(
        "side_effects_short",
        _l("Side effects in the short term"),
        _l("What you might feel during treatment and in the weeks after."),
        group="tradeoffs",
    ),
    OpinionField(
        "side_effects_long",
        _l("Side effects in the long term"),
        _l("Effects that could last months or years."),
        group="tradeoffs",
    ),
    OpinionField(
        "time_needed",
        _l("Time"),
        _l("How long treatment takes, how often you go, and time off work or home."),
        group="tradeoffs",
    ),
    OpinionField(
        "travel", _l("Travel"), _l("How far you would go, and how often."), group="tradeoffs"
    ),
    OpinionField(
        "cost",
        _l("Cost"),
        _l("What insurance may cover and what you may pay, if they said."),
        group="tradeoffs",
    ),
    OpinionField(
        "trials",
        _l("Clinical trials they mentioned"),
        _l("Names or numbers of studies, and whether you could join."),
        group="next",
    ),
    OpinionField(
        "tests_asked",
        _l("Tests or reviews they asked for"),
        _l("For example a second look at the tissue slides, a new scan, or a biomarker test."),
        group="next",
    ),
    OpinionField(
        "would_change",
        _l("What would change their recommendation"),
        _l("A test result or new fact that would make them suggest something else."),
        group="next",
    ),
    OpinionField(
        "patient_notes",
        _l("Your notes and feelings"),
        _l(
            "Anything you want to remember: how the visit felt, what worried you, what gave you "
            "hope."
        ),
        group="mine",
        compared=False,
    ),
)

FIELDS_BY_KEY: dict[str, OpinionField] = {f.key: f for f in OPINION_FIELDS}

#: Fields the patient can mark agree / differ / not sure.
COMPARED_FIELDS: tuple[OpinionField, ...] = tuple(f for f in OPINION_FIELDS if f.compared)
COMPARED_KEYS: tuple[str, ...] = tuple(f.key for f in OPINION_FIELDS if f.compared)


def visit_kind_label(value: str) -> str:
    return str(dict(VISIT_KINDS).get(value, ""))


def display_value(field: OpinionField, value: Any) -> str:
    """The text a person sees for a stored value (dates in their locale)."""
    from ..i18n import format_date

    if value is None or value == "":
        return ""
    if field.kind == "date" and isinstance(value, date):
        return format_date(value)
    if field.kind == "choice":
        return visit_kind_label(value)
    return str(value)


def comparable(value: Any) -> str:
    """Text normalised for "are these the same?": case and spacing ignored."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split()).casefold()
