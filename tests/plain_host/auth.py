"""The plain host's auth adapter: its own session login (``g.user``), no Flask-Login.

docs/hosting.md shows this class as the smallest adapter for a portal without
Flask-Login; a test checks that the guide quotes it exactly.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask import g, redirect, request, url_for
from flask.typing import ResponseReturnValue

from oncokind_secondop import Actor, AuthAdapter, PatientRef


class ClinicAuth(AuthAdapter):
    def current_actor(self) -> Actor | None:
        user = g.get("user")  # set by the portal's own before_request hook
        return None if user is None else Actor(id=str(user["id"]), display_name=user["name"])

    def patients_for(self, actor: Actor) -> Sequence[PatientRef]:
        user = g.get("user")
        if user is None or str(user["id"]) != actor.id:
            return []
        born = date.fromisoformat(user["birth_date"]) if user["birth_date"] else None
        # The users table's id: AUTOINCREMENT, so an id is never given to anyone else.
        return [PatientRef(id=str(user["id"]), display_name=user["name"], date_of_birth=born)]

    def can(self, actor: Actor, patient_id: str, action: str) -> bool:
        return self.get_patient(actor, patient_id) is not None  # every action on their own records

    def login_redirect(self) -> ResponseReturnValue:
        return redirect(url_for("login", next=request.path))
