"""The page inventory: every page of the package (and the portal pages around
it), who looks at it, with which data, and how to reach it.

``target`` is a path, or the name of a :class:`Data` method that makes the data
through the portal's own pages (as a person would) and returns the path.
Every test that walks "all pages" reads :data:`PAGES`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

P = "/second-opinion"


@dataclass(frozen=True)
class Entry:
    name: str                # test id and screenshot file name
    user: str | None         # None: not signed in; else a demo account (conftest.USERS)
    target: str              # a path ("/..."), or the name of a Data method (see open())
    heading: str             # the page's <h1> in English (checked on every visit)
    status: int = 200
    walk: bool = True        # also walked with Tab (off for pages that share a layout)

    def open(self, page: Any, data: Data) -> Any:
        """Bring ``page`` to this entry. A Data method gets the page and either returns
        a path (data it made) or drives the page there itself (a POST result) and
        returns None. Returns the main response's status."""
        if self.target.startswith("/"):
            return page.goto(self.target).status
        path = getattr(data, self.target)(page)
        if path is not None:
            return page.goto(path).status
        return data.last_status


TOPICS = [
    ("second-opinions-are-normal", "Second opinions are normal"),
    ("when-it-matters-most", "When another look helps most"),
    ("how-to-ask", "How to ask your oncologist"),
    ("what-to-bring", "What to bring"),
    ("major-cancer-centers", "How large cancer centers can help"),
    ("remote-programs", "Second opinions from home"),
    ("when-opinions-differ", "When the opinions differ"),
    ("a-calm-way-to-see-it", "A calm way to think about it"),
    ("is-there-time-to-wait", "Is there time to wait?"),
    ("checking-insurance", "Checking your insurance"),
    ("questions-to-ask", "Questions to ask each team"),
    ("getting-your-records", "How to get your records"),
    ("slides-and-blocks", "Pathology slides and tissue blocks"),
]

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
    # Learn: public pages (anonymous), and one signed in.
    Entry("learn-index", None, f"{P}/learn/", "Learn about second opinions"),
    Entry("learn-index-maria", "maria", f"{P}/learn/", "Learn about second opinions"),
    # The topics share one template: each gets axe, phone and screenshots, one the Tab walk.
    *[Entry(f"learn-topic-{slug}", None, f"{P}/learn/topics/{slug}", title, walk=(n == 0))
      for n, (slug, title) in enumerate(TOPICS)],
    Entry("learn-selfcheck", None, f"{P}/learn/self-check", "Is a second opinion worth it for me?"),
    Entry("learn-selfcheck-result", None, "selfcheck_result", "Your self-check results"),
    Entry("learn-selfcheck-result-none", None, "selfcheck_result_none", "Your self-check results"),
    Entry("learn-scripts", None, f"{P}/learn/scripts", "What to say when you ask"),
    Entry("learn-letter-form", None, f"{P}/learn/records-letter", "A letter to ask for your records"),
    Entry("learn-letter-errors", None, "letter_errors", "A letter to ask for your records", status=200),
    Entry("learn-letter", "maria", "letter", "Your records letter"),
    Entry("learn-centers", None, f"{P}/learn/centers", "Find cancer centers and programs"),
    Entry("learn-centers-filtered", None, f"{P}/learn/centers?state=MA&remote=1",
          "Find cancer centers and programs"),
]


class Data:
    """Data for the inventory, made through the portal's own pages, as a person would."""

    def __init__(self, contexts: Any) -> None:
        self.contexts = contexts
        self.last_status = 0

    def _submit(self, page: Any, button: str) -> None:
        with page.expect_navigation() as nav:
            page.click(button)
        self.last_status = nav.value.status

    # Learn: pages that only exist as the answer to a POST.
    def selfcheck_result(self, page: Any) -> None:
        page.goto(f"{P}/learn/self-check")
        for box in page.locator("input[name=situations]").all()[:3]:
            box.check()
        page.check("#urgent")
        self._submit(page, "button[type=submit].secondop-button")

    def selfcheck_result_none(self, page: Any) -> None:
        page.goto(f"{P}/learn/self-check")
        self._submit(page, "button[type=submit].secondop-button")

    def letter_errors(self, page: Any) -> None:
        page.goto(f"{P}/learn/records-letter")
        self._submit(page, "button[value=show]")

    def letter(self, page: Any) -> None:
        page.goto(f"{P}/learn/records-letter")
        page.fill("#patient_name", "Maria Lopez")
        page.fill("#date_of_birth", "1968-04-02")
        page.fill("#facility", "Riverside Health Pathology")
        page.check("input[name=items][value=pathology_reports]")
        page.fill("#address", "12 Elm Street, Springfield")
        self._submit(page, "button[value=show]")
