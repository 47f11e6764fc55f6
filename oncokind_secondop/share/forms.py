"""The patient's share form: who it is for, for how long, and what it
includes. Every label and message is translated; a form with an error keeps
everything typed."""

from __future__ import annotations

from typing import Any

from wtforms import IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation

from ..extension import current_secondop
from ..form_choices import select_choices
from ..form_messages import SecondOpForm
from ..i18n import _l
from ..i18n import gettext as _
from ..packet.checklist import CHECKLIST
from ..packet.forms import MultiCheckboxField


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def max_days() -> int:
    return int(current_secondop.config["SECONDOP_SHARE_MAX_DAYS"])


def default_days() -> int:
    return int(current_secondop.config["SECONDOP_SHARE_DAYS"])


def _days_in_range(form: Any, field: Any) -> None:
    # Read when the form is used: one form class serves apps with different settings.
    most = max_days()
    if field.data is not None and not 1 <= field.data <= most:
        raise StopValidation(_("Please choose between 1 and %(max)d days.", max=most))


def _items_when_chosen(form: Any, field: Any) -> None:
    # With "everything" chosen, ticked boxes are ignored (ShareForm.item_key_list) but kept
    # on the page, so a form sent back with another mistake shows them as typed.
    if form.scope.data == "some" and not field.data:
        raise StopValidation(_("Please choose at least one item to share, or share everything."))


class ShareForm(SecondOpForm):
    team_name = StringField(
        _l("Who is it for?"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please enter the name of the team or doctor.")),
            Length(max=200),
        ],
        description=_l("The team will see this name. For example: Lakeside Oncology, Dr Ruiz."),
    )
    contact = StringField(
        _l("Their contact (optional)"),
        filters=[_strip],
        validators=[Length(max=200)],
        description=_l("Only for you, to remember where you sent it. The team does not see it."),
    )
    days = IntegerField(
        _l("How many days can they use it?"),
        validators=[InputRequired(message=_l("Please enter a number of days.")), _days_in_range],
    )
    scope = RadioField(
        _l("What can they see?"),
        choices=select_choices([
            ("all", _l("The whole packet")),
            ("some", _l("Only the items I choose below")),
        ]),
        default="all",
        validators=[InputRequired(message=_l("Please choose what they can see."))],
    )
    item_keys = MultiCheckboxField(
        _l("Items to share"),
        choices=select_choices((e.key, e.title) for e in CHECKLIST),
        validators=[_items_when_chosen],
    )

    def days_value(self) -> int:
        """The number of days; only a validated form has one."""
        if not isinstance(self.days.data, int):
            raise ValueError("days_value() needs a validated form")
        return self.days.data

    def item_key_list(self) -> list[str]:
        """The chosen checklist keys, each once; empty shares everything."""
        if self.scope.data != "some":
            return []
        return list(dict.fromkeys(self.item_keys.data or []))
