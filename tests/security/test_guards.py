"""The whole-suite guards (tests/guards.py) cannot fail silently.

Each check is shown catching a planted fault: a patient view with no audit
event or with two, an event on a page without patient data, an event holding
text content or a naive time, and log records holding a canary, a name, the
session cookie or a CSRF token. Each test takes the guard's findings itself
(``GUARD.take()`` / ``check_phase``), so the planted faults do not fail it.
"""
from __future__ import annotations

import logging
import re
import sys
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask

from oncokind_secondop.access import patient_view
from oncokind_secondop.signals import AuditEvent, emit_audit

from .. import guards
from ..fake_host import create_app
from ..guards import GUARD, check_phase, event_problems, leaks, record_text, register_patient_secret


def _plant_routes(app: Flask) -> None:
    # patient_view now sends the event itself, so a silent patient view is one
    # that carries the decorator's marker without its wrapper (a hand-rolled guard).
    def silent() -> str:
        return "read without an audit event"

    silent.secondop_patient_view = ("view", "planted")  # type: ignore[attr-defined]
    app.add_url_rule("/planted/silent", view_func=silent)

    @app.route("/planted/twice")
    @patient_view("view", "planted")
    def twice() -> str:
        emit_audit("view", "planted")
        emit_audit("view", "planted")
        return "two events"

    @app.route("/planted/plain")
    def plain() -> str:
        emit_audit("view", "planted", actor_id="p-maria", patient_id="p-maria")
        return "a page without patient data that audits"

    @app.route("/planted/content")
    @patient_view("view", "planted")
    def content() -> str:
        emit_audit("view", "planted", object_id="Biopsy report: carcinoma")
        return "an event holding content"


def test_audit_guard_catches_missing_double_and_stray_events(app, client) -> None:
    _plant_routes(app)
    assert client.get("/test-login/c-sam").status_code == 200
    GUARD.take()
    for path in ("/planted/silent", "/planted/twice", "/planted/plain", "/planted/content"):
        assert client.get(path).status_code == 200
    problems = GUARD.take().problems
    joined = "\n".join(problems)
    assert "GET silent (answered 200): a patient view sent 0 audit events, expected exactly 1" in joined
    assert "GET twice (answered 200): a patient view sent 2 audit events" in joined
    assert "GET plain (answered 200): a page without patient data sent 1 audit events, expected 0" in joined
    assert "object_id is not a short id (content or a name?)" in joined
    assert len(problems) == 4


def test_audit_guard_accepts_one_event_per_patient_view(app, client, audit_log) -> None:
    """The control: the same planted views, used correctly, leave no problem."""

    @app.route("/planted/good")
    @patient_view("view", "planted")
    def good() -> str:
        emit_audit("view", "planted", object_id=7)
        return "ok"

    assert client.get("/test-login/c-sam").status_code == 200
    assert client.get("/planted/good").status_code == 200
    assert GUARD.take().problems == []
    assert [(e.actor_id, e.patient_id, e.on_behalf) for e in audit_log] == [("c-sam", "p-maria", True)]


def test_audit_guard_counts_the_receiving_teams_views(app, client) -> None:
    """A team page (share.views.team_access marks it ``secondop_share_view``)
    must send exactly one event too; a team's recipient is allowed on a view."""

    def silent_team() -> str:
        return "shared without an audit event"

    silent_team.secondop_share_view = ("view", "shared_packet")  # type: ignore[attr-defined]
    app.add_url_rule("/planted/team-silent", view_func=silent_team)

    def team_once() -> str:
        emit_audit("view", "shared_packet", actor_id="share:7", patient_id="p-maria",
                   recipient="Lakeside Oncology")
        return "one event"

    team_once.secondop_share_view = ("view", "shared_packet")  # type: ignore[attr-defined]
    app.add_url_rule("/planted/team-once", view_func=team_once)
    GUARD.take()
    assert client.get("/planted/team-silent").status_code == 200
    assert client.get("/planted/team-once").status_code == 200
    problems = GUARD.take().problems
    assert problems == ["GET silent_team (answered 200): a patient view sent 0 audit events, expected exactly 1: "]


@pytest.mark.parametrize(("event", "expected"), [
    (AuditEvent("peek", "packet", "success", "p-maria", "p-maria"), "unknown action 'peek'"),
    (AuditEvent("view", "packet", "maybe", "p-maria", "p-maria"), "unknown outcome 'maybe'"),
    (AuditEvent("view", "Packet notes", "success", "p-maria", "p-maria"), "category is not a short identifier"),
    (AuditEvent("view", "packet", "success", "p-maria", "p-maria", time=datetime(2026, 1, 1)),
     "time is not timezone-aware UTC"),
    (AuditEvent("view", "packet", "success", None, None), "only an anonymous denied attempt may lack the actor"),
    (AuditEvent("view", "packet", "success", "c-sam", None), "the patient acted for is missing"),
    (AuditEvent("view", "packet", "success", "c-sam", "Maria Lopez"), "patient_id is not a short id"),
    (AuditEvent("view", "packet", "success", "c-sam", "p-maria", recipient="City Cancer Center"),
     "recipient on a 'view' event"),
    # Issue 13, finding 5: a label holding a forged audit line, a terminal
    # escape, a bidi override, or a name too long to be one.
    (AuditEvent("export", "packet_export", "success", "c-sam", "p-maria",
                recipient="City\r\n2026-01-01 export by admin"), "holds control, line-break or bidi characters"),
    (AuditEvent("export", "packet_export", "success", "c-sam", "p-maria", recipient="City\x1b[2K"),
     "holds control, line-break or bidi characters"),
    (AuditEvent("export", "packet_export", "success", "c-sam", "p-maria", recipient="City\u2028Lab"),
     "holds control, line-break or bidi characters"),
    (AuditEvent("export", "packet_export", "success", "c-sam", "p-maria", recipient="\u202eretneC"),
     "holds control, line-break or bidi characters"),
    (AuditEvent("export", "packet_export", "success", "c-sam", "p-maria", recipient="C" * 101),
     "is longer than 100 characters"),
    (AuditEvent("export", "packet_export", "success", "c-sam", "p-maria", recipient=" City "),
     "starts or ends with white space"),
])
def test_event_field_checks(event: AuditEvent, expected: str) -> None:
    assert any(expected in problem for problem in event_problems(event)), event_problems(event)


def test_a_complete_event_passes() -> None:
    event = AuditEvent("export", "packet_export", "success", "c-sam", "p-maria", object_id="12",
                       recipient="City Cancer Center", endpoint="secondop.packet_export_zip")
    assert event_problems(event) == []
    assert AuditEvent("view", "packet", "denied", None, None).outcome == "denied"
    assert event_problems(AuditEvent("view", "packet", "denied", None, None)) == []


def _record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = None
    if exc is not None:
        try:
            raise exc
        except BaseException:
            exc_info = sys.exc_info()
    return logging.LogRecord("planted", logging.DEBUG, __file__, 1, msg, args or None, exc_info)


def test_log_check_finds_a_secret_in_message_args_or_exception() -> None:
    canary = "CANARY-7f3a-maria"
    assert leaks([("a", record_text(_record("saved %s", canary)))], {canary})
    assert leaks([("b", record_text(_record("saved", exc=ValueError(f"bad notes {canary}"))))], {canary})
    assert leaks([("c", record_text(_record("args kept %s", {"notes": canary})))], {canary})
    found = leaks([("d", record_text(_record("patient %s", "Maria Lopez")))], guards.HOST_SECRETS)
    assert found and "Maria Lopez" not in found[0]  # the report masks what it found
    assert leaks([("e", record_text(_record("packet %s saved", 12)))], guards.HOST_SECRETS | {canary}) == []


def test_host_people_are_secrets() -> None:
    assert {"Maria Lopez", "maria@example.org", "1968-04-02", "April 2, 1968"} <= guards.HOST_SECRETS


def test_every_log_record_reaches_the_guard(request: pytest.FixtureRequest) -> None:
    """A real record through the root logger, from a library logger at DEBUG."""
    assert guards.COLLECTOR in logging.getLogger().handlers
    assert logging.getLogger().getEffectiveLevel() <= logging.DEBUG
    GUARD.take()
    register_patient_secret("CANARY-9b1c-lee")
    logging.getLogger("some.library").debug("cache miss for %s", "CANARY-9b1c-lee")
    found = check_phase(request.node)
    assert len(found) == 1 and "'some.library'" in found[0]
    with pytest.raises(ValueError):
        register_patient_secret("short")


def test_session_cookie_and_csrf_token_are_secrets(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    app = create_app(tmp_path, csrf=True)
    with app.app_context():
        from oncokind_secondop.extension import current_secondop

        current_secondop.records.create_all()
    client = app.test_client()
    client.get("/test-login/p-maria")
    page = client.get("/second-opinion/compare/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    cookie = client.get_cookie("session")
    assert token and cookie
    GUARD.take()
    logging.getLogger("planted").info("token %s", token.group(1))
    logging.getLogger("planted").warning("cookie=%s", cookie.value)
    found = check_phase(request.node)
    assert len(found) == 2, found
    with app.app_context():
        from oncokind_secondop.extension import current_secondop

        current_secondop.records.engine.dispose()


def test_patient_secrets_fixture_registers_canaries(patient_secrets, request: pytest.FixtureRequest) -> None:
    patient_secrets.add("CANARY-2d4e-sam")
    logging.getLogger("planted").error("failed for CANARY-2d4e-sam")
    assert len(check_phase(request.node)) == 1
