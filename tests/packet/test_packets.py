"""Packets: create, list, edit (with a stale save), delete; the hub card."""

from __future__ import annotations

from oncokind_secondop.packet.checklist import CHECKLIST
from oncokind_secondop.packet.models import ChecklistItem, Document, Packet

from .conftest import BASE


def test_hub_links_to_the_packet_pages(client, auth):
    auth.login("p-maria")
    html = client.get("/second-opinion/").get_data(as_text=True)
    assert "Build your records packet" in html
    assert f'href="{BASE}/"' in html


def test_anonymous_visitor_goes_to_login(client, audit_log):
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and "/login" in response.location
    assert audit_log[-1].outcome == "denied"


def test_create_packet_makes_the_whole_checklist(client, auth, packets, audit_log):
    auth.login("p-maria")
    packet_id = packets.create("City Cancer Center")
    assert [e.action for e in audit_log] == ["add"] and audit_log[0].object_id == str(packet_id)
    items = packets.all(ChecklistItem, packet_id=packet_id)
    assert [i.key for i in sorted(items, key=lambda i: i.position)] == [e.key for e in CHECKLIST]
    assert {i.status for i in items} == {"not_started"}
    assert {i.patient_id for i in items} == {"p-maria"}
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert "City Cancer Center" in html and "0 of 11 are ready" in html


def test_one_packet_per_center(client, auth, packets):
    auth.login("p-maria")
    first = packets.create("City Cancer Center")
    second = packets.create("University Hospital")
    assert first != second
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert "City Cancer Center" in html and "University Hospital" in html


def test_form_errors_keep_what_was_typed(client, auth, audit_log):
    auth.login("p-maria")
    response = client.post(
        f"{BASE}/new",
        data={
            "center_name": "  ",
            "consult_questions": "Do I need radiation?",
            "referring_npi": "12ab",
            "version": "0",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please enter the name of the center or doctor." in html
    assert "An NPI number has 10 digits." in html
    assert "Do I need radiation?" in html and 'value="12ab"' in html
    assert 'href="#center_name"' in html  # errors link to their fields
    assert [(e.action, e.outcome) for e in audit_log] == [("add", "invalid")]


def test_edit_saves_and_a_stale_save_answers_409_with_both_versions(
    client, auth, packets, audit_log
):
    auth.login("p-maria")
    packet_id = packets.create()
    form = {
        "center_name": "City Cancer Center",
        "consult_questions": "Is surgery needed?",
        "version": "1",
    }
    assert client.post(f"{BASE}/{packet_id}/edit", data=form).status_code == 302
    assert packets.get(Packet, packet_id).version == 2
    stale = {
        "center_name": "City Cancer Center",
        "consult_questions": "My newer question",
        "version": "1",
    }
    response = client.post(f"{BASE}/{packet_id}/edit", data=stale)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved this while you were editing" in html
    assert "Is surgery needed?" in html and "My newer question" in html
    assert html.count('class="so-conflict__diff"') == 1  # only the question that differs
    assert 'name="version" type="hidden" value="2"' in html
    assert audit_log[-1].outcome == "conflict"
    assert packets.get(Packet, packet_id).consult_questions == "Is surgery needed?"


def test_missing_or_bad_version_is_a_bad_request_with_the_typing_kept(
    client, auth, packets, audit_log
):
    """The one rule of forms_common.VersionedForm, as in Compare: a missing or
    garbled version is a bad field (400, nothing saved), never a 500 and never
    a save over what is stored."""
    auth.login("p-maria")
    packet_id = packets.create()
    for version in (None, "", "abc", "1.0"):
        form = {"center_name": "Typed center", "consult_questions": "Typed question"}
        if version is not None:
            form["version"] = version
        del audit_log[:]
        response = client.post(f"{BASE}/{packet_id}/edit", data=form)
        assert response.status_code == 400, version
        assert "Typed question" in response.get_data(as_text=True)
        assert [(e.action, e.outcome) for e in audit_log] == [("change", "invalid")]
        assert packets.get(Packet, packet_id).version == 1
        assert packets.get(Packet, packet_id).consult_questions != "Typed question"


def test_delete_packet_removes_rows_then_files(client, auth, packets, sample_pdf, app, tmp_path):
    auth.login("p-maria")
    packet_id = packets.create()
    assert (
        packets.upload(packet_id, "pathology_reports", [(sample_pdf, "path.pdf")]).status_code
        == 303
    )
    packets.add_event(packet_id, "Biopsy", 2024, 5, 2)
    keys = [d.storage_key for d in packets.all(Document, packet_id=packet_id)]
    assert client.get(f"{BASE}/{packet_id}/delete").status_code == 200
    response = client.post(f"{BASE}/{packet_id}/delete")
    assert response.status_code == 302
    assert (
        packets.all(Packet, id=packet_id) == []
        and packets.all(ChecklistItem, packet_id=packet_id) == []
    )
    assert not any((tmp_path / "files" / "objects" / k[:2] / k).exists() for k in keys)
    assert client.get(f"{BASE}/{packet_id}").status_code == 404


def test_new_packet_can_copy_timeline_slides_and_doctor_from_another(client, auth, packets):
    from oncokind_secondop.packet.models import SlideRecord, TimelineEvent

    auth.login("p-maria")
    assert "Copy details from another packet" not in client.get(f"{BASE}/new").get_data(
        as_text=True
    )
    first = packets.create(
        "City Cancer Center", referring_name="Dr Ana Park", referring_fax="555-0101"
    )
    packets.add_event(first, "Biopsy", 2024, 3, 1, kind="diagnosis")
    client.post(f"{BASE}/{first}/slides", data={"lab": "Valley Pathology", "material": "recut"})
    html = client.get(f"{BASE}/new").get_data(as_text=True)
    assert "Copy details from another packet" in html and "City Cancer Center</option>" in html
    second = packets.create("University Hospital", copy_from=str(first))
    copied = packets.get(Packet, second)
    assert (copied.referring_name, copied.referring_fax) == ("Dr Ana Park", "555-0101")
    assert [e.title for e in packets.all(TimelineEvent, packet_id=second)] == ["Biopsy"]
    assert [s.lab for s in packets.all(SlideRecord, packet_id=second)] == ["Valley Pathology"]
    assert len(packets.all(TimelineEvent, packet_id=first)) == 1  # the source is untouched


def test_cannot_copy_from_another_patients_packet(client, auth, packets):
    auth.login("p-maria")
    maria = packets.create("City Cancer Center")
    auth.logout()
    auth.login("p-lee")
    response = client.post(
        f"{BASE}/new", data={"center_name": "X", "version": "0", "copy_from": str(maria)}
    )
    assert response.status_code == 400
    assert packets.all(Packet, patient_id="p-lee") == []
