"""The receiving team's pages, in a second (anonymous) browser: the link asks
for the code and tells nothing before it; the right code opens a read-only
view of what the share includes, with its downloads; wrong codes count down
and lock; every answer carries the team's headers and one audit event."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Document
from oncokind_secondop.share.views.team_access import GRANTS_KEY
from oncokind_secondop.signals import AuditEvent, ShareNotice, share_locked

from ._team import (
    CONTACT_CANARY,
    PREFIX,
    TEAM,
    accesses,
    make_share,
    open_share,
    seed_packet,
)


@pytest.fixture
def world(app: Flask, client: FlaskClient) -> dict[str, Any]:
    return seed_packet(app, client)


@pytest.fixture
def team(app: Flask) -> FlaskClient:
    """The team's own browser: no portal login, its own session."""
    return app.test_client()


def _text(response: Any) -> str:
    return response.get_data(as_text=True)


def _team_headers(response: Any) -> None:
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers


def test_an_unknown_link_is_the_404_page_and_an_anonymous_denied_event(
    app: Flask, team: FlaskClient, world: dict[str, Any], audit_log: list[AuditEvent]
) -> None:
    make_share(app, world["packet_id"])
    response = team.get(f"{PREFIX}/shared/NotARealTokenAtAll0000")
    assert response.status_code == 404
    assert "We could not find that page" in _text(response)
    _team_headers(response)
    assert [(e.action, e.category, e.outcome, e.actor_id, e.patient_id, e.object_id)
            for e in audit_log] == [("view", "shared_packet", "denied", None, None, None)]


def test_the_link_asks_for_the_code_and_tells_nothing_before_it(
    app: Flask, team: FlaskClient, world: dict[str, Any], audit_log: list[AuditEvent]
) -> None:
    made = make_share(app, world["packet_id"])
    response = team.get(made.entry)
    assert response.status_code == 200
    page = _text(response)
    assert 'name="code"' in page and "Type the access code" in page
    for secret in (TEAM, "Maria Lopez", "City Cancer Center", "Pathology report", CONTACT_CANARY):
        assert secret not in page
    assert "<script" not in page  # works without JavaScript
    _team_headers(response)
    assert [(e.outcome, e.actor_id, e.patient_id, e.recipient) for e in audit_log] == [
        ("success", f"share:{made.id}", "p-maria", TEAM)]


def test_the_right_code_grants_this_share_in_the_session_and_leaves_the_token_behind(
    app: Flask, team: FlaskClient, world: dict[str, Any], patient_secrets: Any
) -> None:
    made = make_share(app, world["packet_id"])
    patient_secrets.add(made.token, made.code)  # never in a log or an audit event
    typed = made.code.lower().replace("-", " ")
    response = team.post(made.entry, data={"code": typed})
    assert response.status_code == 303
    assert response.location.endswith(f"/shared/{made.id}/packet")
    assert made.token not in response.location
    _team_headers(response)
    with team.session_transaction() as session:
        assert session[GRANTS_KEY] == [made.id]
        assert made.token not in json.dumps(dict(session)) and made.code not in json.dumps(dict(session))
    assert accesses(app, made.id) == [("opened", None)]
    # Back to the link in the same browser: straight to the packet, no second code.
    again = team.get(made.entry)
    assert again.status_code == 303 and again.location.endswith(f"/shared/{made.id}/packet")


def test_the_packet_view_shows_the_share_read_only(
    app: Flask, team: FlaskClient, world: dict[str, Any]
) -> None:
    made = make_share(app, world["packet_id"])
    open_share(team, made)
    response = team.get(made.packet)
    assert response.status_code == 200
    _team_headers(response)
    page = _text(response)
    for shown in ("Maria Lopez", "City Cancer Center", "Is surgery the best first step?",
                  "Surgery, then chemotherapy", "First CT scan", "Central Lab",
                  "Pathology report.pdf", "CT report.pdf", TEAM,
                  hashlib.sha256(world["pathology_bytes"]).hexdigest()):
        assert shown in page, shown
    assert "Apr 2, 1968" in page or "1968" in page
    assert f'href="{made.file(world["pathology"])}"' in page
    assert f'href="{made.summary}"' in page and f'href="{made.zip}"' in page
    assert CONTACT_CANARY not in page and made.token not in page
    assert "<form" not in page  # nothing here can change the packet
    # No link into the patient's own pages.
    assert f"{PREFIX}/packet/" not in page


def test_wrong_codes_count_down_then_lock_and_tell_the_host(
    app: Flask, team: FlaskClient, world: dict[str, Any], audit_log: list[AuditEvent]
) -> None:
    made = make_share(app, world["packet_id"])
    notices: list[ShareNotice] = []

    def locked(sender: Flask, share: ShareNotice) -> None:
        notices.append(share)

    share_locked.connect(locked, sender=app)
    try:
        for left in (4, 3, 2, 1):
            response = team.post(made.entry, data={"code": "WRONG-CODE0"})
            assert response.status_code == 400
            assert "That code is not right." in _text(response)
            assert f"You can try {left} more time" in _text(response)
        assert notices == []
        fifth = team.post(made.entry, data={"code": "WRONG-CODE0"})
    finally:
        share_locked.disconnect(locked, sender=app)
    assert fifth.status_code == 410
    assert "This link has ended" in _text(fifth) and "a new link" in _text(fifth)
    assert "Maria Lopez" not in _text(fifth) and TEAM not in _text(fifth)
    _team_headers(fifth)
    assert len(notices) == 1
    notice = notices[0]
    assert (notice.share_id, notice.patient_id, notice.team_name) == (made.id, "p-maria", TEAM)
    assert notice.url is None and notice.code is None
    # The right code now: refused, the share stays locked, no grant.
    right = open_share(team, made)
    assert right.status_code == 410
    assert team.get(made.packet).status_code == 404
    assert [w for w, _ in accesses(app, made.id)] == ["wrong_code"] * 4 + ["locked"]
    assert [e.outcome for e in audit_log] == ["denied"] * 7


def test_an_empty_code_is_asked_again_without_counting(
    app: Flask, team: FlaskClient, world: dict[str, Any], audit_log: list[AuditEvent]
) -> None:
    made = make_share(app, world["packet_id"])
    response = team.post(made.entry, data={"code": "  "})
    assert response.status_code == 400
    assert "Please type the access code." in _text(response)
    assert accesses(app, made.id) == []
    assert [e.outcome for e in audit_log] == ["invalid"]


def test_each_file_downloads_verified_and_is_logged_for_the_patient(
    app: Flask, team: FlaskClient, world: dict[str, Any], audit_log: list[AuditEvent]
) -> None:
    made = make_share(app, world["packet_id"])
    open_share(team, made)
    head = team.head(made.file(world["pathology"]))
    assert head.status_code == 200 and head.data == b""
    assert accesses(app, made.id) == [("opened", None)]  # headers only: not a download
    response = team.get(made.file(world["pathology"]))
    assert response.status_code == 200
    assert response.data == world["pathology_bytes"]
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert accesses(app, made.id) == [("opened", None), ("file", world["pathology"])]
    file_events = [e for e in audit_log if e.category == "shared_document"]
    assert [(e.action, e.outcome, e.actor_id, e.patient_id, e.object_id, e.recipient)
            for e in file_events] == [
        ("view", "success", f"share:{made.id}", "p-maria", str(world["pathology"]), TEAM),
        ("download", "success", f"share:{made.id}", "p-maria", str(world["pathology"]), TEAM)]


def test_the_summary_pdf_and_the_zip_are_the_owners_exports_of_what_is_shared(
    app: Flask, team: FlaskClient, world: dict[str, Any], audit_log: list[AuditEvent]
) -> None:
    made = make_share(app, world["packet_id"])
    open_share(team, made)
    pdf = team.get(made.summary)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Maria Lopez" in text and "City Cancer Center" in text
    assert CONTACT_CANARY not in text
    archive = team.get(made.zip)
    assert archive.status_code == 200
    assert archive.headers["Referrer-Policy"] == "no-referrer"
    zf = zipfile.ZipFile(io.BytesIO(archive.data))
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["patient"] == {"name": "Maria Lopez", "date_of_birth": "1968-04-02"}
    assert len(manifest["files"]) == 2
    for entry in manifest["files"]:
        assert hashlib.sha256(zf.read(entry["path"])).hexdigest() == entry["sha256"]
    assert CONTACT_CANARY.encode() not in archive.data
    assert [w for w, _ in accesses(app, made.id)] == ["opened", "summary", "zip"]
    exports = [(e.action, e.category, e.outcome, e.object_id, e.recipient)
               for e in audit_log if e.category == "shared_export"]
    assert exports == [("export", "shared_export", "success", str(world["packet_id"]), TEAM)] * 2


def test_a_share_of_chosen_items_shows_and_sends_only_those(
    app: Flask, team: FlaskClient, world: dict[str, Any], audit_log: list[AuditEvent]
) -> None:
    made = make_share(app, world["packet_id"], item_keys=("pathology_reports",))
    open_share(team, made)
    page = _text(team.get(made.packet))
    assert "Pathology report.pdf" in page and "CT report.pdf" not in page
    assert "Central Lab" not in page  # slides go with the slides item only
    left_out = team.get(made.file(world["imaging"]))
    assert left_out.status_code == 404
    assert audit_log[-1].outcome == "not_found" and audit_log[-1].patient_id == "p-maria"
    zf = zipfile.ZipFile(io.BytesIO(team.get(made.zip).data))
    assert [f["name"] for f in json.loads(zf.read("manifest.json"))["files"]] == ["Pathology report.pdf"]
    assert not any(name.endswith("CT report.pdf") for name in zf.namelist())


def test_a_document_of_another_packet_is_not_found(
    app: Flask, client: FlaskClient, team: FlaskClient, world: dict[str, Any]
) -> None:
    lee = seed_packet(app, client, "p-lee")
    made = make_share(app, world["packet_id"])
    open_share(team, made)
    assert team.get(made.file(lee["pathology"])).status_code == 404
    assert team.get(made.file(999_999)).status_code == 404


def test_a_damaged_file_is_reported_never_sent(
    app: Flask, team: FlaskClient, world: dict[str, Any], audit_log: list[AuditEvent]
) -> None:
    made = make_share(app, world["packet_id"])
    open_share(team, made)
    with app.app_context():
        document = current_secondop.records.session.get(Document, world["pathology"])
        assert document is not None
        path = current_secondop.files._path(document.storage_key)  # type: ignore[attr-defined]
        current_secondop.records.session.close()
    path.write_bytes(b"x" * len(world["pathology_bytes"]))  # same size, other bytes
    for url in (made.file(world["pathology"]), made.summary, made.zip):
        response = team.get(url)
        assert response.status_code == 409, url
        assert "A stored file is damaged" in _text(response)
        assert "Pathology report.pdf" in _text(response)
        assert audit_log[-1].outcome == "error"
    assert [w for w, _ in accesses(app, made.id)] == ["opened"]


def test_the_pages_follow_the_language_the_host_picks(
    app: Flask, team: FlaskClient, world: dict[str, Any]
) -> None:
    made = make_share(app, world["packet_id"])
    page = _text(team.get(made.entry + "?lang=es"))
    assert 'lang="es"' in page
    assert 'lang="en"' in _text(team.get(made.entry))


def test_private_notes_and_the_contact_leave_in_no_shared_answer(
    app: Flask, team: FlaskClient, world: dict[str, Any]
) -> None:
    """Issue 13's private notes (Compare's opinions) and the share's contact:
    in none of the team's pages or files, the PDF and the ZIP unpacked too."""
    from oncokind_secondop.compare.models import Opinion, Worksheet

    from ..security.test_private_notes import CANARY, _holds_canary

    with app.app_context():
        records = current_secondop.records
        worksheet = records.add("p-maria", Worksheet(title="Choice", marks={}, version=1))
        records.flush()
        opinion = Opinion(position=1, doctor="Dr One", plan="Plan", diagnosis="Diagnosis",
                          patient_notes=f"{CANARY} I felt rushed.")
        worksheet.opinions.append(opinion)
        records.add("p-maria", opinion)
        records.commit()
    made = make_share(app, world["packet_id"])
    open_share(team, made)
    for url in (made.packet, made.file(world["pathology"]), made.summary, made.zip):
        response = team.get(url)
        assert response.status_code == 200, url
        assert not _holds_canary(response.get_data()), url
        assert CONTACT_CANARY.encode() not in response.get_data(), url


def test_a_failure_still_leaves_exactly_one_audit_event(
    app: Flask, team: FlaskClient, world: dict[str, Any], audit_log: list[AuditEvent],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fault inside the link's page or a team page: a 500, and exactly one event
    ("error" for a known share; before the link is read, a denied attempt by nobody). Flask's own error log names the
    failing path, so the entry's token would be in it: the token is not registered here."""
    from oncokind_secondop.share import services

    made = make_share(app, world["packet_id"])
    open_share(team, made)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer the 500 as in production

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "share_by_token", fail)
    monkeypatch.setattr(services, "shared_contents", fail)
    before = len(audit_log)
    assert team.get(made.entry).status_code == 500
    assert team.get(made.packet).status_code == 500
    assert [(e.outcome, e.actor_id) for e in audit_log[before:]] == [
        ("denied", None), ("error", f"share:{made.id}")]  # the link unread: nobody known
