"""The records-request letter: a form, a printable page and a PDF holding
exactly what the visitor typed, never stored, never in a URL, never logged."""
from __future__ import annotations

import io
import logging
import re
from datetime import date

import pypdf
import pytest

from ..fake_host import create_app

URL = "/second-opinion/learn/records-letter"

VALUES = {
    "patient_name": "Zoë Ndlovu-Åström",
    "other_names": "Zoë Ndlovu",
    "date_of_birth": "1968-04-02",
    "record_number": "MRN-4471-QX",
    "facility": "Riverside Memorial Hospital",
    "facility_address": "1 River Road\nSpringfield",
    "dates_of_care": "January to March 2026",
    "items": ["pathology_reports", "pathology_slides", "imaging_dicom"],
    "format": "electronic",
    "send_to": "me",
    "address": "12 Oak Street\nSpringfield",
    "contact": "555-0147",
}
TYPED = ["Zoë Ndlovu-Åström", "MRN-4471-QX", "Riverside Memorial Hospital", "12 Oak Street",
         "555-0147", "January to March 2026"]


def post(client, action: str = "show", **changes):  # type: ignore[no-untyped-def]
    return client.post(URL, data={**VALUES, **changes, "action": action})


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_form_defaults_to_send_a_copy_to_me(client):
    html = client.get(URL).get_data(as_text=True)
    assert re.search(r'<input checked id="send_to-0" name="send_to" type="radio" value="me">', html)
    assert "DICOM images, not viewer-only" in html
    assert "Pathology slides or recuts" in html
    assert 'method="post"' in html


def test_letter_page_shows_every_typed_value_and_the_law(client):
    response = post(client)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for value in TYPED:
        assert value in html.replace("&#39;", "'")
    assert "April 2, 1968" in html
    assert "45 CFR 164.524" in html
    assert "30 days" in html
    assert "Please send a copy to me at:" in html
    assert "full DICOM image files" in html
    assert "belong to your lab" in html
    assert "any fee must be fair and based on cost" in html


def test_letter_page_keeps_values_out_of_urls(client):
    html = post(client).get_data(as_text=True)
    urls = re.findall(r'(?:href|action|src)="([^"]*)"', html)
    for url in urls:
        for value in ("Ndlovu", "MRN-4471", "Riverside", "Oak", "1968"):
            assert value not in url
    # the follow-up forms (PDF, change) post the values back
    assert html.count('name="patient_name"') == 2
    assert html.count('<form method="post"') == 2


def test_pdf_download_holds_the_typed_values(client):
    response = post(client, action="pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    assert "Ndlovu" not in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    for value in TYPED:
        assert value in text
    assert "April 2, 1968" in text
    assert "Imaging files as DICOM images, not viewer-only" in text


def test_pdf_to_another_center_names_it(client):
    response = post(client, action="pdf", send_to="other",
                    recipient_name="Dr. Okafor, Lakeside Cancer Center")
    text = pdf_text(response.data)
    assert "Please send the copies to: Dr. Okafor, Lakeside Cancer Center" in text
    assert "send a copy to me" not in text


def test_missing_answers_keep_everything_typed(client):
    response = post(client, patient_name="", items=[], facility="")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="secondop-error-summary"' in html
    assert "Please enter the patient's full name." in html
    assert "Please choose at least one kind of record." in html
    assert 'href="#items"' in html and 'id="items"' in html
    assert 'value="MRN-4471-QX"' in html
    assert "12 Oak Street" in html
    assert 'aria-invalid="true"' in html


def test_pdf_with_errors_shows_the_form_not_a_pdf(client):
    response = post(client, action="pdf", address="")
    assert response.mimetype == "text/html"
    assert "Please enter where to send the records." in response.get_data(as_text=True)


def test_other_recipient_needs_a_name(client):
    html = post(client, send_to="other", recipient_name="").get_data(as_text=True)
    assert "Please name the doctor or center that should get the records." in html


@pytest.mark.parametrize("value,message", [
    ("2999-01-01", "The date of birth cannot be in the future."),
    ("not a date", "Please enter the date like this: 1968-04-02."),
])
def test_bad_dates_are_explained(client, value, message):
    assert message in post(client, date_of_birth=value).get_data(as_text=True)


def test_local_date_format_is_understood(client):
    assert "April 2, 1968" in post(client, date_of_birth="4/2/1968").get_data(as_text=True)


def test_change_details_returns_the_filled_form(client):
    html = post(client, action="edit").get_data(as_text=True)
    assert 'value="Riverside Memorial Hospital"' in html
    assert "secondop-error-summary" not in html
    assert "<h1>A letter to ask for your records</h1>" in html


def test_tampered_choice_is_refused(client):
    html = post(client, items=["pathology_reports", "everything"]).get_data(as_text=True)
    assert "Please choose from the list." in html


def test_nothing_is_stored_logged_or_audited(client, audit_log, caplog):
    caplog.set_level(logging.DEBUG)
    post(client)
    post(client, action="pdf")
    assert audit_log == []
    with client.session_transaction() as session:
        assert dict(session) == {}
    for value in TYPED:
        assert value not in caplog.text


def test_csrf_is_checked_when_the_host_enables_it(tmp_path):
    app = create_app(tmp_path, csrf=True)
    client = app.test_client()
    assert client.post(URL, data={**VALUES, "action": "show"}).status_code == 400
    html = client.get(URL).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token is not None
    response = client.post(URL, data={**VALUES, "action": "pdf", "csrf_token": token.group(1)})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert str(date.today().year) in pdf_text(response.data)


def test_too_long_answer_is_explained_in_our_words(client):
    html = post(client, facility="x" * 161).get_data(as_text=True)
    assert "Please keep this to 160 characters or fewer." in html
