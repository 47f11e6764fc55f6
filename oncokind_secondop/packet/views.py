"""Routes of the packet capability: packets, checklist items, the slide
ledger, uploads and downloads, the timeline and records requests.

Every view is a ``patient_view``; every object comes from ``get_or_404`` or
``child_or_404`` scoped by the acting patient (and by the packet in the URL),
and each successful request emits exactly one audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..access import acting, get_or_404, patient_view
from ..adapters import RecordStore, StaleVersion
from ..conflicts import ConflictRow
from ..csrf import checks_csrf_itself
from ..exports.pdf import render_pdf
from ..extension import current_secondop
from ..form_messages import check_limit, configured_limit, full_notice, limit_message, refuse_at_limit
from ..forms_common import ConfirmForm
from ..i18n import _, _l, ngettext
from ..limits import Kind, LimitReached
from ..responses import attachment_response, head_response, is_head
from ..routes import HubCard, Routes
from ..signals import emit_audit
from ..uploads import (
    CorruptFile,
    UploadRejected,
    iter_file,
    open_verified,
    receive_upload,
    upload_redirect,
)
from . import services
from .checklist import BY_KEY, EVENT_KINDS, LETTER_ENTRIES, SLIDE_MATERIALS, STATUSES
from .forms import (
    FacilityForm,
    ItemForm,
    NewPacketForm,
    PacketForm,
    ReceivedForm,
    SlideForm,
    TimelineForm,
)
from .models import ChecklistItem, Document, Facility, Packet, SlideRecord, TimelineEvent

routes = Routes()
HUB = HubCard(
    "secondop.packet_index",
    _l("Build your records packet"),
    _l(
        "Gather what a second-opinion team needs, see what is still missing, ask for records "
        "and download everything as one PDF and one ZIP file."
    ),
    order=20,
)

PACKET = "packet"
ITEM = "packet_item"
SLIDES = "packet_slides"
DOCUMENT = "packet_document"
TIMELINE = "packet_timeline"
REQUEST = "packet_request"

T_ = "secondop/packet/"

def _records() -> RecordStore:
    return current_secondop.records


def _pid() -> str:
    return acting().patient.id


def _packet(packet_id: int, action: str = "view", category: str = PACKET) -> Packet:
    return get_or_404(Packet, packet_id, action=action, category=category)


def _page_context() -> dict[str, Any]:
    return {
        "STATUSES": STATUSES,
        "BY_KEY": BY_KEY,
        "EVENT_KINDS": EVENT_KINDS,
        "SLIDE_MATERIALS": SLIDE_MATERIALS,
        "date_label": services.event_date_label,
    }


def _require(action: str, category: str) -> None:
    """For a route that both shows (``view``) and saves: check the saving
    action too, asked of the host on this request like ``patient_view`` does."""
    ctx = acting()
    if not current_secondop.auth.can(ctx.actor, ctx.patient.id, action):
        emit_audit(action, category, outcome="denied")
        abort(404)


def _form_status(form: Any, action: str, category: str, object_id: object = None) -> int:
    """400 for a form sent with mistakes (recorded as an ``invalid`` attempt), else 200."""
    if form.errors:
        emit_audit(action, category, outcome="invalid", object_id=object_id)
        return 400
    return 200


def _valid_within(form: Any, kind: Kind, have: int) -> bool:
    """``validate_on_submit``, and room for one more under ``kind``'s limit;
    at the limit the form shows the limit as its error, with what was typed."""
    if not form.validate_on_submit():
        return False
    try:
        check_limit(kind, have)
    except LimitReached as exc:
        refuse_at_limit(form, exc)
        return False
    return True


def _conflict(
    form: Any,
    current: Any,
    fields: Sequence[ConflictRow],
    template: str,
    category: str,
    **context: Any,
) -> ResponseReturnValue:
    """A stale save: answer 409 with the user's input kept in the form and the
    saved values beside it. The form now carries the current version, so
    saving again is a deliberate choice."""
    emit_audit("change", category, outcome="conflict", object_id=current.id)
    form.set_version(current.version)
    return render_template(
        T_ + template, form=form, conflict=fields, **context, **_page_context()
    ), 409


# ---------------------------------------------------------------------------
# Packets
# ---------------------------------------------------------------------------


@routes.route("/packet/", endpoint="packet_index")
@patient_view("view", PACKET)
def packet_index() -> ResponseReturnValue:
    packets = _records().list(Packet, _pid(), order_by=("id",))
    items = _records().list(ChecklistItem, _pid(), order_by=("packet_id", "position"))
    by_packet: dict[int, list[ChecklistItem]] = {}
    for item in items:
        by_packet.setdefault(item.packet_id, []).append(item)
    emit_audit("view", PACKET)
    return render_template(
        T_ + "index.html",
        packets=packets,
        progress={p.id: services.progress(by_packet.get(p.id, [])) for p in packets},
    )


@routes.route("/packet/new", methods=["GET", "POST"], endpoint="packet_new")
@patient_view("add", PACKET)
def packet_new() -> ResponseReturnValue:
    others = _records().list(Packet, _pid(), order_by=("id",))
    form = NewPacketForm(version="0")
    form.set_sources(others)
    if form.validate_on_submit():
        try:
            with _records().transaction():
                check_limit("packets", len(others))
                packet = services.create_packet(form.values())
                if form.copy_from.data:  # a choice, so one of this patient's own packets
                    source = next(p for p in others if str(p.id) == form.copy_from.data)
                    services.copy_details(
                        source,
                        packet,
                        max_events=configured_limit("events"),
                        max_slides=configured_limit("slides"),
                    )
        except LimitReached as exc:  # nothing was written; the form comes back as typed
            refuse_at_limit(form, exc)
        else:
            emit_audit("add", PACKET, object_id=packet.id)
            flash(_("Your packet is ready. Start with the checklist below."))
            return redirect(url_for("secondop.packet_detail", packet_id=packet.id))
    notice = None
    if not form.is_submitted():  # the form lists this patient's packets to copy from
        emit_audit("view", PACKET)
        notice = full_notice("packets", len(others))
    return render_template(
        T_ + "packet_form.html", form=form, packet=None, limit_notice=notice
    ), _form_status(form, "add", PACKET)


@routes.route("/packet/<int:packet_id>", endpoint="packet_detail")
@patient_view("view", PACKET)
def packet_detail(packet_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id)
    items = services.packet_items(packet, with_documents=True)
    facilities = _records().list(Facility, _pid(), where={"packet_id": packet.id}, order_by=("id",))
    event_count = _records().count(TimelineEvent, _pid(), where={"packet_id": packet.id})
    emit_audit("view", PACKET, object_id=packet.id)
    return render_template(
        T_ + "detail.html",
        packet=packet,
        items=items,
        progress=services.progress(items),
        gaps=services.gaps(items),
        facilities=facilities,
        event_count=event_count,
        clocks={f.id: services.request_clock(f) for f in facilities},
        **_page_context(),
    )


PACKET_FIELDS = [
    ("center_name", _l("Center or doctor")),
    ("consult_questions", _l("Your questions")),
    ("proposed_plan", _l("Suggested treatment")),
    ("plan_goal", _l("Goal of the plan")),
    ("referring_name", _l("Your doctor's name")),
    ("referring_phone", _l("Phone")),
    ("referring_fax", _l("Fax")),
    ("referring_npi", _l("NPI")),
]


@routes.route("/packet/<int:packet_id>/edit", methods=["GET", "POST"], endpoint="packet_edit")
@patient_view("change", PACKET)
def packet_edit(packet_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "change")
    form = PacketForm(obj=packet)
    if form.validate_on_submit():
        try:
            with _records().transaction():
                _records().update(Packet, _pid(), packet.id, form.expected_version(), form.values())
        except StaleVersion as exc:
            fields = [
                ConflictRow(label, getattr(exc.current, name), getattr(form, name).data)
                for name, label in PACKET_FIELDS
            ]
            return _conflict(
                form, exc.current, fields, "packet_form.html", PACKET, packet=exc.current
            )
        emit_audit("change", PACKET, object_id=packet.id)
        flash(_("Saved."))
        return redirect(url_for("secondop.packet_detail", packet_id=packet.id))
    if not form.is_submitted():
        emit_audit("view", PACKET, object_id=packet.id)
    return render_template(T_ + "packet_form.html", form=form, packet=packet), _form_status(
        form, "change", PACKET, packet.id
    )


@routes.route("/packet/<int:packet_id>/delete", methods=["GET", "POST"], endpoint="packet_delete")
@patient_view("delete", PACKET)
def packet_delete(packet_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "delete")
    form = ConfirmForm()
    if form.validate_on_submit():
        with _records().transaction():
            keys = services.delete_packet(packet)
        services.delete_stored(keys)  # bytes only after the rows are gone
        emit_audit("delete", PACKET, object_id=packet_id)
        flash(_("The packet and its files were deleted."))
        return redirect(url_for("secondop.packet_index"))
    documents = _records().count(Document, _pid(), where={"packet_id": packet.id})
    emit_audit("view", PACKET, object_id=packet.id)
    return render_template(T_ + "packet_delete.html", form=form, packet=packet, documents=documents)


@routes.route("/packet/<int:packet_id>/gaps", endpoint="packet_gaps")
@patient_view("view", PACKET)
def packet_gaps(packet_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id)
    items = services.packet_items(packet)
    event_count = _records().count(TimelineEvent, _pid(), where={"packet_id": packet.id})
    emit_audit("view", PACKET, object_id=packet.id)
    return render_template(
        T_ + "gaps.html",
        event_count=event_count,
        packet=packet,
        gaps=services.gaps(items),
        progress=services.progress(items),
        **_page_context(),
    )


# ---------------------------------------------------------------------------
# Checklist items, slide ledger, documents
# ---------------------------------------------------------------------------


def _item_page(
    packet: Packet,
    item: ChecklistItem,
    *,
    form: ItemForm | None = None,
    slide_form: SlideForm | None = None,
    upload_error: str | None = None,
    conflict: Sequence[ConflictRow] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    documents = _records().list(Document, _pid(), where={"item_id": item.id}, order_by=("id",))
    slides = (
        _records().list(SlideRecord, _pid(), where={"packet_id": packet.id}, order_by=("id",))
        if item.key == "slides_blocks"
        else []
    )
    # At a limit the page says so instead of offering a form that would fail;
    # a refused form (it has errors) is still shown with what was typed.
    slides_full = None if slide_form and slide_form.errors else full_notice("slides", len(slides))
    return render_template(
        T_ + "item.html",
        packet=packet,
        item=item,
        entry=BY_KEY[item.key],
        form=form or ItemForm(obj=item),
        slide_form=slide_form or SlideForm(),
        slides=slides,
        documents=documents,
        delete_form=ConfirmForm(),
        upload_error=upload_error,
        upload_full=full_notice("documents", len(documents)),
        slides_full=slides_full,
        max_upload=current_secondop.config["SECONDOP_MAX_UPLOAD_BYTES"],
        conflict=conflict,
        **_page_context(),
    ), status


@routes.route(
    "/packet/<int:packet_id>/items/<int:item_id>", methods=["GET", "POST"], endpoint="packet_item"
)
@patient_view("view", ITEM)
def packet_item(packet_id: int, item_id: int) -> ResponseReturnValue:
    action = "change" if request.method == "POST" else "view"
    _require(action, ITEM)  # the page is a read; saving it needs "change"
    packet = _packet(packet_id, action, ITEM)
    item = services.child_or_404(ChecklistItem, item_id, packet, action=action, category=ITEM)
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        try:
            with _records().transaction():
                _records().update(
                    ChecklistItem, _pid(), item.id, form.expected_version(), form.values()
                )
        except StaleVersion as exc:
            current = exc.current
            emit_audit("change", ITEM, outcome="conflict", object_id=item.id)
            form.set_version(current.version)
            fields = [
                ConflictRow(
                    _l("Where is this now?"),
                    STATUSES.get(current.status),
                    STATUSES.get(form.status.data),
                ),
                ConflictRow(_l("Date you asked for it"), current.requested_on, form.requested_on.data),
                ConflictRow(_l("Date you got it"), current.received_on, form.received_on.data),
                ConflictRow(_l("Notes"), current.notes, form.notes.data),
            ]
            return _item_page(packet, current, form=form, conflict=fields, status=409)
        emit_audit("change", ITEM, object_id=item.id)
        flash(_("Saved: %(item)s.", item=BY_KEY[item.key].title))
        return redirect(url_for("secondop.packet_detail", packet_id=packet.id) + f"#item-{item.id}")
    if not form.is_submitted():
        emit_audit("view", ITEM, object_id=item.id)
    return _item_page(packet, item, form=form, status=_form_status(form, "change", ITEM, item.id))


@routes.route("/packet/<int:packet_id>/slides", methods=["POST"], endpoint="packet_slide_add")
@patient_view("add", SLIDES)
def packet_slide_add(packet_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "add", SLIDES)
    item = next(i for i in services.packet_items(packet) if i.key == "slides_blocks")
    form = SlideForm()
    count = _records().count(SlideRecord, _pid(), where={"packet_id": packet.id})
    if not _valid_within(form, "slides", count):
        return _item_page(
            packet, item, slide_form=form, status=_form_status(form, "add", SLIDES, packet.id)
        )
    with _records().transaction():
        slide = _records().add(
            _pid(),
            SlideRecord(
                packet_id=packet.id,
                lab=form.lab.data,
                accession_number=form.accession_number.data or "",
                specimen_ids=form.specimen_ids.data or "",
                count=form.count.data,
                material=form.material.data,
                location=form.location.data or "",
            ),
        )
        _records().flush()
    emit_audit("add", SLIDES, object_id=slide.id)
    flash(_("Added to the slide and block list."))
    return redirect(
        url_for("secondop.packet_item", packet_id=packet.id, item_id=item.id) + "#slides"
    )


@routes.route(
    "/packet/<int:packet_id>/slides/<int:slide_id>/delete",
    methods=["POST"],
    endpoint="packet_slide_delete",
)
@patient_view("delete", SLIDES)
def packet_slide_delete(packet_id: int, slide_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "delete", SLIDES)
    slide = services.child_or_404(SlideRecord, slide_id, packet, action="delete", category=SLIDES)
    item = next(i for i in services.packet_items(packet) if i.key == "slides_blocks")
    if ConfirmForm().validate_on_submit():
        with _records().transaction():
            _records().delete(_pid(), slide)
        emit_audit("delete", SLIDES, object_id=slide_id)
        flash(_("Removed from the slide and block list."))
    return redirect(
        url_for("secondop.packet_item", packet_id=packet.id, item_id=item.id) + "#slides"
    )


@routes.route(
    "/packet/<int:packet_id>/items/<int:item_id>/upload", methods=["POST"], endpoint="packet_upload"
)
@checks_csrf_itself
@patient_view("upload", DOCUMENT)
def packet_upload(packet_id: int, item_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "upload", DOCUMENT)
    item = services.child_or_404(ChecklistItem, item_id, packet, action="upload", category=DOCUMENT)
    store = current_secondop.files

    def have() -> int:
        return _records().count(Document, _pid(), where={"item_id": item.id})

    try:
        check_limit("documents", have())  # full already: refuse before reading a byte
    except LimitReached as exc:
        emit_audit("upload", DOCUMENT, outcome="invalid", object_id=item.id)
        return _item_page(packet, item, upload_error=limit_message(exc), status=400)
    try:
        received = receive_upload(
            store, max_file_size=current_secondop.config["SECONDOP_MAX_UPLOAD_BYTES"]
        )
    except UploadRejected as exc:
        emit_audit("upload", DOCUMENT, outcome="invalid", object_id=item.id)
        return _item_page(packet, item, upload_error=exc.message, status=exc.status)
    if not received.files:  # the form was sent with no file chosen
        emit_audit("upload", DOCUMENT, outcome="invalid", object_id=item.id)
        return _item_page(
            packet, item, upload_error=_("Please choose a file to upload."), status=400
        )
    try:
        check_limit("documents", have(), adding=len(received.files))
    except LimitReached as exc:  # several files at once would go past it: keep none
        received.discard(store)
        emit_audit("upload", DOCUMENT, outcome="invalid", object_id=item.id)
        return _item_page(packet, item, upload_error=limit_message(exc), status=400)
    try:
        with _records().transaction():
            for accepted in received.files:
                _records().add(
                    _pid(),
                    Document(
                        packet_id=packet.id,
                        item_id=item.id,
                        display_name=accepted.display_name,
                        kind=accepted.kind,
                        mimetype=accepted.mimetype,
                        size=accepted.stored.size,
                        sha256=accepted.stored.sha256,
                        storage_key=accepted.stored.key,
                    ),
                )
    except Exception:
        # No row, so no file either; unless the commit was durable after all.
        received.discard(store, owned=lambda: {
            d.storage_key for d in _records().list(Document, _pid(), where={"item_id": item.id})
        })
        raise
    emit_audit("upload", DOCUMENT, object_id=item.id)
    count = len(received.files)
    flash(
        ngettext(
            "%(num)d file added to %(item)s.",
            "%(num)d files added to %(item)s.",
            count,
            item=BY_KEY[item.key].title,
        )
    )
    # 303 for the plain form; for upload.js a 204 naming the page, so it loads once.
    # No "#files": upload.js on that same page would then only scroll, not reload.
    return upload_redirect(url_for("secondop.packet_item", packet_id=packet.id, item_id=item.id))


@routes.route(
    "/packet/<int:packet_id>/documents/<int:doc_id>/download", endpoint="packet_document_download"
)
@patient_view("download", DOCUMENT)
def packet_document_download(packet_id: int, doc_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "download", DOCUMENT)
    document = services.child_or_404(Document, doc_id, packet, action="download", category=DOCUMENT)
    if is_head():  # headers only: the file is neither read nor counted as downloaded
        emit_audit("view", DOCUMENT, object_id=document.id)
        return head_response(
            filename=document.display_name, mimetype=document.mimetype, size=document.size
        )
    try:
        handle = open_verified(
            current_secondop.files, document.storage_key, document.sha256, document.size
        )
    except (CorruptFile, FileNotFoundError):
        emit_audit("download", DOCUMENT, outcome="error", object_id=document.id)
        return render_template(T_ + "file_problem.html", packet=packet, documents=[document]), 409
    emit_audit("download", DOCUMENT, object_id=document.id)
    return attachment_response(
        iter_file(handle),
        filename=document.display_name,
        mimetype=document.mimetype,
        size=document.size,
    )


@routes.route(
    "/packet/<int:packet_id>/documents/<int:doc_id>/delete",
    methods=["GET", "POST"],
    endpoint="packet_document_delete",
)
@patient_view("delete", DOCUMENT)
def packet_document_delete(packet_id: int, doc_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "delete", DOCUMENT)
    document = services.child_or_404(Document, doc_id, packet, action="delete", category=DOCUMENT)
    item_id = document.item_id
    form = ConfirmForm()
    if form.validate_on_submit():
        key = document.storage_key
        with _records().transaction():
            _records().delete(_pid(), document)
        services.delete_stored([key])  # the row is gone and committed: now the bytes
        emit_audit("delete", DOCUMENT, object_id=doc_id)
        flash(_("The file was deleted."))
        return redirect(
            url_for("secondop.packet_item", packet_id=packet.id, item_id=item_id) + "#files"
        )
    emit_audit("view", DOCUMENT, object_id=document.id)
    return render_template(
        T_ + "document_delete.html",
        form=form,
        packet=packet,
        document=document,
        entry=BY_KEY[document.item.key],
    )


# ---------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------


def _timeline_page(packet: Packet, form: TimelineForm, status: int = 200) -> ResponseReturnValue:
    events = services.packet_events(packet)
    return render_template(
        T_ + "timeline.html",
        packet=packet,
        events=events,
        limit_notice=None if form.errors else full_notice("events", len(events)),
        form=form,
        delete_form=ConfirmForm(),
        **_page_context(),
    ), status


@routes.route("/packet/<int:packet_id>/timeline", endpoint="packet_timeline")
@patient_view("view", TIMELINE)
def packet_timeline(packet_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "view", TIMELINE)
    emit_audit("view", TIMELINE, object_id=packet.id)
    return _timeline_page(packet, TimelineForm(version="0"))


@routes.route("/packet/<int:packet_id>/timeline", methods=["POST"], endpoint="packet_event_add")
@patient_view("add", TIMELINE)
def packet_event_add(packet_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "add", TIMELINE)
    form = TimelineForm()
    count = _records().count(TimelineEvent, _pid(), where={"packet_id": packet.id})
    if not _valid_within(form, "events", count):
        return _timeline_page(packet, form, _form_status(form, "add", TIMELINE, packet.id))
    with _records().transaction():
        event = _records().add(_pid(), TimelineEvent(packet_id=packet.id, **form.values()))
        _records().flush()
    emit_audit("add", TIMELINE, object_id=event.id)
    flash(_("Added to your timeline."))
    return redirect(url_for("secondop.packet_timeline", packet_id=packet.id) + f"#event-{event.id}")


@routes.route(
    "/packet/<int:packet_id>/timeline/<int:event_id>",
    methods=["GET", "POST"],
    endpoint="packet_event_edit",
)
@patient_view("change", TIMELINE)
def packet_event_edit(packet_id: int, event_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "change", TIMELINE)
    event = services.child_or_404(
        TimelineEvent, event_id, packet, action="change", category=TIMELINE
    )
    form = TimelineForm(obj=event)
    if not form.is_submitted():
        form.fill_date(event.event_date, event.precision)
    if form.validate_on_submit():
        try:
            with _records().transaction():
                _records().update(
                    TimelineEvent, _pid(), event.id, form.expected_version(), form.values()
                )
        except StaleVersion as exc:
            current = exc.current
            mine = form.values()
            fields = [
                ConflictRow(
                    _l("Date"),
                    services.event_date_label(current),
                    services.event_date_label(
                        TimelineEvent(event_date=mine["event_date"], precision=mine["precision"])
                    ),
                ),
                ConflictRow(
                    _l("What kind of event?"),
                    EVENT_KINDS.get(current.kind),
                    EVENT_KINDS.get(mine["kind"]),
                ),
                ConflictRow(_l("What happened?"), current.title, mine["title"]),
                ConflictRow(_l("Details (optional)"), current.details, mine["details"]),
            ]
            return _conflict(
                form, current, fields, "event_form.html", TIMELINE, packet=packet, event=current
            )
        emit_audit("change", TIMELINE, object_id=event.id)
        flash(_("Saved."))
        return redirect(
            url_for("secondop.packet_timeline", packet_id=packet.id) + f"#event-{event.id}"
        )
    if not form.is_submitted():
        emit_audit("view", TIMELINE, object_id=event.id)
    return render_template(
        T_ + "event_form.html",
        form=form,
        packet=packet,
        event=event,
        conflict=None,
        **_page_context(),
    ), _form_status(form, "change", TIMELINE, event.id)


@routes.route(
    "/packet/<int:packet_id>/timeline/<int:event_id>/delete",
    methods=["POST"],
    endpoint="packet_event_delete",
)
@patient_view("delete", TIMELINE)
def packet_event_delete(packet_id: int, event_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "delete", TIMELINE)
    event = services.child_or_404(
        TimelineEvent, event_id, packet, action="delete", category=TIMELINE
    )
    if ConfirmForm().validate_on_submit():
        with _records().transaction():
            _records().delete(_pid(), event)
        emit_audit("delete", TIMELINE, object_id=event_id)
        flash(_("Removed from your timeline."))
    return redirect(url_for("secondop.packet_timeline", packet_id=packet.id))


# ---------------------------------------------------------------------------
# Records requests
# ---------------------------------------------------------------------------


@routes.route("/packet/<int:packet_id>/requests", endpoint="packet_requests")
@patient_view("view", REQUEST)
def packet_requests(packet_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "view", REQUEST)
    facilities = _records().list(Facility, _pid(), where={"packet_id": packet.id}, order_by=("id",))
    emit_audit("view", REQUEST, object_id=packet.id)
    return render_template(
        T_ + "requests.html",
        packet=packet,
        facilities=facilities,
        clocks={f.id: services.request_clock(f) for f in facilities},
        received_form=ReceivedForm(),
        delete_form=ConfirmForm(),
        days=current_secondop.config["SECONDOP_RECORDS_REQUEST_DAYS"],
        **_page_context(),
    )


def _letter_defaults(packet: Packet) -> list[str]:
    """Ask for what is still missing; everything if nothing is marked yet."""
    missing = {gap.item.key for gap in services.gaps(services.packet_items(packet))}
    keys = [e.key for e in LETTER_ENTRIES if e.key in missing]
    return keys or [e.key for e in LETTER_ENTRIES]


@routes.route(
    "/packet/<int:packet_id>/requests/new", methods=["GET", "POST"], endpoint="packet_request_new"
)
@patient_view("add", REQUEST)
def packet_request_new(packet_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "add", REQUEST)
    form = FacilityForm(version="0")
    have = _records().count(Facility, _pid(), where={"packet_id": packet.id})
    if not form.is_submitted():
        form.requested_items.data = _letter_defaults(packet)
    if _valid_within(form, "requests", have):
        with _records().transaction():
            facility = _records().add(_pid(), Facility(packet_id=packet.id, **form.values()))
            _records().flush()
        emit_audit("add", REQUEST, object_id=facility.id)
        flash(_("Your letter is ready to print."))
        return redirect(
            url_for("secondop.packet_request_letter", packet_id=packet.id, facility_id=facility.id)
        )
    notice = None
    if not form.is_submitted():  # the form shows the packet's missing items
        emit_audit("view", REQUEST, object_id=packet.id)
        notice = full_notice("requests", have)
    return render_template(
        T_ + "facility_form.html",
        form=form,
        packet=packet,
        facility=None,
        conflict=None,
        limit_notice=notice,
    ), _form_status(form, "add", REQUEST, packet.id)


@routes.route(
    "/packet/<int:packet_id>/requests/<int:facility_id>",
    methods=["GET", "POST"],
    endpoint="packet_request_edit",
)
@patient_view("change", REQUEST)
def packet_request_edit(packet_id: int, facility_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "change", REQUEST)
    facility = services.child_or_404(
        Facility, facility_id, packet, action="change", category=REQUEST
    )
    form = FacilityForm(obj=facility)
    if not form.is_submitted():
        form.requested_items.data = facility.requested_keys
    if form.validate_on_submit():
        try:
            with _records().transaction():
                _records().update(
                    Facility, _pid(), facility.id, form.expected_version(), form.values()
                )
        except StaleVersion as exc:
            current, mine = exc.current, form.values()
            labels = {e.key: str(e.title) for e in LETTER_ENTRIES}
            fields = [
                ConflictRow(form.name.label.text, current.name, mine["name"]),
                ConflictRow(
                    form.requested_items.label.text,
                    ", ".join(labels.get(k, k) for k in current.requested_keys),
                    ", ".join(labels.get(k, k) for k in mine["requested_items"].split()),
                ),
                ConflictRow(form.requested_on.label.text, current.requested_on, mine["requested_on"]),
                ConflictRow(form.notes.label.text, current.notes, mine["notes"]),
            ]
            return _conflict(
                form,
                current,
                fields,
                "facility_form.html",
                REQUEST,
                packet=packet,
                facility=current,
            )
        emit_audit("change", REQUEST, object_id=facility.id)
        flash(_("Saved."))
        return redirect(url_for("secondop.packet_requests", packet_id=packet.id))
    if not form.is_submitted():
        emit_audit("view", REQUEST, object_id=facility.id)
    return render_template(
        T_ + "facility_form.html", form=form, packet=packet, facility=facility, conflict=None
    ), _form_status(form, "change", REQUEST, facility.id)


def _letter_context(packet: Packet, facility: Facility) -> dict[str, Any]:
    return {
        "packet": packet,
        "facility": facility,
        "patient": acting().patient,
        "lines": [e.letter_line for e in LETTER_ENTRIES if e.key in facility.requested_keys],
        "wants_images": "imaging_files" in facility.requested_keys,
        "wants_slides": "slides_blocks" in facility.requested_keys,
        "days": current_secondop.config["SECONDOP_RECORDS_REQUEST_DAYS"],
        "today": date.today(),
    }


@routes.route(
    "/packet/<int:packet_id>/requests/<int:facility_id>/letter", endpoint="packet_request_letter"
)
@patient_view("print", REQUEST)
def packet_request_letter(packet_id: int, facility_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "print", REQUEST)
    facility = services.child_or_404(
        Facility, facility_id, packet, action="print", category=REQUEST
    )
    emit_audit("print", REQUEST, object_id=facility.id)
    return render_template(T_ + "letter_page.html", **_letter_context(packet, facility))


@routes.route(
    "/packet/<int:packet_id>/requests/<int:facility_id>/letter.pdf",
    endpoint="packet_request_letter_pdf",
)
@patient_view("export", REQUEST)
def packet_request_letter_pdf(packet_id: int, facility_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "export", REQUEST)
    facility = services.child_or_404(
        Facility, facility_id, packet, action="export", category=REQUEST
    )
    if is_head():  # headers only: no PDF is made, no export recorded
        emit_audit("view", REQUEST, object_id=facility.id)
        return head_response(filename=_("records-request.pdf"), mimetype="application/pdf")
    pdf = render_pdf(T_ + "letter_pdf.html", **_letter_context(packet, facility))
    emit_audit("export", REQUEST, object_id=facility.id, recipient=facility.name)
    return attachment_response(pdf, filename=_("records-request.pdf"), mimetype="application/pdf")


@routes.route(
    "/packet/<int:packet_id>/requests/<int:facility_id>/received",
    methods=["POST"],
    endpoint="packet_request_received",
)
@patient_view("change", REQUEST)
def packet_request_received(packet_id: int, facility_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "change", REQUEST)
    facility = services.child_or_404(
        Facility, facility_id, packet, action="change", category=REQUEST
    )
    form = ReceivedForm()
    if form.validate_on_submit():
        try:
            with _records().transaction():
                _records().update(
                    Facility,
                    _pid(),
                    facility.id,
                    facility.version,
                    {"received_on": form.received_on.data},
                )
        except StaleVersion:  # pragma: no cover - only between the read and the write above
            emit_audit("change", REQUEST, outcome="conflict", object_id=facility.id)
            return redirect(url_for("secondop.packet_requests", packet_id=packet.id))
        emit_audit("change", REQUEST, object_id=facility.id)
        flash(_("Marked as received. Now mark each checklist item you got."))
    else:
        emit_audit("change", REQUEST, outcome="invalid", object_id=facility.id)
        flash(_("Please enter the date the records arrived."), "error")
    return redirect(url_for("secondop.packet_requests", packet_id=packet.id))


@routes.route(
    "/packet/<int:packet_id>/requests/<int:facility_id>/delete",
    methods=["POST"],
    endpoint="packet_request_delete",
)
@patient_view("delete", REQUEST)
def packet_request_delete(packet_id: int, facility_id: int) -> ResponseReturnValue:
    packet = _packet(packet_id, "delete", REQUEST)
    facility = services.child_or_404(
        Facility, facility_id, packet, action="delete", category=REQUEST
    )
    if ConfirmForm().validate_on_submit():
        with _records().transaction():
            _records().delete(_pid(), facility)
        emit_audit("delete", REQUEST, object_id=facility_id)
        flash(_("The request was removed."))
    return redirect(url_for("secondop.packet_requests", packet_id=packet.id))

