"""WTForms' built-in error messages, in our domain and our plain words.

WTForms raises some errors itself ("Not a valid integer value." when a year
has letters in it) through the form's translations, which Flask-WTF would
take from WTForms' own catalogs: English in many of our languages, outside
our domain, and not plain. ``SecondOpForm`` answers them from our catalog.
"""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

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


class SecondOpForm(FlaskForm):
    """Every package form: WTForms' own messages come from our domain."""

    class Meta:
        def get_translations(self, form: Any) -> FormMessages:
            return FormMessages()
