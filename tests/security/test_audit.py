"""Audit completeness: the holes the whole-suite guard found, each pinned.

* The new-packet and new-request forms read patient data on GET and now
  audit it (they sent nothing).
* A patient view refused with an HTTP error before it audited (a missing
  CSRF token, a malformed version field) now sends one event (it sent none).
* A refused choice in the patient chooser is a denied attempt, audited
  without the value sent.
* Two test clients in one test are two people: each request runs in its own
  application context, as on a real server (pytest-flask's shared request
  context made a second client act as the first).
Every event of a caregiver names the caregiver and the patient (``on_behalf``).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.signals import AuditEvent

from ..compare.conftest import BASE as COMPARE
from ..compare.conftest import CompareHelper
from ..fake_host import create_app
from ..packet.conftest import BASE as PACKET
from ..packet.conftest import PacketHelper
from ._authz_world import recorded_audit


@pytest.fixture
def packets(app: Flask, client: FlaskClient) -> PacketHelper:
    return PacketHelper(app, client)


@pytest.fixture
def compare(app: Flask, client: FlaskClient) -> CompareHelper:
    return CompareHelper(app, client)


def _summary(events: list[AuditEvent]) -> list[tuple[str | None, ...]]:
    return [(e.action, e.category, e.outcome, e.actor_id, e.patient_id) for e in events]


def test_new_forms_audit_their_read(client, auth, packets, audit_log) -> None:
    auth.login("p-maria")
    packet_id = packets.create()
    auth.login("c-sam")
    del audit_log[:]
    assert client.get(f"{PACKET}/new").status_code == 200
    assert client.get(f"{PACKET}/{packet_id}/requests/new").status_code == 200
    assert _summary(audit_log) == [("view", "packet", "success", "c-sam", "p-maria"),
                                   ("view", "packet_request", "success", "c-sam", "p-maria")]
    assert all(e.on_behalf for e in audit_log)
    assert audit_log[1].object_id == str(packet_id)


def test_malformed_version_is_one_invalid_event(client, auth, compare, audit_log) -> None:
    auth.login("c-sam")
    worksheet_id = compare.create()
    del audit_log[:]
    response = client.post(f"{COMPARE}/{worksheet_id}/edit", data={"title": "x", "version": "not-a-number"})
    assert response.status_code == 400
    assert _summary(audit_log) == [("change", "compare_worksheet", "invalid", "c-sam", "p-maria")]


def test_missing_csrf_token_is_one_denied_event(tmp_path: Path) -> None:
    app = create_app(tmp_path, csrf=True)
    with app.app_context():
        current_secondop.records.create_all()
    try:
        with recorded_audit(app) as events:
            client = app.test_client()
            client.get("/test-login/c-sam")
            assert client.post(f"{COMPARE}/new", data={"title": "Forged"}).status_code == 400
            assert _summary(events) == [("add", "compare_worksheet", "denied", "c-sam", "p-maria")]
            client.get("/test-logout")
            del events[:]
            assert client.post(f"{COMPARE}/new", data={"title": "Forged"}).status_code == 400
            assert _summary(events) == [("add", "compare_worksheet", "denied", None, None)]
    finally:
        with app.app_context():
            current_secondop.records.engine.dispose()


def test_two_clients_are_two_people(app, client, auth, audit_log) -> None:
    sam = app.test_client()
    assert sam.get("/test-login/c-sam").status_code == 200
    auth.login("p-maria")
    assert sam.get(f"{PACKET}/").status_code == 200
    assert client.get(f"{PACKET}/").status_code == 200
    assert [(e.actor_id, e.on_behalf) for e in audit_log] == [("c-sam", True), ("p-maria", False)]
