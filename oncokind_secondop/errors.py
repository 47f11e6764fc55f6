"""Domain errors: what services raise instead of answering HTTP.

Services run without a request (the shared-packet view, background work,
unit tests), so they never call ``abort``. The blueprint turns these into the
package's error pages, with the one audit event the request owes.

``StaleVersion`` (a save over a newer version, 409) lives in
:mod:`oncokind_secondop.adapters` with the store that raises it, and
``LimitReached`` (a full list, shown as a form message) in
:mod:`oncokind_secondop.limits`.
"""
from __future__ import annotations


class DomainError(Exception):
    """Base of the errors services raise for the view to answer."""


class NotFound(DomainError):
    """No such object for this patient. Another patient's object is not found
    either: the two are indistinguishable (404)."""

    def __init__(self, object_id: object | None = None) -> None:
        super().__init__("no such object for this patient")
        self.object_id = object_id
