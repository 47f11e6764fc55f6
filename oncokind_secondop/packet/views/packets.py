"""Packet pages: the list, a new packet (optionally copied), a packet's
page, its edit and delete forms, and its gaps."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from ...access import audit_object, patient_view
from ...adapters import StaleVersion
from ...conflicts import ConflictRow
from ...form_messages import configured_limit, full_notice, refuse_at_limit
from ...forms_common import ConfirmForm
from ...i18n import _, _l
from ...limits import LimitReached
from ...signals import emit_audit
from .. import services
from ..display import page_context
from ..forms import NewPacketForm, PacketForm
from ..models import Document, Packet
from .common import (
    PACKET,
    T_,
    conflict,
    files,
    form_status,
    patient_id,
    request_days,
    routes,
    store,
    warn_left,
)


@routes.route("/packet/", endpoint="packet_index")
@patient_view("view", PACKET)
def packet_index() -> ResponseReturnValue:
    overview = services.overview(store(), patient_id())
    return render_template(
        T_ + "index.html", packets=overview.packets, progress=overview.progress
    )


@routes.route("/packet/new", methods=["GET", "POST"], endpoint="packet_new")
@patient_view("add", PACKET)
def packet_new() -> ResponseReturnValue:
    others = services.list_packets(store(), patient_id())
    form = NewPacketForm(version="0")
    form.set_sources(others)
    if form.validate_on_submit():
        try:
            packet = services.create_packet(
                store(),
                patient_id(),
                form.values(),
                max_packets=configured_limit("packets"),
                # a choice, so one of this patient's own packets
                copy_from=int(form.copy_from.data) if form.copy_from.data else None,
                max_events=configured_limit("events"),
                max_slides=configured_limit("slides"),
            )
        except LimitReached as exc:  # nothing was written; the form comes back as typed
            refuse_at_limit(form, exc)
        else:
            audit_object(packet.id)
            flash(_("Your packet is ready. Start with the checklist below."))
            return redirect(url_for("secondop.packet_detail", packet_id=packet.id))
    notice = None
    if not form.is_submitted():  # the form lists this patient's packets to copy from
        notice = full_notice("packets", len(others))
    return render_template(
        T_ + "packet_form.html", form=form, packet=None, limit_notice=notice
    ), form_status(form)


@routes.route("/packet/<int:packet_id>", endpoint="packet_detail")
@patient_view("view", PACKET)
def packet_detail(packet_id: int) -> ResponseReturnValue:
    state = services.packet_state(store(), patient_id(), packet_id, detail=True)
    days = request_days()
    return render_template(
        T_ + "detail.html",
        packet=state.packet,
        items=state.items,
        progress=services.progress(state.items),
        gaps=services.gaps(state.items),
        facilities=state.facilities,
        event_count=state.event_count,
        clocks={f.id: services.request_clock(f, period=days) for f in state.facilities},
        **page_context(),
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
    packet = services.get_packet(store(), patient_id(), packet_id)
    form = PacketForm(obj=packet)
    if form.validate_on_submit():
        try:
            services.save(
                store(), patient_id(), Packet, packet.id, form.expected_version(), form.values()
            )
        except StaleVersion as exc:
            fields = [
                ConflictRow(label, getattr(exc.current, name), getattr(form, name).data)
                for name, label in PACKET_FIELDS
            ]
            return conflict(
                form, exc.current, fields, "packet_form.html", packet=exc.current
            )
        flash(_("Saved."))
        return redirect(url_for("secondop.packet_detail", packet_id=packet.id))
    return render_template(T_ + "packet_form.html", form=form, packet=packet), form_status(form)


@routes.route("/packet/<int:packet_id>/delete", methods=["GET", "POST"], endpoint="packet_delete")
@patient_view("delete", PACKET)
def packet_delete(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(store(), patient_id(), packet_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        warn_left(services.delete_packet(store(), files(), patient_id(), packet))
        flash(_("The packet and its files were deleted."))
        return redirect(url_for("secondop.packet_index"))
    documents = services.count_in_packet(store(), patient_id(), Document, packet.id)
    # Also after a refused confirmation (a POST), which the decorator would
    # count as a delete: the page was only shown again.
    emit_audit("view", PACKET, object_id=packet.id)
    return render_template(T_ + "packet_delete.html", form=form, packet=packet, documents=documents)


@routes.route("/packet/<int:packet_id>/gaps", endpoint="packet_gaps")
@patient_view("view", PACKET)
def packet_gaps(packet_id: int) -> ResponseReturnValue:
    state = services.packet_state(store(), patient_id(), packet_id)
    return render_template(
        T_ + "gaps.html",
        event_count=state.event_count,
        packet=state.packet,
        gaps=services.gaps(state.items),
        progress=services.progress(state.items),
        **page_context(),
    )
