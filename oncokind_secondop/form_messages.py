"""WTForms' built-in error messages, in our domain and our plain words.

WTForms raises some errors itself ("Not a valid integer value." when a year
has letters in it) through the form's translations, which Flask-WTF would
take from WTForms' own catalogs: English in many of our languages, outside
our domain, and not plain. ``SecondOpForm`` answers them from our catalog.
"""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import StopValidation

from .extension import current_secondop
from .i18n import gettext as _
from .i18n import ngettext
from .limits import (
    CONFIG_KEYS,
    FIRST_YEAR,
    LAST_YEAR,
    Kind,
    LimitReached,
    address_problem,
    check_room,
    has_control,
    in_date_range,
)


def _plain(message: str) -> str | None:
    """Our wording for a WTForms message, translated now (unformatted: WTForms
    fills ``%(max)d`` and the like itself)."""
    if message in ("Not a valid integer value.", "Not a valid decimal value.", "Not a valid float value."):
        return _("Please enter a number using digits, for example 12.")
    if message in ("Not a valid date value.", "Not a valid datetime value."):
        return _("Please enter the date as year, month and day, for example 2026-03-14.")
    if message in ("Not a valid choice.", "Invalid Choice: could not coerce.",
                   "'%(value)s' is not a valid choice for this field.",
                   "'%(value)s' are not valid choices for this field."):
        return _("Please choose one of the options.")
    if message == "This field is required.":
        return _("Please fill in this field.")
    if message.startswith("Field cannot be longer than"):
        return _("This answer is too long. Please keep it under %(max)d characters.")
    return None


class FormMessages:
    """The ``gettext``/``ngettext`` object WTForms asks for its own messages."""

    def gettext(self, string: str) -> str:
        return _plain(string) or string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _plain(singular) or (singular if n == 1 else plural)


def without_nul(value: Any) -> Any:
    """Drop NUL characters: no one types them, and PostgreSQL text cannot hold
    them (the insert would fail). Runs before a field's own filters."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def single_line(form: Any, field: Any) -> None:
    """A one-line answer holds no line break, tab or other control character:
    such text can forge lines wherever it is printed or logged."""
    if isinstance(field.data, str) and has_control(field.data):
        raise StopValidation(_("Please keep this on one line, without tabs or line breaks."))


def date_in_range(form: Any, field: Any) -> None:
    """Dates of care, birth and requests fall within years 1900 to 2100."""
    if field.data is not None and not in_date_range(field.data):
        raise StopValidation(
            _("Please enter a date between the years %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR)
        )


class TextLimit:
    """The longest multi-line text, read from ``SECONDOP_MAX_TEXT_CHARS`` when
    the form is used (the same form class serves apps with different limits)."""

    def __init__(self) -> None:
        self.field_flags: dict[str, Any] = {}

    @staticmethod
    def limit() -> int:
        return int(current_secondop.config["SECONDOP_MAX_TEXT_CHARS"])

    def __call__(self, form: Any, field: Any) -> None:
        limit = self.limit()
        if isinstance(field.data, str) and len(field.data) > limit:
            raise StopValidation(_("This answer is too long. Please keep it under %(max)d characters.", max=limit))


class AddressLines:
    """A postal address that fits a letter's address block."""

    def __init__(self, max_lines: int = 6, max_line_chars: int = 100) -> None:
        self.max_lines = max_lines
        self.max_line_chars = max_line_chars

    def __call__(self, form: Any, field: Any) -> None:
        problem = address_problem(field.data or "", self.max_lines, self.max_line_chars)
        if problem == "lines":
            raise StopValidation(_(
                "Please fit the address on %(max)d lines or fewer. "
                "Put more than one part on a line, with commas.", max=self.max_lines))
        if problem == "width":
            raise StopValidation(_(
                "Each line of the address can have up to %(max)d characters. "
                "Please split long lines.", max=self.max_line_chars))


def limit_message(exc: LimitReached) -> str:
    """What to tell the patient at a limit: what it is, and what they can do."""
    n = exc.limit
    if exc.kind == "packets":
        return ngettext(
            "You can keep up to %(num)d packet. To start a new one, delete a packet you no longer need.",
            "You can keep up to %(num)d packets. To start a new one, delete a packet you no longer need.", n)
    if exc.kind == "worksheets":
        return ngettext(
            "You can keep up to %(num)d worksheet. To start a new one, delete a worksheet you no longer need.",
            "You can keep up to %(num)d worksheets. To start a new one, delete a worksheet you no longer need.",
            n)
    if exc.kind == "opinions":
        return ngettext(
            "A worksheet can compare up to %(num)d opinion. To add another, remove one or start a new worksheet.",
            "A worksheet can compare up to %(num)d opinions. To add another, remove one or start a new worksheet.",
            n)
    if exc.kind == "events":
        return ngettext(
            "A timeline can hold up to %(num)d event. To add another, remove an old event "
            "or combine a few events into one.",
            "A timeline can hold up to %(num)d events. To add another, remove an old event "
            "or combine a few events into one.", n)
    if exc.kind == "requests":
        return ngettext(
            "A packet can hold up to %(num)d records request. To add another, remove one you no longer need.",
            "A packet can hold up to %(num)d records requests. To add another, remove one you no longer need.",
            n)
    if exc.kind == "slides":
        return ngettext(
            "The slide and block list can hold up to %(num)d line. To add another, remove one "
            "or put several slides on one line.",
            "The slide and block list can hold up to %(num)d lines. To add another, remove one "
            "or put several slides on one line.", n)
    if exc.kind == "shares":
        return ngettext(
            "A packet can have up to %(num)d share. To make another, delete a share that has ended.",
            "A packet can have up to %(num)d shares. To make another, delete a share that has ended.", n)
    return ngettext(
        "Each checklist item can hold up to %(num)d file. To add more, delete files you do not need "
        "or combine pages into one PDF.",
        "Each checklist item can hold up to %(num)d files. To add more, delete files you do not need "
        "or combine pages into one PDF.", n)


def configured_limit(kind: Kind) -> int:
    return int(current_secondop.config[CONFIG_KEYS[kind]])


def check_limit(kind: Kind, have: int, adding: int = 1) -> None:
    """:func:`limits.check_room` against this app's configured limit."""
    check_room(kind, have, configured_limit(kind), adding)


def full_notice(kind: Kind, have: int) -> str | None:
    """For an "add" page: the limit message when nothing more fits, else None
    (the page then says so up front instead of offering a form that fails)."""
    try:
        check_limit(kind, have)
    except LimitReached as exc:
        return limit_message(exc)
    return None


def refuse_at_limit(form: Any, exc: LimitReached) -> None:
    """Show a limit as a form error: the page comes back with everything typed."""
    form.form_errors.append(limit_message(exc))


def _with_validator(unbound_field: Any, options: dict[str, Any], validator: Any, *, first: bool) -> dict[str, Any]:
    # Our forms pass validators by keyword; the assert keeps a positional one from being dropped.
    assert len(unbound_field.args) < 2, f"pass validators by keyword: {unbound_field}"
    current = list(options.get("validators", unbound_field.kwargs.get("validators") or ()))
    return {**options, "validators": [validator, *current] if first else [*current, validator]}


class SecondOpForm(FlaskForm):  # type: ignore[misc]  # the library ships no types
    """Every package form: WTForms' own messages come from our domain, text
    fields never keep a NUL character, one-line fields refuse control
    characters and dates stay within the years we accept."""

    class Meta:
        def get_translations(self, form: Any) -> FormMessages:
            return FormMessages()

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField):  # TextArea and Hidden too
                filters = [without_nul, *unbound_field.kwargs.get("filters", ())]
                options = {**options, "filters": filters}
                if not issubclass(field_class, (TextAreaField, HiddenField)):
                    options = _with_validator(unbound_field, options, single_line, first=True)
            if issubclass(field_class, DateField):
                options = _with_validator(unbound_field, options, date_in_range, first=False)
            # WTForms combines every Meta along the form's MRO (ours, Flask-WTF's,
            # its DefaultMeta) into one class: super() reaches DefaultMeta there.
            return super().bind_field(form, unbound_field, options)  # type: ignore[misc]
