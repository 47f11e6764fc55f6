"""The blueprint factory: one ``secondop`` blueprint per app, built in ``init_app``.

:func:`build_blueprint` attaches the hub, the patient chooser, the page
headers, the error pages and the routing-error hook, then the routes of each
mounted capability (``SECONDOP_CAPABILITIES``, see :mod:`.capabilities`).
Nothing here changes a global at import.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from wtforms import RadioField
from wtforms.validators import InputRequired

from . import errors
from .access import SESSION_KEY, audit_error_answer, choose_patient
from .adapters import PatientRef
from .capabilities import mounted
from .csrf import protect_blueprint_request
from .extension import current_secondop
from .form_messages import SecondOpForm
from .i18n import _l
from .routes import Routes
from .signals import emit_audit

#: The hub and the patient chooser: mounted whatever the capabilities.
core = Routes()


#: What one request keeps in ``g`` for its audit event.
REQUEST_STATE = ("secondop_acting", "secondop_audited", "secondop_audit_object",
                 "secondop_audit_recipient")


def _forget_request_state() -> None:
    """Each request starts with none of the last one's audit state: requests
    sharing an app context (a host script or test running several inside one
    ``app_context()``) share ``g``, and a stale acting context would name the
    wrong actor, a stale "already audited" mark would swallow this request's
    event, and a stale object id would name the wrong record. An app-wide hook
    that runs first, so the routing-error answer and the CSRF check see a
    clean slate too."""
    for key in REQUEST_STATE:
        g.pop(key, None)


def _acting_context() -> dict[str, object]:
    return {"secondop_acting": g.get("secondop_acting")}


def security_headers(response: Response) -> Response:
    """Page headers: CSP, referrer policy, nosniff; patient pages are never cached."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.endpoint == "secondop.static":
        return response  # CSS, JS and fonts: no patient data, so cacheable and without a page CSP
    config = current_secondop.config
    csp = config["SECONDOP_CONTENT_SECURITY_POLICY"]
    if csp and "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = csp
    if config["SECONDOP_REFERRER_POLICY"]:
        response.headers.setdefault("Referrer-Policy", config["SECONDOP_REFERRER_POLICY"])
    response.headers.setdefault("Cache-Control", "no-store")
    return response


ERROR_MESSAGES = {
    400: (_l("Something in that request was not right"),
          _l("Please go back, reload the page and try again.")),
    403: (_l("This page is not available to you"),
          _l("Your account does not have access to these records. If you think this is wrong, "
             "contact the portal's help desk.")),
    404: (_l("We could not find that page"),
          _l("It may have been removed, or the link may be wrong.")),
    405: (_l("This page cannot do that"),
          _l("Please go back and use the buttons and links on the page.")),
    409: (_l("Someone else saved this first"),
          _l("The page changed while you were editing it. Please review it again.")),
    413: (_l("That file is too big"),
          _l("Please choose a smaller file, or ask the team for another way to send it.")),
    500: (_l("Something went wrong on our side"),
          _l("Nothing you did caused this. Please try again in a few minutes.")),
}


# Only errors raised inside our own pages get our error page; the host keeps
# its own handlers for its own pages.
def render_error(exc: HTTPException) -> ResponseReturnValue:
    audit_error_answer(exc)
    code = exc.code or 500
    title, message = ERROR_MESSAGES.get(code, ERROR_MESSAGES[500] if code >= 500 else ERROR_MESSAGES[400])
    return render_template("secondop/error.html", title=title, message=message, code=code), code


def _routing_error_under_prefix() -> Response | None:
    """A URL under the blueprint's prefix that matches no route (404), or not
    with this method (405), never reaches a blueprint view, so Flask would
    answer with Werkzeug's bare page: no CSP, no nosniff, no ``no-store``.
    Answer those with our calm page and headers; a routing error anywhere
    else is the host's, and its own error pages answer it."""
    exc = request.routing_exception
    if not isinstance(exc, (NotFound, MethodNotAllowed)) or request.blueprint is not None:
        return None
    prefix = current_secondop.config["SECONDOP_URL_PREFIX"]
    if not prefix or not (request.path == prefix or request.path.startswith(prefix + "/")):
        return None  # mounted at the root, every path is the host's too: leave it alone
    response = make_response(render_error(exc))
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return security_headers(response)


@core.route("/", endpoint="hub")
def hub() -> ResponseReturnValue:
    """The front door: what the package offers, and for whom you are acting."""
    actor = current_secondop.auth.current_actor()
    patient = None
    patients: list[PatientRef] = []
    if actor is not None:
        patients = list(current_secondop.auth.patients_for(actor))
        patient = choose_patient(patients)
        if patient is not None:
            emit_audit("view", "hub", actor_id=actor.id, patient_id=patient.id)
    sections = [c.hub for c in mounted(current_secondop.capabilities) if c.hub]
    return render_template("secondop/hub.html", sections=sections, actor=actor,
                           patient=patient, patients=patients)


class ChoosePatientForm(SecondOpForm):
    patient = RadioField(_l("Whose records are you working on?"), validators=[InputRequired(
        message=_l("Please choose a person."))])


@core.route("/choose", methods=["GET", "POST"], endpoint="choose_patient")
def choose_patient_view() -> ResponseReturnValue:
    """A caregiver with more than one person picks whom they act for."""
    auth = current_secondop.auth
    actor = auth.current_actor()
    if actor is None:
        emit_audit("view", "patient_choice", outcome="denied")
        return auth.login_redirect()
    patients = list(auth.patients_for(actor))
    form = ChoosePatientForm()
    form.patient.choices = [(p.id, p.display_name) for p in patients]
    if form.validate_on_submit():
        session[SESSION_KEY] = form.patient.data
        emit_audit("change", "patient_choice", actor_id=actor.id, patient_id=form.patient.data)
        target = request.args.get("next", "")
        if not (target.startswith("secondop.") and target in _endpoints_without_args()):
            target = "secondop.hub"
        return redirect(url_for(target))
    if form.is_submitted():
        # A person not (or no longer) in this actor's list is a refused attempt.
        sent = request.form.get("patient", "")
        refused = bool(sent) and all(p.id != sent for p in patients)
        emit_audit("change", "patient_choice", outcome="denied" if refused else "invalid",
                   actor_id=actor.id)
    current = choose_patient(patients)
    if current is not None and not form.is_submitted():
        form.patient.data = current.id
    return render_template("secondop/choose_patient.html", form=form, patients=patients)


def _endpoints_without_args() -> set[str]:
    return {rule.endpoint for rule in current_app.url_map.iter_rules() if not rule.arguments}


def _view_audit_names() -> tuple[str, str] | None:
    """The (action, category) a patient view audits under, from its marker;
    a page read with GET and saved with POST audits a POST as ``change``
    (as :func:`~.access.audit_error_answer` does)."""
    view = current_app.view_functions.get(request.endpoint or "")
    names = getattr(view, "secondop_patient_view", None)
    if names is not None and names[0] == "view" and request.method == "POST":
        return "change", names[1]
    return names


def _domain_not_found(exc: errors.NotFound) -> ResponseReturnValue:
    """A service found no such object for this patient: 404, audited as
    ``not_found`` under the view's own action (once per request)."""
    names = _view_audit_names()
    if names is not None and not g.get("secondop_audited"):
        emit_audit(names[0], names[1], outcome="not_found", object_id=exc.object_id)
    return render_error(NotFound())


def build_blueprint(settings: Mapping[str, Any]) -> Blueprint:
    """A new ``secondop`` blueprint for one app: the same name and endpoint
    names whatever is mounted; routes and hub cards only for the capabilities
    in ``settings["SECONDOP_CAPABILITIES"]`` (validated settings)."""
    bp = Blueprint(
        "secondop", __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static",
    )
    bp.before_app_request(_forget_request_state)  # app-wide hooks run before the blueprint's
    bp.before_request(protect_blueprint_request)
    bp.context_processor(_acting_context)
    bp.after_request(security_headers)
    for code in ERROR_MESSAGES:
        bp.register_error_handler(code, render_error)
    bp.register_error_handler(errors.NotFound, _domain_not_found)
    bp.before_app_request(_routing_error_under_prefix)
    core.register(bp)
    for capability in mounted(settings["SECONDOP_CAPABILITIES"]):
        for routes in capability.routes:
            routes.register(bp)
    return bp
