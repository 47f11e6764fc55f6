"""The patient's list of shares: each share's state and "who looked" (what
the services recorded, newest first, with a count), a locked share said
plainly; revoking ends a share at once; deleting only once it has ended,
with its history; another patient's packet or share is a 404; with sharing
switched off, no route and no link."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Document, Share, ShareAccess
from oncokind_secondop.share import services
from oncokind_secondop.share.services import CodeResult, ShareState
from oncokind_secondop.signals import AuditEvent

from ..conftest import _reset_database
from ..fake_host import create_app
from ..packet.conftest import PacketHelper
from ..uploads.samples import pdf_bytes
from ._patient_helpers import Made, ShareHelper, share_form

BASE = "/second-opinion/packet"


@pytest.fixture
def shares(app: Flask, client: FlaskClient) -> ShareHelper:
    helper = ShareHelper(app, client)
    client.get("/test-login/p-maria")
    return helper


def _with_share(app: Flask, made: Made, work: Any) -> Any:
    with app.app_context():
        store = current_secondop.records
        share = services.share_by_token(store, made.token)
        result = work(store, share)
        store.session.commit()
        store.session.expunge_all()
        return result


def _share_rows(app: Flask) -> list[tuple[int, Any]]:
    with app.app_context():
        session = current_secondop.records.session
        rows = [(s.id, s.revoked_at) for s in session.scalars(select(Share).order_by(Share.id))]
        session.rollback()
        return rows


def _access_count(app: Flask) -> int:
    with app.app_context():
        session = current_secondop.records.session
        count = len(session.scalars(select(ShareAccess)).all())
        session.rollback()
        return count


def test_the_list_shows_who_looked_newest_first(app: Flask, client: FlaskClient, shares: ShareHelper) -> None:
    packet_id = shares.create()
    assert shares.upload(packet_id, "pathology_reports",
                         [(pdf_bytes(), "biopsy report.pdf"), (pdf_bytes(2), "old scan.pdf")]).status_code == 303
    kept, gone = shares.all(Document, packet_id=packet_id)
    made = shares.make(packet_id, team_name="Lakeside Oncology", scope="some", item_keys=["pathology_reports"])

    def visits(store: Any, share: Share) -> None:
        assert services.try_code(store, share, "WRONG-CODE1", max_attempts=5) is CodeResult.WRONG
        assert services.try_code(store, share, made.code, max_attempts=5) is CodeResult.ACCEPTED
        for what in ("summary", "zip", "fhir"):
            services.record_access(store, share, what)
        services.record_access(store, share, "file", document_id=kept.id)
        services.record_access(store, share, "file", document_id=gone.id)

    _with_share(app, made, visits)
    deleted = client.post(f"{BASE}/{packet_id}/documents/{gone.id}/delete")
    assert deleted.status_code in (302, 303), deleted.status_code
    assert [d.id for d in shares.all(Document, packet_id=packet_id)] == [kept.id]

    page = client.get(shares.shares_url(packet_id)).get_data(as_text=True)
    assert "Used or tried 7 times." in page
    assert "Active until" in page and "Pathology reports" in page and "Dr Ruiz 555-0100" in page
    lines = [
        "Downloaded a file you have since deleted",
        "Downloaded the file biopsy report.pdf",
        "Downloaded the file for their computer system (FHIR)",
        "Downloaded everything as a ZIP file",
        "Downloaded the PDF summary",
        "Opened with the code",
        "Someone typed a wrong code",
    ]
    positions = [page.index(line) for line in lines]
    assert positions == sorted(positions), "newest first"
    assert "A share is locked" not in page


def test_a_locked_share_is_shown_plainly(app: Flask, client: FlaskClient, shares: ShareHelper) -> None:
    packet_id = shares.create()
    made = shares.make(packet_id)

    def lock(store: Any, share: Share) -> None:
        for _ in range(3):
            services.try_code(store, share, "AAAAA-AAAAA", max_attempts=3)

    _with_share(app, made, lock)
    page = client.get(shares.shares_url(packet_id)).get_data(as_text=True)
    assert "A share is locked" in page and 'role="alert"' in page
    assert "make a new share and give them the new code" in page
    assert "so-share--locked" in page and "Locked after too many wrong codes" in page
    assert "End this share now" not in page and "Delete this share" in page  # it has ended


def test_revoke_ends_the_share_at_once(app: Flask, client: FlaskClient, shares: ShareHelper,
                                       audit_log: list[AuditEvent]) -> None:
    packet_id = shares.create()
    made = shares.make(packet_id)
    [(share_id, _)] = _share_rows(app)
    response = client.post(f"{BASE}/{packet_id}/shares/{share_id}/revoke")
    assert response.status_code == 302 and response.location.endswith(f"/packet/{packet_id}/shares")
    assert _share_rows(app)[0][1] is not None

    def check(store: Any, share: Share) -> None:
        assert services.share_state(share) is ShareState.REVOKED
        assert services.try_code(store, share, made.code, max_attempts=5) is CodeResult.WRONG

    _with_share(app, made, check)
    page = client.get(shares.shares_url(packet_id)).get_data(as_text=True)
    assert "The share has ended. The link and the code no longer work." in page
    assert "You ended it on" in page and "End this share now" not in page
    events = [(e.action, e.category, e.outcome, e.object_id) for e in audit_log
              if e.endpoint == "secondop.packet_share_revoke"]
    assert events == [("change", "packet_share", "success", str(share_id))]


def test_delete_only_once_the_share_has_ended(app: Flask, client: FlaskClient, shares: ShareHelper,
                                              audit_log: list[AuditEvent]) -> None:
    packet_id = shares.create()
    made = shares.make(packet_id)
    _with_share(app, made, lambda store, share: services.record_access(store, share, "summary"))
    [(share_id, _)] = _share_rows(app)
    url = f"{BASE}/{packet_id}/shares/{share_id}/delete"
    response = client.post(url)  # still active: refused, nothing removed
    assert response.status_code == 302 and len(_share_rows(app)) == 1 and _access_count(app) == 1
    page = client.get(shares.shares_url(packet_id)).get_data(as_text=True)
    assert "This share is still active. End it first, then you can delete it." in page
    assert "Delete this share" not in page
    client.post(f"{BASE}/{packet_id}/shares/{share_id}/revoke")
    page = client.get(shares.shares_url(packet_id)).get_data(as_text=True)
    assert "Deleting removes this share and its list of who looked." in page
    assert client.post(url).status_code == 302
    assert _share_rows(app) == [] and _access_count(app) == 0
    page = client.get(shares.shares_url(packet_id)).get_data(as_text=True)
    assert "The share and its list of visits were deleted." in page and "You have not shared" in page
    outcomes = [(e.action, e.outcome) for e in audit_log if e.endpoint == "secondop.packet_share_delete"]
    assert outcomes == [("delete", "invalid"), ("delete", "success")]


def test_another_patient_gets_404_for_the_packet_and_the_share(
    app: Flask, client: FlaskClient, shares: ShareHelper, audit_log: list[AuditEvent],
) -> None:
    packet_id = shares.create()
    shares.make(packet_id)
    other_packet = shares.create("Second Center")
    [(share_id, _)] = _share_rows(app)
    # Maria's own share id under another of her packets is not found either.
    assert client.post(f"{BASE}/{other_packet}/shares/{share_id}/revoke").status_code == 404
    client.get("/test-logout")
    client.get("/test-login/p-lee")
    for method, url, data in (
        ("get", f"{BASE}/{packet_id}/shares", None),
        ("get", f"{BASE}/{packet_id}/shares/new", None),
        ("post", f"{BASE}/{packet_id}/shares/new", share_form(team_name="Lee's team")),
        ("post", f"{BASE}/{packet_id}/shares/{share_id}/revoke", None),
        ("post", f"{BASE}/{packet_id}/shares/{share_id}/delete", None),
    ):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, (method, url)
        assert "Lakeside" not in response.get_data(as_text=True)
    assert len(_share_rows(app)) == 1 and _share_rows(app)[0][1] is None
    lee = [e for e in audit_log if e.actor_id == "p-lee" and e.category == "packet_share"]
    assert len(lee) == 5 and {e.outcome for e in lee} == {"not_found"}


@pytest.fixture
def unshared(tmp_path: Any) -> Iterator[Flask]:
    app = create_app(tmp_path, {"SECONDOP_CAPABILITIES": ["learn", "packet", "compare"]})
    _reset_database(app)
    yield app
    with app.app_context():
        current_secondop.records.engine.dispose()


def test_with_sharing_off_the_routes_are_gone_and_the_packet_has_no_link(
    unshared: Flask, app: Flask, client: FlaskClient, shares: ShareHelper,
) -> None:
    packet_id = shares.create()
    on = client.get(f"{BASE}/{packet_id}").get_data(as_text=True)
    assert f'href="{BASE}/{packet_id}/shares"' in on
    off = unshared.test_client()
    off.get("/test-login/p-maria")
    off_id = PacketHelper(unshared, off).create()
    page = off.get(f"{BASE}/{off_id}").get_data(as_text=True)
    assert "/shares" not in page and "Share with the team" not in page
    assert not [r for r in unshared.url_map.iter_rules() if "share" in r.endpoint]
    for method, url in (("get", f"{BASE}/{off_id}/shares"), ("get", f"{BASE}/{off_id}/shares/new"),
                        ("post", f"{BASE}/{off_id}/shares/new"), ("post", f"{BASE}/{off_id}/shares/1/revoke"),
                        ("post", f"{BASE}/{off_id}/shares/1/delete")):
        assert getattr(off, method)(url).status_code == 404, url
