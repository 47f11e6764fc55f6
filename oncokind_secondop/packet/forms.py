"""Forms of the packet pages. Every label and message is translated; a form
with an error keeps everything typed."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..form_choices import select_choices
from ..form_messages import AddressLines, SecondOpForm, TextLimit
from ..forms_common import VersionedForm
from ..i18n import _l
from .checklist import EVENT_KINDS, LETTER_ENTRIES, SLIDE_MATERIALS, STATUSES


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


STRIP = [_strip]


class PacketForm(VersionedForm):
    center_name = StringField(
        _l("Which center or doctor are you asking?"),
        filters=STRIP,
        validators=[
            DataRequired(message=_l("Please enter the name of the center or doctor.")),
            Length(max=200),
        ],
        description=_l("For example: City Cancer Center, breast cancer team."),
    )
    consult_questions = TextAreaField(
        _l("What do you want the new team to answer?"),
        filters=STRIP,
        validators=[TextLimit()],
        description=_l("Write your questions in your own words. One per line is fine."),
    )
    proposed_plan = TextAreaField(
        _l("What treatment has your current team suggested?"),
        filters=STRIP,
        validators=[TextLimit()],
        description=_l("Write it the way it was explained to you. It is fine if you are not sure."),
    )
    plan_goal = StringField(
        _l("What did they say the goal of that plan is?"),
        filters=STRIP,
        validators=[Length(max=200)],
        description=_l(
            "For example: to remove the cancer, to keep it under control, to ease symptoms."
        ),
    )
    referring_name = StringField(
        _l("Your doctor's name"),
        filters=STRIP,
        validators=[Length(max=200)],
        description=_l("The doctor who will get the new team's report."),
    )
    referring_phone = StringField(
        _l("Your doctor's phone"), filters=STRIP, validators=[Length(max=50)]
    )
    referring_fax = StringField(_l("Your doctor's fax"), filters=STRIP, validators=[Length(max=50)])
    referring_npi = StringField(
        _l("Your doctor's NPI number (if you know it)"),
        filters=STRIP,
        validators=[Optional(), Regexp(r"^\d{10}$", message=_l("An NPI number has 10 digits."))],
        description=_l(
            "A 10-digit number that identifies a doctor in the US. You can leave it blank."
        ),
    )

    def values(self) -> dict[str, Any]:
        return {
            name: getattr(self, name).data or ""
            for name in (
                "center_name",
                "consult_questions",
                "proposed_plan",
                "plan_goal",
                "referring_name",
                "referring_phone",
                "referring_fax",
                "referring_npi",
            )
        }


class NewPacketForm(PacketForm):
    """A new packet may start from another one of the same patient's packets."""

    copy_from = SelectField(
        _l("Copy details from another packet? (optional)"),
        default="",
        # No Optional(): it would let a blank-looking value such as " " past the
        # choice check (the empty choice already means "do not copy").
        description=_l(
            "Copies your timeline, your slide and block list and your doctor's details. "
            "Files and checklist marks are not copied."
        ),
    )

    def set_sources(self, packets: list[Any]) -> None:
        self.copy_from.choices = select_choices(
            [("", _l("No, start with an empty packet"))]
            + [(str(p.id), p.center_name) for p in packets]
        )


class ItemForm(VersionedForm):
    status = RadioField(
        _l("Where is this now?"),
        choices=select_choices(STATUSES.items()),
        validators=[InputRequired(message=_l("Please choose where this is now."))],
    )
    requested_on = DateField(
        _l("Date you asked for it"),
        validators=[Optional()],
        description=_l("Leave blank if you have not asked yet."),
    )
    received_on = DateField(_l("Date you got it"), validators=[Optional()])
    notes = TextAreaField(
        _l("Notes"),
        filters=STRIP,
        validators=[TextLimit()],
        description=_l("Who you spoke to, what they said, what is still missing."),
    )

    def validate_received_on(self, field: DateField) -> None:
        if field.data and self.requested_on.data and field.data < self.requested_on.data:
            from wtforms import ValidationError

            raise ValidationError(_l("The date you got it cannot be before the date you asked."))

    def values(self) -> dict[str, Any]:
        return {
            "status": self.status.data,
            "requested_on": self.requested_on.data,
            "received_on": self.received_on.data,
            "notes": self.notes.data or "",
        }


class SlideForm(SecondOpForm):
    lab = StringField(
        _l("Lab or hospital that holds them"),
        filters=STRIP,
        validators=[DataRequired(message=_l("Please enter the lab or hospital.")), Length(max=200)],
    )
    accession_number = StringField(
        _l("Accession number"),
        filters=STRIP,
        validators=[Length(max=100)],
        description=_l("The lab's case number. It is on the pathology report, often near the top."),
    )
    specimen_ids = StringField(
        _l("Slide or block numbers"),
        filters=STRIP,
        validators=[Length(max=300)],
        description=_l("For example: A1, A2, B1."),
    )
    count = IntegerField(
        _l("How many"),
        validators=[
            Optional(),
            NumberRange(min=1, max=999, message=_l("Please enter a number from 1 to 999.")),
        ],
    )
    material = RadioField(
        _l("Original or recut?"),
        choices=select_choices(SLIDE_MATERIALS.items()),
        default="unknown",
        validators=[InputRequired()],
    )
    location = StringField(
        _l("Where are they now?"),
        filters=STRIP,
        validators=[Length(max=300)],
        description=_l("For example: still at the lab, sent to the new center on 3 May."),
    )

    def values(self) -> dict[str, Any]:
        return {
            "lab": self.lab.data,
            "accession_number": self.accession_number.data or "",
            "specimen_ids": self.specimen_ids.data or "",
            "count": self.count.data,
            "material": self.material.data,
            "location": self.location.data or "",
        }


MONTHS = [("", _l("Month (if you know it)"))] + [(str(m), str(m)) for m in range(1, 13)]


def month_choices() -> list[Any]:
    """Month names in the reader's language (the values stay 1 to 12).

    "MMMM", not the stand-alone "LLLL": Babel 2.18 caches a resolved stand-alone
    alias in shared locale data, so after one Chinese page every later locale's
    "LLLL" came out in Chinese (python-babel/babel PR #1263; our pseudo-locale
    test caught it). The format-context names are the same in our languages."""
    from ..i18n import format_date

    return select_choices(
        [("", _l("Month (if you know it)"))]
        + [(str(m), format_date(date(2000, m, 1), "MMMM")) for m in range(1, 13)]
    )


class TimelineForm(VersionedForm):
    year = IntegerField(
        _l("Year"),
        validators=[
            InputRequired(message=_l("Please enter the year.")),
            NumberRange(min=1900, max=2100, message=_l("Please enter a year like 2024.")),
        ],
    )
    # No Optional(): it would accept " " (not a choice) as a month; "" is a choice.
    month = SelectField(_l("Month"), choices=select_choices(MONTHS), default="")
    day = IntegerField(
        _l("Day"),
        validators=[
            Optional(),
            NumberRange(min=1, max=31, message=_l("Please enter a day from 1 to 31.")),
        ],
    )
    kind = RadioField(
        _l("What kind of event?"),
        choices=select_choices(EVENT_KINDS.items()),
        default="other",
        validators=[InputRequired(message=_l("Please choose what kind of event it was."))],
    )
    title = StringField(
        _l("What happened?"),
        filters=STRIP,
        validators=[
            DataRequired(message=_l("Please say in a few words what happened.")),
            Length(max=200),
        ],
        description=_l("For example: CT scan of the chest, first chemotherapy."),
    )
    details = TextAreaField(
        _l("Details (optional)"),
        filters=STRIP,
        validators=[TextLimit()],
        description=_l("Results, doses, side effects, who did it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.month.choices = month_choices()

    def validate_day(self, field: IntegerField) -> None:
        from wtforms import ValidationError

        if field.data is None:
            return
        if not self.month.data:
            raise ValidationError(_l("Please choose the month too, or leave the day blank."))
        month = self.month.data
        if month not in {str(m) for m in range(1, 13)}:
            return  # not a month at all: the month field reports its own error
        year = self.year.data or 2000
        if field.data > calendar.monthrange(year, int(month))[1]:
            raise ValidationError(_l("That month does not have that many days."))

    def date_and_precision(self) -> tuple[date, str]:
        year = self.year.data
        if year is None:  # InputRequired: only a form that failed validation has none
            raise ValueError("date_and_precision() needs a validated form (no year)")
        month = int(self.month.data) if self.month.data else None
        if month is None:
            return date(year, 1, 1), "year"
        if self.day.data is None:
            return date(year, month, 1), "month"
        return date(year, month, self.day.data), "day"

    def values(self) -> dict[str, Any]:
        when, precision = self.date_and_precision()
        return {
            "event_date": when,
            "precision": precision,
            "kind": self.kind.data,
            "title": self.title.data,
            "details": self.details.data or "",
        }

    def fill_date(self, event_date: date, precision: str) -> None:
        self.year.data = event_date.year
        self.month.data = "" if precision == "year" else str(event_date.month)
        self.day.data = event_date.day if precision == "day" else None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FacilityForm(VersionedForm):
    name = StringField(
        _l("Name of the hospital, clinic or lab"),
        filters=STRIP,
        validators=[
            DataRequired(message=_l("Please enter the name of the place.")),
            Length(max=200),
        ],
    )
    department = StringField(
        _l("Department (optional)"),
        filters=STRIP,
        validators=[Length(max=200)],
        description=_l("Often called Medical Records or Health Information Management."),
    )
    address = TextAreaField(
        _l("Address (optional)"), filters=STRIP, validators=[Length(max=1000), AddressLines()]
    )
    phone = StringField(_l("Phone (optional)"), filters=STRIP, validators=[Length(max=50)])
    fax = StringField(_l("Fax (optional)"), filters=STRIP, validators=[Length(max=50)])
    requested_items = MultiCheckboxField(
        _l("What should they send?"),
        choices=select_choices((e.key, e.title) for e in LETTER_ENTRIES),
        validators=[DataRequired(message=_l("Please choose at least one thing to ask for."))],
    )
    dates_of_service = StringField(
        _l("Which dates? (optional)"),
        filters=STRIP,
        validators=[Length(max=200)],
        description=_l("For example: January 2024 to today."),
    )
    send_to_me = BooleanField(
        _l("Send a copy to me"),
        default=True,
        description=_l(
            "Recommended. When the copy comes to you, the law limits what they may charge."
        ),
    )
    send_to_center = BooleanField(_l("Also send a copy straight to the center I am asking"))
    requested_on = DateField(
        _l("Date you sent the request"),
        validators=[Optional()],
        description=_l("Leave blank until you send it. The clock starts on this date."),
    )
    notes = TextAreaField(_l("Notes"), filters=STRIP, validators=[TextLimit()])

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "department": self.department.data or "",
            "address": self.address.data or "",
            "phone": self.phone.data or "",
            "fax": self.fax.data or "",
            # Each key once: a repeated checkbox must not overflow the column.
            "requested_items": " ".join(dict.fromkeys(self.requested_items.data or [])),
            "dates_of_service": self.dates_of_service.data or "",
            "send_to_me": bool(self.send_to_me.data),
            "send_to_center": bool(self.send_to_center.data),
            "requested_on": self.requested_on.data,
            "notes": self.notes.data or "",
        }


class ReceivedForm(SecondOpForm):
    received_on = DateField(
        _l("Date the records arrived"),
        default=date.today,
        validators=[InputRequired(message=_l("Please enter the date they arrived."))],
    )
