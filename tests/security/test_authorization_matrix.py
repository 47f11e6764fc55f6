"""The authorization matrix, generated from the URL map.

Proves, for every rule of the ``secondop`` blueprint (static files aside) x
every method it accepts x five roles (owner, her caregiver, that caregiver
after revocation mid-session, another patient using Maria's real ids,
anonymous):

- the answer is the one in tests/security/authz_table.py, and that table
  lists exactly the routes the app has (a new route without an entry fails);
- every request to a patient-data route emits exactly one audit event with
  the right actor, patient, outcome and on_behalf; Learn pages emit none;
- nothing answered to a non-owner (denied, 404, login, or his own pages)
  holds Maria's canary string;
- POSTs by non-owners change nothing of Maria's (rows and stored files);
- the owner's and the caregiver's POSTs (valid forms) succeed.

All cells run in one test on one app and one seeded world; failures are
collected and listed (endpoint, method, role, expected, got).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.learn import content
from oncokind_secondop.signals import AuditEvent

from ..fake_host import create_app
from . import authz_table as table
from ._authz_world import (
    CANARY,
    PREFIX,
    World,
    build_world,
    login,
    logout,
    methods_of,
    ordered_cells,
    recorded_audit,
    secondop_rules,
    seed_patient,
    send,
    snapshot,
)

USERS = {"owner": "p-maria", "caregiver": "c-sam", "revoked": "c-sam", "other": "p-lee",
         "anonymous": None}


def got(response: Any) -> str:
    return f"{response.status_code} {response.location or ''}".strip()


def answer_matches(expected: str, response: Any) -> bool:
    status, location = response.status_code, response.location or ""
    if expected == table.OK:
        return 200 <= status < 300 or (300 <= status < 400 and urlsplit(location).path.startswith(PREFIX + "/"))
    if expected == table.LOGIN:
        return status == 302 and urlsplit(location).path == "/login"
    if expected == table.REFUSED:
        return status == 200
    if expected in TEAM_STATUS:
        return status == TEAM_STATUS[expected]
    return status == int(expected)


#: The receiving team's pages answer a portal role as a stranger: status, and
#: the event's (outcome, actor is the share, patient named).
TEAM_STATUS = {table.SHARE_CODE: 200, table.SHARE_NO_CODE: 400, table.NO_GRANT: 404}
TEAM_AUDIT = {table.SHARE_CODE: ("success", True), table.SHARE_NO_CODE: ("invalid", True),
              table.NO_GRANT: ("denied", False)}


def expected_audit(endpoint: str, method: str, role: str, outcome: str,
                   share_id: int | None = None) -> list[tuple[Any, ...]]:
    """(outcome, actor_id, patient_id, on_behalf) of the one event the cell must emit."""
    if endpoint in table.LEARN or (endpoint, method, role) in table.NO_AUDIT:
        return []
    if outcome in TEAM_AUDIT:
        result, named = TEAM_AUDIT[outcome]
        # A share acts for the patient who made it: on_behalf when she is named.
        return [(result, f"share:{share_id}", "p-maria" if named else None, named)]
    user = USERS[role]
    if outcome == table.OK:
        patient = "p-lee" if role == "other" else "p-maria"
        return [("success", user, patient, role == "caregiver")]
    if outcome == table.NOT_FOUND:
        return [("not_found", user, user, False)]
    if outcome == table.LOGIN:
        return [("denied", None, None, False)]
    return [("denied", user, None, False)]  # 403, refused


def audit_seen(events: list[AuditEvent]) -> list[tuple[Any, ...]]:
    return [(e.outcome, e.actor_id, e.patient_id, e.on_behalf) for e in events]


def run_role(app: Flask, client: FlaskClient, role: str, ids: dict[str, Any],
             failures: list[str]) -> int:
    """Every cell for one role on a logged-in (or anonymous) client."""
    ran = 0
    for rule, method in ordered_cells(app):
        expected = table.EXPECTED.get((rule.endpoint, method))
        if expected is None:
            continue  # reported by the coverage check
        outcome = expected[table.ROLES.index(role)]
        cell = f"{rule.endpoint} {method} {role}"
        with recorded_audit(app) as events:
            response = send(client, app, rule, method, ids)
            body = response.get_data()
        ran += 1
        if not answer_matches(outcome, response):
            failures.append(f"{cell}: expected {outcome}, got {got(response)}")
        want = expected_audit(rule.endpoint, method, role, outcome, ids.get("share_id"))
        if audit_seen(events) != want:
            failures.append(f"{cell}: expected audit {want}, got {audit_seen(events)}")
        if role not in ("owner", "caregiver") and CANARY["p-maria"].encode() in body:
            failures.append(f"{cell}: Maria's canary in the answer ({got(response)})")
        if rule.endpoint == "secondop.packet_document_download" and outcome == table.OK \
                and body != ids["document"]:
            failures.append(f"{cell}: the downloaded bytes differ from Maria's upload")
    return ran


def check_table_covers_url_map(app: Flask) -> list[str]:
    routes = {(rule.endpoint, method) for rule in secondop_rules(app) for method in methods_of(rule)}
    missing = sorted(routes - table.EXPECTED.keys())
    stale = sorted(table.EXPECTED.keys() - routes)
    problems = [f"route missing from authz_table.EXPECTED: {e} {m}" for e, m in missing]
    problems += [f"authz_table.EXPECTED entry with no route: {e} {m}" for e, m in stale]
    return problems


def run_matrix(app: Flask, client: FlaskClient, world: World) -> tuple[list[str], int]:
    failures = check_table_covers_url_map(app)
    maria_before = snapshot(app, "p-maria")
    ran = 0

    # Non-owners first, on Maria's untouched world: nothing of hers may change.
    logout(client)
    ran += run_role(app, client, "anonymous", world.maria, failures)
    login(client, "p-lee")
    ran += run_role(app, client, "other", world.maria, failures)
    login(client, "c-sam")
    assert client.get(f"{PREFIX}/packet/{world.maria['packet_id']}").status_code == 200
    links = app.extensions["fake_directory"].links
    links.discard(("c-sam", "p-maria"))  # revoked between two requests of one session
    ran += run_role(app, client, "revoked", world.maria, failures)
    links.add(("c-sam", "p-maria"))
    if snapshot(app, "p-maria") != maria_before:
        failures.append("a non-owner's request changed Maria's rows or the stored files")

    login(client, "p-maria")
    ran += run_role(app, client, "owner", world.maria, failures)
    # The owner deleted her objects last; the caregiver works on a fresh set.
    fresh = seed_patient(app, client, "p-maria")
    login(client, "c-sam")
    ran += run_role(app, client, "caregiver", fresh, failures)
    return failures, ran


def test_authorization_matrix(app: Flask, client: FlaskClient) -> None:
    world = build_world(app, client)
    failures, ran = run_matrix(app, client, world)
    assert not failures, "\n" + "\n".join(failures)
    assert ran == len(table.ROLES) * len(table.EXPECTED)


def test_a_route_missing_from_the_table_is_reported(app: Flask) -> None:
    """The coverage check names a new route and an entry without a route."""
    app.add_url_rule("/second-opinion/packet/<int:packet_id>/forgotten", "secondop.packet_forgotten",
                     lambda packet_id: "x", methods=["GET", "POST"])
    problems = check_table_covers_url_map(app)
    assert "route missing from authz_table.EXPECTED: secondop.packet_forgotten GET" in problems
    assert "route missing from authz_table.EXPECTED: secondop.packet_forgotten POST" in problems
    table.EXPECTED[("secondop.packet_vanished", "GET")] = table.EXPECTED[("secondop.packet_detail", "GET")]
    try:
        assert "authz_table.EXPECTED entry with no route: secondop.packet_vanished GET" in \
            check_table_covers_url_map(app)
    finally:
        del table.EXPECTED[("secondop.packet_vanished", "GET")]


def test_learn_pages_send_anonymous_visitors_to_login_when_the_host_asks(tmp_path: Path) -> None:
    """With SECONDOP_LEARN_REQUIRES_LOGIN every Learn route (each method)
    answers "login" to an anonymous visitor, and still emits no audit event."""
    app = create_app(tmp_path, {"SECONDOP_LEARN_REQUIRES_LOGIN": True})
    client = app.test_client()
    learn = [(rule, method) for rule in secondop_rules(app) if rule.endpoint in table.LEARN
             for method in methods_of(rule)]
    assert {(rule.endpoint, method) for rule, method in learn} == \
        {key for key in table.EXPECTED if key[0] in table.LEARN}
    for rule, method in learn:
        with recorded_audit(app) as events:
            response = send(client, app, rule, method, {"slug": content.TOPICS[0].slug})
        assert answer_matches(table.LOGIN, response), (rule.endpoint, method, got(response))
        assert events == []


def test_another_patients_ids_in_form_fields_are_refused(app: Flask, client: FlaskClient) -> None:
    """Object ids also travel in form fields: Lee copying Maria's packet into a
    new one of his gets the form again (400), and nothing of Maria's moves."""
    world = build_world(app, client)
    lee_before, maria_before = snapshot(app, "p-lee"), snapshot(app, "p-maria")
    login(client, "p-lee")
    with recorded_audit(app) as events:
        response = client.post(f"{PREFIX}/packet/new", data={
            "center_name": "Copy", "version": "0", "copy_from": str(world.maria["packet_id"])})
    assert response.status_code == 400
    assert CANARY["p-maria"].encode() not in response.data
    assert [(e.outcome, e.actor_id, e.patient_id) for e in events] == [("invalid", "p-lee", "p-lee")]
    assert snapshot(app, "p-lee") == lee_before and snapshot(app, "p-maria") == maria_before
