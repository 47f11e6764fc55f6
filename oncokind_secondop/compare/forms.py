"""Forms for worksheets, opinions and the patient's row marks.

The opinion form and the marks form are built from :data:`.fields.OPINION_FIELDS`.
Every form that saves carries the worksheet's ``version`` (hidden), which the
service checks so a stale copy is refused instead of overwriting.
"""

from __future__ import annotations

from typing import Any

from wtforms import DateField, Field, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..form_choices import select_choices
from ..form_messages import SecondOpForm, TextLimit
from ..forms_common import VersionedForm
from ..i18n import _l
from .fields import COMPARED_KEYS, OPINION_FIELDS, VISIT_KINDS, OpinionField
from .models import MARKS


class NewWorksheetForm(SecondOpForm):
    title = StringField(
        _l("Name this worksheet"),
        description=_l(
            "Something that helps you find it again, for example “Treatment choice, spring”."
        ),
        validators=[
            DataRequired(message=_l("Please give the worksheet a name.")),
            Length(max=200, message=_l("Please keep the name under 200 characters.")),
        ],
    )
    notes = TextAreaField(
        _l("Notes (optional)"),
        description=_l("For example what decision you are facing and by when."),
        validators=[
            Optional(),
            TextLimit(),
        ],
    )


class WorksheetForm(NewWorksheetForm, VersionedForm):
    pass


class MoveForm(VersionedForm):
    """Move an opinion's column one place earlier or later (the buttons send it)."""

    direction = RadioField(
        choices=select_choices([("up", "up"), ("down", "down")]), validators=[InputRequired()]
    )


class PlainDateField(DateField):
    """A date field whose error speaks our language (WTForms' own message is
    not in our catalog)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(
                str(_l("Please enter the date as year, month and day, for example 2026-03-14."))
            ) from exc


def _opinion_field(spec: OpinionField) -> Field:
    too_long = _l("This answer is too long. Please keep it under %(max)d characters.")
    if spec.kind == "date":
        return PlainDateField(
            spec.label, description=spec.hint, validators=[Optional()], format="%Y-%m-%d"
        )
    if spec.kind == "choice":
        choices = select_choices([("", _l("Not recorded")), *VISIT_KINDS])
        return RadioField(
            spec.label, description=spec.hint, choices=choices, default="", validate_choice=True
        )
    if spec.kind == "line":  # bound by its column's width
        return StringField(
            spec.label,
            description=spec.hint,
            validators=[Optional(), Length(max=spec.max_length, message=too_long)],
        )
    return TextAreaField(spec.label, description=spec.hint, validators=[Optional(), TextLimit()])


class _OpinionFormBase(VersionedForm):
    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        doctor = (self["doctor"].data or "").strip()
        center = (self["center"].data or "").strip()
        if not doctor and not center:
            self["doctor"].errors = [
                *self["doctor"].errors,
                _l(
                    "Please give the doctor's name or the center, so you can tell the opinions "
                    "apart."
                ),
            ]
            ok = False
        return bool(ok)

    def values(self) -> dict[str, Any]:
        """What to store: stripped text, a date or None, a known choice or ""."""
        out: dict[str, Any] = {}
        for spec in OPINION_FIELDS:
            data = self[spec.key].data
            if spec.kind == "date":
                out[spec.key] = data
            else:
                out[spec.key] = (data or "").strip()
        return out


OpinionForm: type[_OpinionFormBase] = type(
    "OpinionForm", (_OpinionFormBase,), {spec.key: _opinion_field(spec) for spec in OPINION_FIELDS}
)

MARK_CHOICES: tuple[tuple[str, Any], ...] = (
    ("", _l("Not marked")),
    ("agree", _l("They agree")),
    ("differ", _l("They differ")),
    ("unsure", _l("Not sure")),
)
assert {value for value, _ in MARK_CHOICES if value} == set(MARKS)


def mark_field_name(key: str) -> str:
    return f"mark_{key}"


class _MarksFormBase(VersionedForm):
    def marks(self) -> dict[str, str]:
        return {
            key: self[mark_field_name(key)].data
            for key in COMPARED_KEYS
            if self[mark_field_name(key)].data in MARKS
        }


MarksForm: type[_MarksFormBase] = type(
    "MarksForm",
    (_MarksFormBase,),
    {
        mark_field_name(key): RadioField(
            choices=select_choices(MARK_CHOICES), default="", validate_choice=True
        )
        for key in COMPARED_KEYS
    },
)
