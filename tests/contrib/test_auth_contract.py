"""The auth contract (oncokind_secondop.testing.AuthAdapterContract) against
the default FlaskLoginAuth on the fake host."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.adapters import Actor
from oncokind_secondop.testing import AuthAdapterContract

from ..fake_host import create_app


class TestFlaskLoginAuthContract(AuthAdapterContract):
    patient = "p-maria"
    caregiver = "c-sam"
    stranger_patient_id = "p-lee"

    def make_app(self, tmp_path: Path) -> Flask:
        return create_app(tmp_path, {"SECONDOP_CAPABILITIES": ("learn",)}, stores=False)

    def sign_in(self, client: FlaskClient, who: str) -> None:
        assert client.get(f"/test-login/{who}").status_code == 200

    def revoke(self, app: Flask, caregiver: Actor, patient_id: str) -> bool:
        app.extensions["fake_directory"].links.discard((caregiver.id, patient_id))
        return True
