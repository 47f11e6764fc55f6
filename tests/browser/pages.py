"""The page inventory: every page of the package (and the portal pages around
it), who looks at it, with which data, and how to reach it.

``target`` is a path, or the name of a :class:`Data` method that makes the data
through the portal's own pages (as a person would) and returns the path.
Every test that walks "all pages" reads :data:`PAGES`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

P = "/second-opinion"
PACKET = "secondop.packet_index"
COMPARE = "secondop.compare_index"
SHARE = "secondop.packet_shares"


@dataclass(frozen=True)
class Entry:
    name: str                # test id and screenshot file name
    user: str | None         # None: not signed in; else a demo account (conftest.USERS)
    target: str              # a path ("/..."), or the name of a Data method (see open())
    heading: str             # the page's <h1> in English (checked on every visit)
    status: int = 200
    walk: bool = True        # also walked with Tab (off for pages that share a layout)
    needs: str | None = None  # the capability's endpoint (see conftest.require_page)

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
    # Packet: Lee has none (empty), Maria one fresh and one full packet, Sam acts for Maria.
    # Not signed in: the portal's login page, which brings the person back afterwards.
    Entry("packet-anonymous", None, f"{P}/packet/", "Sign in", walk=False, needs=PACKET),
    Entry("packet-index-empty", "lee", f"{P}/packet/", "Your records packets", needs=PACKET),
    Entry("packet-index-full", "maria", "packet_index_full", "Your records packets", needs=PACKET),
    Entry("packet-new", "maria", f"{P}/packet/new", "Start a new packet", needs=PACKET),
    Entry("packet-new-errors", "maria", "packet_new_errors", "Start a new packet", status=400, needs=PACKET),
    Entry("packet-detail-empty", "maria", "empty_packet", "Packet for Lakeside Cancer Institute", needs=PACKET),
    Entry("packet-detail-full", "maria", "full_packet", "Packet for City Cancer Center", needs=PACKET),
    Entry("packet-detail-sam", "sam", "full_packet", "Packet for City Cancer Center", needs=PACKET),
    Entry("packet-edit", "maria", "packet_edit", "Edit this packet", needs=PACKET),
    Entry("packet-delete", "maria", "packet_delete", "Delete this packet?", needs=PACKET),
    Entry("packet-gaps-empty", "maria", "empty_packet_gaps", "What is still missing", needs=PACKET),
    Entry("packet-gaps-full", "maria", "packet_gaps", "What is still missing", needs=PACKET),
    Entry("packet-item-empty", "maria", "empty_item", "Pathology reports", needs=PACKET),
    Entry("packet-item-full", "maria", "full_item", "Pathology reports", needs=PACKET),
    Entry("packet-item-slides", "maria", "slides_item", "Slides and blocks", needs=PACKET),
    Entry("packet-upload-refused", "maria", "upload_refused", "Imaging reports", needs=PACKET),
    Entry("packet-item-errors", "maria", "item_errors", "Imaging reports", status=400, needs=PACKET),
    Entry("packet-document-delete", "maria", "document_delete", "Delete this file?", needs=PACKET),
    Entry("packet-timeline-empty", "maria", "empty_timeline", "Your timeline", needs=PACKET),
    Entry("packet-timeline-full", "sam", "timeline", "Your timeline", needs=PACKET),
    Entry("packet-timeline-errors", "maria", "timeline_errors", "Your timeline", status=400, needs=PACKET),
    Entry("packet-event-edit", "maria", "event_edit", "Change a timeline event", needs=PACKET),
    Entry("packet-requests-empty", "maria", "empty_requests", "Ask for your records", needs=PACKET),
    Entry("packet-requests-full", "maria", "requests", "Ask for your records", needs=PACKET),
    Entry("packet-request-new", "maria", "request_new", "Write a request letter", needs=PACKET),
    Entry("packet-request", "maria", "request", "Change a records request", needs=PACKET),
    Entry("packet-request-letter", "maria", "request_letter", "Request for copies of my medical records", needs=PACKET),
    Entry("error-not-found", "lee", "not_found", "We could not find that page", status=404, needs=PACKET),
    # Compare: Lee has no worksheet, Maria an empty one and one with three opinions.
    Entry("compare-index-empty", "lee", f"{P}/compare/", "Compare opinions", needs=COMPARE),
    Entry("compare-index-full", "maria", "compare_index_full", "Compare opinions", needs=COMPARE),
    Entry("compare-new", "maria", f"{P}/compare/new", "Start a new worksheet", needs=COMPARE),
    Entry("compare-new-errors", "maria", "worksheet_new_errors", "Start a new worksheet", status=400, needs=COMPARE),
    Entry("compare-worksheet-empty", "maria", "empty_worksheet", "Questions for the next visit", needs=COMPARE),
    Entry("compare-worksheet-full", "maria", "full_worksheet", "Surgery or radiation first", needs=COMPARE),
    Entry("compare-worksheet-sam", "sam", "full_worksheet", "Surgery or radiation first", needs=COMPARE),
    Entry("compare-worksheet-edit", "maria", "worksheet_edit", "Change the worksheet name and notes", needs=COMPARE),
    Entry("compare-worksheet-delete", "maria", "worksheet_delete", "Delete this worksheet?", needs=COMPARE),
    Entry("compare-opinion-new", "maria", "opinion_new", "Add opinion 4", needs=COMPARE),
    Entry("compare-opinion-edit", "maria", "opinion_edit", "Opinion 1", needs=COMPARE),
    Entry("compare-opinion-remove", "maria", "opinion_remove", "Remove this opinion?", needs=COMPARE),
    Entry("compare-side-by-side", "maria", "side_by_side", "Side by side: Surgery or radiation first", needs=COMPARE),
    Entry("compare-side-by-side-sam", "sam", "side_by_side", "Side by side: Surgery or radiation first", needs=COMPARE),
    Entry("compare-letter", "maria", "compare_letter", "Please discuss my case together", needs=COMPARE),
    # Share: Maria's list (none yet; and shares that were used, ended and locked), the form,
    # the form with mistakes, the page shown once with the link and the code.
    Entry("share-list-empty", "maria", "share_list_empty", "Share with the team", needs=SHARE),
    Entry("share-list-full", "maria", "share_list_full", "Share with the team", needs=SHARE),
    Entry("share-new", "maria", "share_new", "Share your packet with a team", needs=SHARE),
    Entry("share-new-errors", "maria", "share_new_errors", "Share your packet with a team", status=400,
          needs=SHARE),
    Entry("share-created", "maria", "share_created", "Your share is ready", needs=SHARE),
    # The receiving team: no portal account (not signed in), only the link and the code.
    Entry("shared-code", None, "shared_code", "Type the access code", needs=SHARE),
    Entry("shared-wrong-code", None, "shared_wrong_code", "Type the access code", status=400,
          needs=SHARE),
    Entry("shared-packet", None, "shared_packet", "Records for a second opinion", needs=SHARE),
    Entry("shared-ended", None, "shared_ended", "This link has ended", status=410, needs=SHARE),
    Entry("shared-locked", None, "shared_locked", "This link has ended", status=410, walk=False,
          needs=SHARE),
]


class Data:
    """Data for the inventory, made through the portal's own pages, as a person would."""

    def __init__(self, contexts: Any) -> None:
        self.contexts = contexts
        self.last_status = 0

    def page(self, user: str | None) -> Any:
        context = self.contexts.browser.new_context(
            base_url=self.contexts.portal.url, storage_state=self.contexts.state(user, "en"))
        context.set_default_timeout(30_000)
        return context.new_page()

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

    # --- Packet ------------------------------------------------------------------------
    def _maria(self) -> Any:
        """One page signed in as Maria (English) that makes the shared data."""
        if getattr(self, "_maria_page", None) is None:
            self._maria_page = self.page("maria")
        return self._maria_page

    @staticmethod
    def _id_after(page: Any, part: str) -> int:
        return int(page.url.split(part, 1)[1].split("/")[0].split("?")[0])

    def new_packet(self, center: str) -> int:
        page = self._maria()
        page.goto(f"{P}/packet/new")
        page.fill("#center_name", center)
        page.fill("#consult_questions", "Is surgery the best first step?\nWhat would you add?")
        page.fill("#proposed_plan", "Surgery, then radiation")
        with page.expect_navigation():
            page.click("form.secondop-form button[type=submit]")
        return self._id_after(page, "/packet/")

    def item_ids(self, packet_id: int) -> list[int]:
        page = self._maria()
        page.goto(f"{P}/packet/{packet_id}")
        hrefs = page.eval_on_selector_all(
            f"a[href*='/packet/{packet_id}/items/']", "els => els.map(a => a.getAttribute('href'))")
        ids = []
        for href in hrefs:
            item = int(href.rsplit("/", 1)[1])
            if item not in ids:
                ids.append(item)
        return ids

    @functools.cache  # noqa: B019
    def _empty_packet(self) -> int:
        return self.new_packet("Lakeside Cancer Institute")

    @functools.cache  # noqa: B019
    def _full_packet(self) -> dict[str, Any]:
        """A packet with items marked, files uploaded, three timeline events and a request."""
        packet_id = self.new_packet("City Cancer Center")
        page = self._maria()
        items = self.item_ids(packet_id)
        files = sample_files(self.contexts.portal.data.parent)
        # First item: received, with two files.
        page.goto(f"{P}/packet/{packet_id}/items/{items[0]}")
        page.check("input[name=status][value=received]")
        page.fill("#received_on", "2026-03-02")
        page.fill("#notes", "Sent by the lab on a CD.")
        with page.expect_navigation():
            page.click("form.secondop-form:not([data-secondop-upload]) button[type=submit]")
        page.goto(f"{P}/packet/{packet_id}/items/{items[0]}")
        page.set_input_files("#so-upload-file", [files["pdf"], files["png"]])
        with page.expect_navigation(url=lambda url: "/upload" not in url):
            page.click("form[data-secondop-upload] button[type=submit]")
        doc_hrefs = page.eval_on_selector_all(
            "a[href*='/documents/']", "els => els.map(a => a.getAttribute('href'))")
        doc_id = int(doc_hrefs[0].split("/documents/", 1)[1].split("/")[0])
        # Second item: requested.
        page.goto(f"{P}/packet/{packet_id}/items/{items[1]}")
        page.check("input[name=status][value=requested]")
        page.fill("#requested_on", "2026-02-20")
        with page.expect_navigation():
            page.click("form.secondop-form:not([data-secondop-upload]) button[type=submit]")
        # Timeline.
        for year, month, kind, title in ((2025, "11", "symptom", "Lump found"),
                                         (2026, "1", "test", "Biopsy"),
                                         (2026, "2", "diagnosis", "Diagnosis of breast cancer")):
            add_event(page, packet_id, year, month, kind, title)
        event_href = page.eval_on_selector_all(
            f"a[href*='/packet/{packet_id}/timeline/']", "els => els.map(a => a.getAttribute('href'))")[0]
        # A records request to a hospital.
        page.goto(f"{P}/packet/{packet_id}/requests/new")
        page.fill("#name", "Riverside Health Pathology")
        page.fill("#address", "1 River Road, Springfield")
        page.fill("#requested_on", "2026-02-01")
        with page.expect_navigation():
            page.click("form.secondop-form button[type=submit]")
        page.goto(f"{P}/packet/{packet_id}/requests")
        facility_href = page.eval_on_selector_all(
            f"a[href*='/packet/{packet_id}/requests/']",
            "els => els.map(a => a.getAttribute('href')).filter(h => /requests\\/\\d+$/.test(h))")[0]
        return {"id": packet_id, "items": items, "doc": doc_id,
                "event": int(event_href.rsplit("/", 1)[1]),
                "facility": int(facility_href.rsplit("/", 1)[1])}

    def packet_index_full(self, page: Any) -> str:
        self._full_packet()
        self._empty_packet()
        return f"{P}/packet/"

    def packet_new_errors(self, page: Any) -> None:
        page.goto(f"{P}/packet/new")
        self._submit(page, "form.secondop-form button[type=submit]")

    def empty_packet(self, page: Any) -> str:
        return f"{P}/packet/{self._empty_packet()}"

    def full_packet(self, page: Any) -> str:
        return f"{P}/packet/{self._full_packet()['id']}"

    def packet_edit(self, page: Any) -> str:
        return f"{P}/packet/{self._full_packet()['id']}/edit"

    def packet_delete(self, page: Any) -> str:
        return f"{P}/packet/{self._full_packet()['id']}/delete"

    def empty_packet_gaps(self, page: Any) -> str:
        return f"{P}/packet/{self._empty_packet()}/gaps"

    def packet_gaps(self, page: Any) -> str:
        return f"{P}/packet/{self._full_packet()['id']}/gaps"

    def empty_item(self, page: Any) -> str:
        packet_id = self._empty_packet()
        return f"{P}/packet/{packet_id}/items/{self.item_ids(packet_id)[0]}"

    def full_item(self, page: Any) -> str:
        full = self._full_packet()
        return f"{P}/packet/{full['id']}/items/{full['items'][0]}"

    def slides_item(self, page: Any) -> str:
        full = self._full_packet()
        return f"{P}/packet/{full['id']}/items/{full['items'][1]}"

    def upload_refused(self, page: Any) -> None:
        """A web page saved as ".pdf": refused in place, with the message where the form is."""
        packet_id = self._empty_packet()
        page.goto(f"{P}/packet/{packet_id}/items/{self.item_ids(packet_id)[2]}")
        fake = self.contexts.portal.data.parent / "not-really.pdf"
        fake.write_text("<html><body>not a PDF</body></html>")
        page.set_input_files("#so-upload-file", fake)
        page.click("form[data-secondop-upload] button[type=submit]")
        page.wait_for_selector("#secondop-error-summary, [data-secondop-upload-error]")
        self.last_status = 200

    def item_errors(self, page: Any) -> None:
        """Dates the wrong way round: got it before it was asked for."""
        packet_id = self._empty_packet()
        page.goto(f"{P}/packet/{packet_id}/items/{self.item_ids(packet_id)[2]}")
        page.check("input[name=status][value=received]")
        page.fill("#requested_on", "2026-03-10")
        page.fill("#received_on", "2026-03-01")
        self._submit(page, "form.secondop-form:not([data-secondop-upload]) button[type=submit]")

    def document_delete(self, page: Any) -> str:
        full = self._full_packet()
        return f"{P}/packet/{full['id']}/documents/{full['doc']}/delete"

    def empty_timeline(self, page: Any) -> str:
        return f"{P}/packet/{self._empty_packet()}/timeline"

    def timeline(self, page: Any) -> str:
        return f"{P}/packet/{self._full_packet()['id']}/timeline"

    def timeline_errors(self, page: Any) -> None:
        page.goto(f"{P}/packet/{self._empty_packet()}/timeline")
        page.fill("#day", "45")
        self._submit(page, "form.secondop-form button[type=submit]")

    def event_edit(self, page: Any) -> str:
        full = self._full_packet()
        return f"{P}/packet/{full['id']}/timeline/{full['event']}"

    def empty_requests(self, page: Any) -> str:
        return f"{P}/packet/{self._empty_packet()}/requests"

    def requests(self, page: Any) -> str:
        return f"{P}/packet/{self._full_packet()['id']}/requests"

    def request_new(self, page: Any) -> str:
        return f"{P}/packet/{self._full_packet()['id']}/requests/new"

    def request(self, page: Any) -> str:
        full = self._full_packet()
        return f"{P}/packet/{full['id']}/requests/{full['facility']}"

    def request_letter(self, page: Any) -> str:
        full = self._full_packet()
        return f"{P}/packet/{full['id']}/requests/{full['facility']}/letter"

    def not_found(self, page: Any) -> str:
        """Maria's packet asked for by Lee: the package's own 404 page."""
        return f"{P}/packet/{self._full_packet()['id']}"

    # --- Compare -----------------------------------------------------------------------
    def new_worksheet(self, title: str) -> int:
        page = self._maria()
        page.goto(f"{P}/compare/new")
        page.fill("#title", title)
        with page.expect_navigation():
            page.click("form.secondop-form button[type=submit]")
        return self._id_after(page, "/compare/")

    @functools.cache  # noqa: B019
    def _empty_worksheet(self) -> int:
        return self.new_worksheet("Questions for the next visit")

    @functools.cache  # noqa: B019
    def _full_worksheet(self) -> dict[str, Any]:
        worksheet_id = self.new_worksheet("Surgery or radiation first")
        page = self._maria()
        for n, (doctor, center, plan) in enumerate((
                ("Dr Ortiz", "Riverside Health", "Surgery first, then radiation."),
                ("Dr Chen", "City Cancer Center", "Radiation and hormone therapy first."),
                ("Dr Patel", "University Hospital", "Surgery first; check a gene test.")), start=1):
            page.goto(f"{P}/compare/{worksheet_id}/opinions/new")
            page.fill("#doctor", doctor)
            page.fill("#center", center)
            page.fill("#seen_on", f"2026-0{n}-1{n}")
            page.check("input[name=visit_kind][value=visit]" if n % 2 else
                       "input[name=visit_kind][value=remote]")
            page.fill("#diagnosis", "Breast cancer, stage 2")
            page.fill("#goal", "Cure")
            page.fill("#plan", plan)
            with page.expect_navigation():
                page.click("form.compare-form button[type=submit]")
        page.goto(f"{P}/compare/{worksheet_id}")
        hrefs = page.eval_on_selector_all(
            f"a[href*='/compare/{worksheet_id}/opinions/']", "els => els.map(a => a.getAttribute('href'))")
        opinion = int(next(h for h in hrefs if h.endswith("/edit")).split("/opinions/")[1].split("/")[0])
        return {"id": worksheet_id, "opinion": opinion}

    def compare_index_full(self, page: Any) -> str:
        self._full_worksheet()
        self._empty_worksheet()
        return f"{P}/compare/"

    def worksheet_new_errors(self, page: Any) -> None:
        page.goto(f"{P}/compare/new")
        self._submit(page, "form.secondop-form button[type=submit]")

    def empty_worksheet(self, page: Any) -> str:
        return f"{P}/compare/{self._empty_worksheet()}"

    def full_worksheet(self, page: Any) -> str:
        return f"{P}/compare/{self._full_worksheet()['id']}"

    def worksheet_edit(self, page: Any) -> str:
        return f"{P}/compare/{self._full_worksheet()['id']}/edit"

    def worksheet_delete(self, page: Any) -> str:
        return f"{P}/compare/{self._full_worksheet()['id']}/delete"

    def opinion_new(self, page: Any) -> str:
        return f"{P}/compare/{self._full_worksheet()['id']}/opinions/new"

    def opinion_edit(self, page: Any) -> str:
        full = self._full_worksheet()
        return f"{P}/compare/{full['id']}/opinions/{full['opinion']}/edit"

    def opinion_remove(self, page: Any) -> str:
        full = self._full_worksheet()
        return f"{P}/compare/{full['id']}/opinions/{full['opinion']}/remove"

    def side_by_side(self, page: Any) -> str:
        return f"{P}/compare/{self._full_worksheet()['id']}/side-by-side"

    def compare_letter(self, page: Any) -> str:
        return f"{P}/compare/{self._full_worksheet()['id']}/letter"

    # --- Share ---------------------------------------------------------------------------
    def make_share(self, packet_id: int, team: str, page: Any | None = None) -> SharePass:
        """Maria makes a share of the whole packet; the page shown once gives the link and code."""
        page = page or self._maria()
        page.goto(f"{P}/packet/{packet_id}/shares/new")
        page.fill("#team_name", team)
        self._submit(page, "form.secondop-form button[type=submit]")
        return share_pass(page)

    def _team(self) -> Any:
        """One anonymous page (no portal account) the inventory's shares are used from."""
        if getattr(self, "_team_page", None) is None:
            self._team_page = self.page(None)
        return self._team_page

    @functools.cache  # noqa: B019
    def _shares(self) -> dict[str, SharePass]:
        """On the full packet: one never opened, one the team uses, one opened, used and
        then ended by Maria (its visits on her list), one locked by wrong codes."""
        packet_id = self._full_packet()["id"]
        made = {name: self.make_share(packet_id, team) for name, team in (
            ("unopened", "Lakeside Oncology"), ("open", "City Cancer Center tumor board"),
            ("ended", "Dr Ruiz, University Hospital"), ("locked", "Hope Clinic"))}
        team = self._team()
        packet = open_share(team, made["ended"])
        team.goto(packet)
        with team.expect_download() as download:
            team.click("a[href$='/packet.zip']")
        download.value.path()
        revoke(self._maria(), packet_id, "Dr Ruiz, University Hospital")
        for _ in range(5):
            team.goto(made["locked"].path)
            team.fill("#code", "WRONG-CODE0")
            with team.expect_navigation():
                team.click("form.secondop-form button[type=submit]")
        return made

    def packet_with_files(self, center: str) -> int:
        """A packet of its own (for one journey): the first item received, with two files."""
        packet_id = self.new_packet(center)
        page = self._maria()
        item = self.item_ids(packet_id)[0]
        page.goto(f"{P}/packet/{packet_id}/items/{item}")
        page.check("input[name=status][value=received]")
        page.fill("#received_on", "2026-03-02")
        with page.expect_navigation():
            page.click("form.secondop-form:not([data-secondop-upload]) button[type=submit]")
        files = sample_files(self.contexts.portal.data.parent)
        page.goto(f"{P}/packet/{packet_id}/items/{item}")
        page.set_input_files("#so-upload-file", [files["pdf"], files["png"]])
        with page.expect_navigation(url=lambda url: "/upload" not in url):
            page.click("form[data-secondop-upload] button[type=submit]")
        add_event(page, packet_id, 2026, "1", "test", "Biopsy")
        return packet_id

    def delete_packet(self, packet_id: int) -> None:
        """Maria deletes a packet (a journey's own, so the inventory's pages stay as they were)."""
        page = self._maria()
        page.goto(f"{P}/packet/{packet_id}/delete")
        self._submit(page, "form[action$='/delete'] button[type=submit]")
        assert self.last_status == 200, f"deleting packet {packet_id}: HTTP {self.last_status}"

    def share_list_empty(self, page: Any) -> str:
        return f"{P}/packet/{self._empty_packet()}/shares"

    def share_list_full(self, page: Any) -> str:
        self._shares()
        return f"{P}/packet/{self._full_packet()['id']}/shares"

    def share_new(self, page: Any) -> str:
        return f"{P}/packet/{self._full_packet()['id']}/shares/new"

    def share_new_errors(self, page: Any) -> None:
        """No name, and "only the items I choose" with none chosen."""
        page.goto(f"{P}/packet/{self._full_packet()['id']}/shares/new")
        page.check("input[name=scope][value=some]")
        self._submit(page, "form.secondop-form button[type=submit]")

    def share_created(self, page: Any) -> None:
        """Made in the page under test (its language): each visit makes a new share."""
        self.make_share(self._full_packet()["id"], "Riverside second-opinion clinic", page)

    def shared_code(self, page: Any) -> str:
        return self._shares()["unopened"].path

    def shared_wrong_code(self, page: Any) -> None:
        """A new share each time: every wrong code counts, five lock the share."""
        made = self.make_share(self._full_packet()["id"], "Bay Area Cancer Team")
        page.goto(made.path)
        page.fill("#code", "WRONG-CODE0")
        self._submit(page, "form.secondop-form button[type=submit]")

    def shared_packet(self, page: Any) -> str:
        return open_share(page, self._shares()["open"])

    def shared_ended(self, page: Any) -> str:
        return self._shares()["ended"].path

    def shared_locked(self, page: Any) -> str:
        return self._shares()["locked"].path


@dataclass(frozen=True)
class SharePass:
    """What Maria gives the team: the link (here its path) and the code."""
    path: str
    code: str


def share_pass(page: Any) -> SharePass:
    """The link and the code from the page shown once after making a share."""
    from urllib.parse import urlsplit

    link = page.inner_text("#so-share-link-value").strip()
    code = page.inner_text("#so-share-code-value").strip()
    assert link and code, "the link and the code are on the page"
    return SharePass(urlsplit(link).path, code)


def open_share(page: Any, share: SharePass) -> str:
    """The team opens the link and types the code (unless this browser did before);
    returns the path of the read-only packet."""
    from urllib.parse import urlsplit

    page.goto(share.path)
    if page.locator("#code").count():
        page.fill("#code", share.code)
        with page.expect_navigation():
            page.click("form.secondop-form button[type=submit]")
    path = urlsplit(page.url).path
    assert path.endswith("/packet"), f"the code did not open the packet: {page.url}"
    return path


def revoke(page: Any, packet_id: int, team: str) -> None:
    """Maria ends a share from her list (its button names the team for screen readers)."""
    page.goto(f"{P}/packet/{packet_id}/shares")
    card = page.locator("li.so-share", has=page.locator("h2", has_text=team))
    with page.expect_navigation():
        card.locator("button[type=submit]").click()


def add_event(page: Any, packet_id: int, year: int, month: str, kind: str, title: str) -> None:
    page.goto(f"{P}/packet/{packet_id}/timeline")
    page.fill("#year", str(year))
    page.select_option("#month", month)
    page.check(f"input[name=kind][value={kind}]")
    page.fill("#title", title)
    with page.expect_navigation():
        page.click("form.secondop-form button[type=submit]")


def sample_files(folder: Path) -> dict[str, Path]:
    """A one-page PDF and a small PNG, as a scan and a photo of a report would be."""
    import io

    from PIL import Image
    from pypdf import PdfWriter

    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / "pathology-report.pdf"
    if not pdf.exists():
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        buffer = io.BytesIO()
        writer.write(buffer)
        pdf.write_bytes(buffer.getvalue())
    png = folder / "scan-photo.png"
    if not png.exists():
        Image.new("RGB", (64, 48), (200, 220, 240)).save(png)
    return {"pdf": pdf, "png": png}
