"""Who the receiving team is, and whether it may: the grant a right access
code leaves in the team's session, and :func:`share_view`, which checks it on
every request and owns the request's single audit event.

The team has no portal account. After the right code the host's Flask
session keeps the share's id (never the token, never the code); each request
to a team page then needs that grant for the share id in the URL AND the
share still active, so a revocation or an expiry takes effect on the next
request and a grant for one share never opens another.

Audit: the actor is ``share:<id>`` (no portal user), the patient is the
share's, the recipient is the share's team name (everything the team sees is
a disclosure to it). A request without a grant names no patient: the id in
the URL alone tells nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from flask import Response, current_app, g, make_response, render_template, request, session
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, NotFound

from ... import errors
from ...adapters import ACTIONS, PatientRef
from ...extension import current_secondop
from ...packet.models import Share
from ...signals import emit_audit
from .. import services

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])

#: The host session's list of share ids this browser opened with a right code.
GRANTS_KEY = "secondop_shares"
#: A browser keeps at most this many grants (the oldest go first).
GRANTS_KEPT = 20
CATEGORY = "shared_packet"
T_ = "secondop/share/"
#: The team's endpoints (share.views.team), for :func:`team_headers`.
TEAM_ENDPOINTS = frozenset({"secondop.shared_entry", "secondop.shared_packet", "secondop.shared_document",
                            "secondop.shared_summary_pdf", "secondop.shared_zip"})
_OUTCOMES = {400: "invalid", 403: "denied", 404: "not_found", 409: "error", 410: "denied"}


def actor_id(share_id: int) -> str:
    return f"share:{share_id}"


def granted(share_id: int) -> bool:
    return share_id in session.get(GRANTS_KEY, [])


def grant(share_id: int) -> None:
    kept = [i for i in session.get(GRANTS_KEY, []) if i != share_id]
    session[GRANTS_KEY] = [*kept, share_id][-GRANTS_KEPT:]


def drop_grant(share_id: int) -> None:
    if granted(share_id):
        session[GRANTS_KEY] = [i for i in session.get(GRANTS_KEY, []) if i != share_id]


def shared_patient(share: Share) -> PatientRef:
    """The patient as the host named her when the share was made (the cover's name and birth date)."""
    return PatientRef(id=share.patient_id, display_name=share.patient_name,
                      date_of_birth=share.patient_birth_date)


def audit(action: str, outcome: str, *, share_id: int | None = None, share: Share | None = None,
          object_id: object | None = None, category: str = CATEGORY) -> None:
    """The request's one event. Without a known share (an unknown link) it is
    an anonymous denied attempt."""
    if share is not None:
        share_id = share.id
    emit_audit(action, category, outcome=outcome, object_id=object_id,
               actor_id=actor_id(share_id) if share_id is not None else None,
               patient_id=share.patient_id if share is not None else None,
               recipient=share.team_name if share is not None else None)


def team_headers(response: Response) -> Response:
    """After every team request (error pages too): no page of a share sends
    its address on (the entry's holds the token), none is cached. Runs
    before the blueprint's ``security_headers``, which adds the rest."""
    if request.endpoint in TEAM_ENDPOINTS:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


def not_found() -> NoReturn:
    """The package's 404 page (the blueprint's error handler renders it): no
    grant, an unknown link, or nothing the share includes."""
    raise NotFound()


def ended_page(reason: str) -> Response:
    """A link that worked once and has ended (revoked, expired, locked):
    410 Gone, which says "do not try again", with no patient data."""
    return make_response(render_template(T_ + "team_ended.html", reason=reason), 410)


def ended_reason(state: services.ShareState) -> str:
    return "locked" if state is services.ShareState.LOCKED else "ended"


def outcome_for(status: int) -> str:
    if status < 400:
        return "success"
    return _OUTCOMES.get(status, "error" if status >= 500 else "invalid")


def team_entry(view: F) -> F:
    """The link's page (``/shared/<token>``): the view sends its own event
    (it knows the share only after the token is looked up); this makes sure
    a failure before that still leaves exactly one, and marks the view for
    the whole-suite guard like :func:`share_view` does."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        try:
            return view(*args, **kwargs)
        except Exception:
            if not g.get("secondop_audited"):
                share = g.get("secondop_share")
                if share is not None:
                    audit("view", "error", share=share, object_id=share.id)
                else:  # before the link was looked up: nobody known, nothing given
                    audit("view", "denied")
            raise

    wrapper.secondop_share_view = ("view", CATEGORY)  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def share_view(action: str, category: str = CATEGORY) -> Callable[[F], F]:
    """A team page or download for ``/shared/<int:share_id>/...``: needs this
    session's grant for that share and the share active, on every request.
    The view gets the share; this sends the single audit event (``HEAD``
    is a "view": headers only), named after the object set in
    ``g.secondop_audit_object`` or the innermost id in the URL."""
    if action not in ACTIONS:
        raise ValueError(f"{action!r} is not in adapters.ACTIONS")

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(share_id: int, **kwargs: Any) -> ResponseReturnValue:
            act = "view" if request.method == "HEAD" else action
            if not granted(share_id):
                audit(act, "denied", share_id=share_id, category=category)
                not_found()
            try:
                share = services.share_by_id(current_secondop.records, share_id)
            except errors.NotFound:  # deleted since: the grant is worth nothing
                drop_grant(share_id)
                audit(act, "denied", share_id=share_id, category=category)
                not_found()
            state = services.share_state(share)
            if state is not services.ShareState.ACTIVE:
                # The grant stays: every later click says "ended" too, never a bare 404.
                audit(act, "denied", share=share, category=category)
                return ended_page(ended_reason(state))
            g.secondop_share = share
            object_id = list(kwargs.values())[-1] if kwargs else share.packet_id
            try:
                result = view(share, **kwargs)
            except errors.NotFound as exc:
                if not g.get("secondop_audited"):
                    audit(act, "not_found", share=share, object_id=exc.object_id, category=category)
                not_found()
            except HTTPException as exc:
                if not g.get("secondop_audited"):
                    audit(act, outcome_for(exc.code or 500), share=share, object_id=object_id,
                          category=category)
                raise
            except Exception:
                if not g.get("secondop_audited"):
                    audit(act, "error", share=share, object_id=object_id, category=category)
                raise
            response = current_app.make_response(result)
            if not g.get("secondop_audited"):
                audit(act, outcome_for(response.status_code), share=share,
                      object_id=g.get("secondop_audit_object", object_id), category=category)
            return response

        # The team's equivalent of access.patient_view's marker: the whole-suite
        # guard (tests/guards.py) counts one audit event for every request to it.
        wrapper.secondop_share_view = (action, category)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator
