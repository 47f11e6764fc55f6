"""The self-check's pure logic, and its pages."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncokind_secondop.learn.content import get_topic
from oncokind_secondop.learn.selfcheck import SITUATIONS, assess

KEYS = [s.key for s in SITUATIONS]
URL = "/second-opinion/learn/self-check"


def endpoints(result):  # type: ignore[no-untyped-def]
    return [step.endpoint for step in result.steps]


def test_every_situation_from_the_article_is_offered():
    assert KEYS == ["rare", "major_surgery", "pathology", "stage", "biomarkers",
                    "advanced_surgery", "transplant", "trial", "confused", "all_options"]
    for situation in SITUATIONS:
        assert str(situation.label) and str(situation.why)
        assert get_topic(situation.topic) is not None


def test_reasons_follow_the_list_order_and_ignore_repeats():
    result = assess(["trial", "rare", "trial"])
    assert [r.key for r in result.reasons] == ["rare", "trial"]
    assert result.topics == ("when-it-matters-most", "major-cancer-centers")


def test_unknown_situation_is_refused():
    with pytest.raises(ValueError):
        assess(["rare", "made-up"])


def test_no_reason_still_says_you_may_ask():
    result = assess([])
    assert result.reasons == ()
    first = result.steps[0]
    assert first.slug == "how-to-ask"
    assert "secondop.learn_scripts" not in endpoints(result)


def test_reasons_lead_to_the_scripts_first():
    assert assess(["confused"]).steps[0].endpoint == "secondop.learn_scripts"


def test_urgent_puts_the_time_question_first():
    result = assess(["rare"], urgent=True)
    assert result.steps[0].slug == "is-there-time-to-wait"
    assert all(step.slug != "is-there-time-to-wait" for step in assess(["rare"]).steps)


def test_pathology_and_biomarkers_point_to_slides():
    for key in ("pathology", "biomarkers"):
        assert any(step.slug == "slides-and-blocks" for step in assess([key]).steps)
    assert all(step.slug != "slides-and-blocks" for step in assess(["confused"]).steps)


def test_specialized_care_points_to_the_finder():
    for key in ("rare", "advanced_surgery", "transplant", "trial"):
        assert "secondop.learn_centers" in endpoints(assess([key]))
    assert "secondop.learn_centers" not in endpoints(assess(["stage", "confused"]))


@given(st.sets(st.sampled_from(KEYS)), st.booleans())
def test_any_answers_give_their_reasons_and_the_common_steps(chosen, urgent):
    result = assess(chosen, urgent=urgent)
    assert {r.key for r in result.reasons} == chosen
    assert "secondop.learn_letter" in endpoints(result)
    assert any(step.slug == "questions-to-ask" for step in result.steps)
    assert any(step.slug == "checking-insurance" for step in result.steps)
    keys = [(s.endpoint, s.slug) for s in result.steps]
    assert len(keys) == len(set(keys))


def test_form_page_lists_every_situation(client):
    html = client.get(URL).get_data(as_text=True)
    for situation in SITUATIONS:
        assert f'value="{situation.key}"' in html
    assert "<legend>" in html


def test_result_names_reasons_in_plain_words_and_links_next_steps(client):
    response = client.post(URL, data={"situations": ["rare", "confused"], "urgent": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 common reasons for a second opinion fit what you told us." in html
    assert "Few doctors see a rare cancer often." in html
    assert "Feeling unsure is a real reason." in html
    assert "does not tell you which treatment to choose" in html
    assert "/second-opinion/learn/topics/is-there-time-to-wait" in html
    assert "/second-opinion/learn/scripts" in html
    nothing = client.post(URL, data={}).get_data(as_text=True)
    assert "Few doctors see a rare cancer often." not in nothing


def test_result_with_nothing_ticked(client):
    html = client.post(URL, data={}).get_data(as_text=True)
    assert "None of the listed reasons fit you." in html


def test_tampered_answer_shows_the_form_with_an_error(client):
    response = client.post(URL, data={"situations": ["rare", "<script>"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please choose from the list." in html
    assert 'id="secondop-error-summary"' in html
    checked = '<input checked id="situations-0" name="situations" type="checkbox" value="rare">'
    assert checked in html


def test_nothing_is_kept(client, audit_log):
    client.post(URL, data={"situations": ["rare"]})
    with client.session_transaction() as session:
        assert dict(session) == {}
    assert audit_log == []
