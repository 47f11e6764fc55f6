"""Audit signals (blinker).

Every read, write, export, download and denied attempt on patient data sends
exactly one :data:`audit_event`. Connect a receiver to write your portal's
audit log::

    from oncokind_secondop.signals import audit_event

    @audit_event.connect_via(app)
    def log(sender, event):
        my_audit_log.write(event.as_dict())

Events carry who, for which patient, what, which kind of data, which object,
when (UTC) and the outcome: never the content itself. Objects are named by
id; the one label, ``recipient`` (the center or facility an export is for),
is made one line of at most 100 characters with no control or bidi-override
characters (:func:`oncokind_secondop.limits.single_line_label`), so an audit
log written as text cannot be fed forged lines.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from blinker import Namespace
from flask import g, has_request_context, request
from flask.globals import app_ctx

from .limits import single_line_label

secondop_signals = Namespace()

#: Sent with ``sender=app`` and ``event=AuditEvent``.
audit_event = secondop_signals.signal("audit-event")

#: A patient made a share of a packet. Sent with ``sender=app`` and
#: ``share=ShareNotice``: what a host needs to send the link and the code by
#: its own mail, fax or letter service (the package sends nothing itself).
share_created = secondop_signals.signal("share-created")

#: Too many wrong access codes locked a share. Sent with ``sender=app`` and
#: ``share=ShareNotice`` (no link, no code): a host may tell the patient by
#: its own messages; the packet's sharing page says so too.
share_locked = secondop_signals.signal("share-locked")


@dataclass(frozen=True)
class ShareNotice:
    """A share as a host's mail or fax service needs it. ``url`` and ``code``
    are in clear only in ``share_created`` (they are never stored); keep them
    out of logs."""

    share_id: int
    patient_id: str
    actor_id: str | None
    team_name: str
    contact: str
    expires_at: datetime
    url: str | None = None
    code: str | None = None

Action = Literal["view", "add", "change", "delete", "export", "print", "download", "upload"]
Outcome = Literal["success", "denied", "not_found", "conflict", "invalid", "error"]


@dataclass(frozen=True)
class AuditEvent:
    action: str
    category: str
    outcome: str
    actor_id: str | None
    patient_id: str | None
    object_id: str | None = None
    recipient: str | None = None
    endpoint: str | None = None
    time: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def on_behalf(self) -> bool:
        """True when a caregiver acted for the patient."""
        return self.actor_id is not None and self.patient_id is not None and self.actor_id != self.patient_id

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["time"] = self.time.isoformat()
        data["on_behalf"] = self.on_behalf
        return data


def emit_audit(action: str, category: str, *, outcome: str = "success",
               object_id: object | None = None, recipient: str | None = None,
               actor_id: str | None = None, patient_id: str | None = None) -> AuditEvent:
    """Send one audit event. Actor and patient default to the current request's
    acting context (set by :func:`oncokind_secondop.access.patient_view`)."""
    acting = g.get("secondop_acting") if has_request_context() else None
    if acting is not None:
        actor_id = actor_id or acting.actor.id
        patient_id = patient_id or acting.patient.id
    event = AuditEvent(
        action=action, category=category, outcome=outcome, actor_id=actor_id,
        patient_id=patient_id, object_id=None if object_id is None else str(object_id),
        recipient=None if recipient is None else single_line_label(recipient),
        endpoint=request.endpoint if has_request_context() else None,
    )
    if has_request_context():
        # Set before sending: if the host's audit sink raises, the error page
        # must not send a second event for the same request.
        g.secondop_audited = True
    # The sender must be the app itself, not the current_app proxy, or
    # connect_via(app) never matches. flask.globals.app_ctx (documented) is the
    # current AppContext, and its .app is the object current_app stands for:
    # no need for the proxy's private _get_current_object().
    audit_event.send(app_ctx.app, event=event)
    return event

#: Every record and stored file of a patient was removed
#: (:func:`oncokind_secondop.accounts.forget`). Sent with ``sender=app``,
#: ``patient_id=`` and ``forgotten=`` (a :class:`oncokind_secondop.forget.Forgotten`:
#: counts only), so a host can remove what it keeps beside them.
patient_forgotten = secondop_signals.signal("patient-forgotten")
