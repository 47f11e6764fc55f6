"""Opinions: every field saved, edited, removed; errors keep what was typed."""

from __future__ import annotations

from datetime import date

from oncokind_secondop.compare.fields import OPINION_FIELDS

from .conftest import BASE, opinion_data, version_in


def test_add_opinion_saves_every_field(compare, client, audit_log):
    worksheet_id = compare.create()
    page = client.get(f"{BASE}/{worksheet_id}/opinions/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for spec in OPINION_FIELDS:  # every field has a labelled input with its hint
        assert f'for="{spec.key}' in html or f'id="{spec.key}-0"' in html
        assert str(spec.hint) in html.replace("&#39;", "'").replace("&#34;", '"')
    opinion_id = compare.add_opinion(worksheet_id, opinion_data(1))
    assert audit_log[-1].action == "add" and audit_log[-1].category == "compare_opinion"
    assert audit_log[-1].object_id == str(opinion_id)
    (saved,) = compare.worksheet(worksheet_id)["opinions"]
    expected = opinion_data(1)
    for spec in OPINION_FIELDS:
        if spec.kind == "date":
            assert saved[spec.key] == date.fromisoformat(expected[spec.key])
        else:
            assert saved[spec.key] == expected[spec.key]


def test_three_opinions_listed_in_order(compare, client):
    worksheet_id = compare.with_opinions(3)
    html = client.get(f"{BASE}/{worksheet_id}").get_data(as_text=True)
    first, second, third = (html.index(f"Opinion {n}: Dr Ortiz{n}") for n in (1, 2, 3))
    assert first < second < third
    assert "See them side by side" in html


def test_opinion_needs_doctor_or_center_and_keeps_everything_typed(compare, client, audit_log):
    worksheet_id = compare.create()
    data = opinion_data(1, doctor="", center="", seen_on="14/03/2026")
    response = client.post(f"{BASE}/{worksheet_id}/opinions/new", data={**data, "version": 1})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Please give the doctor's name or the center" in html
    assert "Please enter the date as year, month and day" in html
    assert 'href="#doctor"' in html and 'href="#seen_on"' in html and 'aria-invalid="true"' in html
    for key, value in data.items():
        if key in ("doctor", "center", "visit_kind"):
            continue
        assert value in html, key
    assert '<input checked id="visit_kind-1" name="visit_kind" type="radio" value="visit">' in html
    assert compare.opinion_ids(worksheet_id) == []
    assert audit_log[-1].outcome == "invalid"


def test_too_long_answer_is_an_error_not_a_truncation(compare, client):
    worksheet_id = compare.create()
    data = opinion_data(1, doctor="D" * 201)
    response = client.post(f"{BASE}/{worksheet_id}/opinions/new", data={**data, "version": 1})
    assert response.status_code == 400
    assert "D" * 201 in response.get_data(as_text=True)


def test_edit_opinion(compare, client, audit_log):
    worksheet_id = compare.with_opinions(2)
    first, _ = compare.opinion_ids(worksheet_id)
    html = client.get(f"{BASE}/{worksheet_id}/opinions/{first}/edit").get_data(as_text=True)
    assert "plan answer1" in html
    version = version_in(html)
    response = client.post(
        f"{BASE}/{worksheet_id}/opinions/{first}/edit",
        data={**opinion_data(1, plan="Watch and wait for now"), "version": version},
    )
    assert response.status_code == 302
    saved = compare.worksheet(worksheet_id)
    assert saved["opinions"][0]["plan"] == "Watch and wait for now"
    assert saved["version"] == version + 1  # saving an opinion moves the worksheet on
    assert audit_log[-1].action == "change" and audit_log[-1].object_id == str(first)


def test_edit_error_keeps_input_and_saves_nothing(compare, client):
    worksheet_id = compare.with_opinions(2)
    first, _ = compare.opinion_ids(worksheet_id)
    data = opinion_data(1, plan="My new plan text", doctor="", center="")
    response = client.post(
        f"{BASE}/{worksheet_id}/opinions/{first}/edit",
        data={**data, "version": compare.version(worksheet_id)},
    )
    assert response.status_code == 400
    assert "My new plan text" in response.get_data(as_text=True)
    assert compare.worksheet(worksheet_id)["opinions"][0]["plan"] == "plan answer1"


def test_remove_opinion(compare, client, audit_log):
    worksheet_id = compare.with_opinions(3)
    first, second, third = compare.opinion_ids(worksheet_id)
    html = client.get(f"{BASE}/{worksheet_id}/opinions/{second}/remove").get_data(as_text=True)
    assert "Opinion 2: Dr Ortiz2" in html
    response = client.post(
        f"{BASE}/{worksheet_id}/opinions/{second}/remove", data={"version": version_in(html)}
    )
    assert response.status_code == 302
    assert compare.opinion_ids(worksheet_id) == [first, third]
    assert audit_log[-1].action == "delete" and audit_log[-1].object_id == str(second)
    # Added again later: it goes to the end.
    new = compare.add_opinion(worksheet_id, opinion_data(2))
    assert compare.opinion_ids(worksheet_id) == [first, third, new]


def test_opinion_of_another_worksheet_is_not_found(compare, client, audit_log):
    one = compare.with_opinions(2, "One")
    two = compare.with_opinions(2, "Two")
    foreign = compare.opinion_ids(two)[0]
    version = compare.version(one)
    for action in ("edit", "remove"):
        assert client.get(f"{BASE}/{one}/opinions/{foreign}/{action}").status_code == 404
        assert audit_log[-1].outcome == "not_found"
        response = client.post(
            f"{BASE}/{one}/opinions/{foreign}/{action}",
            data={**opinion_data(9), "version": version},
        )
        assert response.status_code == 404
    assert compare.worksheet(two)["opinions"][0]["doctor"] == "Dr Ortiz1"
    assert len(compare.opinion_ids(two)) == 2


def test_move_opinions_changes_the_column_order(compare, client, audit_log):
    worksheet_id = compare.with_opinions(3)
    first, second, third = compare.opinion_ids(worksheet_id)
    html = client.get(f"{BASE}/{worksheet_id}").get_data(as_text=True)
    assert (
        "Move Opinion 1: Dr Ortiz1 later" in html
        and "Move Opinion 1: Dr Ortiz1 earlier" not in html
    )
    assert (
        "Move Opinion 3: Dr Ortiz3 earlier" in html
        and "Move Opinion 3: Dr Ortiz3 later" not in html
    )
    url = f"{BASE}/{worksheet_id}/opinions/{third}/move"
    response = client.post(url, data={"direction": "up", "version": version_in(html)})
    assert response.status_code == 302 and response.location.endswith(f"#opinion-{third}")
    assert compare.opinion_ids(worksheet_id) == [first, third, second]
    assert audit_log[-1].action == "change" and audit_log[-1].object_id == str(third)
    side = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert side.index("Opinion 2: Dr Ortiz3") < side.index("Opinion 3: Dr Ortiz2")
    # At the edge nothing moves; a stale order answers 409 and moves nothing.
    client.post(
        f"{BASE}/{worksheet_id}/opinions/{first}/move",
        data={"direction": "up", "version": compare.version(worksheet_id)},
    )
    assert compare.opinion_ids(worksheet_id) == [first, third, second]
    stale = compare.version(worksheet_id) - 1
    response = client.post(url, data={"direction": "down", "version": stale})
    assert response.status_code == 409
    assert "Nothing was moved." in response.get_data(as_text=True)
    assert compare.opinion_ids(worksheet_id) == [first, third, second]
    bad = client.post(url, data={"direction": "sideways", "version": compare.version(worksheet_id)})
    assert bad.status_code == 400


def test_longest_allowed_opinion_fits_the_form_size_limit(compare, client):
    """Every field at its limit, in a three-byte script: accepted, not a 413."""
    worksheet_id = compare.create()
    data = {
        spec.key: "界" * spec.max_length for spec in OPINION_FIELDS if spec.kind in ("line", "text")
    }
    page = client.get(f"{BASE}/{worksheet_id}/opinions/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page  # as a browser sends it
    response = client.post(
        f"{BASE}/{worksheet_id}/opinions/new",
        data={**data, "version": 1},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    (saved,) = compare.worksheet(worksheet_id)["opinions"]
    assert saved["plan"] == "界" * 5000
    too_long = {**data, "plan": "界" * 5001, "version": compare.version(worksheet_id)}
    response = client.post(
        f"{BASE}/{worksheet_id}/opinions/new", data=too_long, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Please keep it under 5000 characters." in response.get_data(as_text=True)
