"""The receiving team's authorization matrix (issue 15): every team route x
every method it accepts (GET, HEAD, POST) x seven team roles, each in its own
anonymous browser with its own two shares of Maria's packet (A, whose URLs
are asked for, and B):

  team         A's link and the right code
  link_only    A's link, no code typed
  wrong_code   A's link and a wrong code typed once
  locked       A locked by wrong codes (the POST then sends the RIGHT code)
  revoked      A opened with the code, then revoked by Maria
  expired      A opened with the code, then past its expiry (set in the DB)
  other_share  B's link and code, asking for A's pages

Each cell checks the status, the one audit event (outcome, actor share:<A>,
whether Maria is named), and that neither the token nor the code is in any
answer after the entry (the whole-suite guard checks logs and audit events
for both: they are registered as secrets). The roles are set up through the
pages; the cells of a role run in order, POST last.

Plus: a team grant opens no patient-portal route (a team is not logged in),
revocation and expiry take effect on the very next request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.share import services
from oncokind_secondop.share.views.team_access import TEAM_ENDPOINTS
from oncokind_secondop.signals import AuditEvent

from ..share._team import Made, make_share, open_share, past, seed_packet, set_share
from ._authz_world import recorded_audit, secondop_rules, seed_patient

ROLES = ("team", "link_only", "wrong_code", "locked", "revoked", "expired", "other_share")
WRONG = "WRONG-CODE0"

# (status, audit outcome, Maria named in the event) per role, for each cell.
_ENDED = (410, "denied", True)
_NO_GRANT = (404, "denied", False)


def _download(team: tuple[int, str, bool]) -> dict[str, tuple[int, str, bool]]:
    return {"team": team, "link_only": _NO_GRANT, "wrong_code": _NO_GRANT, "locked": _NO_GRANT,
            "revoked": _ENDED, "expired": _ENDED, "other_share": _NO_GRANT}


_ENTRY = {"team": (303, "success", True), "link_only": (200, "success", True),
          "wrong_code": (200, "success", True), "locked": _ENDED, "revoked": _ENDED,
          "expired": _ENDED, "other_share": (200, "success", True)}
#: What each role POSTs to A's link: its own code (none, a wrong one, B's...).
_POST = {"team": (303, "success", True), "link_only": (400, "invalid", True),
         "wrong_code": (400, "denied", True), "locked": _ENDED, "revoked": _ENDED,
         "expired": _ENDED, "other_share": (400, "denied", True)}

EXPECTED: dict[tuple[str, str], dict[str, tuple[int, str, bool]]] = {
    ("secondop.shared_entry", "GET"): _ENTRY,
    ("secondop.shared_entry", "HEAD"): _ENTRY,
    ("secondop.shared_entry", "POST"): _POST,
    **{(endpoint, method): _download((200, "success", True))
       for endpoint in ("secondop.shared_packet", "secondop.shared_document",
                        "secondop.shared_summary_pdf", "secondop.shared_zip")
       for method in ("GET", "HEAD")},
}


def _team_rules(app: Flask) -> list[Any]:
    return [rule for rule in secondop_rules(app) if rule.endpoint in TEAM_ENDPOINTS]


def _cells(app: Flask) -> list[tuple[Any, str]]:
    cells = [(rule, method) for rule in _team_rules(app)
             for method in sorted(rule.methods - {"OPTIONS"})]
    return sorted(cells, key=lambda cell: (cell[1] == "POST", cell[0].rule, cell[1]))


def _url(rule: Any, a: Made, doc_id: int) -> str:
    values = {"token": a.token, "share_id": a.id, "doc_id": doc_id}
    return str(rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1])


def _set_up(app: Flask, role: str, packet_id: int) -> tuple[FlaskClient, Made, Made, str]:
    """A fresh browser in ``role``'s state; returns it, shares A and B, and the code it POSTs."""
    team = app.test_client()
    a, b = make_share(app, packet_id), make_share(app, packet_id, team="Another Team")
    posts = a.code
    if role in ("team", "revoked", "expired"):
        assert open_share(team, a).status_code == 303
    if role == "link_only":
        assert team.get(a.entry).status_code == 200
        posts = ""
    if role == "wrong_code":
        assert team.post(a.entry, data={"code": WRONG}).status_code == 400
        posts = WRONG
    if role == "locked":
        max_attempts = app.config.get("SECONDOP_SHARE_MAX_ATTEMPTS", 5)
        for _ in range(max_attempts):
            team.post(a.entry, data={"code": WRONG})
    if role == "revoked":
        with app.app_context():
            services.revoke_share(current_secondop.records, "p-maria", packet_id, a.id)
    if role == "expired":
        set_share(app, a.id, expires_at=past())
    if role == "other_share":
        assert open_share(team, b).status_code == 303
        posts = b.code
    return team, a, b, posts


def _send(team: FlaskClient, method: str, url: str, posts: str) -> Any:
    if method == "POST":
        return team.post(url, data={"code": posts})
    return team.open(url, method=method)


def _event(events: list[AuditEvent]) -> list[tuple[str, str | None, str | None]]:
    return [(e.outcome, e.actor_id, e.patient_id) for e in events]


def test_share_matrix(app: Flask, client: FlaskClient, patient_secrets: Any) -> None:
    world = seed_packet(app, client)
    cells = _cells(app)
    assert {(rule.endpoint, method) for rule, method in cells} == EXPECTED.keys(), \
        "a team route or method is missing from this matrix (or an entry has no route)"
    failures: list[str] = []
    ran = 0
    for role in ROLES:
        team, a, b, posts = _set_up(app, role, world["packet_id"])
        patient_secrets.add(a.token, a.code, b.token, b.code)
        for rule, method in cells:
            status, outcome, named = EXPECTED[(rule.endpoint, method)][role]
            url = _url(rule, a, world["pathology"])
            with recorded_audit(app) as events:
                response = _send(team, method, url, posts)
                body = response.get_data()
            ran += 1
            cell = f"{rule.endpoint} {method} {role}"
            if response.status_code != status:
                failures.append(f"{cell}: expected {status}, got {response.status_code}")
            want = [(outcome, f"share:{a.id}", "p-maria" if named else None)]
            if _event(events) != want:
                failures.append(f"{cell}: expected audit {want}, got {_event(events)}")
            if response.headers.get("Referrer-Policy") != "no-referrer":
                failures.append(f"{cell}: Referrer-Policy {response.headers.get('Referrer-Policy')!r}")
            if response.headers.get("Cache-Control") != "no-store":
                failures.append(f"{cell}: Cache-Control {response.headers.get('Cache-Control')!r}")
            if method == "HEAD" and body:
                failures.append(f"{cell}: HEAD answered a body")
            headers = str(response.headers)
            for secret in (a.token, a.code, b.token, b.code):
                if secret.encode() in body or secret in headers:
                    failures.append(f"{cell}: a token or code in the answer")
            if status == 410 and b"Maria Lopez" in body:
                failures.append(f"{cell}: the ended page names the patient")
    assert not failures, "\n" + "\n".join(failures)
    assert ran == len(ROLES) * len(EXPECTED)


def test_a_team_grant_opens_no_patient_portal_route(app: Flask, client: FlaskClient) -> None:
    ids = seed_patient(app, client, "p-maria")
    team = app.test_client()
    made = Made(ids["share_id"], ids["token"], ids["code"])
    assert open_share(team, made).status_code == 303
    assert team.get(made.packet).status_code == 200
    checked = 0
    for rule in secondop_rules(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "secondop_patient_view", None) is None:
            continue  # the hub, the chooser, Learn, the team's own pages
        url = str(rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1])
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = team.open(url, method=method)
            assert response.status_code == 302 and urlsplit(response.location).path == "/login", \
                (rule.endpoint, method, response.status_code)
            checked += 1
    assert checked > 40


@pytest.mark.parametrize("end", ["revoked", "expired"])
def test_the_end_of_a_share_takes_effect_on_the_next_request(
    app: Flask, client: FlaskClient, end: str
) -> None:
    world = seed_packet(app, client)
    team = app.test_client()
    made = make_share(app, world["packet_id"])
    open_share(team, made)
    urls = (made.packet, made.file(world["pathology"]), made.summary, made.zip)
    assert [team.head(url).status_code for url in urls] == [200] * 4
    if end == "revoked":
        with app.app_context():
            services.revoke_share(current_secondop.records, "p-maria", world["packet_id"], made.id)
    else:
        set_share(app, made.id, expires_at=past())
    for url in urls:
        response = team.get(url)
        assert response.status_code == 410, url
        assert "This link has ended" in response.get_data(as_text=True)
    assert team.post(made.entry, data={"code": made.code}).status_code == 410


def test_a_locked_share_refuses_the_right_code(app: Flask, client: FlaskClient) -> None:
    world = seed_packet(app, client)
    team = app.test_client()
    made = make_share(app, world["packet_id"])
    for _ in range(5):
        team.post(made.entry, data={"code": WRONG})
    sixth = open_share(team, made)
    assert sixth.status_code == 410
    assert team.get(made.packet).status_code == 404  # no grant was given
