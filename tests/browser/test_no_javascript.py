"""The core flows work with JavaScript switched off in the browser: mark a
packet item, upload a file (a plain form post), add a timeline event, and fill
and compare a worksheet. Forms with errors still show their summary."""
from __future__ import annotations

from typing import Any

import pytest

from .conftest import require_page
from .pages import COMPARE, PACKET, P, sample_files


@pytest.fixture(autouse=True)
def _pages_here(contexts: Any) -> None:
    require_page(contexts.portal, PACKET)
    require_page(contexts.portal, COMPARE)


@pytest.fixture
def page(contexts: Any) -> Any:
    page = contexts.page("maria", javascript=False)
    page.goto(f"{P}/")
    return page


def submit(page: Any, button: str) -> int:
    with page.expect_navigation() as nav:
        page.click(button)
    return nav.value.status


def test_javascript_is_really_off(contexts: Any) -> None:
    """The error summary is focused by secondop.js; with scripts off it is not,
    so these tests really run without the page's JavaScript."""
    page = contexts.page("maria", javascript=False)
    page.goto(f"{P}/packet/new")
    submit(page, "form.secondop-form button[type=submit]")
    assert page.locator("#secondop-error-summary").count() == 1
    assert page.evaluate("document.activeElement === document.body")


def test_packet_item_upload_and_timeline(page: Any, tmp_path: Any) -> None:
    page.goto(f"{P}/packet/new")
    page.fill("#center_name", "No Script Center")
    assert submit(page, "form.secondop-form button[type=submit]") == 200
    detail = page.url
    item = page.get_attribute("a[href*='/items/']", "href")

    page.goto(item)
    page.check("input[name=status][value=requested]")
    page.fill("#requested_on", "2026-02-02")
    submit(page, "form.secondop-form:not([data-secondop-upload]) button[type=submit]")
    page.goto(item)
    assert page.is_checked("input[name=status][value=requested]")

    files = sample_files(tmp_path)
    page.set_input_files("#so-upload-file", [files["pdf"], files["png"]])
    submit(page, "form[data-secondop-upload] button[type=submit]")
    page.goto(item)
    listed = page.inner_text("main")
    assert "pathology-report.pdf" in listed and "scan-photo.png" in listed

    page.goto(f"{detail}/timeline")
    page.fill("#year", "2026")
    page.select_option("#month", "3")
    page.check("input[name=kind][value=treatment]")
    page.fill("#title", "First chemotherapy")
    submit(page, "form.secondop-form button[type=submit]")
    assert "First chemotherapy" in page.inner_text("main")


def test_worksheet_and_side_by_side(page: Any) -> None:
    page.goto(f"{P}/compare/new")
    page.fill("#title", "No script worksheet")
    submit(page, "form.secondop-form button[type=submit]")
    worksheet = page.url
    for doctor, plan in (("Dr Ortiz", "Surgery first"), ("Dr Chen", "Radiation first")):
        page.goto(f"{worksheet}/opinions/new")
        page.fill("#doctor", doctor)
        page.fill("#plan", plan)
        submit(page, "form.compare-form button[type=submit]")
    page.goto(f"{worksheet}/side-by-side")
    page.check("input[name=mark_plan][value=differ]")
    submit(page, "form.compare-marks button[type=submit]")
    assert page.is_checked("input[name=mark_plan][value=differ]")
    text = page.inner_text("main")
    assert "Surgery first" in text and "Radiation first" in text


def test_share_made_opened_and_ended(page: Any, contexts: Any, data: Any) -> None:
    """Sharing without scripts on either side: Maria makes a share and ends it;
    the team types the code, reads the packet and downloads a file whose bytes
    match the SHA-256 its page shows."""
    import hashlib

    from .pages import SHARE, share_pass

    require_page(contexts.portal, SHARE)
    packet_id = data.packet_with_files("No Script Sharing Center")
    page.goto(f"{P}/packet/{packet_id}/shares/new")
    page.fill("#team_name", "No Script Team")
    assert submit(page, "form.secondop-form button[type=submit]") == 200
    made = share_pass(page)

    team = contexts.page(None, javascript=False)
    team.goto(made.path)
    team.fill("#code", "NOT-THE-CODE")
    assert submit(team, "form.secondop-form button[type=submit]") == 400
    assert team.locator("#secondop-error-summary").count() == 1
    team.fill("#code", made.code)
    assert submit(team, "form.secondop-form button[type=submit]") == 200
    link = team.locator("table.so-file-index tbody tr").first
    shown = link.locator("code.so-hash").inner_text().strip()
    with team.expect_download() as download:
        link.locator("a").click()
    body = open(download.value.path(), "rb").read()
    assert hashlib.sha256(body).hexdigest() == shown

    page.goto(f"{P}/packet/{packet_id}/shares")
    assert submit(page, "form[action$='/revoke'] button[type=submit]") == 200
    assert page.locator(".so-share__visits li").count() == 3  # wrong code, opened, the file
    assert team.reload().status == 410
    data.delete_packet(packet_id)
