"""The patient's side of sharing: make a share of a packet, see each share
with what the team opened, revoke or delete it.

Making a share discloses records like an export, so its POST asks the host
for "export" (a caregiver the host does not allow to export cannot share);
the form itself is a view. The link's token and the access code exist in
clear only in the page answered to that POST (never a redirect, never
cached) and in the ``share_created`` signal: no log, flash message, session
or audit event holds them.
"""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from flask.globals import app_ctx
from flask.typing import ResponseReturnValue

from ...access import acting, audit_object, patient_view
from ...adapters import RecordStore
from ...extension import current_secondop
from ...form_messages import configured_limit, full_notice, refuse_at_limit
from ...forms_common import ConfirmForm
from ...i18n import _
from ...limits import LimitReached
from ...packet import services as packets
from ...packet.checklist import BY_KEY
from ...packet.models import Packet
from ...routes import Routes
from ...signals import ShareNotice, emit_audit, share_created
from .. import services
from ..forms import ShareForm, default_days, max_days

routes = Routes()

SHARE = "packet_share"
T_ = "secondop/share/"

#: The receiving team's entry page (``views/team.py``): the link given to the team.
TEAM_ENTRY = "secondop.shared_entry"


def team_link(token: str) -> str:
    """The absolute link the team opens (the token is its only key)."""
    return url_for(TEAM_ENTRY, token=token, _external=True)


def _store() -> RecordStore:
    return current_secondop.records


def _patient_id() -> str:
    return acting().patient.id


def _can_share() -> bool:
    """Whether this actor may make a share (the host's "export"), to offer the form only then."""
    ctx = acting()
    return bool(current_secondop.auth.can(ctx.actor, ctx.patient.id, "export"))


@routes.route("/packet/<int:packet_id>/shares", endpoint="packet_shares")
@patient_view("view", SHARE)
def packet_shares(packet_id: int) -> ResponseReturnValue:
    packet = packets.get_packet(_store(), _patient_id(), packet_id)
    summaries = services.list_shares(_store(), _patient_id(), packet.id)
    return render_template(
        T_ + "patient_list.html",
        packet=packet,
        summaries=summaries,
        file_names=services.access_file_names(_store(), _patient_id(), summaries),
        State=services.ShareState,
        BY_KEY=BY_KEY,
        limit_notice=full_notice("shares", len(summaries)),
        can_share=_can_share(),
        confirm_form=ConfirmForm(),
    )


def _form_page(packet: Packet, form: ShareForm, status: int) -> ResponseReturnValue:
    notice = None
    if not form.is_submitted():
        notice = full_notice("shares", services.count_shares(_store(), _patient_id(), packet.id))
    return render_template(
        T_ + "patient_form.html", packet=packet, form=form, limit_notice=notice, max_days=max_days(),
    ), status


@routes.route("/packet/<int:packet_id>/shares/new", methods=["GET"], endpoint="packet_share_new")
@patient_view("view", SHARE)
def packet_share_new(packet_id: int) -> ResponseReturnValue:
    packet = packets.get_packet(_store(), _patient_id(), packet_id)
    return _form_page(packet, ShareForm(days=default_days()), 200)


@routes.route("/packet/<int:packet_id>/shares/new", methods=["POST"], endpoint="packet_share_create")
@patient_view("export", SHARE)
def packet_share_create(packet_id: int) -> ResponseReturnValue:
    packet = packets.get_packet(_store(), _patient_id(), packet_id)
    form = ShareForm()
    if not form.validate_on_submit():
        return _form_page(packet, form, 400)
    ctx = acting()
    try:
        new = services.create_share(
            _store(), ctx.patient.id, packet.id,
            team_name=str(form.team_name.data),  # validated: required text
            contact=form.contact.data or "",
            days=form.days_value(),
            item_keys=form.item_key_list(),
            # The cover's name and date of birth as the host gives them now:
            # the team's pages have no logged-in patient to ask about.
            patient_name=ctx.patient.display_name,
            patient_birth_date=ctx.patient.date_of_birth,
            created_by=ctx.actor.id,
            max_days=max_days(),
            max_shares=configured_limit("shares"),
        )
    except LimitReached as exc:  # nothing was written; the form comes back as typed
        refuse_at_limit(form, exc)
        return _form_page(packet, form, 400)
    share = new.share
    audit_object(share.id, recipient=share.team_name)
    link = team_link(new.token)
    share_created.send(app_ctx.app, share=ShareNotice(
        share_id=share.id, patient_id=ctx.patient.id, actor_id=ctx.actor.id,
        team_name=share.team_name, contact=share.contact, expires_at=share.expires_at,
        url=link, code=new.code,
    ))
    response = make_response(render_template(
        T_ + "patient_created.html", packet=packet, share=share, link=link, code=new.code,
        BY_KEY=BY_KEY,
    ))
    # Shown once: no copy in the browser's cache or history to read back later.
    response.headers["Cache-Control"] = "no-store"
    return response


@routes.route("/packet/<int:packet_id>/shares/<int:share_id>/revoke", methods=["POST"],
              endpoint="packet_share_revoke")
@patient_view("change", SHARE)
def packet_share_revoke(packet_id: int, share_id: int) -> ResponseReturnValue:
    share = services.get_share(_store(), _patient_id(), packet_id, share_id)
    if ConfirmForm().validate_on_submit():
        services.revoke_share(_store(), _patient_id(), packet_id, share.id)
        flash(_("The share has ended. The link and the code no longer work."))
    return redirect(url_for("secondop.packet_shares", packet_id=packet_id))


@routes.route("/packet/<int:packet_id>/shares/<int:share_id>/delete", methods=["POST"],
              endpoint="packet_share_delete")
@patient_view("delete", SHARE)
def packet_share_delete(packet_id: int, share_id: int) -> ResponseReturnValue:
    share = services.get_share(_store(), _patient_id(), packet_id, share_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.delete_share(_store(), _patient_id(), packet_id, share.id)
        except ValueError:  # still active: answered by a redirect, the status cannot tell
            emit_audit("delete", SHARE, outcome="invalid", object_id=share.id)
            flash(_("This share is still active. End it first, then you can delete it."), "error")
        else:
            flash(_("The share and its list of visits were deleted."))
    return redirect(url_for("secondop.packet_shares", packet_id=packet_id))

