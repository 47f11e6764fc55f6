"""Every English Learn page reads at US grade 8 or lower: Flesch-Kincaid
grade <= 8 and SMOG <= 10 (textstat, offline, on the text of ``<main>``)."""
from __future__ import annotations

import pytest

from oncokind_secondop.learn.content import TOPICS
from oncokind_secondop.learn.selfcheck import SITUATIONS

from .readability import main_text, scores

P = "/second-opinion/learn"
GETS = [f"{P}/", f"{P}/self-check", f"{P}/scripts", f"{P}/records-letter", f"{P}/centers",
        f"{P}/centers?state=NY", f"{P}/centers?state=WY&remote=1",
        *(f"{P}/topics/{t.slug}" for t in TOPICS)]
LETTER = {"patient_name": "Maria Lopez", "date_of_birth": "1968-04-02",
          "facility": "Riverside Hospital", "items": ["pathology_reports", "pathology_slides",
                                                      "imaging_dicom", "biomarker_reports"],
          "format": "electronic", "send_to": "me", "address": "12 Oak Street, Springfield"}
POSTS = {
    "self-check, every reason": (f"{P}/self-check", {"situations": [s.key for s in SITUATIONS],
                                                     "urgent": "y"}),
    "self-check, no reason": (f"{P}/self-check", {}),
    "letter": (f"{P}/records-letter", {**LETTER, "action": "show"}),
    "letter to a center": (f"{P}/records-letter", {**LETTER, "send_to": "other", "action": "show",
                                                   "recipient_name": "City Cancer Center"}),
    "letter with errors": (f"{P}/records-letter", {"action": "show"}),
}

FK_MAX = 8.0
SMOG_MAX = 10.0


def check(html: str) -> None:
    text = main_text(html)
    assert len(text.split()) > 60, "too little text to measure: is <main> there?"
    fk, smog = scores(text)
    assert fk <= FK_MAX, f"Flesch-Kincaid grade {fk} > {FK_MAX}"
    assert smog <= SMOG_MAX, f"SMOG {smog} > {SMOG_MAX}"


@pytest.mark.parametrize("url", GETS)
def test_page_reads_at_grade_8_or_lower(client, url):
    response = client.get(url)
    assert response.status_code == 200
    check(response.get_data(as_text=True))


@pytest.mark.parametrize("name", POSTS)
def test_result_page_reads_at_grade_8_or_lower(client, name):
    url, data = POSTS[name]
    response = client.post(url, data=data)
    assert response.status_code == 200
    check(response.get_data(as_text=True))


def test_the_measure_can_fail():
    hard = ("<main><p>Multidisciplinary oncological consultation facilitates individualized "
            "therapeutic decision-making regarding immunohistochemical characterization and "
            "comprehensive molecular stratification of heterogeneous malignancies, "
            "necessitating interinstitutional coordination.</p>" * 8 + "</main>")
    text = main_text(hard)
    fk, smog = scores(text)
    assert fk > FK_MAX and smog > SMOG_MAX


def test_extraction_skips_navigation_and_ends_list_items():
    html = ("<nav>Skip me</nav><main><nav>Crumbs</nav><h2>Heading</h2><ul><li>One</li>"
            "<li>Two?</li></ul><p>Text.</p></main><footer>Not main</footer>")
    assert main_text(html) == "Heading.\nOne.\nTwo?\nText."
