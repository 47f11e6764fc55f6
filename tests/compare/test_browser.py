"""In a real browser (Chromium, when installed): the side-by-side table
stacks into cards on a phone, stays a table on a desktop, and prints as a
table with the marks as words. Skipped where no browser is available."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from .conftest import BASE


@pytest.fixture
def server(app) -> Iterator[str]:
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


@pytest.fixture
def page(server, browser):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/test-login/p-maria")
    yield page
    context.close()


def _display(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    return page.eval_on_selector(selector, "el => getComputedStyle(el).display")


def test_phone_desktop_and_print(compare, server, page, client):
    worksheet_id = compare.with_opinions(3)
    client.post(
        f"{BASE}/{worksheet_id}/side-by-side",
        data={"version": compare.version(worksheet_id), "mark_plan": "differ"},
    )
    url = f"{server}{BASE}/{worksheet_id}/side-by-side"

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(url)
    assert _display(page, "#row-plan") == "block"  # each row is a card
    assert _display(page, "#row-plan .compare-cell__label") == "block"
    # Nothing wider than the phone: no sideways scrolling to read an opinion.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.is_visible("text=plan answer3")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    assert _display(page, "#row-plan") == "table-row"
    assert _display(page, "#row-plan .compare-cell__label") == "none"
    assert _display(page, "#row-plan .compare-mark__set") == "block"

    page.emulate_media(media="print")
    assert _display(page, "#row-plan") == "table-row"
    assert _display(page, "#row-plan .compare-mark__set") == "none"
    assert _display(page, "#row-plan .compare-mark__text--print") == "inline"
    assert page.inner_text("#row-plan .compare-mark__text--print") == "They differ"
    assert _display(page, ".compare-next") == "none"
    assert page.pdf(format="A4")[:4] == b"%PDF"


def test_real_form_submission_and_error_keeps_input(compare, server, page):
    worksheet_id = compare.create()
    page.goto(f"{server}{BASE}/{worksheet_id}/opinions/new")
    page.fill("#plan", "Surgery first, then radiation")
    page.fill("#patient_notes", "I felt rushed")
    page.click("button[type=submit]")  # no doctor and no center: an error
    assert page.is_visible("#secondop-error-summary")
    assert page.input_value("#plan") == "Surgery first, then radiation"
    assert page.input_value("#patient_notes") == "I felt rushed"
    page.fill("#doctor", "Dr Rivera")
    page.check("#visit_kind-2")
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}{BASE}/{worksheet_id}")
    assert page.is_visible("text=Opinion 1: Dr Rivera")
    assert compare.worksheet(worksheet_id)["opinions"][0]["visit_kind"] == "remote"


def test_right_to_left_mirrors_the_marks(compare, server, page, client):
    worksheet_id = compare.with_opinions(2)
    client.post(
        f"{BASE}/{worksheet_id}/side-by-side",
        data={"version": compare.version(worksheet_id), "mark_plan": "differ"},
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    for lang, start, end in (("en", "left", "right"), ("ar", "right", "left")):
        page.goto(f"{server}{BASE}/{worksheet_id}/side-by-side?lang={lang}")
        label = "#row-plan .compare-row__label"
        width = page.eval_on_selector(label, f"el => getComputedStyle(el)['border-{start}-width']")
        other = page.eval_on_selector(label, f"el => getComputedStyle(el)['border-{end}-width']")
        assert (width, other) == ("6px", "1px"), lang
