"""No user-visible text bypasses the package's domain.

Under a pseudo-locale (``eo``) whose catalog wraps every msgid in ⟦…⟧, every
GET page of the blueprint (found by walking the URL map) and every PDF is
rendered with Maria's real data; any word outside the markers must be data:
what the user typed, center names from the data file, Babel's month names,
file names, hashes. Anything else is English that skipped ``_s``/``_``.
"""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel import Locale
from flask import Flask

from oncokind_secondop.learn.content import TOPICS
from oncokind_secondop.share.views.team_access import TEAM_ENDPOINTS

from .conftest import LETTER, PSEUDO, Seeded, pdf_text, seed_maria, unmarked_words, visible_text

CENTERS = Path(__file__).resolve().parents[2] / "oncokind_secondop" / "data" / "centers.json"
# a SHA-256 (in a PDF it may wrap over two lines)
SHA256 = re.compile(r"\b[0-9a-f]{16,64}\b")
# Endpoints that answer with a file, not a page (PDFs are checked below).
FILES = {"secondop.static", "secondop.packet_document_download", "secondop.packet_export_zip",
         "secondop.packet_export_fhir",
         "secondop.packet_export_pdf", "secondop.packet_request_letter_pdf", "secondop.compare_pdf",
         "secondop.compare_letter_pdf"}


def allowed_data(seeded: Seeded) -> set[str]:
    """Words that are data, not interface text."""
    data = json.loads(CENTERS.read_text(encoding="utf-8"))
    names = {c[k] for c in data["centers"] for k in ("name", "city", "state") if c.get(k)}
    # Institutions are proper names. Programs' names and notes and the sources' titles go
    # through the catalog (learn/centers_text.py), so they must come out wrapped.
    names |= {p["institution"] for p in data["programs"] if p.get("institution")}
    names |= {s for p in data["programs"] for s in p.get("states", [])}
    locale = Locale.parse(PSEUDO)
    dates = {str(n) for width in ("wide", "abbreviated")
             for names_ in (locale.months["format"][width], locale.days["format"][width])
             for n in names_.values()}
    host = {"Fake Host", "SHA-256"}  # the host layout's part of <title>; the hash's name
    return seeded.typed | names | dates | host


def check(text: str, allowed: set[str], where: str) -> None:
    leaks = unmarked_words(SHA256.sub(" ", text), allowed)
    assert not leaks, f"{where}: text outside the domain: {sorted(set(leaks))[:20]}"


def page_urls(app: Flask, seeded: Seeded) -> list[tuple[str, str]]:
    """Every GET endpoint of the blueprint with real ids, plus query variants."""
    values = {"packet_id": seeded.packet_id, "worksheet_id": seeded.worksheet_id,
              "facility_id": seeded.facility_id, "event_id": seeded.event_id,
              "doc_id": seeded.document_id, "opinion_id": seeded.opinion_ids[0]}
    urls: list[tuple[str, str]] = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("secondop.") or "GET" not in (rule.methods or ()):
                continue
            if rule.endpoint in FILES or rule.endpoint in TEAM_ENDPOINTS:
                continue  # the team's pages need a share's grant: test_the_team_pages_...
            if rule.endpoint == "secondop.packet_item":
                from oncokind_secondop.packet.models import ChecklistItem

                from ..packet.conftest import PacketHelper

                helper = PacketHelper(app, None)  # type: ignore[arg-type]
                item_ids = [i.id for i in helper.all(ChecklistItem, packet_id=seeded.packet_id)]
                urls += [(rule.endpoint, url_for(rule.endpoint, packet_id=seeded.packet_id, item_id=i))
                         for i in item_ids]
                continue
            if rule.endpoint == "secondop.learn_topic":
                urls += [(rule.endpoint, url_for(rule.endpoint, slug=t.slug)) for t in TOPICS]
                continue
            args = {name: values[name] for name in rule.arguments}
            urls.append((rule.endpoint, url_for(rule.endpoint, **args)))
        urls.append(("secondop.learn_centers", url_for("secondop.learn_centers", state="NY")))
        urls.append(("secondop.learn_centers", url_for("secondop.learn_centers", state="WY", remote=1)))
    return urls


@pytest.fixture
def seeded(pseudo_app: Flask) -> Seeded:
    client = pseudo_app.test_client()
    return seed_maria(pseudo_app, client)


def _get(client, url: str) -> str:  # type: ignore[no-untyped-def]
    joiner = "&" if "?" in url else "?"
    response = client.get(f"{url}{joiner}lang={PSEUDO}")
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_every_page_is_inside_the_domain(pseudo_app: Flask, seeded: Seeded) -> None:
    client = pseudo_app.test_client()
    client.get("/test-login/p-maria")
    allowed = allowed_data(seeded)
    urls = page_urls(pseudo_app, seeded)
    assert len(urls) > 25, urls
    failures = []
    for endpoint, url in urls:
        if endpoint == "secondop.choose_patient":
            continue  # needs a caregiver: below
        title, runs = visible_text(_get(client, url))
        try:
            check(title.replace("| Fake Host", ""), allowed, f"{url} <title>")
            check("\n".join(runs), allowed, url)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n".join(failures)


def test_the_team_pages_are_inside_the_domain(pseudo_app: Flask, seeded: Seeded) -> None:
    """The receiving team's pages (code form, wrong code, the packet, the
    summary PDF, the ended page), in a browser of its own."""
    from ..share._team import make_share, set_share

    made = make_share(pseudo_app, seeded.packet_id)
    team = pseudo_app.test_client()
    allowed = allowed_data(seeded) | {"Lakeside Oncology", "Maria Lopez"}
    lang = f"?lang={PSEUDO}"
    pages = {"code form": _get(team, made.entry)}
    wrong = team.post(made.entry + lang, data={"code": "WRONG-CODE0"})
    assert wrong.status_code == 400
    pages["wrong code"] = wrong.get_data(as_text=True)
    assert team.post(made.entry, data={"code": made.code}).status_code == 303
    pages["packet"] = _get(team, made.packet)
    set_share(pseudo_app, made.id, failed_attempts=5, locked_at=datetime.now(UTC))
    ended = team.get(made.packet + lang)
    assert ended.status_code == 410
    pages["ended"] = ended.get_data(as_text=True)
    failures = []
    for name, html in pages.items():
        title, runs = visible_text(html)
        try:
            check("\n".join([title.replace("| Fake Host", ""), *runs]), allowed, name)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n".join(failures)


def test_caregiver_pages_are_inside_the_domain(pseudo_app: Flask, seeded: Seeded) -> None:
    client = pseudo_app.test_client()
    client.get("/test-login/c-sam")
    for url in ("/second-opinion/choose", "/second-opinion/"):
        title, runs = visible_text(_get(client, url))
        check("\n".join([title.replace("| Fake Host", ""), *runs]), allowed_data(seeded), url)


def test_every_pdf_is_inside_the_domain(pseudo_app: Flask, seeded: Seeded) -> None:
    client = pseudo_app.test_client()
    client.get("/test-login/p-maria")
    allowed = allowed_data(seeded)
    p, w, f = seeded.packet_id, seeded.worksheet_id, seeded.facility_id
    pdfs = {
        "packet summary": client.get(f"/second-opinion/packet/{p}/export/summary.pdf?lang={PSEUDO}"),
        "packet request letter": client.get(
            f"/second-opinion/packet/{p}/requests/{f}/letter.pdf?lang={PSEUDO}"),
        "worksheet": client.get(f"/second-opinion/compare/{w}/comparison.pdf?lang={PSEUDO}"),
        "discuss-together letter": client.get(f"/second-opinion/compare/{w}/letter.pdf?lang={PSEUDO}"),
        "Learn records letter": client.post(f"/second-opinion/learn/records-letter?lang={PSEUDO}",
                                            data={**LETTER, "action": "pdf"}),
    }
    failures = []
    for name, response in pdfs.items():
        assert response.status_code == 200, name
        try:
            check(pdf_text(response.data), allowed, name)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n".join(failures)


def test_the_check_finds_english_outside_the_markers() -> None:
    with pytest.raises(AssertionError, match="Upload"):
        check("⟦Your packet⟧ Upload ⟦a ⟦file⟧⟧ Maria", {"Maria"}, "sample")
    check("⟦Your packet for %s⟧ Maria 12 ⟦x⟧", {"Maria"}, "sample")


def test_empty_states_are_inside_the_domain(pseudo_app: Flask, seeded: Seeded) -> None:
    """Lee has no packet and no worksheet: the empty lists and first-time pages."""
    client = pseudo_app.test_client()
    client.get("/test-login/p-lee")
    allowed = allowed_data(seeded) | {"Lee Chen"}
    for endpoint, url in page_urls(pseudo_app, seeded):
        if re.search(r"/\d+(/|$)", url) or endpoint == "secondop.choose_patient":
            continue  # Maria's objects: 404 for Lee
        title, runs = visible_text(_get(client, url))
        check("\n".join([title.replace("| Fake Host", ""), *runs]), allowed, f"Lee {url}")


ERROR_POSTS = [
    ("/second-opinion/packet/new", {"version": "0"}),
    ("/second-opinion/compare/new", {}),
    ("/second-opinion/learn/records-letter", {"action": "show", "date_of_birth": "not a date"}),
    ("/second-opinion/learn/self-check", {}),
]


def test_error_pages_and_form_errors_are_inside_the_domain(pseudo_app: Flask, seeded: Seeded) -> None:
    """Validation messages (ours, not WTForms' English defaults) and the 404 page."""
    client = pseudo_app.test_client()
    client.get("/test-login/p-maria")
    allowed = allowed_data(seeded)
    failures = []
    posts = [*ERROR_POSTS,
             (f"/second-opinion/packet/{seeded.packet_id}/timeline", {"year": "abc", "version": "0"}),
             (f"/second-opinion/packet/{seeded.packet_id}/requests/new", {"version": "0"}),
             (f"/second-opinion/packet/{seeded.packet_id}/requests/new",
              {"version": "0", "name": "General Hospital", "requested_on": "soon",
               "requested_items": ["pathology_reports"], "department": "x" * 300}),
             (f"/second-opinion/compare/{seeded.worksheet_id}/opinions/new",
              {"start_date": "31/31/2026", "version": "0"})]
    for url, data in posts:
        response = client.post(f"{url}?lang={PSEUDO}", data=data)
        assert response.status_code in (200, 400, 409, 422), (url, response.status_code)
        title, runs = visible_text(response.get_data(as_text=True))
        try:
            check("\n".join([title.replace("| Fake Host", ""), *runs]), allowed, f"POST {url}")
        except AssertionError as error:
            failures.append(str(error))
    response = client.get(f"/second-opinion/packet/999999?lang={PSEUDO}")
    assert response.status_code == 404
    title, runs = visible_text(response.get_data(as_text=True))
    check("\n".join([title.replace("| Fake Host", ""), *runs]), allowed, "404 page")
    assert not failures, "\n".join(failures)
