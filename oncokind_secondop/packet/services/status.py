"""Where a packet stands: progress, gaps and the records-request clock.

Pure rules over rows already read: no store, no settings beyond the plain
values passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ...limits import add_days
from ..checklist import BY_KEY, READY_STATUSES, ChecklistEntry
from ..models import ChecklistItem, Facility


@dataclass(frozen=True)
class Progress:
    ready: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.ready / self.total) if self.total else 0


def progress(items: Sequence[ChecklistItem]) -> Progress:
    return Progress(sum(1 for i in items if i.status in READY_STATUSES), len(items))


@dataclass(frozen=True)
class Gap:
    item: ChecklistItem
    entry: ChecklistEntry


def gaps(items: Sequence[ChecklistItem]) -> list[Gap]:
    """Items not yet ready, in checklist order, each with why it matters."""
    return [
        Gap(i, BY_KEY[i.key]) for i in items if i.status not in READY_STATUSES and i.key in BY_KEY
    ]


@dataclass(frozen=True)
class RequestClock:
    """Where a records request stands against the answer period."""

    state: str  # "not_requested", "waiting", "overdue", "received"
    due_on: date | None
    days: int  # days left while waiting, days late when overdue


def request_clock(facility: Facility, *, period: int, today: date | None = None) -> RequestClock:
    """Where ``facility``'s request stands when a facility has ``period`` days
    to answer (``SECONDOP_RECORDS_REQUEST_DAYS``).

    Total for any stored date: forms take years 1900 to 2100 only, but a
    row saved before that check may hold 9999-12-31 (adding days overflowed)."""
    today = today or date.today()
    if facility.received_on is not None:
        due = add_days(facility.requested_on, period) if facility.requested_on else None
        return RequestClock("received", due, 0)
    if facility.requested_on is None:
        return RequestClock("not_requested", None, 0)
    due = add_days(facility.requested_on, period)
    left = (due - today).days
    if left < 0:
        return RequestClock("overdue", due, -left)
    return RequestClock("waiting", due, left)
