"""The side-by-side view: columns, marks, highlights, guidance, phone and print."""

from __future__ import annotations

import re
from pathlib import Path

import oncokind_secondop
from oncokind_secondop.compare.fields import COMPARED_KEYS, OPINION_FIELDS

from .conftest import BASE, opinion_data, version_in

CSS = Path(oncokind_secondop.__file__).parent / "static" / "secondop" / "compare.css"


def _rows(html: str) -> dict[str, str]:
    """Each field row's class attribute, by field key."""
    return {
        key: classes
        for classes, key in re.findall(r'<tr class="([^"]+)" role="row" id="row-([a-z_]+)"', html)
    }


def test_one_column_per_opinion_one_row_per_field(compare, client):
    worksheet_id = compare.with_opinions(3)
    response = client.get(f"{BASE}/{worksheet_id}/side-by-side")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="compare-table compare-table--3"' in html
    for n in (1, 2, 3):
        assert f'<th scope="col" role="columnheader">Opinion {n}: Dr Ortiz{n}</th>' in html
        assert f"plan answer{n}" in html and f"patient notes answer{n}" in html
    assert set(_rows(html)) == {spec.key for spec in OPINION_FIELDS}
    assert html.count('role="cell" class="compare-cell') == 3 * len(OPINION_FIELDS)
    # Stylesheet of our own, loaded in the head block.
    assert "secondop/compare.css" in html


def test_cells_carry_their_column_name_for_narrow_screens(compare, client):
    worksheet_id = compare.with_opinions(2)
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert html.count(
        '<span class="compare-cell__label" aria-hidden="true">Opinion 2: Dr Ortiz2</span>'
    ) == len(OPINION_FIELDS)
    # Table roles stay when CSS turns the table into cards.
    for role in ("table", "rowgroup", "row", "columnheader", "rowheader", "cell"):
        assert f'role="{role}"' in html


def test_css_stacks_into_cards_on_narrow_screens_and_prints_as_a_table():
    css = CSS.read_text()
    narrow = re.search(r"@media screen and \(max-width: 48rem\) \{(.*?)\n\}", css, re.S)
    assert narrow, "narrow screens need their own rules"
    assert re.search(r"\.compare-table td \{ display: block; \}", narrow.group(1))
    assert ".compare-cell__label { display: block;" in narrow.group(1)
    printing = re.search(r"@media print \{(.*?)\n\}", css, re.S)
    assert printing
    assert ".compare-mark__set" in printing.group(1) and "display: none" in printing.group(1)
    assert ".compare-mark__text--print { display: inline; }" in printing.group(1)
    assert "break-inside: avoid" in printing.group(1)
    assert "@page compare-wide { size: A4 landscape;" in css
    # Right-to-left: logical properties only.
    for physical in (
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "text-align: left",
        "text-align: right",
        "border-left",
        "border-right",
        " left:",
        " right:",
    ):
        assert physical not in css, physical


def test_identical_and_empty_rows_are_highlighted(compare, client):
    worksheet_id = compare.create()
    compare.add_opinion(worksheet_id, opinion_data(1, goal="Cure", stage="", trials=""))
    compare.add_opinion(worksheet_id, opinion_data(2, goal="  cure ", stage="Stage II", trials=""))
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    rows = _rows(html)
    assert "compare-row--same" in rows["goal"]
    assert "compare-row--gap" in rows["stage"] and "compare-row--same" not in rows["stage"]
    assert "compare-row--empty" in rows["trials"]
    assert "compare-row--same" not in rows["plan"] and "compare-row--gap" not in rows["plan"]
    assert "Same words in every opinion" in html and "Missing in some opinions" in html


def test_patient_marks_are_saved_and_shown(compare, client, audit_log):
    worksheet_id = compare.with_opinions(3)
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert html.count('type="radio"') == 4 * len(COMPARED_KEYS)
    response = client.post(
        f"{BASE}/{worksheet_id}/side-by-side",
        data={
            "version": version_in(html),
            "mark_diagnosis": "agree",
            "mark_plan": "differ",
            "mark_stage": "unsure",
        },
    )
    assert response.status_code == 302
    assert audit_log[-1].action == "change" and audit_log[-1].outcome == "success"
    assert compare.worksheet(worksheet_id)["marks"] == {
        "diagnosis": "agree",
        "plan": "differ",
        "stage": "unsure",
    }
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    rows = _rows(html)
    assert "compare-row--agree" in rows["diagnosis"] and "compare-row--differ" in rows["plan"]
    assert "compare-row--unsure" in rows["stage"]
    assert '<input checked id="mark_plan-2" name="mark_plan" type="radio" value="differ">' in html
    # Unmarking works too.
    client.post(
        f"{BASE}/{worksheet_id}/side-by-side",
        data={"version": version_in(html), "mark_diagnosis": "agree", "mark_plan": ""},
    )
    assert compare.worksheet(worksheet_id)["marks"] == {"diagnosis": "agree"}


def test_unknown_mark_is_an_error_that_keeps_the_other_marks(compare, client):
    worksheet_id = compare.with_opinions(2)
    response = client.post(
        f"{BASE}/{worksheet_id}/side-by-side",
        data={"version": compare.version(worksheet_id), "mark_plan": "maybe", "mark_goal": "agree"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<input checked id="mark_goal-1" name="mark_goal" type="radio" value="agree">' in html
    assert compare.worksheet(worksheet_id)["marks"] == {}


def test_fewer_than_two_opinions_asks_for_a_second(compare, client):
    worksheet_id = compare.create()
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert "This worksheet needs a second opinion" in html
    compare.add_opinion(worksheet_id, opinion_data(1))
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert "This worksheet needs a second opinion" in html
    assert "compare-table--1" in html
    compare.add_opinion(worksheet_id, opinion_data(2))
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert "This worksheet needs a second opinion" not in html


def test_guidance_questions_and_calm_framing(compare, client):
    worksheet_id = compare.with_opinions(2)
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert "Questions to ask each team" in html
    for phrase in (
        "Why do you recommend this plan",
        "What evidence or guidelines",
        "if we wait",
        "clinical trial",
        "What would change your recommendation?",
    ):
        assert phrase in html
    assert "one more careful look" in html
    assert "does not tell you which plan to choose" in html


def test_missing_piece_prompts_follow_empty_and_differ(compare, client):
    worksheet_id = compare.with_opinions(2)  # every field filled
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert "Something may be missing" not in html
    client.post(
        f"{BASE}/{worksheet_id}/side-by-side",
        data={"version": compare.version(worksheet_id), "mark_diagnosis": "differ"},
    )
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert 'id="prompt-pathology"' in html and 'id="prompt-stage"' not in html
    third = compare.add_opinion(worksheet_id, opinion_data(3, stage=""))
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert 'id="prompt-stage"' in html and 'id="prompt-biomarker"' not in html
    client.post(
        f"{BASE}/{worksheet_id}/side-by-side",
        data={"version": compare.version(worksheet_id), "mark_tests_asked": "unsure"},
    )
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert 'id="prompt-biomarker"' in html
    assert third


def test_guidance_never_prescribes(compare, client):
    worksheet_id = compare.with_opinions(2)
    client.post(
        f"{BASE}/{worksheet_id}/side-by-side",
        data={
            "version": compare.version(worksheet_id),
            "mark_plan": "differ",
            "mark_diagnosis": "differ",
        },
    )
    pages = [
        client.get(f"{BASE}/{worksheet_id}{suffix}").get_data(as_text=True).lower()
        for suffix in ("/side-by-side", "/letter", "")
    ]
    for html in pages:
        for phrase in (
            "you should choose",
            "we recommend",
            "the better plan",
            "the best plan",
            "choose opinion",
            "is right and",
            "is wrong",
        ):
            assert phrase not in html


def test_marks_flagged_when_opinions_change_after_marking(compare, client):
    worksheet_id = compare.with_opinions(2)
    url = f"{BASE}/{worksheet_id}/side-by-side"
    note = "Some answers changed after you saved your marks."
    client.post(url, data={"version": compare.version(worksheet_id), "mark_plan": "agree"})
    assert note not in client.get(url).get_data(as_text=True)
    # Renaming the worksheet or editing private notes does not touch the answers.
    assert (
        client.post(
            f"{BASE}/{worksheet_id}/edit",
            data={"title": "New name", "version": compare.version(worksheet_id)},
        ).status_code
        == 302
    )
    first, _ = compare.opinion_ids(worksheet_id)
    assert (
        client.post(
            f"{BASE}/{worksheet_id}/opinions/{first}/edit",
            data={
                **opinion_data(1, patient_notes="calmer now"),
                "version": compare.version(worksheet_id),
            },
        ).status_code
        == 302
    )
    assert note not in client.get(url).get_data(as_text=True)
    # A new opinion, or a changed answer, may change the marks: say so.
    third = compare.add_opinion(worksheet_id, opinion_data(3))
    assert note in client.get(url).get_data(as_text=True)
    assert "may miss a new difference" in client.get(f"{BASE}/{worksheet_id}/letter").get_data(
        as_text=True
    )
    client.post(url, data={"version": compare.version(worksheet_id), "mark_plan": "agree"})
    assert note not in client.get(url).get_data(as_text=True)
    assert (
        client.post(
            f"{BASE}/{worksheet_id}/opinions/{third}/edit",
            data={
                **opinion_data(3, plan="Something else"),
                "version": compare.version(worksheet_id),
            },
        ).status_code
        == 302
    )
    assert note in client.get(url).get_data(as_text=True)
