"""The AuthAdapter contract kit (see :mod:`oncokind_secondop.testing`)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ..adapters import ACTIONS, Actor, AuthAdapter, PatientRef

PROBE = "/_secondop_auth_contract_probe"


class AuthAdapterContract:
    """What the package relies on from the
    :class:`~oncokind_secondop.adapters.AuthAdapter` a host passes to
    ``init_app``: an actor only when someone is signed in; their patients,
    each found by :meth:`~AuthAdapter.get_patient`; a yes or no for every one
    of :data:`~oncokind_secondop.adapters.ACTIONS`, never a yes for a patient
    they may not act for; a login response for anonymous visitors; and, with
    :meth:`revoke`, an access revoked between two requests gone on the next.

    Say how to build your app and sign people in::

        class TestOurAuth(AuthAdapterContract):
            patient = "maria@example.org"        # whatever sign_in understands
            caregiver = "sam@example.org"         # acts for at least one other patient
            stranger_patient_id = "42"            # a patient neither may act for

            def make_app(self, tmp_path):
                return create_app(testing=True)   # init_app already called

            def sign_in(self, client, who):
                client.post("/login", data={"email": who, "password": "test"})

    Each check runs inside a request of that client (a probe route is added),
    so the adapter sees the signed-in user as it would in a page.
    """

    patient: str = ""
    caregiver: str = ""
    stranger_patient_id: str = ""

    def make_app(self, tmp_path: Path) -> Flask:
        raise NotImplementedError("return the host app, with SecondOpinion.init_app done")

    def sign_in(self, client: FlaskClient, who: str) -> None:
        raise NotImplementedError("sign `who` in on this client")

    def revoke(self, app: Flask, caregiver: Actor, patient_id: str) -> bool:
        """Take away the caregiver's access to this patient in the host;
        return False (the default) if the host cannot do that in a test."""
        return False

    def auth_of(self, app: Flask) -> AuthAdapter:
        return cast(AuthAdapter, app.extensions["secondop"].auth)

    # -- fixtures -----------------------------------------------------------
    @pytest.fixture
    def host(self, tmp_path: Path) -> Flask:
        app = self.make_app(tmp_path)
        app.add_url_rule(PROBE, "secondop_auth_contract_probe", lambda: "")
        return app

    @staticmethod
    def in_request(client: FlaskClient) -> None:
        """Leave the client's request context open (inside ``with client:``)."""
        client.get(PROBE)

    def signed_in(self, host: Flask, who: str) -> Iterator[tuple[AuthAdapter, Actor]]:
        client = host.test_client()
        self.sign_in(client, who)
        with client:
            self.in_request(client)
            auth = self.auth_of(host)
            actor = auth.current_actor()
            assert actor is not None, f"{who!r} is not signed in after sign_in()"
            yield auth, actor

    # -- the contract ---------------------------------------------------------
    def test_anonymous_visitors_have_no_actor_and_get_the_login(self, host: Flask) -> None:
        client = host.test_client()
        with client:
            self.in_request(client)
            auth = self.auth_of(host)
            assert auth.current_actor() is None
            response = host.make_response(auth.login_redirect())
            assert response.status_code in (301, 302, 303, 307, 308, 401)

    @pytest.mark.parametrize("role", ["patient", "caregiver"])
    def test_patients_are_found_and_answered_for_every_action(self, host: Flask, role: str) -> None:
        for auth, actor in self.signed_in(host, getattr(self, role)):
            assert isinstance(actor.id, str) and actor.id
            patients = list(auth.patients_for(actor))
            assert patients, f"the {role} acts for nobody"
            assert all(isinstance(p, PatientRef) and isinstance(p.id, str) for p in patients)
            assert len({p.id for p in patients}) == len(patients)
            for patient in patients:
                assert auth.get_patient(actor, patient.id) == patient
                for action in ACTIONS:
                    assert isinstance(auth.can(actor, patient.id, action), bool), action

    @pytest.mark.parametrize("role", ["patient", "caregiver"])
    def test_never_a_yes_for_a_stranger(self, host: Flask, role: str) -> None:
        for auth, actor in self.signed_in(host, getattr(self, role)):
            assert auth.get_patient(actor, self.stranger_patient_id) is None
            for action in ACTIONS:
                assert auth.can(actor, self.stranger_patient_id, action) is False, action

    def test_a_revoked_access_is_gone_on_the_next_request(self, host: Flask) -> None:
        client = host.test_client()
        self.sign_in(client, self.caregiver)
        with client:
            self.in_request(client)
            auth = self.auth_of(host)
            actor = auth.current_actor()
            assert actor is not None
            patient = next(p for p in auth.patients_for(actor) if p.id != actor.id)
            if not self.revoke(host, actor, patient.id):
                pytest.skip("this host cannot revoke access in a test (override revoke())")
        with client:
            self.in_request(client)
            actor = auth.current_actor()
            assert actor is not None
            assert auth.get_patient(actor, patient.id) is None
            assert not any(auth.can(actor, patient.id, action) for action in ACTIONS)
