"""Print: Chromium prints pages to PDF with the print stylesheets; the PDF has
the page's heading and text, and none of the portal's or the package's
navigation chrome (header, language switcher, crumbs, buttons)."""
from __future__ import annotations

import io
import unicodedata
from typing import Any

import pytest
from pypdf import PdfReader

from .conftest import require_page
from .pages import PAGES, Entry

PRINTED = ["hub-maria", "learn-topic-how-to-ask", "learn-letter", "learn-centers-filtered",
           "learn-selfcheck-result", "packet-detail-full", "packet-timeline-full", "packet-gaps-full",
           "compare-worksheet-full", "compare-side-by-side",
           # Sharing: Maria is told to print the link and code; a hospital prints what it got.
           "share-list-full", "share-created", "shared-packet"]
# Pages that print something else than the screen page: the records letter prints
# only the letter (to sign and send), without the page's heading or disclaimer.
PRINTS_ONLY = {"learn-letter": "Request for copies of my medical records"}
# The receiving team's pages say what they are instead of the patient's disclaimer; the
# sheet with a new share's link and code leaves it off (share-patient.css): it is to keep.
DISCLAIMER: dict[str, str | None] = {
    "shared-packet": "This is a read-only copy that a patient shared with your team.",
    "share-created": None,
}
# Pages whose point is on paper: these elements' text prints whole (spaces and line breaks aside).
MUST_PRINT = {"share-created": ["#so-share-link-value", "#so-share-code-value"]}
# Words that only the screen chrome carries.
CHROME = ["Skip to main content", "Sign out", "Sign in", "Language", "You are here",
          "Riverside Health is a demonstration portal", "Change person"]


def printable(names: list[str]) -> list[Entry]:
    by_name = {e.name: e for e in PAGES}
    return [by_name[n] for n in names if n in by_name]


@pytest.mark.parametrize("entry", printable(PRINTED), ids=lambda e: e.name)
def test_print_to_pdf(entry: Entry, contexts: Any, data: Any) -> None:
    require_page(contexts.portal, entry.needs)
    page = contexts.page(entry.user)
    entry.open(page, data)
    page.emulate_media(media="print")
    buttons = page.eval_on_selector_all(
        "button, input[type=submit]", "els => els.filter(e => e.getBoundingClientRect().width > 0)"
        ".map(e => e.outerHTML.slice(0, 120))")
    assert not buttons, f"buttons on paper: {buttons}"
    pdf = page.pdf(format="A4", print_background=False)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(unicodedata.normalize("NFKC", text).split())  # NFKC: the "fi" ligature
    if entry.name in PRINTS_ONLY:
        assert PRINTS_ONLY[entry.name] in text
        assert entry.heading not in text and "For information only." not in text
    else:
        assert entry.heading in text, f"the heading {entry.heading!r} is not in the printed page"
        disclaimer = DISCLAIMER.get(entry.name, "For information only.")
        if disclaimer is None:
            assert "For information only." not in text
        else:
            assert disclaimer in text, "the disclaimer prints"
    compact = "".join(text.split())
    for selector in MUST_PRINT.get(entry.name, []):
        value = "".join(page.inner_text(selector).split())
        assert value and value in compact, f"{selector} ({value!r}) is not on paper"
    shown = [word for word in CHROME if word in text]
    assert not shown, f"screen-only chrome printed: {shown}"
