"""Worksheets: create, list, rename, delete; errors keep what was typed; audit."""

from __future__ import annotations

from .conftest import BASE, version_in


def test_hub_links_to_compare(client, auth):
    auth.login("p-maria")
    html = client.get("/second-opinion/").get_data(as_text=True)
    assert f'href="{BASE}/"' in html and "Compare opinions" in html


def test_create_and_list_worksheet(compare, client, audit_log):
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert "You have no worksheets yet." in html
    worksheet_id = compare.create("Surgery or radiation", "Decide by June")
    assert audit_log[-1].action == "add" and audit_log[-1].outcome == "success"
    assert audit_log[-1].object_id == str(worksheet_id) and audit_log[-1].patient_id == "p-maria"
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Surgery or radiation" in html and "0 opinions" in html
    page = client.get(f"{BASE}/{worksheet_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Decide by June" in html and "Add the first opinion" in html
    assert audit_log[-1].action == "view" and audit_log[-1].object_id == str(worksheet_id)


def test_new_worksheet_error_keeps_what_was_typed(compare, client, audit_log):
    response = client.post(f"{BASE}/new", data={"title": "", "notes": "My long note\nsecond line"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please give the worksheet a name." in html
    assert 'href="#title"' in html  # the summary links to the field
    assert "My long note\nsecond line" in html
    assert audit_log[-1].outcome == "invalid"


def test_rename_worksheet(compare, client):
    worksheet_id = compare.create()
    html = client.get(f"{BASE}/{worksheet_id}/edit").get_data(as_text=True)
    version = version_in(html)
    response = client.post(
        f"{BASE}/{worksheet_id}/edit",
        data={"title": "Which surgery", "notes": "", "version": version},
    )
    assert response.status_code == 302
    saved = compare.worksheet(worksheet_id)
    assert saved["title"] == "Which surgery" and saved["version"] == version + 1


def test_rename_error_keeps_input_and_saves_nothing(compare, client):
    worksheet_id = compare.create()
    response = client.post(
        f"{BASE}/{worksheet_id}/edit",
        data={"title": "x" * 300, "notes": "kept notes", "version": 1},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "x" * 300 in html and "kept notes" in html
    assert compare.worksheet(worksheet_id)["title"] == "Surgery or radiation"


def test_missing_or_bad_version_is_a_bad_request(compare, client):
    worksheet_id = compare.create()
    assert client.post(f"{BASE}/{worksheet_id}/edit", data={"title": "t"}).status_code == 400
    assert (
        client.post(
            f"{BASE}/{worksheet_id}/edit", data={"title": "t", "version": "abc"}
        ).status_code
        == 400
    )


def test_a_confirmation_without_a_good_version_is_a_bad_request(compare, client):
    worksheet_id = compare.with_opinions(1)
    opinion_id = compare.opinion_ids(worksheet_id)[0]
    for url in (f"{BASE}/{worksheet_id}/delete", f"{BASE}/{worksheet_id}/opinions/{opinion_id}/remove"):
        for data in ({}, {"version": "abc"}):
            assert client.post(url, data=data).status_code == 400, (url, data)
    assert compare.opinion_ids(worksheet_id) == [opinion_id]


def test_delete_worksheet_with_its_opinions(compare, client, audit_log):
    worksheet_id = compare.with_opinions(2)
    opinion_ids = compare.opinion_ids(worksheet_id)
    html = client.get(f"{BASE}/{worksheet_id}/delete").get_data(as_text=True)
    assert "This cannot be undone." in html
    response = client.post(f"{BASE}/{worksheet_id}/delete", data={"version": version_in(html)})
    assert response.status_code == 302 and response.location.endswith(f"{BASE}/")
    assert audit_log[-1].action == "delete" and audit_log[-1].outcome == "success"
    assert client.get(f"{BASE}/{worksheet_id}").status_code == 404
    assert compare.opinion_ids(worksheet_id) == []
    assert client.get(f"{BASE}/{worksheet_id}/opinions/{opinion_ids[0]}/edit").status_code == 404


def test_caregiver_acts_for_maria(client, auth, app, audit_log):
    from .conftest import CompareHelper, opinion_data

    auth.login("c-sam")
    helper = CompareHelper(app, client)
    worksheet_id = helper.create("Sam's notes for Maria")
    helper.add_opinion(worksheet_id, opinion_data(1))
    assert audit_log[-1].actor_id == "c-sam" and audit_log[-1].patient_id == "p-maria"
    assert audit_log[-1].on_behalf
    # Maria sees what her caregiver wrote.
    auth.login("p-maria")
    assert "Sam&#39;s notes for Maria" in client.get(f"{BASE}/").get_data(as_text=True)


def test_anonymous_visitor_goes_to_login(client):
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and "/login" in response.location
    response = client.post(f"{BASE}/new", data={"title": "x"})
    assert response.status_code == 302 and "/login" in response.location


def test_one_audit_event_per_request(compare, client, audit_log):
    worksheet_id = compare.with_opinions(2)
    for url in (
        f"{BASE}/",
        f"{BASE}/{worksheet_id}",
        f"{BASE}/{worksheet_id}/side-by-side",
        f"{BASE}/{worksheet_id}/letter",
        f"{BASE}/{worksheet_id}/comparison.pdf",
    ):
        before = len(audit_log)
        assert client.get(url).status_code == 200
        assert len(audit_log) == before + 1, url


def test_one_audit_event_per_write_whatever_the_outcome(compare, client, audit_log):
    from .conftest import opinion_data

    worksheet_id = compare.with_opinions(2)
    first = compare.opinion_ids(worksheet_id)[0]
    current = compare.version(worksheet_id)
    cases = [
        (
            f"{BASE}/{worksheet_id}/side-by-side",
            {"version": current, "mark_plan": "agree"},
            "change",
            "success",
        ),
        (
            f"{BASE}/{worksheet_id}/side-by-side",
            {"version": current, "mark_plan": "agree"},
            "change",
            "conflict",
        ),
        (
            f"{BASE}/{worksheet_id}/opinions/{first}/edit",
            {**opinion_data(1, doctor="", center=""), "version": current + 1},
            "change",
            "invalid",
        ),
        (
            f"{BASE}/{worksheet_id}/opinions/new",
            {**opinion_data(3), "version": current + 1},
            "add",
            "success",
        ),
    ]
    for url, data, action, outcome in cases:
        before = len(audit_log)
        client.post(url, data=data)
        assert len(audit_log) == before + 1, (url, outcome)
        assert (audit_log[-1].action, audit_log[-1].outcome) == (action, outcome)
        assert audit_log[-1].patient_id == "p-maria"
