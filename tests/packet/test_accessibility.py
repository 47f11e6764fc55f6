"""axe-core (WCAG 2.x A and AA rules) on every kind of packet page, filled
with data, in English and in Arabic (right to left), and on forms showing
errors and a stale-save conflict. Skipped without Chromium, Playwright or
axe-playwright-python."""

from __future__ import annotations

from typing import Any

import pytest

from ..uploads import samples
from .conftest import BASE, PacketHelper

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}}


def _violations(page: Any) -> list[str]:
    axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe()
    results = axe.run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def _fill(app: Any) -> tuple[int, dict[str, int]]:
    client = app.test_client()
    client.get("/test-login/p-maria")
    app.config["WTF_CSRF_ENABLED"] = False  # set-up through the test client only
    try:
        helper = PacketHelper(app, client)
        packet_id = helper.create("City Cancer Center", referring_name="Dr Ana Park")
        helper.set_status(packet_id, "pathology_reports", "received", received_on="2026-10-02")
        helper.set_status(packet_id, "slides_blocks", "requested", requested_on="2026-09-01")
        helper.upload(packet_id, "pathology_reports", [(samples.pdf_bytes(), "تقرير الأمراض.pdf")])
        helper.add_event(packet_id, "Lump found", 2023, kind="symptom")
        helper.add_event(packet_id, "Core biopsy", 2024, 3, 14, kind="diagnosis")
        client.post(
            f"{BASE}/{packet_id}/slides", data={"lab": "Valley Pathology", "material": "recut"}
        )
        client.post(
            f"{BASE}/{packet_id}/requests/new",
            data={
                "name": "General Hospital",
                "requested_items": ["pathology_reports", "imaging_files"],
                "send_to_me": "y",
                "requested_on": "2026-09-01",
                "version": "0",
            },
        )
        ids = {
            "slides": helper.item_id(packet_id, "slides_blocks"),
            "pathology": helper.item_id(packet_id, "pathology_reports"),
        }
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    return packet_id, ids


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_packet_pages_have_no_axe_violations(live, page, lang):
    base, app = live
    packet_id, ids = _fill(app)
    page.goto(base + "/test-login/p-maria")
    urls = [
        f"{BASE}/",
        f"{BASE}/new",
        f"{BASE}/{packet_id}",
        f"{BASE}/{packet_id}/edit",
        f"{BASE}/{packet_id}/gaps",
        f"{BASE}/{packet_id}/items/{ids['slides']}",
        f"{BASE}/{packet_id}/items/{ids['pathology']}",
        f"{BASE}/{packet_id}/timeline",
        f"{BASE}/{packet_id}/requests",
        f"{BASE}/{packet_id}/requests/new",
        f"{BASE}/{packet_id}/requests/1/letter",
        f"{BASE}/{packet_id}/delete",
    ]
    found = {}
    for url in urls:
        page.goto(f"{base}{url}?lang={lang}")
        if lang == "ar":
            assert page.get_attribute(".secondop", "dir") == "rtl"
        problems = _violations(page)
        if problems:
            found[url] = problems
    assert found == {}
    assert page.console_errors == []


def test_forms_with_errors_and_conflicts_have_no_axe_violations(live, page):
    base, app = live
    packet_id, ids = _fill(app)
    page.goto(base + "/test-login/p-maria")
    found = {}
    # a form with mistakes
    page.goto(f"{base}{BASE}/{packet_id}/timeline")
    page.fill("#title", "")
    page.fill("#year", "20")
    page.click("form[action$='/timeline'] button[type=submit]")
    assert page.locator(".secondop-error-summary").count() == 1
    found["timeline errors"] = _violations(page)
    # a stale save: open the item, change it elsewhere, then save the old form
    page.goto(f"{base}{BASE}/{packet_id}/items/{ids['slides']}")
    other = app.test_client()
    other.get("/test-login/p-maria")
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        PacketHelper(app, other).set_status(packet_id, "slides_blocks", "received")
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    page.check("#status-3")  # "not applicable"
    page.click(f"form[action$='/items/{ids['slides']}'] button[type=submit]")
    assert page.locator(".so-conflict").count() == 1
    found["item conflict"] = _violations(page)
    # a refused slide entry
    page.fill("#lab", "")
    page.click("form[action$='/slides'] button[type=submit]")
    found["slide errors"] = _violations(page)
    assert {k: v for k, v in found.items() if v} == {}
