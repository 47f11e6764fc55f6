"""Keyboard-only journeys through the Packet and Compare pages, on a desktop and
on a 360 px phone: build a packet (create, mark an item, upload a file, add a
timeline event, export), fill a worksheet with opinions and compare them.

Keys: Tab, Shift+Tab, Enter, Space, typing into fields, and the arrow keys only
where the platform has no other way (moving the choice inside a radio group;
a closed <select> takes typed letters)."""
from __future__ import annotations

from typing import Any

import pytest

from .conftest import DESKTOP, PHONE, require_page
from .journeys import Keyboard
from .pages import COMPARE, PACKET, sample_files
from .test_keyboard import assert_error_summary_leads_to_fields

WIDTHS = pytest.mark.parametrize("width", [DESKTOP["width"], PHONE["width"]])


def keyboard(contexts: Any, width: int) -> Keyboard:
    viewport = DESKTOP if width == DESKTOP["width"] else PHONE
    kb = Keyboard(contexts.page(None, viewport=viewport), width)
    kb.sign_in("maria")
    kb.enter(".portal-nav a[href$='/second-opinion/']")
    return kb


def choose_radio(kb: Keyboard, name: str, value: str) -> None:
    """Tab into a radio group, then arrow to the wanted choice (the group's own keys)."""
    kb.to(f"input[type=radio][name={name}]")
    for _ in range(8):
        if kb.page.evaluate("() => document.activeElement.value") == value:
            break
        kb.page.keyboard.press("ArrowDown")
    assert kb.page.is_checked(f"input[name={name}][value={value}]")


@WIDTHS
def test_build_a_packet(contexts: Any, width: int, tmp_path: Any) -> None:
    require_page(contexts.portal, PACKET)
    kb = keyboard(contexts, width)
    page = kb.page
    kb.enter("a[href$='/second-opinion/packet/']")
    kb.enter("a[href$='/packet/new']")

    # Sent empty: the error is announced and leads to the field; the form comes back.
    kb.enter("form.secondop-form button[type=submit]")
    assert_error_summary_leads_to_fields(kb, {"center_name"})
    page.keyboard.type(f"Hope Center {width}")
    kb.type("#consult_questions", "Is surgery the best first step?")
    kb.enter("form.secondop-form button[type=submit]")
    assert page.locator("h1").inner_text() == f"Packet for Hope Center {width}"
    detail = page.url

    # Mark the first checklist item as received.
    kb.enter("a[href*='/items/']")
    item = page.url
    choose_radio(kb, "status", "received")
    kb.type("#received_on", "03022026")
    kb.type("#notes", "The lab mailed a CD.")
    kb.enter("form.secondop-form:not([data-secondop-upload]) button[type=submit]")

    # Upload a file from the same item: the file chooser opens from the keyboard.
    kb.goto(item)
    kb.to("#so-upload-file")
    files = sample_files(tmp_path)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(files["pdf"])
    kb.enter("form[data-secondop-upload] button[type=submit]")
    page.wait_for_load_state()
    kb.goto(item)
    assert "pathology-report.pdf" in page.inner_text("main")
    assert page.is_checked("input[name=status][value=received]")

    # Add a timeline event.
    kb.goto(detail)
    kb.enter("a[href$='/timeline']")
    kb.type("#year", "2026")
    kb.to("#month")
    page.keyboard.type("Feb")  # a closed select jumps to the typed option
    kb.type("#day", "14")
    choose_radio(kb, "kind", "test")
    kb.type("#title", "Biopsy of the left breast")
    kb.enter("form.secondop-form button[type=submit]")
    assert "Biopsy of the left breast" in page.inner_text("main")

    # Export: the PDF summary and the ZIP, each from its link with Enter.
    kb.goto(detail)
    for link, magic in (("a[href$='/export/summary.pdf']", b"%PDF"),
                        ("a[href$='/export/packet.zip']", b"PK")):
        kb.to(link)
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        path = download.value.path()
        assert open(path, "rb").read(4).startswith(magic), link


@WIDTHS
def test_fill_and_compare_a_worksheet(contexts: Any, width: int) -> None:
    require_page(contexts.portal, COMPARE)
    kb = keyboard(contexts, width)
    page = kb.page
    kb.enter("a[href$='/second-opinion/compare/']")
    kb.enter("a[href$='/compare/new']")
    kb.enter("form.secondop-form button[type=submit]")
    assert_error_summary_leads_to_fields(kb, {"title"})
    page.keyboard.type(f"Which first {width}")
    kb.enter("form.secondop-form button[type=submit]")
    assert page.locator("h1").inner_text() == f"Which first {width}"
    worksheet = page.url

    for doctor, plan in (("Dr Ortiz", "Surgery first"), ("Dr Chen", "Radiation first")):
        kb.goto(worksheet)
        kb.enter("a[href$='/opinions/new']")
        kb.type("#doctor", doctor)
        kb.type("#center", "Riverside Health")
        kb.type("#plan", plan)
        kb.enter("form.compare-form button[type=submit]")

    kb.goto(worksheet)
    kb.enter("a[href$='/side-by-side']")
    text = page.inner_text("main")
    assert "Surgery first" in text and "Radiation first" in text
    choose_radio(kb, "mark_plan", "differ")
    kb.enter("form.compare-marks button[type=submit]")
    assert page.is_checked("input[name=mark_plan][value=differ]")
