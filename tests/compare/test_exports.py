"""The comparison PDF and the "please discuss together" letter (page and PDF)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from oncokind_secondop.compare.fields import OPINION_FIELDS

from .conftest import BASE, opinion_data


def _squash(text: str) -> str:
    return "".join(text.split())


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return _squash("".join(page.extract_text() for page in reader.pages))


def _is_tagged(data: bytes) -> bool:
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    return bool(root.get("/MarkInfo", {}).get("/Marked")) and "/StructTreeRoot" in root


def _assert_download(response, filename: str) -> None:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert filename in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data.startswith(b"%PDF")


def test_comparison_pdf_holds_every_typed_value(compare, client, audit_log):
    worksheet_id = compare.with_opinions(3)
    client.post(
        f"{BASE}/{worksheet_id}/side-by-side",
        data={
            "version": compare.version(worksheet_id),
            "mark_plan": "differ",
            "mark_goal": "agree",
        },
    )
    # Private notes are typed values too; they are in the PDF only when asked (issue 13).
    response = client.get(f"{BASE}/{worksheet_id}/comparison.pdf?private_notes=yes")
    _assert_download(response, "opinion-comparison.pdf")
    assert _is_tagged(response.data)
    text = _pdf_text(response.data)
    for n in (1, 2, 3):
        for key, value in opinion_data(n).items():
            if key in ("seen_on", "visit_kind"):
                continue
            assert _squash(value) in text, (n, key)
    assert _squash("Jan 11, 2026") in text and _squash("In person, at a visit") in text
    assert _squash("Surgery or radiation") in text and _squash("Maria Lopez") in text
    assert _squash("They differ") in text and _squash("They agree") in text
    assert _squash("Questions to ask each team") in text
    event = audit_log[-1]
    assert (event.action, event.category, event.outcome, event.object_id) == (
        "export",
        "compare_worksheet",
        "success",
        str(worksheet_id),
    )


def test_letter_before_any_mark_lists_every_question_whose_words_differ(compare, client):
    worksheet_id = compare.create()
    compare.add_opinion(worksheet_id, opinion_data(1, goal="Cure"))
    compare.add_opinion(worksheet_id, opinion_data(2, goal="cure "))
    html = client.get(f"{BASE}/{worksheet_id}/letter").get_data(as_text=True)
    assert "You have not marked any question" in html
    for n in (1, 2):
        assert f"diagnosis answer{n}" in html and f"plan answer{n}" in html
        assert f"patient notes answer{n}" not in html  # private, never in the letter
    assert "<h3>The goal of treatment</h3>" not in html  # same words
    assert "<h3>Doctor&#39;s name</h3>" not in html  # who/where is not a difference


def test_letter_lists_differences_and_questions_but_never_private_notes(compare, client, audit_log):
    worksheet_id = compare.with_opinions(3)
    client.post(
        f"{BASE}/{worksheet_id}/side-by-side",
        data={
            "version": compare.version(worksheet_id),
            "mark_plan": "differ",
            "mark_goal": "agree",
            "mark_stage": "unsure",
        },
    )
    page = client.get(f"{BASE}/{worksheet_id}/letter")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Please discuss my case together" in html and "About: Maria Lopez" in html
    assert "Where the opinions seem to differ" in html
    for n in (1, 2, 3):
        assert f"plan answer{n}" in html  # marked differ
        assert f"goal answer{n}" not in html  # marked agree
        assert f"diagnosis answer{n}" not in html  # unmarked: the marks decide now
        assert f"patient notes answer{n}" not in html  # private, never in the letter
        assert f"Dr Ortiz{n}" in html
    assert "Points I am not sure about" in html
    assert "What would change your recommendation?" in html
    assert audit_log[-1].action == "view"

    response = client.get(f"{BASE}/{worksheet_id}/letter.pdf")
    _assert_download(response, "letter-to-care-teams.pdf")
    assert _is_tagged(response.data)
    text = _pdf_text(response.data)
    for n in (1, 2, 3):
        assert _squash(f"plan answer{n}") in text and _squash(f"Hope Center{n}") in text
        assert _squash(f"patient notes answer{n}") not in text
        assert _squash(f"goal answer{n}") not in text
    assert _squash("Would you be willing to talk with the other team about my case?") in text
    assert audit_log[-1].action == "export" and audit_log[-1].object_id == str(worksheet_id)


def test_letter_without_differences_says_so_calmly(compare, client):
    worksheet_id = compare.create()
    same = {spec.key: "" for spec in OPINION_FIELDS} | {"plan": "Surgery first"}
    compare.add_opinion(worksheet_id, same | {"doctor": "Dr A"})
    compare.add_opinion(worksheet_id, same | {"doctor": "Dr B"})
    html = client.get(f"{BASE}/{worksheet_id}/letter").get_data(as_text=True)
    assert "I have not found a clear difference yet" in html


def test_downloads_carry_no_patient_data_in_the_url(compare, client):
    worksheet_id = compare.with_opinions(2)
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    # A GET form now (the "include my private notes" choice): its URL holds only the flag.
    assert f'<form method="get" action="{BASE}/{worksheet_id}/comparison.pdf"' in html
    assert 'name="private_notes" value="yes"' in html
    letter = client.get(f"{BASE}/{worksheet_id}/letter").get_data(as_text=True)
    assert f'href="{BASE}/{worksheet_id}/letter.pdf"' in letter


def test_typed_markup_is_text_everywhere(compare, client):
    worksheet_id = compare.create()
    tricky = '<img src="http://example.invalid/x.png"> 50% & "quotes" %(name)s'
    compare.add_opinion(worksheet_id, opinion_data(1, plan=tricky, doctor="Dr <b>Bold</b>"))
    compare.add_opinion(worksheet_id, opinion_data(2))
    html = client.get(f"{BASE}/{worksheet_id}/side-by-side").get_data(as_text=True)
    assert "<img src" not in html and "&lt;img src=" in html and "<b>Bold" not in html
    letter = client.get(f"{BASE}/{worksheet_id}/letter").get_data(as_text=True)
    assert "<img src" not in letter and "Dr &lt;b&gt;Bold&lt;/b&gt;" in letter
    text = _pdf_text(client.get(f"{BASE}/{worksheet_id}/comparison.pdf").data)
    assert _squash(tricky) in text
