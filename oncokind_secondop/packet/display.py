"""How packet values read on a page, in the reader's language.

Presentation, not rules: these helpers format with Flask-Babel (the request's
locale), so the views and the exports use them, never the services.
"""

from __future__ import annotations

from typing import Any

from ..i18n import format_date, format_month_year
from .checklist import BY_KEY, EVENT_KINDS, SLIDE_MATERIALS, STATUSES
from .models import TimelineEvent


def event_date_label(event: TimelineEvent) -> str:
    """The event date to the precision the patient gave (a year, a month, a day)."""
    if event.precision == "year":
        return str(event.event_date.year)
    if event.precision == "month":
        return format_month_year(event.event_date)
    return format_date(event.event_date, "medium")


def page_context() -> dict[str, Any]:
    """The checklist tables and date label every packet page template uses."""
    return {
        "STATUSES": STATUSES,
        "BY_KEY": BY_KEY,
        "EVENT_KINDS": EVENT_KINDS,
        "SLIDE_MATERIALS": SLIDE_MATERIALS,
        "date_label": event_date_label,
    }
