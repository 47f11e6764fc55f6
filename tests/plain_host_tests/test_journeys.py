"""The plain host (tests/plain_host: its own session login, raw sqlite3, no
Flask-Login, no Flask-SQLAlchemy, no CSRF of its own) runs the main journeys,
mounted exactly as docs/hosting.md says."""
from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.compare.models import Opinion
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import ChecklistItem, Document, Packet

from ..compare.conftest import opinion_data
from ..guards import PatientSecrets
from ..plain_host import PASSWORD, PEOPLE, create_app
from ..uploads.samples import pdf_bytes

#: The host in the trial ran its own suite with warnings as errors; so does this one.
# One exception, not ours: WeasyPrint's PDF/A writer leaves its sRGB colour profile file open
# (weasyprint/pdf/__init__.py, ColorProfile(open(...))); the summary is PDF/A-3b since issue 15.
pytestmark = [
    pytest.mark.filterwarnings("error"),
    pytest.mark.filterwarnings("ignore:Exception ignored in.*sRGB2014.icc:pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore:unclosed file.*sRGB2014.icc:ResourceWarning"),
]

PREFIX = "/second-opinion"
ROSA, TOM = "rosa@clinic.test", "tom@clinic.test"


def make_host(tmp_path: Path, *, csrf: bool) -> Flask:
    """The plain host with the package's tables made as the guide says
    (``flask secondop db-upgrade``); CSRF off in tests, as the guide says,
    unless a test checks it."""
    app = create_app(tmp_path, {"TESTING": True, "WTF_CSRF_ENABLED": csrf})
    result = app.test_cli_runner().invoke(args=["secondop", "db-upgrade"])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def host(tmp_path: Path, patient_secrets: PatientSecrets) -> Iterator[Flask]:
    # The plain host's names and emails must stay out of every log line too.
    for email, (name, born) in PEOPLE.items():
        patient_secrets.add(email, name, born)
    app = make_host(tmp_path, csrf=False)
    yield app
    with app.app_context():
        current_secondop.records.engine.dispose()


def sign_in(client: FlaskClient, email: str, next_page: str = "") -> str:
    response = client.post("/login", data={"email": email, "password": PASSWORD, "next": next_page})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def patient_id(host: Flask, email: str) -> str:
    """The package's patient id is the users table's id, as a string."""
    from ..plain_host import get_db

    with host.app_context():
        return str(get_db().execute("SELECT id FROM user WHERE email = ?", (email,)).fetchone()["id"])


def new_packet(client: FlaskClient) -> int:
    response = client.post(f"{PREFIX}/packet/new", data={
        "center_name": "River Cancer Institute", "consult_questions": "Is surgery the best first step?",
        "proposed_plan": "Surgery, then chemotherapy", "plan_goal": "To remove the cancer", "version": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rstrip("/").rsplit("/", 1)[-1])


def item_id(host: Flask, patient: str, packet_id: int, key: str) -> int:
    with host.app_context():
        (item,) = current_secondop.records.list(ChecklistItem, patient, where={"packet_id": packet_id, "key": key})
        return item.id


def upload(client: FlaskClient, packet_id: int, item: int, content: bytes, name: str,
           headers: dict[str, str] | None = None) -> int:
    response = client.post(f"{PREFIX}/packet/{packet_id}/items/{item}/upload",
                           data={"file": [(io.BytesIO(content), name)]},
                           content_type="multipart/form-data", headers=headers or {})
    return response.status_code


def documents(host: Flask, patient: str, packet_id: int) -> list[tuple[int, str]]:
    with host.app_context():
        return [(d.id, d.sha256) for d in current_secondop.records.list(Document, patient)
                if d.item.packet_id == packet_id]


# -- the journeys ----------------------------------------------------------------


def test_anonymous_visitors_go_to_the_hosts_own_login_and_come_back(host: Flask) -> None:
    client = host.test_client()
    for path in (f"{PREFIX}/packet/", f"{PREFIX}/compare/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.location == f"/login?next={path}"
    page = client.get("/login?next=%2Fsecond-opinion%2Fpacket%2F").get_data(as_text=True)
    assert "Plain Clinic sign-in" in page
    assert sign_in(client, ROSA, f"{PREFIX}/packet/") == f"{PREFIX}/packet/"
    assert client.get(f"{PREFIX}/packet/").status_code == 200


def test_a_wrong_url_under_the_prefix_gets_the_packages_404_in_the_hosts_layout(host: Flask) -> None:
    """The host's user-loading hook was registered before init_app, as the guide
    says, so even the package's early 404 answer sees who is signed in."""
    client = host.test_client()
    sign_in(client, ROSA)
    response = client.get(f"{PREFIX}/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert 'id="plain-host-nav"' in page and "Rosa Alvarez" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/no-such-page").status_code == 404  # the host's own 404 elsewhere


def test_hub_in_the_hosts_layout_with_the_package_styles(host: Flask) -> None:
    client = host.test_client()
    sign_in(client, ROSA)
    page = client.get(f"{PREFIX}/").get_data(as_text=True)
    assert 'id="plain-host-nav"' in page and "Rosa Alvarez" in page  # the host's layout and g.user
    assert f"{PREFIX}/static/secondop/secondop.css" in page  # the layout's head block took our styles
    for endpoint_path in ("/learn/", "/packet/", "/compare/"):
        assert f'href="{PREFIX}{endpoint_path}' in page, endpoint_path


def test_a_packet_with_an_upload_its_download_and_both_exports(host: Flask) -> None:
    client = host.test_client()
    sign_in(client, ROSA)
    rosa = patient_id(host, ROSA)
    packet_id = new_packet(client)
    assert client.get(f"{PREFIX}/packet/{packet_id}").status_code == 200
    pdf = pdf_bytes()
    assert upload(client, packet_id, item_id(host, rosa, packet_id, "pathology_reports"), pdf,
                  "Pathology report.pdf") == 303
    ((doc_id, sha256),) = documents(host, rosa, packet_id)

    download = client.get(f"{PREFIX}/packet/{packet_id}/documents/{doc_id}/download")
    assert download.status_code == 200 and download.data == pdf
    assert download.headers["Content-Disposition"].startswith("attachment;")

    summary = client.get(f"{PREFIX}/packet/{packet_id}/export/summary.pdf")
    assert summary.status_code == 200 and summary.mimetype == "application/pdf"
    assert summary.data.startswith(b"%PDF-")

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{PREFIX}/packet/{packet_id}/export/packet.zip").data))
    manifest = json.loads(archive.read(next(n for n in archive.namelist() if n.endswith("manifest.json"))))
    assert sha256 in json.dumps(manifest)
    stored = [n for n in archive.namelist() if n.endswith(".pdf") and archive.read(n) == pdf]
    assert stored, archive.namelist()  # the uploaded file, byte for byte


def test_sharing_page_of_a_packet(host: Flask) -> None:
    client = host.test_client()
    sign_in(client, ROSA)
    packet_id = new_packet(client)
    page = client.get(f"{PREFIX}/packet/{packet_id}/shares")
    assert page.status_code == 200
    assert client.get(f"{PREFIX}/packet/{packet_id}/shares/new").status_code == 200


def test_compare_two_opinions_side_by_side(host: Flask) -> None:
    client = host.test_client()
    sign_in(client, ROSA)
    response = client.post(f"{PREFIX}/compare/new", data={"title": "Surgery or radiation", "notes": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    worksheet_id = int(response.location.rstrip("/").rsplit("/", 1)[-1])
    for n in (1, 2):
        form = client.get(f"{PREFIX}/compare/{worksheet_id}/opinions/new").get_data(as_text=True)
        version = re.search(r'name="version" type="hidden" value="(\d+)"', form)
        assert version, "the opinion form carries the worksheet's version"
        response = client.post(f"{PREFIX}/compare/{worksheet_id}/opinions/new",
                               data={**opinion_data(n), "version": version.group(1)})
        assert response.status_code == 302, response.get_data(as_text=True)
    with host.app_context():
        assert current_secondop.records.count(Opinion, patient_id(host, ROSA),
                                              where={"worksheet_id": worksheet_id}) == 2
    page = client.get(f"{PREFIX}/compare/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert "Dr Ortiz1" in page and "Dr Ortiz2" in page


def test_another_user_gets_404_on_the_first_users_packet(host: Flask) -> None:
    rosa_client, tom_client = host.test_client(), host.test_client()
    sign_in(rosa_client, ROSA)
    rosa = patient_id(host, ROSA)
    packet_id = new_packet(rosa_client)
    upload(rosa_client, packet_id, item_id(host, rosa, packet_id, "clinic_notes"), pdf_bytes(), "Notes.pdf")
    ((doc_id, _),) = documents(host, rosa, packet_id)

    sign_in(tom_client, TOM)
    for path in (f"/packet/{packet_id}", f"/packet/{packet_id}/documents/{doc_id}/download",
                 f"/packet/{packet_id}/export/summary.pdf", f"/packet/{packet_id}/export/packet.zip",
                 f"/packet/{packet_id}/shares"):
        assert tom_client.get(PREFIX + path).status_code == 404, path
    assert "River Cancer Institute" not in tom_client.get(f"{PREFIX}/packet/").get_data(as_text=True)
    with host.app_context():
        assert current_secondop.records.count(Packet, rosa) == 1  # still Rosa's, untouched


# -- CSRF: on in production; the package checks it with the host's Flask-WTF ----------


def test_with_csrf_on_an_upload_needs_the_token_in_its_header(tmp_path: Path) -> None:
    host = make_host(tmp_path, csrf=True)
    client = host.test_client()
    sign_in(client, ROSA)  # the host's own login form has no token (the host has no CSRF)
    rosa = patient_id(host, ROSA)
    form = client.get(f"{PREFIX}/packet/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert token, "the package's forms carry Flask-WTF's token"
    data = {"center_name": "River Cancer Institute", "consult_questions": "Which treatment first?",
            "proposed_plan": "Surgery", "plan_goal": "To remove the cancer", "version": "0"}
    assert client.post(f"{PREFIX}/packet/new", data=data).status_code == 400  # no token
    response = client.post(f"{PREFIX}/packet/new", data={**data, "csrf_token": token.group(1)})
    assert response.status_code == 302
    packet_id = int(response.location.rsplit("/", 1)[-1])
    item = item_id(host, rosa, packet_id, "clinic_notes")
    assert upload(client, packet_id, item, pdf_bytes(), "Notes.pdf") == 400
    assert upload(client, packet_id, item, pdf_bytes(), "Notes.pdf", {"X-CSRFToken": token.group(1)}) == 303
    assert len(documents(host, rosa, packet_id)) == 1
    with host.app_context():
        current_secondop.records.engine.dispose()
