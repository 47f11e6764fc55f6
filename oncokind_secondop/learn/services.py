"""Small helpers for the Learn pages: the login switch and the
records-request letter's wording choices."""
from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask.typing import ResponseReturnValue

from ..extension import current_secondop
from .forms import choice_labels

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])


def learn_page(view: F) -> F:
    """Learn pages are public unless ``SECONDOP_LEARN_REQUIRES_LOGIN`` is set;
    then an anonymous visitor goes to the portal's login. No audit event:
    these pages hold no patient data."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        state = current_secondop
        if state.config["SECONDOP_LEARN_REQUIRES_LOGIN"] and state.auth.current_actor() is None:
            return state.auth.login_redirect()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def letter_context(form: Any) -> dict[str, Any]:
    """What the letter templates need from a validated form (nothing else)."""
    labels = choice_labels(form.items)
    return {
        "letter": {
            "patient_name": form.patient_name.data.strip(),
            "other_names": (form.other_names.data or "").strip(),
            "date_of_birth": form.date_of_birth.parsed,
            "record_number": (form.record_number.data or "").strip(),
            "facility": form.facility.data.strip(),
            "facility_address": (form.facility_address.data or "").strip(),
            "dates_of_care": (form.dates_of_care.data or "").strip(),
            "records": [labels[key] for key in form.items.data],
            "record_keys": list(form.items.data),
            "format": form.format.data,
            "send_to": form.send_to.data,
            "recipient_name": (form.recipient_name.data or "").strip(),
            "address": form.address.data.strip(),
            "contact": (form.contact.data or "").strip(),
            "today": date.today(),
        }
    }
