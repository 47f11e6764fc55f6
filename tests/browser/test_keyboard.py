"""Keyboard-only journeys on a desktop and on a 360 px phone; errors move the
focus to a summary whose links lead to the fields; every page of the
inventory can be walked with Tab and Shift+Tab without a trap."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from .checks import assert_visible_focus, focused, walk_tab_order
from .conftest import DESKTOP, PHONE, require_page
from .journeys import Keyboard
from .pages import PAGES, Entry

WIDTHS = pytest.mark.parametrize("width", [DESKTOP["width"], PHONE["width"]])


def keyboard(contexts: Any, width: int, user: str | None = None) -> Keyboard:
    viewport = DESKTOP if width == DESKTOP["width"] else PHONE
    return Keyboard(contexts.page(user, viewport=viewport), width)


@pytest.fixture
def sam_cares_for_two(portal: Any) -> Iterator[None]:
    """Lee also lets Sam act for them (the portal's own caregiver link), so Sam
    has to choose a person; revoked afterwards, as the portal would."""
    from example_host.models import CaregiverLink, User, db

    with portal.app.app_context():
        users = {u.email: u for u in db.session.execute(select(User)).scalars()}
        link = CaregiverLink(caregiver_id=users["sam@example.org"].id,
                             patient_id=users["lee@example.org"].id)
        db.session.add(link)
        db.session.commit()
        link_id = link.id
    yield
    with portal.app.app_context():
        db.session.get(CaregiverLink, link_id).revoke()
        db.session.commit()


@WIDTHS
def test_sign_in(contexts: Any, width: int) -> None:
    kb = keyboard(contexts, width)
    kb.sign_in("maria")
    kb.enter(".portal-nav a[href$='/second-opinion/']")
    assert "You are signed in as Maria Lopez." in kb.page.inner_text("main")


@WIDTHS
def test_caregiver_chooses_a_person_and_a_missed_choice_is_announced(
        contexts: Any, width: int, sam_cares_for_two: None) -> None:
    kb = keyboard(contexts, width)
    kb.sign_in("sam")
    kb.enter(".portal-nav a[href$='/second-opinion/']")
    kb.enter("a[href$='/second-opinion/choose']")
    assert kb.page.locator("input[type=radio]:checked").count() == 0

    # Continue without choosing: the error summary is announced and takes the focus.
    kb.enter("button[type=submit].secondop-button")
    summary = kb.page.locator("#secondop-error-summary")
    assert summary.get_attribute("role") == "alert"
    assert focused(kb.page)["id"] == "secondop-error-summary", "focus is on the error summary"
    assert_visible_focus(kb.page)
    # Its link leads to the field: Enter on it puts the focus on the first choice.
    links = summary.locator("a")
    assert links.count() == 1
    target = links.first.get_attribute("href")
    assert kb.page.locator(target).count() == 1, f"the error link {target} points at nothing"
    kb.to("#secondop-error-summary a")
    kb.page.keyboard.press("Enter")
    now = focused(kb.page)
    assert now is not None and now["id"] == target[1:], f"focus after the error link: {now}"
    kb.space("input[type=radio]")
    kb.enter("button[type=submit].secondop-button")
    assert "You are acting for Maria Lopez." in kb.page.inner_text("main")


def test_error_summary_is_focused_on_load_by_secondop_js(contexts: Any,
                                                         sam_cares_for_two: None) -> None:
    """Without the script the summary is not focused (so the script is what does it)."""
    for javascript, expected in ((True, "secondop-error-summary"), (False, None)):
        page = contexts.page("sam", javascript=javascript)
        page.goto("/second-opinion/choose")
        with page.expect_navigation():
            page.click("button[type=submit].secondop-button")
        assert page.locator("#secondop-error-summary").count() == 1
        now = focused(page)
        assert (now and now["id"]) == expected


@pytest.mark.parametrize("entry", [e for e in PAGES if e.walk], ids=lambda e: e.name)
def test_tab_order_has_no_trap(entry: Entry, contexts: Any, data: Any) -> None:
    require_page(contexts.portal, entry.needs)
    page = contexts.shared(entry.user)
    entry.open(page, data)
    stops = walk_tab_order(page)
    assert stops[0]["text"] == "Skip to main content"


def assert_error_summary_leads_to_fields(kb: Keyboard, expected_fields: set[str]) -> None:
    """After a refused form: focus on the summary (role=alert), one link per error,
    each pointing at a field on the page; Enter on the first one focuses its field."""
    page = kb.page
    summary = page.locator("#secondop-error-summary")
    assert summary.get_attribute("role") == "alert"
    now = assert_visible_focus(page)
    assert now["id"] == "secondop-error-summary", f"focus after the refused form: {now}"
    targets = [a.get_attribute("href") for a in summary.locator("a").all()]
    assert {t.lstrip("#") for t in targets} == expected_fields
    for target in targets:
        assert page.locator(target).count() == 1, f"the error link {target} points at nothing"
    kb.to("#secondop-error-summary a")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == targets[0].lstrip("#"), "Enter on the error link focuses the field"
    assert_visible_focus(page)


@WIDTHS
def test_self_check(contexts: Any, width: int) -> None:
    kb = keyboard(contexts, width)
    kb.goto("/second-opinion/")
    kb.enter("a[href$='/learn/']")
    kb.enter("a[href$='/learn/self-check']")
    kb.space("input[name=situations]")
    kb.page.keyboard.press("Tab")
    kb.page.keyboard.press("Space")
    assert kb.page.locator("input[name=situations]:checked").count() == 2
    kb.enter("button[type=submit].secondop-button")
    assert kb.page.locator("h1").inner_text() == "Your self-check results"
    assert "2 common reasons for a second opinion fit what you told us." in kb.page.inner_text("main")


@WIDTHS
def test_records_letter_with_errors_then_fixed(contexts: Any, width: int) -> None:
    kb = keyboard(contexts, width)
    kb.goto("/second-opinion/learn/records-letter")
    kb.type("#patient_name", "Maria Lopez")
    kb.enter("button[value=show]")
    assert_error_summary_leads_to_fields(kb, {"date_of_birth", "facility", "items", "address"})
    assert kb.page.input_value("#patient_name") == "Maria Lopez", "what was typed is kept"
    # The first link led to the date of birth: type it there, then the rest.
    kb.page.keyboard.type("04021968")
    kb.type("#facility", "Riverside Health Pathology")
    kb.space("input[name=items]")
    kb.type("#address", "12 Elm Street, Springfield")
    kb.enter("button[value=show]")
    assert kb.page.locator("h1").inner_text() == "Your records letter"
    text = kb.page.inner_text("main")
    assert "Riverside Health Pathology" in text and "April 2, 1968" in text


def test_skip_link_moves_the_focus_to_the_main_content(contexts: Any) -> None:
    kb = keyboard(contexts, DESKTOP["width"], "maria")
    kb.goto("/second-opinion/")
    kb.to("a[href='#main']")
    kb.page.keyboard.press("Enter")
    assert focused(kb.page)["id"] == "main"
    # The next Tab lands inside the main content, past the portal's header.
    kb.page.keyboard.press("Tab")
    assert kb.page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert_visible_focus(kb.page)
