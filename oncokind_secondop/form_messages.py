"""WTForms' built-in error messages, in our domain and our plain words.

WTForms raises some errors itself ("Not a valid integer value." when a year
has letters in it) through the form's translations, which Flask-WTF would
take from WTForms' own catalogs: English in many of our languages, outside
our domain, and not plain. ``SecondOpForm`` answers them from our catalog.
"""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField

from .i18n import gettext as _


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


class SecondOpForm(FlaskForm):
    """Every package form: WTForms' own messages come from our domain, and
    text fields never keep a NUL character."""

    class Meta:
        def get_translations(self, form: Any) -> FormMessages:
            return FormMessages()

        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            if issubclass(unbound_field.field_class, StringField):  # TextArea and Hidden too
                filters = [without_nul, *unbound_field.kwargs.get("filters", ())]
                options = {**options, "filters": filters}
            # WTForms combines every Meta along the form's MRO (ours, Flask-WTF's,
            # its DefaultMeta) into one class: super() reaches DefaultMeta there.
            return super().bind_field(form, unbound_field, options)  # type: ignore[misc]
