"""A checklist item's page: its status form, the slide and block list, and
its files (upload, download, delete)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ...access import audit_object, patient_view
from ...adapters import StaleVersion
from ...conflicts import ConflictRow
from ...csrf import checks_csrf_itself
from ...form_messages import configured_limit, full_notice, limit_message, refuse_at_limit
from ...forms_common import ConfirmForm
from ...i18n import _, _l, ngettext
from ...limits import LimitReached
from ...responses import attachment_response, head_response, is_head
from ...signals import emit_audit
from ...uploads import (
    CorruptFile,
    UploadRejected,
    iter_file,
    open_verified,
    receive_upload,
    upload_redirect,
)
from .. import services
from ..checklist import BY_KEY, STATUSES
from ..display import page_context
from ..forms import ItemForm, SlideForm
from ..models import ChecklistItem, Document, Packet, SlideRecord
from .common import (
    DOCUMENT,
    ITEM,
    SLIDES,
    T_,
    files,
    form_status,
    patient_id,
    require,
    routes,
    setting,
    store,
    warn_left,
)


def item_page(
    packet: Packet,
    item: ChecklistItem,
    *,
    form: ItemForm | None = None,
    slide_form: SlideForm | None = None,
    upload_error: str | None = None,
    conflict: Sequence[ConflictRow] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    contents = services.item_contents(store(), patient_id(), item)
    # At a limit the page says so instead of offering a form that would fail;
    # a refused form (it has errors) is still shown with what was typed.
    slides_full = (
        None if slide_form and slide_form.errors else full_notice("slides", len(contents.slides))
    )
    return render_template(
        T_ + "item.html",
        packet=packet,
        item=item,
        entry=BY_KEY[item.key],
        form=form or ItemForm(obj=item),
        slide_form=slide_form or SlideForm(),
        slides=contents.slides,
        documents=contents.documents,
        delete_form=ConfirmForm(),
        upload_error=upload_error,
        upload_full=full_notice("documents", len(contents.documents)),
        slides_full=slides_full,
        max_upload=setting("SECONDOP_MAX_UPLOAD_BYTES"),
        conflict=conflict,
        **page_context(),
    ), status


@routes.route(
    "/packet/<int:packet_id>/items/<int:item_id>", methods=["GET", "POST"], endpoint="packet_item"
)
@patient_view("view", ITEM)
def packet_item(packet_id: int, item_id: int) -> ResponseReturnValue:
    action = "change" if request.method == "POST" else "view"
    require(action, ITEM)  # the page is a read; saving it needs "change"
    packet, item = services.in_packet(store(), patient_id(), packet_id, ChecklistItem, item_id)
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        try:
            services.save(
                store(), patient_id(), ChecklistItem, item.id, form.expected_version(), form.values()
            )
        except StaleVersion as exc:
            current = exc.current
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
            return item_page(packet, current, form=form, conflict=fields, status=409)
        flash(_("Saved: %(item)s.", item=BY_KEY[item.key].title))
        return redirect(url_for("secondop.packet_detail", packet_id=packet.id) + f"#item-{item.id}")
    return item_page(packet, item, form=form, status=form_status(form))


@routes.route("/packet/<int:packet_id>/slides", methods=["POST"], endpoint="packet_slide_add")
@patient_view("add", SLIDES)
def packet_slide_add(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(store(), patient_id(), packet_id)
    item = services.slides_item(store(), patient_id(), packet.id)
    form = SlideForm()
    if form.validate_on_submit():
        try:
            slide = services.add_slide(
                store(), patient_id(), packet.id, form.values(),
                max_slides=configured_limit("slides"),
            )
        except LimitReached as exc:  # the form shows the limit, with what was typed
            refuse_at_limit(form, exc)
        else:
            audit_object(slide.id)
            flash(_("Added to the slide and block list."))
            return redirect(
                url_for("secondop.packet_item", packet_id=packet.id, item_id=item.id) + "#slides"
            )
    return item_page(
        packet, item, slide_form=form, status=form_status(form)
    )


@routes.route(
    "/packet/<int:packet_id>/slides/<int:slide_id>/delete",
    methods=["POST"],
    endpoint="packet_slide_delete",
)
@patient_view("delete", SLIDES)
def packet_slide_delete(packet_id: int, slide_id: int) -> ResponseReturnValue:
    packet, slide = services.in_packet(store(), patient_id(), packet_id, SlideRecord, slide_id)
    item = services.slides_item(store(), patient_id(), packet.id)
    if ConfirmForm().validate_on_submit():
        services.delete_record(store(), patient_id(), slide)
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
    packet, item = services.in_packet(store(), patient_id(), packet_id, ChecklistItem, item_id)
    max_documents = configured_limit("documents")
    try:  # full already: refuse before reading a byte
        services.check_document_room(store(), patient_id(), item.id, max_documents=max_documents)
    except LimitReached as exc:
        return item_page(packet, item, upload_error=limit_message(exc), status=400)
    try:
        received = receive_upload(files(), max_file_size=setting("SECONDOP_MAX_UPLOAD_BYTES"))
    except UploadRejected as exc:
        return item_page(packet, item, upload_error=exc.message, status=exc.status)
    if not received.files:  # the form was sent with no file chosen
        return item_page(
            packet, item, upload_error=_("Please choose a file to upload."), status=400
        )
    try:
        count = services.add_documents(
            store(), files(), patient_id(), item, received, max_documents=max_documents
        )
    except LimitReached as exc:  # several files at once would go past it: none was kept
        return item_page(packet, item, upload_error=limit_message(exc), status=400)
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
    packet, document = services.in_packet(store(), patient_id(), packet_id, Document, doc_id)
    if is_head():  # headers only: the file is neither read nor counted as downloaded
        return head_response(
            filename=document.display_name, mimetype=document.mimetype, size=document.size
        )
    try:
        handle = open_verified(files(), document.storage_key, document.sha256, document.size)
    except (CorruptFile, FileNotFoundError):  # the 409 is a damaged file, not a conflict
        emit_audit("download", DOCUMENT, outcome="error", object_id=document.id)
        return render_template(T_ + "file_problem.html", packet=packet, documents=[document]), 409
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
    packet, document = services.in_packet(store(), patient_id(), packet_id, Document, doc_id)
    item_id = document.item_id
    form = ConfirmForm()
    if form.validate_on_submit():
        warn_left(services.delete_document(store(), files(), patient_id(), document))
        flash(_("The file was deleted."))
        return redirect(
            url_for("secondop.packet_item", packet_id=packet.id, item_id=item_id) + "#files"
        )
    return render_template(
        T_ + "document_delete.html",
        form=form,
        packet=packet,
        document=document,
        entry=BY_KEY[document.item.key],
    )
