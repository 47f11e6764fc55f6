"""Audit events: fields, caregiver on-behalf, and never any content."""
from __future__ import annotations

from datetime import UTC

from oncokind_secondop.signals import AuditEvent, emit_audit


def test_event_fields(app, audit_log) -> None:
    with app.test_request_context("/"):
        emit_audit("view", "packet", object_id=7, actor_id="c-sam", patient_id="p-maria")
    (event,) = audit_log
    assert event.time.tzinfo is UTC
    assert (event.actor_id, event.patient_id, event.action, event.category, event.object_id,
            event.outcome) == ("c-sam", "p-maria", "view", "packet", "7", "success")
    assert event.on_behalf is True
    data = event.as_dict()
    assert set(data) == {"action", "category", "outcome", "actor_id", "patient_id", "object_id",
                         "recipient", "endpoint", "time", "on_behalf"}


def test_patient_acting_for_herself_is_not_on_behalf() -> None:
    event = AuditEvent("view", "packet", "success", actor_id="p-maria", patient_id="p-maria")
    assert event.on_behalf is False


def test_receivers_only_hear_their_own_app(tmp_path) -> None:
    from oncokind_secondop.signals import audit_event

    from .fake_host import create_app

    one, two = create_app(tmp_path / "1"), create_app(tmp_path / "2")
    heard: list[str] = []
    audit_event.connect(lambda sender, event: heard.append("one"), sender=one, weak=False)
    with two.test_request_context("/"):
        emit_audit("view", "hub", actor_id="a", patient_id="b")
    with one.test_request_context("/"):
        emit_audit("view", "hub", actor_id="a", patient_id="b")
    assert heard == ["one"]
