"""Access: every packet route is scoped by patient. Lee gets 404 on every one
of Maria's URLs; Sam (Maria's caregiver) does everything for her; a child
object under the wrong packet is a 404 too."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from oncokind_secondop.packet.models import Document, Facility, Share, SlideRecord, TimelineEvent

from .conftest import BASE

ARGUMENT_SOURCES = {"packet_id", "item_id", "doc_id", "event_id", "facility_id", "slide_id", "share_id"}


def _maria_world(packets, client, sample_pdf) -> dict[str, int]:
    """One of each object for Maria, with real ids."""
    packet_id = packets.create("City Cancer Center")
    packets.upload(packet_id, "pathology_reports", [(sample_pdf, "report.pdf")])
    packets.add_event(packet_id, "Biopsy", 2024, 3, 1)
    client.post(
        f"{BASE}/{packet_id}/slides", data={"lab": "Valley Pathology", "material": "original"}
    )
    client.post(
        f"{BASE}/{packet_id}/requests/new",
        data={
            "name": "General Hospital",
            "requested_items": ["pathology_reports"],
            "send_to_me": "y",
            "version": "0",
        },
    )
    # The patient's share pages are packet routes too (the team's pages are not).
    client.post(f"{BASE}/{packet_id}/shares/new", data={"team_name": "Lakeside", "days": "14", "scope": "all"})
    return {
        "packet_id": packet_id,
        "item_id": packets.item_id(packet_id, "pathology_reports"),
        "doc_id": packets.all(Document, packet_id=packet_id)[0].id,
        "event_id": packets.all(TimelineEvent, packet_id=packet_id)[0].id,
        "facility_id": packets.all(Facility, packet_id=packet_id)[0].id,
        "slide_id": packets.all(SlideRecord, packet_id=packet_id)[0].id,
        "share_id": packets.all(Share, packet_id=packet_id)[0].id,
    }


def _packet_routes(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("secondop.packet_")]
    assert len(rules) >= 20
    return rules


def test_every_packet_route_answers_404_to_another_patient(
    app, client, auth, packets, sample_pdf, audit_log, tmp_path
):
    auth.login("p-maria")
    ids = _maria_world(packets, client, sample_pdf)
    files_before = sorted(p.name for p in (tmp_path / "files").rglob("*") if p.is_file())
    auth.logout()
    auth.login("p-lee")
    checked = 0
    for rule in _packet_routes(app):
        if not rule.arguments:
            continue
        assert rule.arguments <= ARGUMENT_SOURCES, rule.rule
        url = rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            del audit_log[:]
            if rule.endpoint == "secondop.packet_upload":
                response = client.post(
                    url,
                    data={"file": (io.BytesIO(sample_pdf), "x.pdf")},
                    content_type="multipart/form-data",
                )
            else:
                response = client.open(
                    url,
                    method=method,
                    data={
                        "center_name": "Hacked",
                        "status": "received",
                        "version": "1",
                        "year": "2024",
                        "title": "x",
                        "kind": "test",
                        "name": "x",
                        "requested_items": ["pathology_reports"],
                        "lab": "x",
                        "received_on": "2026-01-01",
                        "material": "recut",
                    },
                )
            assert response.status_code == 404, (method, rule.rule, response.status_code)
            assert b"Maria" not in response.data and b"City Cancer Center" not in response.data
            assert [e.outcome for e in audit_log] == ["not_found"], (method, rule.rule)
            assert audit_log[0].patient_id == "p-lee"
            checked += 1
    assert checked >= 25
    # nothing of Maria's changed
    auth.logout()
    auth.login("p-maria")
    html = client.get(f"{BASE}/{ids['packet_id']}").get_data(as_text=True)
    assert "City Cancer Center" in html and "Hacked" not in html
    assert sorted(p.name for p in (tmp_path / "files").rglob("*") if p.is_file()) == files_before
    assert (
        client.get(f"{BASE}/{ids['packet_id']}/documents/{ids['doc_id']}/download").data
        == sample_pdf
    )


def test_lee_sees_only_his_own_packets(client, auth, packets):
    auth.login("p-maria")
    packets.create("Maria's Center")
    auth.logout()
    auth.login("p-lee")
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Maria" not in html


def test_anonymous_is_sent_to_login_on_every_route(app, client, auth, packets, sample_pdf):
    auth.login("p-maria")
    ids = _maria_world(packets, client, sample_pdf)
    auth.logout()
    for rule in _packet_routes(app):
        url = rule.build({name: ids[name] for name in rule.arguments}, append_unknown=False)[1]
        method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.location, rule.rule


def test_children_of_another_packet_of_the_same_patient_are_404(client, auth, packets, sample_pdf):
    auth.login("p-maria")
    ids = _maria_world(packets, client, sample_pdf)
    other = packets.create("University Hospital")
    for url in (
        f"{BASE}/{other}/documents/{ids['doc_id']}/download",
        f"{BASE}/{other}/documents/{ids['doc_id']}/delete",
        f"{BASE}/{other}/items/{ids['item_id']}",
        f"{BASE}/{other}/timeline/{ids['event_id']}",
        f"{BASE}/{other}/requests/{ids['facility_id']}",
        f"{BASE}/{other}/requests/{ids['facility_id']}/letter",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"{BASE}/{other}/slides/{ids['slide_id']}/delete",
        f"{BASE}/{other}/timeline/{ids['event_id']}/delete",
        f"{BASE}/{other}/documents/{ids['doc_id']}/delete",
        f"{BASE}/{other}/requests/{ids['facility_id']}/delete",
    ):
        assert client.post(url).status_code == 404, url
    assert len(packets.all(Document, packet_id=ids["packet_id"])) == 1


def test_revoked_caregiver_loses_access_on_the_next_request(app, client, auth, packets):
    auth.login("c-sam")
    packet_id = packets.create()
    assert client.get(f"{BASE}/{packet_id}").status_code == 200
    app.extensions["fake_directory"].links.discard(("c-sam", "p-maria"))
    assert client.get(f"{BASE}/{packet_id}").status_code == 403


@pytest.mark.parametrize("user", ["p-maria", "c-sam"])
def test_done_when_flow(client, auth, packets, sample_pdf, sample_dicom_zip, audit_log, user):
    """Create a packet, mark items, upload a PDF and a DICOM ZIP, add timeline
    events, see the gaps, download the PDF summary and the ZIP, and find every
    file in the ZIP byte-identical with its manifest hash."""
    auth.login(user)
    packet_id = packets.create("City Cancer Center")
    packets.set_status(packet_id, "pathology_reports", "received")
    packets.set_status(packet_id, "imaging_files", "received")
    packets.set_status(packet_id, "operative_notes", "not_applicable")
    assert (
        packets.upload(packet_id, "pathology_reports", [(sample_pdf, "pathology.pdf")]).status_code
        == 303
    )
    assert (
        packets.upload(packet_id, "imaging_files", [(sample_dicom_zip, "ct.zip")]).status_code
        == 303
    )
    packets.add_event(packet_id, "Lump found", 2024, 1)
    packets.add_event(packet_id, "Biopsy", 2024, 2, 12)
    gaps = client.get(f"{BASE}/{packet_id}/gaps").get_data(as_text=True)
    assert "3 of 11 are ready" in gaps and "Slides and blocks" in gaps
    pdf = client.get(f"{BASE}/{packet_id}/export/summary.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    body = client.get(f"{BASE}/{packet_id}/export/packet.zip").get_data()
    archive = zipfile.ZipFile(io.BytesIO(body))
    import hashlib
    import json

    manifest = json.loads(archive.read("manifest.json"))
    assert len(manifest["files"]) == 2
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    assert {e.patient_id for e in audit_log} == {"p-maria"}
    assert {e.actor_id for e in audit_log} == {user}
    assert all(e.outcome == "success" for e in audit_log)
    if user == "c-sam":
        html = client.get(f"{BASE}/{packet_id}").get_data(as_text=True)
        assert re.search(r"You are acting for Maria Lopez", html)
        assert all(e.on_behalf for e in audit_log)


def test_csrf_is_required_on_every_form(tmp_path):
    from ..conftest import _reset_database
    from ..fake_host import create_app

    app = create_app(tmp_path, csrf=True)
    _reset_database(app)
    client = app.test_client()
    client.get("/test-login/p-maria")
    page = client.get(f"{BASE}/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"{BASE}/new", data={"center_name": "X", "version": "0"}).status_code == 400
    response = client.post(
        f"{BASE}/new", data={"center_name": "X", "version": "0", "csrf_token": token}
    )
    packet_id = int(response.location.rsplit("/", 1)[-1])
    event = {"year": "2024", "kind": "test", "title": "Scan", "version": "0"}
    assert client.post(f"{BASE}/{packet_id}/timeline", data=event).status_code == 400
    timeline = client.get(f"{BASE}/{packet_id}/timeline").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', timeline).group(1)
    assert (
        client.post(f"{BASE}/{packet_id}/timeline", data={**event, "csrf_token": token}).status_code
        == 302
    )
    timeline = client.get(f"{BASE}/{packet_id}/timeline").get_data(as_text=True)
    # the repeated delete forms carry the token without duplicate ids
    assert timeline.count('id="csrf_token"') == 1
    row_token = re.search(
        r'<input type="hidden" name="csrf_token" value="([^"]+)">', timeline
    ).group(1)
    event_id = re.search(r"/timeline/(\d+)/delete", timeline).group(1)
    assert client.post(f"{BASE}/{packet_id}/timeline/{event_id}/delete").status_code == 400
    assert (
        client.post(
            f"{BASE}/{packet_id}/timeline/{event_id}/delete", data={"csrf_token": row_token}
        ).status_code
        == 302
    )


def test_view_only_caregiver_sees_the_item_but_cannot_save_it(tmp_path):
    from ..conftest import _reset_database
    from ..fake_host import create_app

    app = create_app(tmp_path)
    _reset_database(app)
    auth = app.extensions["secondop"].auth
    auth._permission = lambda user, patient_id, action: user.id != "c-sam" or action == "view"
    client = app.test_client()
    client.get("/test-login/p-maria")
    from .conftest import PacketHelper

    helper = PacketHelper(app, client)
    packet_id = helper.create()
    item_id = helper.item_id(packet_id, "clinic_notes")
    client.get("/test-logout")
    client.get("/test-login/c-sam")
    assert client.get(f"{BASE}/{packet_id}/items/{item_id}").status_code == 200
    response = client.post(
        f"{BASE}/{packet_id}/items/{item_id}", data={"status": "received", "version": "1"}
    )
    assert response.status_code == 404
    assert (
        client.post(f"{BASE}/{packet_id}/timeline", data={"year": "2024", "title": "x"}).status_code
        == 404
    )


def test_a_missing_object_is_audited_under_the_action_the_request_attempted(
    client, auth, packets, audit_log
):
    """The item page is read with GET and saved with POST: not found, each is
    recorded under its own action (the service raises NotFound; the blueprint
    audits it once)."""
    auth.login("p-maria")
    packet_id = packets.create()
    missing = packets.item_id(packet_id, "pathology_reports") + 1000
    for method, action in (("GET", "view"), ("POST", "change")):
        del audit_log[:]
        response = client.open(
            f"{BASE}/{packet_id}/items/{missing}", method=method,
            data={"status": "received", "version": "1"},
        )
        assert response.status_code == 404
        assert [(e.action, e.category, e.outcome, e.object_id) for e in audit_log] == [
            (action, "packet_item", "not_found", str(missing))], method
