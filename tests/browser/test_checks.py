"""The checks themselves catch what they are meant to catch (so a green suite
means something): each is run on a small page made to fail it."""
from __future__ import annotations

from typing import Any

import pytest

from .checks import (
    assert_no_horizontal_scroll,
    assert_target_sizes,
    assert_visible_focus,
    run_axe,
    tab_to,
    walk_tab_order,
)


@pytest.fixture
def blank(contexts: Any) -> Any:
    return contexts.page()


def test_axe_finds_wcag_violations(blank: Any) -> None:
    blank.set_content('<html><body><main><img src="x.png">'
                      '<p style="color:#aaa;background:#fff">pale text</p>'
                      '<input type="text"></main></body></html>')
    found = {v["id"] for v in run_axe(blank)}
    assert {"image-alt", "color-contrast", "label", "html-has-lang"} <= found


def test_visible_focus_check_catches_a_removed_outline(blank: Any) -> None:
    blank.set_content('<html lang="en"><body><a href="#a" id="a" style="outline:none">one</a>'
                      '<a href="#b" id="b">two</a></body></html>')
    blank.keyboard.press("Tab")
    with pytest.raises(AssertionError, match="no visible focus"):
        assert_visible_focus(blank)
    blank.keyboard.press("Tab")
    assert assert_visible_focus(blank)["id"] == "b"


def test_trap_is_caught(blank: Any) -> None:
    blank.set_content("""<html lang="en"><body><a href="#">before</a>
      <input id="trap"><a href="#">after</a>
      </body></html>""")
    # A script that swallows Tab in a field: a keyboard trap.
    blank.evaluate("""() => document.getElementById('trap').addEventListener('keydown',
      e => { if (e.key === 'Tab') e.preventDefault(); })""")
    blank.focus("#trap")
    with pytest.raises(AssertionError, match="keyboard trap|not reached"):
        tab_to(blank, "a:last-of-type", limit=5)


def test_unreachable_elements_are_caught(blank: Any) -> None:
    blank.set_content("""<html lang="en"><body><a href="#">one</a>
      <div tabindex="0" id="x">custom</div>
      <script>document.getElementById('x').addEventListener('keydown', e => {
        if (e.key === 'Tab') e.preventDefault(); });</script></body></html>""")
    with pytest.raises(AssertionError, match="keyboard trap|never left"):
        walk_tab_order(blank)


def test_sideways_scrolling_is_caught(contexts: Any) -> None:
    page = contexts.page(viewport={"width": 360, "height": 700})
    page.set_content('<html lang="en"><body><div style="width:500px">wide</div></body></html>')
    with pytest.raises(AssertionError, match="scrolls sideways"):
        assert_no_horizontal_scroll(page, 360)


def test_small_targets_are_caught_but_inline_links_and_spaced_ones_pass(blank: Any) -> None:
    blank.set_content("""<html lang="en"><body style="font-size:12px">
      <p>Read <a href="#a">this link</a> inside a sentence.</p>
      <p style="margin:3em 0"><a href="#b">alone</a></p>
      <div><button style="padding:0;height:16px;width:16px">x</button><button
        style="padding:0;height:16px;width:16px">y</button></div></body></html>""")
    with pytest.raises(AssertionError) as failed:
        assert_target_sizes(blank)
    message = str(failed.value)
    assert ">x</button>" in message and ">y</button>" in message
    assert "this link" not in message and "alone" not in message
