"""Keyboard-only journeys: a person who uses Tab, Shift+Tab, Enter and Space
(and types into fields). Each step checks visible focus (in ``tab_to``), and
on a phone also no sideways scrolling and 24 px targets."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from .checks import (
    assert_no_horizontal_scroll,
    assert_target_sizes,
    tab_to,
    type_text,
)
from .conftest import PASSWORD, USERS


class Keyboard:
    def __init__(self, page: Any, width: int) -> None:
        self.page = page
        self.width = width

    def goto(self, path: str) -> None:
        """Open an address (as typed in the address bar), then start from the top."""
        self.page.goto(path)
        self.page_checks()

    def page_checks(self) -> None:
        if self.width <= 400:
            assert_no_horizontal_scroll(self.page, self.width)
            assert_target_sizes(self.page)

    def to(self, selector: str, backwards: bool = False) -> dict[str, Any]:
        return tab_to(self.page, selector, backwards=backwards)

    def type(self, selector: str, text: str) -> None:
        self.to(selector)
        type_text(self.page, text)

    @contextmanager
    def navigation(self) -> Any:
        with self.page.expect_navigation():
            yield
        self.page.wait_for_load_state()
        self.page_checks()

    def enter(self, selector: str) -> None:
        """Tab to a link or button and press Enter; a new page loads."""
        self.to(selector)
        with self.navigation():
            self.page.keyboard.press("Enter")

    def space(self, selector: str) -> None:
        self.to(selector)
        self.page.keyboard.press("Space")

    def sign_in(self, user: str) -> None:
        """From the portal's home page: the skip link, then the header's Sign in link."""
        self.goto("/")
        first = self.to("a, button, input, select")
        assert first["text"] == "Skip to main content", "the skip link is the first tab stop"
        self.enter("a[href$='/login']")
        self.type("#email", USERS[user])
        self.type("#password", PASSWORD)
        with self.navigation():
            self.page.keyboard.press("Enter")  # Enter in a field submits its form
        assert self.page.url.endswith("/"), self.page.url
