"""Routes of the Compare worksheet, one module per kind of page.

Every view is a :func:`~oncokind_secondop.access.patient_view`: it parses its
form, calls one service of :mod:`..services` (which raises ``NotFound``,
``StaleVersion`` or ``LimitReached`` instead of answering HTTP), emits the
request's one audit event and renders or redirects. A stale save answers 409
and shows the person what they typed beside what is saved now.

Importing this package fills :data:`routes` (collected, not yet on a
blueprint: the factory registers them when Compare is mounted).
"""

from __future__ import annotations

from . import opinions, side_by_side, worksheets
from .common import HUB, OPINION, WORKSHEET, routes

__all__ = ["HUB", "OPINION", "WORKSHEET", "opinions", "routes", "side_by_side", "worksheets"]
