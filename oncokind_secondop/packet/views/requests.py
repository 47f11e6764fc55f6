"""Records requests: the list with each request's clock, a new or edited
request, its letter (page and PDF), marking it received, removing it."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ...access import acting, audit_object, patient_view
from ...adapters import StaleVersion
from ...conflicts import ConflictRow
from ...exports.pdf import render_pdf
from ...form_messages import configured_limit, full_notice, refuse_at_limit
from ...forms_common import ConfirmForm
from ...i18n import _
from ...limits import LimitReached
from ...responses import attachment_response, head_response, is_head
from ...signals import emit_audit
from .. import services
from ..checklist import LETTER_ENTRIES
from ..display import page_context
from ..forms import FacilityForm, ReceivedForm
from ..models import Facility, Packet
from .common import REQUEST, T_, conflict, form_status, patient_id, request_days, routes, store


@routes.route("/packet/<int:packet_id>/requests", endpoint="packet_requests")
@patient_view("view", REQUEST)
def packet_requests(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(store(), patient_id(), packet_id)
    facilities = services.packet_facilities(store(), patient_id(), packet.id)
    days = request_days()
    return render_template(
        T_ + "requests.html",
        packet=packet,
        facilities=facilities,
        clocks={f.id: services.request_clock(f, period=days) for f in facilities},
        received_form=ReceivedForm(),
        delete_form=ConfirmForm(),
        days=days,
        **page_context(),
    )


@routes.route(
    "/packet/<int:packet_id>/requests/new", methods=["GET", "POST"], endpoint="packet_request_new"
)
@patient_view("add", REQUEST)
def packet_request_new(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(store(), patient_id(), packet_id)
    form = FacilityForm(version="0")
    if form.validate_on_submit():
        try:
            facility = services.add_request(
                store(), patient_id(), packet.id, form.values(),
                max_requests=configured_limit("requests"),
            )
        except LimitReached as exc:  # the form shows the limit, with what was typed
            refuse_at_limit(form, exc)
        else:
            audit_object(facility.id)
            flash(_("Your letter is ready to print."))
            return redirect(url_for(
                "secondop.packet_request_letter", packet_id=packet.id, facility_id=facility.id
            ))
    notice = None
    if not form.is_submitted():  # the form shows the packet's missing items
        form.requested_items.data = services.letter_defaults(store(), patient_id(), packet.id)
        have = services.count_in_packet(store(), patient_id(), Facility, packet.id)
        notice = full_notice("requests", have)
    return render_template(
        T_ + "facility_form.html",
        form=form,
        packet=packet,
        facility=None,
        conflict=None,
        limit_notice=notice,
    ), form_status(form)


@routes.route(
    "/packet/<int:packet_id>/requests/<int:facility_id>",
    methods=["GET", "POST"],
    endpoint="packet_request_edit",
)
@patient_view("change", REQUEST)
def packet_request_edit(packet_id: int, facility_id: int) -> ResponseReturnValue:
    packet, facility = services.in_packet(store(), patient_id(), packet_id, Facility, facility_id)
    form = FacilityForm(obj=facility)
    if not form.is_submitted():
        form.requested_items.data = facility.requested_keys
    if form.validate_on_submit():
        try:
            services.save(
                store(), patient_id(), Facility, facility.id, form.expected_version(),
                form.values(),
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
            return conflict(
                form,
                current,
                fields,
                "facility_form.html",
                packet=packet,
                facility=current,
            )
        flash(_("Saved."))
        return redirect(url_for("secondop.packet_requests", packet_id=packet.id))
    return render_template(
        T_ + "facility_form.html", form=form, packet=packet, facility=facility, conflict=None
    ), form_status(form)


def letter_context(packet: Packet, facility: Facility) -> dict[str, Any]:
    return {
        "packet": packet,
        "facility": facility,
        "patient": acting().patient,
        "lines": [e.letter_line for e in LETTER_ENTRIES if e.key in facility.requested_keys],
        "wants_images": "imaging_files" in facility.requested_keys,
        "wants_slides": "slides_blocks" in facility.requested_keys,
        "days": request_days(),
        "today": date.today(),
    }


@routes.route(
    "/packet/<int:packet_id>/requests/<int:facility_id>/letter", endpoint="packet_request_letter"
)
@patient_view("print", REQUEST)
def packet_request_letter(packet_id: int, facility_id: int) -> ResponseReturnValue:
    packet, facility = services.in_packet(store(), patient_id(), packet_id, Facility, facility_id)
    return render_template(T_ + "letter_page.html", **letter_context(packet, facility))


@routes.route(
    "/packet/<int:packet_id>/requests/<int:facility_id>/letter.pdf",
    endpoint="packet_request_letter_pdf",
)
@patient_view("export", REQUEST)
def packet_request_letter_pdf(packet_id: int, facility_id: int) -> ResponseReturnValue:
    packet, facility = services.in_packet(store(), patient_id(), packet_id, Facility, facility_id)
    if is_head():  # headers only: no PDF is made, no export recorded
        return head_response(filename=_("records-request.pdf"), mimetype="application/pdf")
    pdf = render_pdf(T_ + "letter_pdf.html", **letter_context(packet, facility))
    audit_object(facility.id, recipient=facility.name)
    return attachment_response(pdf, filename=_("records-request.pdf"), mimetype="application/pdf")


@routes.route(
    "/packet/<int:packet_id>/requests/<int:facility_id>/received",
    methods=["POST"],
    endpoint="packet_request_received",
)
@patient_view("change", REQUEST)
def packet_request_received(packet_id: int, facility_id: int) -> ResponseReturnValue:
    packet, facility = services.in_packet(store(), patient_id(), packet_id, Facility, facility_id)
    form = ReceivedForm()
    if form.validate_on_submit():
        try:
            services.mark_received(store(), patient_id(), facility, form.received_on.data)
        except StaleVersion:  # pragma: no cover - only between the read and the write above
            # answered by a redirect: the status cannot tell the conflict
            emit_audit("change", REQUEST, outcome="conflict", object_id=facility.id)
            return redirect(url_for("secondop.packet_requests", packet_id=packet.id))
        flash(_("Marked as received. Now mark each checklist item you got."))
    else:  # answered by a redirect: the status cannot tell the mistake
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
    packet, facility = services.in_packet(store(), patient_id(), packet_id, Facility, facility_id)
    if ConfirmForm().validate_on_submit():
        services.delete_record(store(), patient_id(), facility)
        flash(_("The request was removed."))
    return redirect(url_for("secondop.packet_requests", packet_id=packet.id))
