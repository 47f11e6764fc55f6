"""Making a share on the patient's pages: the link and the code are shown
once (a 200 page, never cached), the code really opens the share, nothing is
stored in clear, the signal carries both for the host's mail service, and
neither reaches an audit event, a log, a flash message or the session. Form
mistakes keep what was typed; the limit is said up front and on saving."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Share
from oncokind_secondop.share import services
from oncokind_secondop.share.services import CodeResult
from oncokind_secondop.signals import AuditEvent, ShareNotice, share_created

from ..conftest import _reset_database
from ..fake_host import create_app
from ._patient_helpers import ShareHelper, share_form

BASE = "/second-opinion/packet"


@pytest.fixture
def shares(app: Flask, client: FlaskClient) -> ShareHelper:
    helper = ShareHelper(app, client)
    client.get("/test-login/p-maria")
    return helper


@pytest.fixture
def notices(app: Flask) -> Iterator[list[ShareNotice]]:
    got: list[ShareNotice] = []

    def receive(sender: Flask, share: ShareNotice) -> None:
        assert sender is app
        got.append(share)

    share_created.connect(receive, sender=app)
    yield got
    share_created.disconnect(receive, sender=app)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(f"{record.getMessage()} {record.args!r} {record.exc_text or ''}")


def _rows(app: Flask) -> list[Share]:
    with app.app_context():
        session = current_secondop.records.session
        rows = list(session.scalars(select(Share).order_by(Share.id)))
        session.expunge_all()
        return rows


def test_the_link_and_code_are_shown_once_and_open_the_share(
    app: Flask, client: FlaskClient, shares: ShareHelper, notices: list[ShareNotice],
    audit_log: list[AuditEvent],
) -> None:
    packet_id = shares.create()
    handler = _Records()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        made = shares.make(packet_id, scope="some", item_keys=["pathology_reports", "imaging_reports"])
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)

    response = made.response
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "We show the code only now." in page and "phone" in page
    with app.test_request_context():
        assert made.link == url_for("secondop.shared_entry", token=made.token, _external=True)
    assert made.link.startswith("http://localhost/")
    assert len(made.code) == 11 and made.code[5] == "-"

    # Nothing in clear in the database; the code opens the share (the team's check).
    [row] = _rows(app)
    stored = " ".join(str(v) for v in vars(row).values())
    assert made.token not in stored and services.normalize_code(made.code) not in stored
    assert row.item_keys == "pathology_reports imaging_reports"
    assert (row.team_name, row.contact, row.created_by) == ("Lakeside Oncology", "Dr Ruiz 555-0100", "p-maria")
    assert (row.patient_name, str(row.patient_birth_date)) == ("Maria Lopez", "1968-04-02")
    assert abs(services.as_utc(row.expires_at) - (datetime.now(UTC) + timedelta(days=14))) < timedelta(minutes=5)
    with app.app_context():
        store = current_secondop.records
        share = services.share_by_token(store, made.token)
        assert share.id == row.id
        assert services.try_code(store, share, made.code, max_attempts=5) is CodeResult.ACCEPTED
        store.session.rollback()

    # The host's mail service gets the link and the code.
    [notice] = notices
    assert (notice.share_id, notice.patient_id, notice.actor_id) == (row.id, "p-maria", "p-maria")
    assert (notice.url, notice.code, notice.team_name) == (made.link, made.code, "Lakeside Oncology")

    # One export event naming the share and the team; no secret anywhere else.
    creates = [e for e in audit_log if e.endpoint == "secondop.packet_share_create"]
    assert [(e.action, e.category, e.outcome, e.object_id, e.recipient) for e in creates] == [
        ("export", "packet_share", "success", str(row.id), "Lakeside Oncology")]
    secrets = (made.token, made.code, services.normalize_code(made.code))
    for event in audit_log:
        assert not any(s in str(event.as_dict()) for s in secrets)
    assert not any(s in text for text in handler.texts for s in secrets)
    with client.session_transaction() as session:
        assert not any(s in repr(dict(session)) for s in secrets)
    # Shown only once: the list never shows them again.
    listing = client.get(f"{BASE}/{packet_id}/shares").get_data(as_text=True)
    assert not any(s in listing for s in secrets) and "Lakeside Oncology" in listing


def test_a_form_with_mistakes_keeps_everything_typed(
    app: Flask, client: FlaskClient, shares: ShareHelper, notices: list[ShareNotice],
    audit_log: list[AuditEvent],
) -> None:
    packet_id = shares.create()
    response = client.post(f"{BASE}/{packet_id}/shares/new", data=share_form(
        team_name="", contact="My own note", days="91", scope="some"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please enter the name of the team or doctor." in page
    assert "Please choose between 1 and 90 days." in page
    assert "Please choose at least one item to share, or share everything." in page
    assert 'value="My own note"' in page and 'value="91"' in page
    assert re.search(r'<input checked[^>]*name="scope"[^>]*value="some"', page)

    response = client.post(f"{BASE}/{packet_id}/shares/new", data=share_form(
        team_name="x" * 201, days="0", scope="some", item_keys=["pathology_reports"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Please choose between 1 and 90 days." in page
    assert "This answer is too long. Please keep it under 200 characters." in page
    assert re.search(r'<input checked[^>]*name="item_keys"[^>]*value="pathology_reports"', page)
    response = client.post(f"{BASE}/{packet_id}/shares/new", data=share_form(scope="some", item_keys=["nope"]))
    assert response.status_code == 400
    # Boxes ticked while "everything" is chosen come back ticked with another mistake.
    response = client.post(f"{BASE}/{packet_id}/shares/new", data=share_form(
        team_name=" ", scope="all", item_keys=["imaging_reports"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'<input checked[^>]*name="item_keys"[^>]*value="imaging_reports"', page)

    assert _rows(app) == [] and notices == []
    creates = [e for e in audit_log if e.endpoint == "secondop.packet_share_create"]
    assert [(e.action, e.outcome) for e in creates] == [("export", "invalid")] * 4


def test_the_form_starts_with_the_default_days_and_everything(client: FlaskClient, shares: ShareHelper,
                                                              audit_log: list[AuditEvent]) -> None:
    packet_id = shares.create()
    response = client.get(f"{BASE}/{packet_id}/shares/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="days"' in page and 'value="14"' in page
    assert "Pathology reports" in page  # the checklist titles as checkboxes
    assert [(e.action, e.category) for e in audit_log if e.endpoint == "secondop.packet_share_new"] == [
        ("view", "packet_share")]


def test_at_the_limit_the_page_says_so_and_saving_is_refused(tmp_path: Any) -> None:
    app = create_app(tmp_path, {"SECONDOP_MAX_SHARES_PER_PACKET": 2})
    _reset_database(app)
    client = app.test_client()
    helper = ShareHelper(app, client)
    client.get("/test-login/p-maria")
    packet_id = helper.create()
    helper.make(packet_id)
    helper.make(packet_id)
    message = "A packet can have up to 2 shares. To make another, delete a share that has ended."
    form_page = client.get(f"{BASE}/{packet_id}/shares/new").get_data(as_text=True)
    assert message in form_page and 'name="team_name"' not in form_page
    listing = client.get(f"{BASE}/{packet_id}/shares").get_data(as_text=True)
    assert message in listing and "Make a new share" not in listing
    response = client.post(f"{BASE}/{packet_id}/shares/new", data=share_form(team_name="Third team"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and 'value="Third team"' in page
    assert len(_rows(app)) == 2
    with app.app_context():
        current_secondop.records.engine.dispose()


def test_a_caregiver_the_host_does_not_allow_to_export_cannot_share(
    app: Flask, client: FlaskClient, shares: ShareHelper, notices: list[ShareNotice],
) -> None:
    packet_id = shares.create()
    app.extensions["secondop"].auth._permission = lambda user, patient_id, action: \
        user.id != "c-sam" or action != "export"
    client.get("/test-logout")
    client.get("/test-login/c-sam")
    listing = client.get(f"{BASE}/{packet_id}/shares")
    assert listing.status_code == 200 and "Make a new share" not in listing.get_data(as_text=True)
    response = client.post(f"{BASE}/{packet_id}/shares/new", data=share_form())
    assert response.status_code == 404
    assert _rows(app) == [] and notices == []
    # The same caregiver, allowed to export, shares for Maria; the row says who made it.
    app.extensions["secondop"].auth._permission = None
    made = shares.make(packet_id)
    assert made.code and _rows(app)[0].created_by == "c-sam"
    assert notices[0].actor_id == "c-sam" and notices[0].patient_id == "p-maria"
