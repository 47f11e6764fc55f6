"""Forms for the self-check and the records-request letter.

Nothing typed here is stored: the views only render it back (the letter
page, the PDF) within the same request. Every label and message goes
through the package's translation domain."""
from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import parse_date
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..form_choices import select_choices
from ..form_messages import AddressLines, SecondOpForm
from ..i18n import _, _l, current_locale
from ..limits import FIRST_YEAR, LAST_YEAR
from .selfcheck import CHOICES


def choice_labels(field: Any) -> dict[str, object]:
    """value -> label, whichever form the choices take."""
    labels: dict[str, object] = {}
    for choice in field.choices or []:
        value, label = (choice.value, choice.label) if hasattr(choice, "value") else choice
        labels[str(value)] = label
    return labels


def _at_most(limit: int) -> Length:
    """A length limit whose message is in our translation domain."""
    return Length(max=limit, message=_l("Please keep this to %(max)d characters or fewer."))


class CheckboxesField(SelectMultipleField):
    """Several checkboxes in one fieldset; an unknown value is refused with
    our own message (the stock one is not in our translation domain)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: Any) -> None:
        allowed = choice_labels(self)
        if any(value not in allowed for value in (self.data or [])):
            raise StopValidation(_("Please choose from the list."))


class RadioChoiceField(RadioField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: Any) -> None:
        if self.data not in choice_labels(self):
            raise StopValidation(_("Please choose one of the options."))


class DateText(StringField):
    """A date typed in a ``type=date`` input (ISO) or, where browsers show a
    plain box, in the reader's local format. ``parsed`` holds the date."""

    parsed: date | None = None

    def pre_validate(self, form: Any) -> None:
        self.parsed = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            parsed = date.fromisoformat(text)
        except ValueError:
            try:
                parsed = parse_date(text, locale=current_locale())
            # A 20-digit year is an OverflowError, not a ValueError.
            except (ValueError, IndexError, OverflowError):
                raise StopValidation(_("Please enter the date like this: 1968-04-02.")) from None
        if parsed > date.today():
            raise StopValidation(_("The date of birth cannot be in the future."))
        if parsed.year < FIRST_YEAR:
            raise StopValidation(_("Please enter a date between the years %(first)d and %(last)d.",
                                   first=FIRST_YEAR, last=LAST_YEAR))
        self.parsed = parsed


class SelfCheckForm(SecondOpForm):
    situations = CheckboxesField(_l("Which of these are true for you? Tick all that fit."),
                                 choices=select_choices(CHOICES))
    urgent = BooleanField(_l("My care team said treatment should start very soon."))


ITEMS: list[tuple[str, object]] = [
    ("pathology_reports", _l("Pathology reports (biopsy and surgery)")),
    ("pathology_slides", _l("Pathology slides or recuts, with the lab's slide and block numbers")),
    ("imaging_reports", _l("Imaging reports (CT, MRI, PET, ultrasound, X-ray)")),
    ("imaging_dicom", _l("Imaging files as DICOM images, not viewer-only")),
    ("operative_notes", _l("Operative notes from any surgery")),
    ("clinic_notes", _l("Clinic notes from my cancer visits")),
    ("biomarker_reports", _l("Biomarker, gene and molecular test reports")),
    ("lab_results", _l("Lab results, such as blood tests and tumor markers")),
    ("treatment_records", _l("Treatment records: medicines, doses and dates")),
    ("discharge_summaries", _l("Hospital discharge summaries")),
]

FORMATS: list[tuple[str, object]] = [
    ("electronic", _l("Electronic copies (a secure download, email or USB drive)")),
    ("paper", _l("Paper copies")),
]

SEND_TO: list[tuple[str, object]] = [
    ("me", _l("Send a copy to me")),
    ("other", _l("Send them to another doctor or center")),
]


class RecordsLetterForm(SecondOpForm):
    patient_name = StringField(_l("Full name of the patient"), validators=[
        InputRequired(message=_l("Please enter the patient's full name.")), _at_most(120)])
    other_names = StringField(_l("Other names on the records (optional)"),
                              validators=[Optional(), _at_most(120)])
    date_of_birth = DateText(_l("Date of birth"), validators=[
        InputRequired(message=_l("Please enter the date of birth."))], render_kw={"type": "date"})
    record_number = StringField(_l("Medical record number (optional)"),
                                validators=[Optional(), _at_most(60)])
    facility = StringField(_l("Hospital, clinic or lab you are writing to"), validators=[
        InputRequired(message=_l("Please enter the hospital, clinic or lab.")), _at_most(160)])
    facility_address = TextAreaField(_l("Their address (optional)"),
                                     validators=[Optional(), _at_most(400), AddressLines()])
    dates_of_care = StringField(_l("Dates of care (optional)"),
                                validators=[Optional(), _at_most(120)])
    items = CheckboxesField(_l("What should they send?"), choices=select_choices(ITEMS))
    format = RadioChoiceField(_l("In what form?"), choices=select_choices(FORMATS),
                              default="electronic")
    send_to = RadioChoiceField(_l("Where should they send it?"), choices=select_choices(SEND_TO),
                               default="me")
    recipient_name = StringField(_l("Name of the doctor or center (if not you)"),
                                 validators=[_at_most(160)])
    address = TextAreaField(_l("Address or email to send it to"), validators=[
        InputRequired(message=_l("Please enter where to send the records.")), _at_most(400), AddressLines()])
    contact = StringField(_l("Your phone or email, so they can reach you (optional)"),
                          validators=[Optional(), _at_most(120)])

    def validate_items(self, field: CheckboxesField) -> None:
        if not field.data:
            raise ValidationError(_("Please choose at least one kind of record."))

    def validate_recipient_name(self, field: StringField) -> None:
        if self.send_to.data == "other" and not (field.data or "").strip():
            raise ValidationError(
                _("Please name the doctor or center that should get the records."))

    def letter(self) -> dict[str, Any]:
        """What the letter templates need from this validated form (nothing else)."""
        labels = choice_labels(self.items)
        return {
            "patient_name": (self.patient_name.data or "").strip(),
            "other_names": (self.other_names.data or "").strip(),
            "date_of_birth": self.date_of_birth.parsed,
            "record_number": (self.record_number.data or "").strip(),
            "facility": (self.facility.data or "").strip(),
            "facility_address": (self.facility_address.data or "").strip(),
            "dates_of_care": (self.dates_of_care.data or "").strip(),
            "records": [labels[key] for key in self.items.data or []],
            "record_keys": list(self.items.data or []),
            "format": self.format.data,
            "send_to": self.send_to.data,
            "recipient_name": (self.recipient_name.data or "").strip(),
            "address": (self.address.data or "").strip(),
            "contact": (self.contact.data or "").strip(),
            "today": date.today(),
        }
