"""The packet's rules and every packet read and write, without a request.

A service takes what it needs explicitly: the ``store``
(:class:`~oncokind_secondop.adapters.RecordStore`), the ``patient_id`` every
query is scoped by, ``files`` (:class:`~oncokind_secondop.adapters.FileStore`)
where stored bytes are touched, and plain settings values (limit numbers, the
records-request period). It raises domain errors
(:class:`~oncokind_secondop.errors.NotFound`,
:class:`~oncokind_secondop.adapters.StaleVersion`,
:class:`~oncokind_secondop.limits.LimitReached`), owns its unit of work, and
imports nothing from Flask (``tests/packet/test_services_imports.py``): the
views parse the form, call a service, audit and render.

- :mod:`.status`: progress, gaps, the records-request clock (pure rules);
- :mod:`.reads`: scoped look-ups and what each page and export shows;
- :mod:`.packets`: create (with a copy), save a versioned record, delete;
- :mod:`.children`: slide lines, documents, timeline events, records requests.
"""

from __future__ import annotations

from .children import (
    add_documents,
    add_event,
    add_request,
    add_slide,
    check_document_room,
    delete_document,
    delete_record,
    mark_received,
)
from .packets import (
    CHILD_MODELS,
    REFERRING_FIELDS,
    copy_details,
    create_packet,
    delete_packet,
    delete_stored,
    save,
)
from .reads import (
    ItemContents,
    Overview,
    PacketContents,
    PacketState,
    count_in_packet,
    get_child,
    get_packet,
    in_packet,
    item_contents,
    item_documents,
    letter_defaults,
    list_packets,
    overview,
    packet_contents,
    packet_events,
    packet_facilities,
    packet_items,
    packet_slides,
    packet_state,
    slides_item,
)
from .status import Gap, Progress, RequestClock, gaps, progress, request_clock

__all__ = [
    "CHILD_MODELS",
    "REFERRING_FIELDS",
    "Gap",
    "ItemContents",
    "Overview",
    "PacketContents",
    "PacketState",
    "Progress",
    "RequestClock",
    "add_documents",
    "add_event",
    "add_request",
    "add_slide",
    "check_document_room",
    "copy_details",
    "count_in_packet",
    "create_packet",
    "delete_document",
    "delete_packet",
    "delete_record",
    "delete_stored",
    "gaps",
    "get_child",
    "get_packet",
    "in_packet",
    "item_contents",
    "item_documents",
    "letter_defaults",
    "list_packets",
    "mark_received",
    "overview",
    "packet_contents",
    "packet_events",
    "packet_facilities",
    "packet_items",
    "packet_slides",
    "packet_state",
    "progress",
    "request_clock",
    "save",
    "slides_item",
]
