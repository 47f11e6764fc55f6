"""The receiving team's side: the link asks for the access code, then shows a
read-only view of what the share includes, with its downloads. No portal
account: the grant lives in the team's session and ends with the share
(:mod:`.team_access`).

The token is in one URL only, the entry's (``/shared/<token>``); after the
right code the team goes to ``/shared/<share id>/packet``, which opens only
with the grant. Nothing here changes the packet: the code form is the one form.
"""

from __future__ import annotations

from flask import g, make_response, redirect, render_template, request, url_for
from flask.globals import app_ctx
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as BaseResponse
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ... import errors
from ...csrf import checks_csrf_itself
from ...extension import current_secondop
from ...form_messages import SecondOpForm
from ...i18n import _, _l
from ...packet.checklist import BY_KEY, EVENT_KINDS, SLIDE_MATERIALS, STATUSES
from ...packet.display import event_date_label
from ...packet.export import build
from ...packet.models import Share
from ...packet.services import PacketContents
from ...responses import attachment_response, head_response, is_head
from ...routes import Routes
from ...signals import ShareNotice, share_locked
from ...uploads import CorruptFile, iter_file, open_verified
from .. import services
from .team_access import (
    T_,
    audit,
    ended_page,
    ended_reason,
    grant,
    granted,
    not_found,
    share_view,
    shared_patient,
    team_entry,
    team_headers,
)

routes = Routes()
routes.after_request(team_headers)

EXPORT = "shared_export"
FILE = "shared_document"


class CodeForm(SecondOpForm):
    code = StringField(
        _l("Access code"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired(message=_l("Please type the access code.")), Length(max=40)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


def _code_page(form: CodeForm, *, tries_left: int | None, status: int) -> BaseResponse:
    page = render_template(T_ + "team_code.html", form=form, tries_left=tries_left)
    return make_response(page, status)


def _locked(share: Share) -> None:
    """Tell the host (it may tell the patient); no link, no code in the notice."""
    share_locked.send(app_ctx.app, share=ShareNotice(
        share_id=share.id, patient_id=share.patient_id, actor_id=None, team_name=share.team_name,
        contact=share.contact, expires_at=share.expires_at))


@routes.route("/shared/<token>", methods=["GET", "POST"], endpoint="shared_entry")
@checks_csrf_itself  # the code form checks its token itself, so a refusal is audited here
@team_entry
def shared_entry(token: str) -> ResponseReturnValue:
    """The link: asks for the code. Who the share is from is shown only after it."""
    records = current_secondop.records
    try:
        share = services.share_by_token(records, token)
    except errors.NotFound:
        audit("view", "denied")  # an unknown link: nobody and nothing to name
        not_found()
    g.secondop_share = share  # for team_entry, should anything below fail
    state = services.share_state(share)
    if state is not services.ShareState.ACTIVE:
        audit("view", "denied", share=share, object_id=share.id)
        return ended_page(ended_reason(state))
    form = CodeForm()
    if request.method != "POST":
        audit("view", "success", share=share, object_id=share.id)
        if granted(share.id):  # opened before in this browser: straight to the packet
            return redirect(url_for("secondop.shared_packet", share_id=share.id), 303)
        return _code_page(form, tries_left=None, status=200)
    if not form.validate_on_submit():  # no code typed, or a stale form (CSRF): no try counted
        audit("view", "invalid", share=share, object_id=share.id)
        return _code_page(form, tries_left=None, status=400)
    max_attempts = int(current_secondop.config["SECONDOP_SHARE_MAX_ATTEMPTS"])
    result = services.try_code(records, share, form.code.data or "", max_attempts=max_attempts)
    if result is services.CodeResult.ACCEPTED:
        grant(share.id)
        audit("view", "success", share=share, object_id=share.id)
        return redirect(url_for("secondop.shared_packet", share_id=share.id), 303)
    audit("view", "denied", share=share, object_id=share.id)
    if result is services.CodeResult.LOCKED:
        _locked(share)
        return ended_page("locked")
    form.code.errors = [*form.code.errors, _("That code is not right.")]
    form.code.data = ""
    return _code_page(form, tries_left=max(0, max_attempts - share.failed_attempts), status=400)


@routes.route("/shared/<int:share_id>/packet", endpoint="shared_packet")
@share_view("view")
def shared_packet(share: Share) -> ResponseReturnValue:
    """The read-only packet: cover, checklist, timeline, slides, the file index."""
    contents = services.shared_contents(current_secondop.records, share)
    return render_template(
        T_ + "team_packet.html",
        share=share,
        patient=shared_patient(share),
        packet=contents.packet,
        items=contents.items,
        events=contents.events,
        slides=contents.slides,
        slides_included=share.included_keys is None or "slides_blocks" in share.included_keys,
        documents=contents.documents,
        BY_KEY=BY_KEY,
        STATUSES=STATUSES,
        EVENT_KINDS=EVENT_KINDS,
        SLIDE_MATERIALS=SLIDE_MATERIALS,
        date_label=event_date_label,
    )


def _checked_contents(share: Share) -> tuple[PacketContents, dict[int, bytes]] | BaseResponse:
    """What the share includes, every file checked against its SHA-256 (the one
    read before an export) with its SHA-1 for the FHIR bundle; or the page
    naming the damaged files."""
    contents = services.shared_contents(current_secondop.records, share)
    verified = build.verify(current_secondop.files, contents)
    if verified.damaged:
        return make_response(_damaged_page(share, verified.damaged, action="export"))
    return contents, verified.sha1s


def _damaged_page(share: Share, documents: list[object], *, action: str) -> ResponseReturnValue:
    """A file that fails its SHA-256 is reported, never sent (an outcome the status does not tell)."""
    audit(action, "error", share=share, object_id=share.packet_id,
          category=FILE if action == "download" else EXPORT)
    return render_template(T_ + "team_file_problem.html", share=share, documents=documents), 409


@routes.route("/shared/<int:share_id>/files/<int:doc_id>", endpoint="shared_document")
@share_view("download", FILE)
def shared_document(share: Share, doc_id: int) -> ResponseReturnValue:
    document = services.shared_document(current_secondop.records, share, doc_id)
    if is_head():  # headers only: the file is neither read nor counted as downloaded
        return head_response(filename=document.display_name, mimetype=document.mimetype,
                             size=document.size)
    try:
        handle = open_verified(current_secondop.files, document.storage_key, document.sha256,
                               document.size)
    except (CorruptFile, FileNotFoundError):
        return _damaged_page(share, [document], action="download")
    services.record_access(current_secondop.records, share, "file", document.id)
    return attachment_response(iter_file(handle), filename=document.display_name,
                               mimetype=document.mimetype, size=document.size)


@routes.route("/shared/<int:share_id>/summary.pdf", endpoint="shared_summary_pdf")
@share_view("export", EXPORT)
def shared_summary_pdf(share: Share) -> ResponseReturnValue:
    filename = _("second-opinion-summary.pdf")
    if is_head():
        return head_response(filename=filename, mimetype="application/pdf")
    checked = _checked_contents(share)
    if isinstance(checked, BaseResponse):
        return checked
    contents, sha1s = checked
    pdf = build.summary_export(contents, shared_patient(share), sha1s)
    services.record_access(current_secondop.records, share, "summary")
    return attachment_response(pdf, filename=filename, mimetype="application/pdf")


@routes.route("/shared/<int:share_id>/packet.zip", endpoint="shared_zip")
@share_view("export", EXPORT)
def shared_zip(share: Share) -> ResponseReturnValue:
    filename = _("second-opinion-packet.zip")
    if is_head():
        return head_response(filename=filename, mimetype="application/zip")
    checked = _checked_contents(share)
    if isinstance(checked, BaseResponse):
        return checked
    contents, sha1s = checked
    stream, length = build.zip_export(current_secondop.files, contents, shared_patient(share), sha1s)
    services.record_access(current_secondop.records, share, "zip")
    return attachment_response(stream, filename=filename, mimetype="application/zip", size=length)
