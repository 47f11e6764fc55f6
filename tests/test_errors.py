"""Domain errors raised by services become the package's error pages, with
the one audit event the request owes (services never call ``abort``)."""
from __future__ import annotations

from flask import Flask, g

from oncokind_secondop import errors
from oncokind_secondop.access import Acting
from oncokind_secondop.adapters import Actor, PatientRef
from oncokind_secondop.blueprint import _domain_not_found
from oncokind_secondop.signals import AuditEvent


def test_not_found_from_a_service_is_our_404_page_with_one_not_found_event(
        app: Flask, audit_log: list[AuditEvent]) -> None:
    with app.test_request_context("/second-opinion/packet/7"):
        maria = Actor("p-maria", "Maria")
        g.secondop_acting = Acting(actor=maria, patient=PatientRef(maria.id, maria.display_name))
        body, status = _domain_not_found(errors.NotFound(7))  # type: ignore[misc]
    assert status == 404
    assert "We could not find that page" in body
    assert [(e.action, e.category, e.outcome, e.object_id) for e in audit_log] == [
        ("view", "packet", "not_found", "7")]
