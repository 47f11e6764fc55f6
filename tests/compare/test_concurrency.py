"""No lost work: a save from a stale version answers 409, shows the person's
unsaved input beside the saved values, and merges nothing."""

from __future__ import annotations

import html as htmllib
import threading

import pytest

from oncokind_secondop.adapters import StaleVersion
from oncokind_secondop.compare import services
from oncokind_secondop.compare.models import Worksheet
from oncokind_secondop.extension import current_secondop

from ..conftest import on_postgres
from .conftest import BASE, opinion_data, version_in


def _text(response) -> str:
    return htmllib.unescape(response.get_data(as_text=True))


def test_two_saves_from_the_same_version_of_an_opinion(compare, client, audit_log):
    worksheet_id = compare.with_opinions(3)
    first = compare.opinion_ids(worksheet_id)[0]
    url = f"{BASE}/{worksheet_id}/opinions/{first}/edit"
    stale = version_in(client.get(url).get_data(as_text=True))  # two tabs open the same form

    tab_one = opinion_data(1, plan="Tab one: surgery first")
    assert client.post(url, data={**tab_one, "version": stale}).status_code == 302

    tab_two = opinion_data(1, plan="Tab two: radiation first", reasons="Tab two reasons")
    response = client.post(url, data={**tab_two, "version": stale})
    assert response.status_code == 409
    page = _text(response)
    # The unsaved input is shown back, beside the saved values, and kept in the form.
    assert "Someone else saved this worksheet while you were working" in page
    assert '<td class="compare-text compare-conflict__yours">Tab two: radiation first</td>' in page
    assert '<td class="compare-text compare-conflict__saved">Tab one: surgery first</td>' in page
    assert "Tab two reasons" in page
    assert page.count("Tab two: radiation first") >= 2  # the panel and the form field
    # Nothing merged: the first save stands whole.
    saved = compare.worksheet(worksheet_id)
    assert saved["opinions"][0]["plan"] == "Tab one: surgery first"
    assert saved["opinions"][0]["reasons"] == "reasons answer1"
    assert audit_log[-1].outcome == "conflict"
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert version_in(page) == saved["version"]
    response = client.post(url, data={**tab_two, "version": version_in(page)})
    assert response.status_code == 302
    assert compare.worksheet(worksheet_id)["opinions"][0]["plan"] == "Tab two: radiation first"


def test_editing_different_opinions_of_one_worksheet_also_conflicts(compare, client):
    worksheet_id = compare.with_opinions(2)
    first, second = compare.opinion_ids(worksheet_id)
    stale = compare.version(worksheet_id)
    response = client.post(
        f"{BASE}/{worksheet_id}/opinions/{first}/edit",
        data={**opinion_data(1, plan="Patient's edit"), "version": stale},
    )
    assert response.status_code == 302
    response = client.post(
        f"{BASE}/{worksheet_id}/opinions/{second}/edit",
        data={**opinion_data(2, plan="Caregiver's edit"), "version": stale},
    )
    assert response.status_code == 409
    assert "Caregiver's edit" in _text(response)
    assert compare.worksheet(worksheet_id)["opinions"][1]["plan"] == "plan answer2"


def test_caregiver_and_patient_at_once(app, client, auth, compare):
    """Maria and Sam (her caregiver) edit the same worksheet name from one version."""
    worksheet_id = compare.create("Original name")
    stale = compare.version(worksheet_id)
    sam = app.test_client()
    assert sam.get("/test-login/c-sam").status_code == 200
    assert (
        sam.post(
            f"{BASE}/{worksheet_id}/edit",
            data={"title": "Sam's name", "notes": "", "version": stale},
        ).status_code
        == 302
    )
    response = client.post(
        f"{BASE}/{worksheet_id}/edit",
        data={"title": "Maria's name", "notes": "Maria's notes", "version": stale},
    )
    assert response.status_code == 409
    page = _text(response)
    assert "Maria's name" in page and "Sam's name" in page and "Maria's notes" in page
    assert compare.worksheet(worksheet_id)["title"] == "Sam's name"


def test_stale_marks_are_shown_back(compare, client):
    worksheet_id = compare.with_opinions(2)
    stale = compare.version(worksheet_id)
    client.post(
        f"{BASE}/{worksheet_id}/side-by-side", data={"version": stale, "mark_plan": "agree"}
    )
    response = client.post(
        f"{BASE}/{worksheet_id}/side-by-side",
        data={"version": stale, "mark_plan": "differ", "mark_goal": "unsure"},
    )
    assert response.status_code == 409
    page = _text(response)
    assert '<td class="compare-text compare-conflict__yours">They differ</td>' in page
    assert '<td class="compare-text compare-conflict__saved">They agree</td>' in page
    assert '<input checked id="mark_plan-2" name="mark_plan" type="radio" value="differ">' in page
    assert '<input checked id="mark_goal-3" name="mark_goal" type="radio" value="unsure">' in page
    assert compare.worksheet(worksheet_id)["marks"] == {"plan": "agree"}


def test_stale_new_opinion_is_kept_and_the_current_list_shown(compare, client):
    worksheet_id = compare.with_opinions(1)
    stale = compare.version(worksheet_id)
    compare.add_opinion(worksheet_id, opinion_data(2))  # the other tab added Dr Ortiz2 first
    response = client.post(
        f"{BASE}/{worksheet_id}/opinions/new", data={**opinion_data(3), "version": stale}
    )
    assert response.status_code == 409
    page = _text(response)
    assert "Opinion 2: Dr Ortiz2" in page  # what the worksheet holds now
    assert "plan answer3" in page and "Dr Ortiz3" in page  # what this tab typed
    assert len(compare.opinion_ids(worksheet_id)) == 2


def test_opinion_removed_while_editing_can_be_added_back(compare, client, monkeypatch):
    """The other tab removes the opinion between this save's read and its write."""
    from sqlalchemy import text

    worksheet_id = compare.with_opinions(2)
    _, second = compare.opinion_ids(worksheet_id)
    stale = compare.version(worksheet_id)
    original = services.save_opinion

    def removed_meanwhile(*args, **kwargs):  # type: ignore[no-untyped-def]
        with current_secondop.records.engine.begin() as other:
            other.execute(
                text("DELETE FROM secondop_compare_opinion WHERE id = :id"), {"id": second}
            )
            other.execute(
                text("UPDATE secondop_compare_worksheet SET version = version + 1 WHERE id = :id"),
                {"id": worksheet_id},
            )
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "save_opinion", removed_meanwhile)
    response = client.post(
        f"{BASE}/{worksheet_id}/opinions/{second}/edit",
        data={**opinion_data(2, plan="Still wanted"), "version": stale},
    )
    assert response.status_code == 409
    page = _text(response)
    assert "This opinion was removed while you were working" in page and "Still wanted" in page
    assert f'action="{BASE}/{worksheet_id}/opinions/new"' in page
    response = client.post(
        f"{BASE}/{worksheet_id}/opinions/new",
        data={**opinion_data(2, plan="Still wanted"), "version": version_in(page)},
    )
    assert response.status_code == 302
    assert compare.worksheet(worksheet_id)["opinions"][-1]["plan"] == "Still wanted"


def test_edit_of_an_opinion_already_removed_is_not_found(compare, client):
    """Once removed, its address is gone like any unknown id (a known limit)."""
    worksheet_id = compare.with_opinions(2)
    _, second = compare.opinion_ids(worksheet_id)
    stale = compare.version(worksheet_id)
    client.post(f"{BASE}/{worksheet_id}/opinions/{second}/remove", data={"version": stale})
    response = client.post(
        f"{BASE}/{worksheet_id}/opinions/{second}/edit", data={**opinion_data(2), "version": stale}
    )
    assert response.status_code == 404


def test_stale_remove_and_delete_do_nothing(compare, client):
    worksheet_id = compare.with_opinions(2)
    first, _ = compare.opinion_ids(worksheet_id)
    stale = compare.version(worksheet_id)
    compare.add_opinion(worksheet_id, opinion_data(3))
    response = client.post(
        f"{BASE}/{worksheet_id}/opinions/{first}/remove", data={"version": stale}
    )
    assert response.status_code == 409 and "Nothing was removed." in _text(response)
    response = client.post(f"{BASE}/{worksheet_id}/delete", data={"version": stale})
    assert response.status_code == 409 and "Nothing was deleted." in _text(response)
    assert len(compare.opinion_ids(worksheet_id)) == 3


@pytest.mark.skipif(not on_postgres(), reason="needs two real connections (PostgreSQL)")
def test_concurrent_saves_one_wins_atomically(app, compare):
    """Two transactions save different opinions from the same version at the
    same moment: the worksheet row lock lets exactly one through, and the
    loser's opinion change is not kept."""
    worksheet_id = compare.with_opinions(2)
    first, second = compare.opinion_ids(worksheet_id)
    version = compare.version(worksheet_id)
    barrier = threading.Barrier(2)
    results: dict[int, str] = {}

    def save(opinion_id: int, plan: str) -> None:
        with app.test_request_context():
            records = current_secondop.records
            barrier.wait()
            try:
                services.save_opinion(records, "p-maria", worksheet_id, opinion_id, version, {"plan": plan})
                results[opinion_id] = "saved"
            except StaleVersion:
                results[opinion_id] = "stale"

    threads = [
        threading.Thread(target=save, args=(first, "A")),
        threading.Thread(target=save, args=(second, "B")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == ["saved", "stale"]
    saved = compare.worksheet(worksheet_id)
    plans = [o["plan"] for o in saved["opinions"]]
    winner = first if results[first] == "saved" else second
    assert plans == (["A", "plan answer2"] if winner == first else ["plan answer1", "B"])
    assert saved["version"] == version + 1
    assert Worksheet  # the unit of concurrency
