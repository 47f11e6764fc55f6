"""The packet's timeline: the list with its add form, an event's edit form,
and removing an event."""

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
from .. import services
from ..checklist import EVENT_KINDS
from ..display import event_date_label, page_context
from ..forms import TimelineForm
from ..models import Packet, TimelineEvent
from .common import T_, TIMELINE, conflict, form_status, patient_id, routes, store


def timeline_page(packet: Packet, form: TimelineForm, status: int = 200) -> ResponseReturnValue:
    events = services.packet_events(store(), patient_id(), packet.id)
    return render_template(
        T_ + "timeline.html",
        packet=packet,
        events=events,
        limit_notice=None if form.errors else full_notice("events", len(events)),
        form=form,
        delete_form=ConfirmForm(),
        **page_context(),
    ), status


@routes.route("/packet/<int:packet_id>/timeline", endpoint="packet_timeline")
@patient_view("view", TIMELINE)
def packet_timeline(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(store(), patient_id(), packet_id)
    return timeline_page(packet, TimelineForm(version="0"))


@routes.route("/packet/<int:packet_id>/timeline", methods=["POST"], endpoint="packet_event_add")
@patient_view("add", TIMELINE)
def packet_event_add(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(store(), patient_id(), packet_id)
    form = TimelineForm()
    if form.validate_on_submit():
        try:
            event = services.add_event(
                store(), patient_id(), packet.id, form.values(),
                max_events=configured_limit("events"),
            )
        except LimitReached as exc:  # the form shows the limit, with what was typed
            refuse_at_limit(form, exc)
        else:
            audit_object(event.id)
            flash(_("Added to your timeline."))
            return redirect(
                url_for("secondop.packet_timeline", packet_id=packet.id) + f"#event-{event.id}"
            )
    return timeline_page(packet, form, form_status(form))


@routes.route(
    "/packet/<int:packet_id>/timeline/<int:event_id>",
    methods=["GET", "POST"],
    endpoint="packet_event_edit",
)
@patient_view("change", TIMELINE)
def packet_event_edit(packet_id: int, event_id: int) -> ResponseReturnValue:
    packet, event = services.in_packet(store(), patient_id(), packet_id, TimelineEvent, event_id)
    form = TimelineForm(obj=event)
    if not form.is_submitted():
        form.fill_date(event.event_date, event.precision)
    if form.validate_on_submit():
        try:
            services.save(
                store(), patient_id(), TimelineEvent, event.id, form.expected_version(),
                form.values(),
            )
        except StaleVersion as exc:
            current = exc.current
            mine = form.values()
            fields = [
                ConflictRow(
                    _l("Date"),
                    event_date_label(current),
                    event_date_label(
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
            return conflict(
                form, current, fields, "event_form.html", packet=packet, event=current
            )
        flash(_("Saved."))
        return redirect(
            url_for("secondop.packet_timeline", packet_id=packet.id) + f"#event-{event.id}"
        )
    return render_template(
        T_ + "event_form.html",
        form=form,
        packet=packet,
        event=event,
        conflict=None,
        **page_context(),
    ), form_status(form)


@routes.route(
    "/packet/<int:packet_id>/timeline/<int:event_id>/delete",
    methods=["POST"],
    endpoint="packet_event_delete",
)
@patient_view("delete", TIMELINE)
def packet_event_delete(packet_id: int, event_id: int) -> ResponseReturnValue:
    packet, event = services.in_packet(store(), patient_id(), packet_id, TimelineEvent, event_id)
    if ConfirmForm().validate_on_submit():
        services.delete_record(store(), patient_id(), event)
        flash(_("Removed from your timeline."))
    return redirect(url_for("secondop.packet_timeline", packet_id=packet.id))
