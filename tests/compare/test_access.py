"""Access: every compare route, generated from the URL map, refuses other
patients' worksheets and opinions with a 404; anonymous visitors go to login;
CSRF guards every form."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from ..fake_host import create_app
from .conftest import BASE, CompareHelper, opinion_data


def compare_rules(app: Flask) -> list:
    rules = [
        rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("secondop.compare_")
    ]
    assert len(rules) >= 11  # a new route joins this test by itself
    return rules


def build(app: Flask, rule, **ids: int) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})


def methods(rule) -> list[str]:
    return sorted(set(rule.methods) & {"GET", "POST"})


@pytest.fixture
def marias(compare) -> dict[str, int]:
    worksheet_id = compare.with_opinions(3)
    return {
        "worksheet_id": worksheet_id,
        "opinion_id": compare.opinion_ids(worksheet_id)[0],
        "version": compare.version(worksheet_id),
    }


def test_lee_gets_404_on_every_one_of_marias_worksheet_urls(
    app, client, auth, compare, marias, audit_log
):
    before = compare.worksheet(marias["worksheet_id"])
    auth.login("p-lee")
    checked = 0
    for rule in compare_rules(app):
        if "worksheet_id" not in rule.arguments:
            continue
        url = build(app, rule, **marias)
        for method in methods(rule):
            data = {
                **opinion_data(7),
                "title": "Lee was here",
                "version": marias["version"],
                "mark_plan": "agree",
            }
            response = client.open(url, method=method, data=data if method == "POST" else None)
            assert response.status_code == 404, (method, url)
            assert "Maria" not in response.get_data(as_text=True)
            assert audit_log[-1].outcome == "not_found" and audit_log[-1].actor_id == "p-lee"
            checked += 1
    assert checked >= 16
    # Lee's own lists show nothing of Maria's.
    assert "Surgery or radiation" not in client.get(f"{BASE}/").get_data(as_text=True)
    auth.login("p-maria")
    assert compare.worksheet(marias["worksheet_id"]) == before


def test_opinion_routes_refuse_an_opinion_of_another_worksheet(app, client, compare, marias):
    other = compare.with_opinions(2, "Another")
    ids = {**marias, "worksheet_id": other}
    for rule in compare_rules(app):
        if "opinion_id" not in rule.arguments:
            continue
        url = build(app, rule, **ids)
        for method in methods(rule):
            data = {**opinion_data(8), "version": compare.version(other)}
            response = client.open(url, method=method, data=data if method == "POST" else None)
            assert response.status_code == 404, (method, url)
    assert compare.worksheet(marias["worksheet_id"])["opinions"][0]["doctor"] == "Dr Ortiz1"


def test_sam_reaches_every_route_for_maria(app, client, auth, compare, marias):
    auth.login("c-sam")
    for rule in compare_rules(app):
        url = build(app, rule, **marias)
        assert client.get(url).status_code in (200, 405), url


def test_anonymous_is_sent_to_login_on_every_route(app, client, marias):
    client.get("/test-logout")
    for rule in compare_rules(app):
        url = build(app, rule, **marias)
        for method in methods(rule):
            response = client.open(url, method=method)
            assert response.status_code == 302 and "/login" in response.location, (method, url)


def test_urls_carry_ids_only(app, marias):
    for rule in compare_rules(app):
        assert set(rule.arguments) <= {"worksheet_id", "opinion_id"}, rule.rule
        assert all(
            conv.__class__.__name__ == "IntegerConverter" for conv in rule._converters.values()
        )


def test_csrf_token_is_required_and_accepted(tmp_path):
    app = create_app(tmp_path, csrf=True)
    from ..conftest import _reset_database

    _reset_database(app)
    client = app.test_client()
    client.get("/test-login/p-maria")
    assert client.post(f"{BASE}/new", data={"title": "No token"}).status_code == 400
    page = client.get(f"{BASE}/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"{BASE}/new", data={"title": "With token", "csrf_token": token})
    assert response.status_code == 302
    worksheet_id = int(response.location.rsplit("/", 1)[-1])
    helper = CompareHelper(app, client)
    new_opinion = f"{BASE}/{worksheet_id}/opinions/new"
    assert client.post(new_opinion, data={**opinion_data(1), "version": 1}).status_code == 400
    assert helper.opinion_ids(worksheet_id) == []
    assert (
        client.post(
            new_opinion, data={**opinion_data(1), "version": 1, "csrf_token": token}
        ).status_code
        == 302
    )
    (opinion_id,) = helper.opinion_ids(worksheet_id)
    for url in (
        new_opinion,
        f"{BASE}/{worksheet_id}/side-by-side",
        f"{BASE}/{worksheet_id}/edit",
        f"{BASE}/{worksheet_id}/delete",
        f"{BASE}/{worksheet_id}/opinions/{opinion_id}/edit",
        f"{BASE}/{worksheet_id}/opinions/{opinion_id}/remove",
    ):
        page = client.get(url).get_data(as_text=True)
        assert 'name="csrf_token"' in page, url
        data = {
            **opinion_data(1, plan="forged"),
            "title": "forged",
            "version": helper.version(worksheet_id),
        }
        assert client.post(url, data=data).status_code == 400, url
    assert helper.worksheet(worksheet_id)["title"] == "With token"
    assert helper.opinion_ids(worksheet_id) == [opinion_id]


def test_revoked_caregiver_loses_access_on_the_next_request(app, client, auth, compare, marias):
    auth.login("c-sam")
    url = f"{BASE}/{marias['worksheet_id']}/side-by-side"
    assert client.get(url).status_code == 200
    app.extensions["fake_directory"].links.discard(("c-sam", "p-maria"))
    for target in (url, f"{BASE}/", f"{BASE}/{marias['worksheet_id']}/comparison.pdf"):
        response = client.get(target)
        assert response.status_code in (403, 404), target
        assert "Ortiz" not in response.get_data(as_text=True)
    response = client.post(url, data={"version": marias["version"], "mark_plan": "agree"})
    assert response.status_code in (403, 404)
    assert compare.worksheet(marias["worksheet_id"])["marks"] == {}


def test_caregiver_of_two_sees_only_the_chosen_persons_worksheets(client, auth, compare, marias):
    auth.login("c-ana")  # Ana cares for Maria and for Lee
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and "/choose" in response.location
    assert client.post("/second-opinion/choose", data={"patient": "p-lee"}).status_code == 302
    assert "Surgery or radiation" not in client.get(f"{BASE}/").get_data(as_text=True)
    assert client.get(f"{BASE}/{marias['worksheet_id']}").status_code == 404
    assert client.post("/second-opinion/choose", data={"patient": "p-maria"}).status_code == 302
    assert "Surgery or radiation" in client.get(f"{BASE}/").get_data(as_text=True)
    assert client.get(f"{BASE}/{marias['worksheet_id']}").status_code == 200
