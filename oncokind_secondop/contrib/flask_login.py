"""The default auth adapter, built on the host's Flask-Login.

It never creates a ``LoginManager``: it reads ``current_user`` and asks the
host, through callbacks, which patient the user is and whom they care for.
Answers are computed on every request, so a revoked caregiver loses access
on their next click.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from flask import abort, current_app
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..adapters import Actor, AuthAdapter, PatientRef

UserCallback = Callable[[Any], PatientRef | None]
ProxyCallback = Callable[[Any], Iterable[PatientRef]]
PermissionCallback = Callable[[Any, str, str], bool]


class FlaskLoginAuth(AuthAdapter):
    """
    :param patient_of: the user's own patient record, or None if they are not a patient.
    :param cares_for: patients the user may act for as a caregiver (proxy).
    :param display_name: how to name the user on screen (default: ``user.name``).
    :param permission: optional extra check ``(user, patient_id, action) -> bool``.
    """

    def __init__(self, *, patient_of: UserCallback, cares_for: ProxyCallback = lambda user: (),
                 display_name: Callable[[Any], str] | None = None,
                 permission: PermissionCallback | None = None) -> None:
        self._patient_of = patient_of
        self._cares_for = cares_for
        self._display_name = display_name or (lambda user: str(getattr(user, "name", "")))
        self._permission = permission

    def _user(self, actor: Actor) -> Any:
        user = current_user._get_current_object()
        if not getattr(user, "is_authenticated", False) or str(user.get_id()) != actor.id:
            return None
        return user

    def current_actor(self) -> Actor | None:
        user = current_user
        if user is None or not user.is_authenticated:
            return None
        return Actor(id=str(user.get_id()), display_name=self._display_name(user))

    def patients_for(self, actor: Actor) -> Sequence[PatientRef]:
        user = self._user(actor)
        if user is None:
            return []
        patients: list[PatientRef] = []
        own = self._patient_of(user)
        if own is not None:
            patients.append(own)
        for patient in self._cares_for(user):
            if all(p.id != patient.id for p in patients):
                patients.append(patient)
        return patients

    def can(self, actor: Actor, patient_id: str, action: str) -> bool:
        if self.get_patient(actor, patient_id) is None:
            return False
        if self._permission is None:
            return True
        return bool(self._permission(self._user(actor), patient_id, action))

    def login_redirect(self) -> ResponseReturnValue:
        manager = getattr(current_app, "login_manager", None)
        if manager is None:
            abort(401)
        return cast(ResponseReturnValue, manager.unauthorized())  # the host's login view, its message and "next"
