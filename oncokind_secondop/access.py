"""Who is acting, for which patient, and whether they may.

Views that touch patient data are wrapped in :func:`patient_view`. It asks
the host's auth adapter on every request (so a revoked caregiver is refused
at once), picks the patient acted for, and records a denied attempt as an
audit event. Inside the view, :func:`acting` returns the context, and every
record query uses ``acting().patient.id``.

The patient acted for is kept in the host's session under an opaque key,
never in a URL.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from flask import abort, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .adapters import ACTIONS, Actor, PatientRef
from .extension import current_secondop
from .signals import emit_audit

SESSION_KEY = "secondop_patient"

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])
T = TypeVar("T")


@dataclass(frozen=True)
class Acting:
    actor: Actor
    patient: PatientRef

    @property
    def on_behalf(self) -> bool:
        """True when a caregiver is acting for someone else."""
        return self.actor.id != self.patient.id


def acting() -> Acting:
    """The current acting context; only valid inside a :func:`patient_view`."""
    ctx = g.get("secondop_acting")
    if ctx is None:
        raise RuntimeError("acting() used outside a patient_view")
    return cast(Acting, ctx)


def choose_patient(patients: list[PatientRef]) -> PatientRef | None:
    """The patient chosen in this session, if still allowed; else the only one."""
    chosen = session.get(SESSION_KEY)
    for patient in patients:
        if patient.id == chosen:
            return patient
    if len(patients) == 1:
        return patients[0]
    return None


def patient_view(action: str, category: str) -> Callable[[F], F]:
    """Require a logged-in actor allowed to do ``action`` on the patient they
    act for. Anonymous visitors go to the portal's login; a user with several
    patients and none chosen goes to the chooser.

    The decorator owns the request's single audit event: it sends it after
    the view, derived from the answer (see :func:`_audit_answer`). A view
    sends its own only for an outcome the status cannot tell (a refused
    second permission, a damaged file, a mistake answered by a redirect)."""
    if action not in ACTIONS:  # a host that allow-lists ACTIONS would deny it
        raise ValueError(f"{action!r} is not in adapters.ACTIONS")

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            state = current_secondop
            actor = state.auth.current_actor()
            if actor is None:
                emit_audit(action, category, outcome="denied")
                return state.auth.login_redirect()
            patients = list(state.auth.patients_for(actor))
            patient = choose_patient(patients)
            if patient is None:
                if not patients:
                    emit_audit(action, category, outcome="denied", actor_id=actor.id)
                    abort(403)
                return redirect(url_for("secondop.choose_patient", next=request.endpoint))
            if not state.auth.can(actor, patient.id, action):
                emit_audit(action, category, outcome="denied", actor_id=actor.id,
                           patient_id=patient.id)
                abort(404)
            g.secondop_acting = Acting(actor=actor, patient=patient)
            result = view(*args, **kwargs)
            # A view that raised is answered by the blueprint's error pages,
            # which send that request's event (audit_error_answer, not_found).
            if not g.get("secondop_audited"):
                # The status decides the outcome; the response made here is the
                # one returned, so Flask does not make it twice.
                response = current_app.make_response(result)
                _audit_answer(action, category, response.status_code, kwargs)
                return response
            return result

        # Marks the view as touching patient data (what it audits by default):
        # tools and tests find patient views through app.view_functions.
        wrapper.secondop_patient_view = (action, category)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def audit_object(object_id: object, recipient: str | None = None) -> None:
    """Name the object (and, for an export, the recipient) of this request's
    audit event, when it is not the innermost id in the URL (a record just
    created, say). :func:`patient_view` sends the event after the view."""
    g.secondop_audit_object = object_id
    if recipient is not None:
        g.secondop_audit_recipient = recipient


def _audit_answer(action: str, category: str, status: int, url_kwargs: dict[str, Any]) -> None:
    """The request's single event, derived from the view's answer: a GET of a
    form declared "change"/"add"/"delete" is a "view", a POST to a page
    declared "view" is a "change", and any HEAD is a "view" (headers only:
    nothing left the package); the outcome follows the status; the object is
    the one named with :func:`audit_object`, else the innermost id in the URL."""
    if request.method == "HEAD" or (
        request.method == "GET" and action in ("change", "add", "delete")
    ):
        action = "view"
    elif request.method == "POST" and action == "view":
        action = "change"
    outcome = "success" if status < 400 else _ERROR_OUTCOMES.get(
        status, "error" if status >= 500 else "invalid")
    object_id = g.get("secondop_audit_object")
    if object_id is None and url_kwargs:
        object_id = list(url_kwargs.values())[-1]
    emit_audit(action, category, outcome=outcome, object_id=object_id,
               recipient=g.get("secondop_audit_recipient"))


_ERROR_OUTCOMES = {400: "invalid", 403: "denied", 404: "not_found", 409: "conflict", 413: "invalid"}


def audit_error_answer(exc: HTTPException) -> None:
    """Called by the blueprint's error pages: a patient view refused with an
    HTTP error before it audited anything (a missing CSRF token, a malformed
    version field, a body over the size limit) still leaves exactly one event.

    Refused before the patient check (no acting context), the attempt counts
    as denied unless the actor and patient are known and the error is not the
    CSRF check."""
    view = current_app.view_functions.get(request.endpoint or "")
    marker = getattr(view, "secondop_patient_view", None)
    if marker is None or g.get("secondop_audited"):
        return
    action, category = marker
    if action == "view" and request.method == "POST":
        action = "change"  # a page that is read with GET and saved with POST
    code = exc.code or 500
    outcome = _ERROR_OUTCOMES.get(code, "error" if code >= 500 else "invalid")
    if g.get("secondop_acting") is not None:
        emit_audit(action, category, outcome=outcome)
        return
    actor = current_secondop.auth.current_actor()
    patient = choose_patient(list(current_secondop.auth.patients_for(actor))) if actor else None
    if patient is None or isinstance(exc, CSRFError):
        outcome = "denied"
    emit_audit(action, category, outcome=outcome, actor_id=actor.id if actor else None,
               patient_id=patient.id if actor and patient else None)
