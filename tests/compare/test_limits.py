"""Limits of issue 13 on the Compare pages: worksheets per patient, opinions
per worksheet and the length of multi-line text, each with a calm message,
the form kept as typed, and nothing added."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from oncokind_secondop.compare.models import Opinion, Worksheet
from oncokind_secondop.extension import current_secondop

from ..conftest import _reset_database
from ..fake_host import create_app
from .conftest import BASE, CompareHelper, opinion_data

SMALL = {"SECONDOP_MAX_WORKSHEETS_PER_PATIENT": 2, "SECONDOP_MAX_OPINIONS_PER_WORKSHEET": 2,
         "SECONDOP_MAX_TEXT_CHARS": 60}


@pytest.fixture
def small(tmp_path: Path) -> Iterator[CompareHelper]:
    app = create_app(tmp_path, SMALL)
    _reset_database(app)
    client = app.test_client()
    assert client.get("/test-login/p-maria").status_code == 200
    yield CompareHelper(app, client)
    with app.app_context():
        current_secondop.records.engine.dispose()


def count(helper: CompareHelper, model: type) -> int:
    with helper.app.app_context():
        return current_secondop.records.session.query(model).count()


def test_new_worksheet_at_the_limit_is_refused_with_what_was_typed_kept(small: CompareHelper) -> None:
    small.create("First choice")
    small.create("Second choice")
    message = "You can keep up to 2 worksheets. To start a new one, delete a worksheet you no longer need."
    page = small.client.get(f"{BASE}/new").get_data(as_text=True)
    assert message in page and 'name="title"' not in page
    response = small.client.post(f"{BASE}/new", data={"title": "Third choice", "notes": "Decide by May"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html and "Third choice" in html and "Decide by May" in html
    assert count(small, Worksheet) == 2


def test_opinion_past_the_per_worksheet_limit_is_refused_with_what_was_typed_kept(small: CompareHelper) -> None:
    worksheet = small.create()
    small.add_opinion(worksheet, opinion_data(1))
    small.add_opinion(worksheet, opinion_data(2))
    message = "A worksheet can compare up to 2 opinions. To add another, remove one or start a new worksheet."
    url = f"{BASE}/{worksheet}/opinions/new"
    page = small.client.get(url).get_data(as_text=True)
    assert message in page and 'name="doctor"' not in page
    typed = opinion_data(3)
    response = small.client.post(url, data={**typed, "version": str(small.version(worksheet))})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html and typed["doctor"] in html and typed["plan"] in html
    assert count(small, Opinion) == 2


def test_worksheet_notes_follow_the_configured_text_limit(small: CompareHelper) -> None:
    response = small.client.post(f"{BASE}/new", data={"title": "Choice", "notes": "n" * 61})
    assert response.status_code == 400
    assert "Please keep it under 60 characters." in response.get_data(as_text=True)
    assert count(small, Worksheet) == 0
    small.create("Choice", "n" * 60)
