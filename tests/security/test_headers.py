"""Security headers on every route of the blueprint, in one test.

Every (endpoint, method) of the URL map is requested as the owner (valid
forms, real ids), plus the refusals (404 for another patient, 403 for a
revoked caregiver, the 302 to the host login, a 400 form error), the Learn
letter's PDF and the upload answer for upload.js (204):

- every HTML page and redirect: a CSP with ``object-src 'none'``,
  ``base-uri 'none'`` and ``frame-ancestors``, a Referrer-Policy, nosniff and
  ``Cache-Control: no-store``;
- every file (document download, summary PDF, ZIP, letter PDFs, comparison
  PDF): ``Content-Disposition: attachment`` with an RFC 6266 ``filename*``,
  nosniff, no-store, and a CSP with ``sandbox`` and ``default-src 'none'``;
- a host's own Referrer-Policy and frame-ancestors are honoured on every route;
- the blueprint's static files carry nosniff and their real type, and stay
  cacheable (no CSP, no no-store: they hold no patient data).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.share.views.team_access import TEAM_ENDPOINTS

from ..conftest import _reset_database
from ..fake_host import create_app
from ..learn.test_letter import VALUES as LETTER_VALUES
from ._authz_world import PREFIX, build_world, canary_pdf, login, logout, ordered_cells, send

#: Routes that answer with a file; everything else answers with a page or a redirect.
FILE_ENDPOINTS = {
    "secondop.packet_document_download", "secondop.packet_export_pdf", "secondop.packet_export_zip",
    "secondop.packet_export_fhir",
    "secondop.packet_request_letter_pdf", "secondop.compare_pdf", "secondop.compare_letter_pdf",
}
FILENAME_STAR = re.compile(r"^attachment; filename=\"[ -~]+\"; filename\*=UTF-8''[A-Za-z0-9%._~-]+$")


def directives(csp: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in csp.split(";") if part.strip())
    return {p[0].lower(): (p[1] if len(p) > 1 else "") for p in parts}


def page_problems(response: Any, referrer: str, frame_ancestors: str) -> list[str]:
    csp = directives(response.headers.get("Content-Security-Policy", ""))
    problems = []
    if csp.get("object-src") != "'none'":
        problems.append("CSP object-src 'none'")
    if csp.get("base-uri") != "'none'":
        problems.append("CSP base-uri 'none'")
    if csp.get("frame-ancestors") != frame_ancestors:
        problems.append(f"CSP frame-ancestors {frame_ancestors}")
    if response.headers.get("Referrer-Policy") != referrer:
        problems.append(f"Referrer-Policy {referrer}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    if response.headers.get("Cache-Control") != "no-store":
        problems.append("no-store")
    return problems


def file_problems(response: Any, referrer: str) -> list[str]:
    csp = directives(response.headers.get("Content-Security-Policy", ""))
    problems = []
    if not FILENAME_STAR.match(response.headers.get("Content-Disposition", "")):
        problems.append(f"attachment with filename* (got {response.headers.get('Content-Disposition')!r})")
    if "sandbox" not in csp or csp.get("default-src") != "'none'":
        problems.append("CSP sandbox; default-src 'none'")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    if response.headers.get("Cache-Control") != "no-store":
        problems.append("no-store")
    if response.headers.get("Referrer-Policy") != referrer:
        problems.append(f"Referrer-Policy {referrer}")
    if response.mimetype == "text/html":
        problems.append("a file served as text/html")
    return problems


#: The receiving team's answers with a grant (team_answers): the three files.
TEAM_FILES = {"team file", "team summary PDF", "team ZIP"}


def team_answers(app: Flask, maria: dict[str, Any]) -> list[tuple[str, Any]]:
    """A receiving team's browser, after the right code: its page and its downloads
    (before the owner's cells, whose last POST deletes the packet and its shares)."""
    team = app.test_client()
    entry = f"{PREFIX}/shared/{maria['token']}"
    answers: list[tuple[str, Any]] = [("team code page", team.get(entry))]
    answers.append(("team right code", team.post(entry, data={"code": maria["code"]})))
    base = f"{PREFIX}/shared/{maria['share_id']}"
    for label, url in (("team page", f"{base}/packet"), ("team file", f"{base}/files/{maria['doc_id']}"),
                       ("team summary PDF", f"{base}/summary.pdf"), ("team ZIP", f"{base}/packet.zip")):
        response = team.get(url)
        response.get_data()
        answers.append((label, response))
    return answers


def every_answer(app: Flask, client: FlaskClient) -> list[tuple[str, Any]]:
    """(label, response) for every route as the owner, then the refusals."""
    world = build_world(app, client)
    answers: list[tuple[str, Any]] = []
    login(client, "p-lee")
    answers.append(("404 for another patient", client.get(f"{PREFIX}/packet/{world.maria['packet_id']}")))
    login(client, "p-maria")
    answers.append(("400 form error", client.post(f"{PREFIX}/compare/new", data={"title": ""})))
    answers.append(("learn letter PDF", client.post(f"{PREFIX}/learn/records-letter",
                                                    data={**LETTER_VALUES, "action": "pdf"})))
    answers.append(("upload for upload.js", client.post(
        f"{PREFIX}/packet/{world.maria['packet_id']}/items/{world.maria['item_id']}/upload",
        data={"file": (io.BytesIO(canary_pdf("x")), "x.pdf")}, content_type="multipart/form-data",
        headers={"X-Requested-With": "XMLHttpRequest"})))
    answers += team_answers(app, world.maria)
    for rule, method in ordered_cells(app):
        response = send(client, app, rule, method, world.maria)
        response.get_data()
        answers.append((f"{rule.endpoint} {method}", response))
    logout(client)
    answers.append(("login redirect", client.get(f"{PREFIX}/packet/")))
    login(client, "c-sam")
    app.extensions["fake_directory"].links.discard(("c-sam", "p-maria"))
    answers.append(("403 for a revoked caregiver", client.get(f"{PREFIX}/packet/")))
    return answers


def check_every_answer(app: Flask, client: FlaskClient, referrer: str, frame_ancestors: str) -> None:
    failures = []
    files_seen = set()
    for label, response in every_answer(app, client):
        endpoint = label.split()[0]
        is_file = endpoint in FILE_ENDPOINTS or label == "learn letter PDF" or label in TEAM_FILES
        # The team's pages never send a Referer, whatever the host's policy: the entry's URL holds the token.
        expected_referrer = "no-referrer" if endpoint == "team" or endpoint in TEAM_ENDPOINTS else referrer
        if is_file:
            files_seen.add(label)
            problems = file_problems(response, expected_referrer)
        else:
            problems = page_problems(response, expected_referrer, frame_ancestors)
            if response.status_code == 200 and response.mimetype != "text/html":
                problems.append(f"a page served as {response.mimetype}")
        if response.status_code >= 500 or (is_file and response.status_code != 200):
            problems.append(f"status {response.status_code}")
        failures += [f"{label} ({response.status_code}): missing {p}" for p in problems]
    assert not failures, "\n" + "\n".join(failures)
    assert len(files_seen) == len(FILE_ENDPOINTS) + 1 + len(TEAM_FILES)


def test_every_route_carries_the_security_headers(app: Flask, client: FlaskClient) -> None:
    check_every_answer(app, client, referrer="same-origin", frame_ancestors="'self'")


def test_host_referrer_policy_and_frame_ancestors_are_honoured(tmp_path: Path) -> None:
    csp = ("default-src 'self'; object-src 'none'; base-uri 'none'; "
           "frame-ancestors https://portal.example.org; form-action 'self'")
    app = create_app(tmp_path, {"SECONDOP_REFERRER_POLICY": "no-referrer",
                                "SECONDOP_CONTENT_SECURITY_POLICY": csp})
    _reset_database(app)
    with app.test_client() as client:
        check_every_answer(app, client, referrer="no-referrer",
                           frame_ancestors="https://portal.example.org")


def test_static_files_are_not_sniffed_and_stay_cacheable(client: FlaskClient) -> None:
    for name, mimetype in (("secondop.css", "text/css"), ("upload.js", "text/javascript"),
                           ("pdf-fonts.css", "text/css")):
        response = client.get(f"{PREFIX}/static/secondop/{name}")
        assert response.status_code == 200, name
        assert response.mimetype == mimetype
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert "Content-Security-Policy" not in response.headers
        assert response.headers.get("Cache-Control") != "no-store"
        response.close()
