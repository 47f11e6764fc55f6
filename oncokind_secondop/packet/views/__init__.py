"""Routes of the packet capability: packets, checklist items, the slide
ledger, uploads and downloads, the timeline and records requests.

Every view is a ``patient_view``; it parses the form, calls a service
(:mod:`oncokind_secondop.packet.services`, scoped by the acting patient and by
the packet in the URL: a missing object is ``errors.NotFound``, answered by the
blueprint with the 404 page and its audit event), audits and renders. Each
successful request emits exactly one audit event.

The views live in one module per part of the pages; each adds its routes to
the one collector here, :data:`routes` (mounted by ``capabilities.py``).
"""

from __future__ import annotations

from . import items, packets, requests, timeline
from .common import HUB, routes

__all__ = ["HUB", "items", "packets", "requests", "routes", "timeline"]
