"""Routes of the Learn capability.

Every page here is public information (unless the host sets
``SECONDOP_LEARN_REQUIRES_LOGIN``). The self-check and the letter render what
the visitor sent within the same request and keep nothing: no session, no
database, no log line, no audit event holding what was typed.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, render_template, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from ..exports.pdf import render_pdf
from ..extension import current_secondop
from ..i18n import _l
from ..responses import attachment_response
from ..routes import HubCard, Routes
from . import content
from .centers import US_STATES, current_directory, find, init_directory
from .forms import RecordsLetterForm, SelfCheckForm
from .selfcheck import assess

routes = Routes()
HUB = HubCard("secondop.learn_index", _l("Learn about second opinions"),
              _l("Short pages on when a second opinion helps, how to ask for one, and how to get "
                 "your records. Take a quick self-check, print what to say, or find a center."),
              order=10)

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])


def learn_page(view: F) -> F:
    """Learn pages are public unless ``SECONDOP_LEARN_REQUIRES_LOGIN`` is set;
    then an anonymous visitor goes to the portal's login. No audit event:
    these pages hold no patient data."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        state = current_secondop
        if state.config["SECONDOP_LEARN_REQUIRES_LOGIN"] and state.auth.current_actor() is None:
            return state.auth.login_redirect()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@routes.record_once
def _check_centers(state: BlueprintSetupState) -> None:
    """Check the centers files when the portal starts, not when a patient clicks."""
    init_directory(state.app)



@routes.route("/learn/", endpoint="learn_index")
@learn_page
def index() -> ResponseReturnValue:
    return render_template("secondop/learn/index.html",
                           article_topics=content.in_group(content.ARTICLE),
                           beyond_topics=content.in_group(content.BEYOND))


@routes.route("/learn/topics/<slug>", endpoint="learn_topic")
@learn_page
def topic(slug: str) -> ResponseReturnValue:
    found = content.get_topic(slug)
    if found is None:
        abort(404)
    before, after = content.neighbours(found)
    return render_template(found.template, topic=found, before=before, after=after)


@routes.route("/learn/self-check", methods=["GET", "POST"], endpoint="learn_selfcheck")
@learn_page
def selfcheck() -> ResponseReturnValue:
    form = SelfCheckForm()
    if form.validate_on_submit():
        result = assess(form.situations.data or [], urgent=bool(form.urgent.data))
        titles = {t.slug: t.title for t in content.TOPICS}
        return render_template("secondop/learn/selfcheck_result.html", result=result,
                               topic_titles=titles)
    return render_template("secondop/learn/selfcheck.html", form=form)


@routes.route("/learn/scripts", endpoint="learn_scripts")
@learn_page
def scripts() -> ResponseReturnValue:
    return render_template("secondop/learn/scripts.html")


@routes.route("/learn/records-letter", methods=["GET", "POST"], endpoint="learn_letter")
@learn_page
def letter() -> ResponseReturnValue:
    """GET: the empty form. POST: the form again (``action=edit`` or errors),
    the printable letter (``action=show``) or its PDF (``action=pdf``).
    Values travel only in POST bodies, never in a URL."""
    form = RecordsLetterForm()
    action = request.form.get("action", "show")
    if request.method == "POST" and action != "edit" and form.validate():
        context: dict[str, Any] = {"letter": form.letter()}
        if action == "pdf":
            pdf = render_pdf("secondop/learn/letter_pdf.html", **context)
            return attachment_response(pdf, filename="records-request-letter.pdf",
                                       mimetype="application/pdf", size=len(pdf))
        return render_template("secondop/learn/letter.html", form=form, **context)
    return render_template("secondop/learn/letter_form.html", form=form)


@routes.route("/learn/centers", endpoint="learn_centers")
@learn_page
def centers() -> ResponseReturnValue:
    """Filters come as GET query parameters: they are public choices
    (a state, remote or not), never patient data."""
    directory = current_directory()
    state = request.args.get("state", "").strip().upper() or None
    if state is not None and state not in US_STATES:
        state = None
    remote_only = request.args.get("remote") == "1"
    result = find(directory, state=state, remote_only=remote_only)
    return render_template("secondop/learn/centers.html", directory=directory, result=result,
                           state=state, remote_only=remote_only, us_states=US_STATES)
