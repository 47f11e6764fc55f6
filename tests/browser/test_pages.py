"""Every page of the inventory, in English and in Arabic (right to left):
zero axe-core violations for WCAG 2.0/2.1/2.2 A and AA, no sideways scrolling
and 24 px targets on a 360 px phone, and screenshots at desktop and phone width."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .checks import (
    assert_no_horizontal_scroll,
    assert_target_sizes,
    describe_violations,
    run_axe,
)
from .conftest import DESKTOP, PHONE, require_page
from .pages import PAGES, Entry

LANGS = ["en", "ar"]


def open_entry(contexts: Any, data: Any, entry: Entry, lang: str) -> Any:
    page = contexts.shared(entry.user, lang)
    status = entry.open(page, data)
    assert status == entry.status, f"{entry.name}: HTTP {status}"
    return page


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("entry", PAGES, ids=[e.name for e in PAGES])
def test_page(entry: Entry, lang: str, contexts: Any, data: Any, screenshot_dir: Path) -> None:
    require_page(contexts.portal, entry.needs)
    page = open_entry(contexts, data, entry, lang)
    html = page.locator("html")
    if lang == "ar":
        # The portal's switcher sets the language; the package's region follows it.
        assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
        region = page.locator("div.secondop")
        if region.count():
            assert region.get_attribute("dir") == "rtl"
    else:
        assert page.locator("h1").inner_text().strip() == entry.heading
    assert page.locator("h1").count() == 1, "one <h1> per page"

    violations = run_axe(page)
    assert not violations, f"axe-core on {entry.name} ({lang}):\n{describe_violations(violations)}"

    page.screenshot(path=screenshot_dir / f"{entry.name}-{lang}-{DESKTOP['width']}.png",
                    full_page=True)
    page.set_viewport_size(PHONE)
    if lang == "en":  # phone layouts differ (tables become cards): axe once more there
        violations = run_axe(page)
        assert not violations, f"axe-core on {entry.name} at 360 px:\n{describe_violations(violations)}"
    assert_no_horizontal_scroll(page, PHONE["width"])
    assert_target_sizes(page)
    page.screenshot(path=screenshot_dir / f"{entry.name}-{lang}-{PHONE['width']}.png",
                    full_page=True)
