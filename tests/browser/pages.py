"""The page inventory: every page of the package (and the portal pages around
it), who looks at it, with which data, and how to reach it.

``target`` is a path, or the name of a :class:`Data` method that makes the data
through the portal's own pages (as a person would) and returns the path.
Every test that walks "all pages" reads :data:`PAGES`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

P = "/second-opinion"


@dataclass(frozen=True)
class Entry:
    name: str                # test id and screenshot file name
    user: str | None         # None: not signed in; else a demo account (conftest.USERS)
    target: str              # a path ("/...") or a Data method name
    heading: str             # the page's <h1> in English (checked on every visit)
    status: int = 200

    def url(self, data: Data) -> str:
        return self.target if self.target.startswith("/") else getattr(data, self.target)()


PAGES: list[Entry] = [
    # The portal around the package (its layout wraps every page).
    Entry("portal-home", None, "/", "Welcome to your patient portal"),
    Entry("portal-login", None, "/login", "Sign in"),
    # Foundation: hub and patient chooser.
    Entry("hub-anonymous", None, f"{P}/", "Getting a second opinion"),
    Entry("hub-maria", "maria", f"{P}/", "Getting a second opinion"),
    Entry("hub-sam", "sam", f"{P}/", "Getting a second opinion"),
    Entry("hub-lee", "lee", f"{P}/", "Getting a second opinion"),
    Entry("choose-sam", "sam", f"{P}/choose", "Choose a person"),
    Entry("choose-maria", "maria", f"{P}/choose", "Choose a person"),
]


class Data:
    """Data for the inventory, made once per test session through the UI."""

    def __init__(self, contexts: Any) -> None:
        self.contexts = contexts

    def page(self, user: str) -> Any:
        return self.contexts.browser.new_context(
            base_url=self.contexts.portal.url,
            storage_state=self.contexts.state(user, "en")).new_page()

    @functools.cache  # noqa: B019 (one Data per session)
    def _example(self) -> str:
        return "/"
