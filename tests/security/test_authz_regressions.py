"""Regression tests for the holes the authorization matrix found:

- an acting context left in ``g`` by an earlier request in the same app
  context named the wrong actor and patient in later audit events (an
  anonymous denial was recorded as Lee's);
- the new-packet and new-request forms showed patient data (the packets to
  copy from, the packet's missing items) without an audit event;
- a refused choice in the patient chooser (a person not, or no longer, in the
  actor's list) left no audit event.
"""

from __future__ import annotations

from flask import g, has_app_context

from ..packet.conftest import PacketHelper
from ._authz_world import PREFIX


def test_acting_context_does_not_outlive_its_request(app, client, auth, audit_log) -> None:
    # A host script (or pytest-flask's own fixture) running several requests
    # inside one pushed app context: they share one ``g``.
    with app.app_context():
        assert has_app_context()
        auth.login("p-lee")
        assert client.get(f"{PREFIX}/packet/").status_code == 200
        assert g.get("secondop_acting") is not None  # left behind in the shared context
        auth.logout()
        del audit_log[:]
        assert client.get(f"{PREFIX}/packet/").status_code == 302
    assert [(e.outcome, e.actor_id, e.patient_id) for e in audit_log] == [("denied", None, None)]


def test_new_packet_and_new_request_forms_are_audited(app, client, auth, audit_log) -> None:
    auth.login("c-sam")
    packet_id = PacketHelper(app, client).create("City Cancer Center")
    del audit_log[:]
    assert client.get(f"{PREFIX}/packet/new").status_code == 200
    assert client.get(f"{PREFIX}/packet/{packet_id}/requests/new").status_code == 200
    assert [(e.action, e.category, e.outcome, e.actor_id, e.patient_id, e.object_id)
            for e in audit_log] == [
        ("view", "packet", "success", "c-sam", "p-maria", None),
        ("view", "packet_request", "success", "c-sam", "p-maria", str(packet_id)),
    ]


def test_refused_patient_choice_is_audited(app, client, auth, audit_log) -> None:
    auth.login("c-sam")
    assert client.post(f"{PREFIX}/choose", data={"patient": "p-lee"}).status_code == 200
    assert client.post(f"{PREFIX}/choose", data={}).status_code == 200
    app.extensions["fake_directory"].links.discard(("c-sam", "p-maria"))
    assert client.post(f"{PREFIX}/choose", data={"patient": "p-maria"}).status_code == 200
    assert [(e.action, e.category, e.outcome, e.actor_id, e.patient_id) for e in audit_log] == [
        ("change", "patient_choice", "denied", "c-sam", None),
        ("change", "patient_choice", "invalid", "c-sam", None),
        ("change", "patient_choice", "denied", "c-sam", None),
    ]


def test_audit_state_does_not_outlive_its_request(app, client, auth, audit_log) -> None:
    # Requests sharing one app context share ``g``: the first one's "already
    # audited" mark must not swallow the second one's event (the decorator
    # sends it only when none was sent in this request).
    auth.login("p-lee")
    with app.app_context():
        assert client.get(f"{PREFIX}/packet/").status_code == 200
        assert g.get("secondop_audited") is True  # left behind in the shared context
        assert client.get(f"{PREFIX}/packet/").status_code == 200
    assert [(e.action, e.category, e.outcome, e.actor_id) for e in audit_log] == [
        ("view", "packet", "success", "p-lee"), ("view", "packet", "success", "p-lee")]
