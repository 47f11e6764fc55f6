"""Who acts for whom: login redirect, caregiver proxy, chooser, revocation."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from oncokind_secondop.access import acting, patient_view
from oncokind_secondop.signals import emit_audit

from .fake_host import create_app


def _add_probe(app: Flask) -> None:
    """A host-side route guarded by the package's decorator."""

    @app.route("/probe")
    @patient_view("view", "probe")
    def probe() -> str:
        ctx = acting()
        emit_audit("view", "probe")  # a patient view audits its read (the whole-suite guard checks)
        return f"{ctx.actor.id}->{ctx.patient.id} on_behalf={ctx.on_behalf}"


@pytest.fixture
def app(tmp_path: Path) -> Flask:  # overrides the shared fixture: the probe must exist first
    app = create_app(tmp_path)
    _add_probe(app)
    return app


def test_anonymous_is_sent_to_the_host_login(client, audit_log) -> None:
    response = client.get("/probe")
    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert [(e.action, e.category, e.outcome) for e in audit_log] == [("view", "probe", "denied")]


def test_patient_acts_for_herself(client, auth) -> None:
    auth.login("p-maria")
    assert client.get("/probe").get_data(as_text=True) == "p-maria->p-maria on_behalf=False"


def test_caregiver_acts_for_the_patient(client, auth) -> None:
    auth.login("c-sam")
    assert client.get("/probe").get_data(as_text=True) == "c-sam->p-maria on_behalf=True"


def test_caregiver_with_two_patients_chooses(client, auth) -> None:
    auth.login("c-ana")
    response = client.get("/probe")
    assert response.status_code == 302 and "/second-opinion/choose" in response.location
    page = client.get("/second-opinion/choose").get_data(as_text=True)
    assert "Maria Lopez" in page and "Lee Chen" in page
    chosen = client.post("/second-opinion/choose", data={"patient": "p-lee"})
    assert chosen.status_code == 302
    assert client.get("/probe").get_data(as_text=True) == "c-ana->p-lee on_behalf=True"


def test_chooser_refuses_a_patient_not_cared_for(client, auth, audit_log) -> None:
    auth.login("c-sam")
    response = client.post("/second-opinion/choose", data={"patient": "p-lee"})
    assert response.status_code == 200  # form error, shown again
    assert "Please choose one of the options." in response.get_data(as_text=True)  # ours, not WTForms'
    # The refused attempt is audited once, without the id that was sent.
    assert [(e.action, e.category, e.outcome, e.actor_id, e.patient_id) for e in audit_log] == [
        ("change", "patient_choice", "denied", "c-sam", None)]
    assert client.get("/probe").get_data(as_text=True).endswith("p-maria on_behalf=True")


def test_revoked_caregiver_is_refused_on_the_next_request(app, client, auth) -> None:
    auth.login("c-sam")
    assert client.get("/probe").status_code == 200
    app.extensions["fake_directory"].links.discard(("c-sam", "p-maria"))
    assert client.get("/probe").status_code == 403


def test_chosen_patient_is_rechecked_every_request(app, client, auth, audit_log) -> None:
    auth.login("c-ana")
    client.post("/second-opinion/choose", data={"patient": "p-lee"})
    app.extensions["fake_directory"].links.discard(("c-ana", "p-lee"))
    # Only Maria is left, so Ana now acts for Maria: never for Lee.
    assert client.get("/probe").get_data(as_text=True) == "c-ana->p-maria on_behalf=True"


def test_permission_callback_can_refuse_an_action(tmp_path: Path) -> None:
    from oncokind_secondop.contrib.flask_login import FlaskLoginAuth

    app = create_app(tmp_path)
    auth = app.extensions["secondop"].auth
    assert isinstance(auth, FlaskLoginAuth)
    object.__setattr__(auth, "_permission", lambda user, patient_id, action: action != "view")
    _add_probe(app)
    client = app.test_client()
    client.get("/test-login/p-maria")
    assert client.get("/probe").status_code == 404


def test_patient_id_never_in_urls(client, auth) -> None:
    auth.login("c-ana")
    response = client.get("/probe")
    assert "p-maria" not in response.location and "p-lee" not in response.location
