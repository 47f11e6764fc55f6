"""One row of a "someone else saved this" panel, for every capability.

A stale save (:class:`~oncokind_secondop.adapters.StaleVersion`) answers 409
with the person's input kept; the panel lists, per question, what is saved
now beside what they typed. Packet and Compare pages render these rows.
"""
from __future__ import annotations

from dataclasses import dataclass


def _plain(value: object) -> object:
    # Blank is blank however it is stored (None, "", spaces round a text).
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


@dataclass(frozen=True)
class ConflictRow:
    label: object  # a lazy translated string or a field's label
    saved: object  # what is stored now
    yours: object  # what the person typed (not saved)

    @property
    def changed(self) -> bool:
        return _plain(self.saved) != _plain(self.yours)
