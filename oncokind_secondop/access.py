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
from typing import Any, TypeVar

from flask import abort, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from .adapters import Actor, PatientRef
from .extension import current_secondop
from .signals import emit_audit

SESSION_KEY = "secondop_patient"

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])


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
    return ctx  # type: ignore[no-any-return]


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
    patients and none chosen goes to the chooser."""

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
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def get_or_404(model: type[Any], object_id: int, *, action: str, category: str) -> Any:
    """One record of the acting patient, or 404 with a ``not_found`` audit event.

    Another patient's record is indistinguishable from a missing one."""
    record = current_secondop.records.get(model, acting().patient.id, object_id)
    if record is None:
        emit_audit(action, category, outcome="not_found", object_id=object_id)
        abort(404)
    return record
