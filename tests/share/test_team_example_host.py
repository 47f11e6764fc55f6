"""The team's pages on the example portal: its real CSRF protection and its
language choice from the browser's Accept-Language (the team has no account,
so no saved language)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from example_host import create_app
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet import services as packets
from oncokind_secondop.share import services
from oncokind_secondop.signals import AuditEvent, audit_event

from ._team import accesses


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("EXAMPLE_HOST_DATA", str(tmp_path / "data"))
    return create_app()


def _share(portal: Flask) -> tuple[int, str, str]:
    with portal.app_context():
        records = current_secondop.records
        packet = packets.create_packet(records, "patient-x", {"center_name": "City Cancer Center"},
                                       max_packets=10, max_events=200, max_slides=40)
        new = services.create_share(
            records, "patient-x", packet.id, team_name="Lakeside Oncology", contact="", days=14,
            item_keys=(), patient_name="Maria Lopez", patient_birth_date=date(1968, 4, 2),
            created_by="patient-x", max_days=90, max_shares=20)
        made = (new.share.id, new.token, new.code)
        records.session.close()
    return made


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_team_reads_in_the_language_its_browser_asks_for(portal: Flask) -> None:
    share_id, token, _ = _share(portal)
    team = portal.test_client()
    spanish = team.get(f"/second-opinion/shared/{token}", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert spanish.status_code == 200
    assert 'lang="es"' in spanish.get_data(as_text=True)
    unknown = team.get(f"/second-opinion/shared/{token}", headers={"Accept-Language": "de-DE"})
    assert 'lang="en"' in unknown.get_data(as_text=True)  # falls back to English


def test_the_code_form_needs_the_csrf_token_and_a_refusal_counts_no_try(portal: Flask) -> None:
    share_id, token, code = _share(portal)
    team = portal.test_client()
    entry = f"/second-opinion/shared/{token}"
    page = team.get(entry).get_data(as_text=True)
    events: list[AuditEvent] = []

    def receive(sender: Flask, event: AuditEvent) -> None:
        events.append(event)

    audit_event.connect(receive, sender=portal)
    try:
        refused = team.post(entry, data={"code": code})  # no CSRF token
        assert refused.status_code == 400
        assert accesses(portal, share_id) == []  # neither opened nor a wrong try
        assert [(e.outcome, e.actor_id) for e in events] == [("invalid", f"share:{share_id}")]
        opened = team.post(entry, data={"code": code, "csrf_token": _csrf(page)})
    finally:
        audit_event.disconnect(receive, sender=portal)
    assert opened.status_code == 303
    assert team.get(f"/second-opinion/shared/{share_id}/packet").status_code == 200
