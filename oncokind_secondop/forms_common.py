"""The two form kinds every capability shares.

:class:`VersionedForm` carries the version of the record the person saw, so a
save from a stale page is refused (409, their input kept) instead of
overwriting. The version is part of the form: a missing or garbled one (only
a tampered or broken client sends that; our pages always fill it in) makes
the form invalid like any other bad field, 400 and nothing saved; a number
that is not the saved version is a conflict, whatever the number.

:class:`ConfirmForm` is a button that changes state (delete, mark sent):
CSRF only.
"""
from __future__ import annotations

from wtforms import IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from .form_messages import SecondOpForm


class VersionedForm(SecondOpForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def expected_version(self) -> int:
        """The version the person saw; only a validated form has one."""
        if not isinstance(self.version.data, int) or self.version.errors:
            raise ValueError("expected_version() needs a validated form")
        return self.version.data

    def set_version(self, version: int) -> None:
        """Carry ``version`` from now on (the raw value too: a posted form
        renders what was posted, and after a conflict it must carry the saved
        version so that saving again is a deliberate choice)."""
        self.version.data = version
        self.version.raw_data = [str(version)]


class ConfirmForm(SecondOpForm):
    """A button that changes state (delete, mark sent): CSRF only."""
