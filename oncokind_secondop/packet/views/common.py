"""What every packet view module shares: the one ``Routes`` collector and
hub card, the audit categories, and the small HTTP helpers (a second
permission check, a form's status, a stale save's 409 page).

Views parse the form, call a service (:mod:`..services`) with
``store()``, ``patient_id()`` and the configured limits, audit and render.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import abort, current_app, render_template
from flask.typing import ResponseReturnValue

from ...access import acting
from ...adapters import FileStore, RecordStore
from ...conflicts import ConflictRow
from ...extension import current_secondop
from ...i18n import _l
from ...routes import HubCard, Routes
from ...signals import emit_audit
from ..display import page_context

#: Every route of the packet pages (``capabilities.py`` mounts it, beside
#: ``export.views.routes``); each view module adds its routes to it.
routes = Routes()
HUB = HubCard(
    "secondop.packet_index",
    _l("Build your records packet"),
    _l(
        "Gather what a second-opinion team needs, see what is still missing, ask for records "
        "and download everything as one PDF and one ZIP file."
    ),
    order=20,
)

PACKET = "packet"
ITEM = "packet_item"
SLIDES = "packet_slides"
DOCUMENT = "packet_document"
TIMELINE = "packet_timeline"
REQUEST = "packet_request"

T_ = "secondop/packet/"


def store() -> RecordStore:
    return current_secondop.records


def files() -> FileStore:
    return current_secondop.files


def patient_id() -> str:
    return acting().patient.id


def setting(key: str) -> Any:
    return current_secondop.config[key]


def request_days() -> int:
    """How many days a facility has to answer a records request."""
    return int(setting("SECONDOP_RECORDS_REQUEST_DAYS"))


def require(action: str, category: str) -> None:
    """For a route that both shows (``view``) and saves: check the saving
    action too, asked of the host on this request like ``patient_view`` does."""
    ctx = acting()
    if not current_secondop.auth.can(ctx.actor, ctx.patient.id, action):
        emit_audit(action, category, outcome="denied")
        abort(404)


def form_status(form: Any) -> int:
    """400 for a form sent with mistakes (``patient_view`` records it as an
    ``invalid`` attempt), else 200."""
    return 400 if form.errors else 200


def conflict(
    form: Any,
    current: Any,
    fields: Sequence[ConflictRow],
    template: str,
    **context: Any,
) -> ResponseReturnValue:
    """A stale save: answer 409 (``patient_view`` records the conflict) with
    the user's input kept in the form and the saved values beside it. The form
    now carries the current version, so saving again is a deliberate choice."""
    form.set_version(current.version)
    return render_template(
        T_ + template, form=form, conflict=fields, **context, **page_context()
    ), 409


def warn_left(keys: Sequence[str]) -> None:
    """Stored bytes a delete could not remove: the sweeper will."""
    for _key in keys:
        current_app.logger.warning("could not delete a stored file; the sweeper will retry")
