"""Issue 15's "Done when", in a real browser: Maria (keyboard only) makes a share
of her packet; in a second, anonymous browser context the receiving team types a
wrong code (and is told how many tries are left), then the right one, opens the
read-only packet and downloads the ZIP, whose every file matches manifest.json's
SHA-256, whose SHA256SUMS verifies every member and whose FHIR bundle is valid;
Maria sees the visit on her list and ends the share; the team's next click is
refused with the "ended" page (410). Both sides keyboard only (Tab, Enter,
typing), in each of the portal's languages, and on PostgreSQL when
``SECONDOP_TEST_DATABASE_URL`` names a server.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from .conftest import DESKTOP, PHONE, Contexts, Portal, require_page
from .journeys import Keyboard
from .pages import SHARE, Data, P, SharePass, share_pass

LANGS = ["en", "es", "zh_Hans", "vi", "ko", "tl", "ar"]
TEAM = "Lakeside Oncology tumor board"
FILES = {"pathology-report.pdf", "scan-photo.png"}
# The portal's "tl" (Tagalog) is the package's Filipino catalog, marked up as fil-PH.
MARKUP_LANG = {"tl": "fil-PH", "zh_Hans": "zh-Hans"}


def submit(page: Any, selector: str = "form.secondop-form button[type=submit]") -> Any:
    with page.expect_navigation() as nav:
        page.click(selector)
    return nav.value


def enter(kb: Keyboard, selector: str, backwards: bool = False) -> Any:
    """Tab to a link or button (or stay in a field), press Enter: the main response."""
    kb.to(selector, backwards=backwards)
    with kb.page.expect_navigation() as nav:
        kb.page.keyboard.press("Enter")
    return nav.value


def assert_language(page: Any, lang: str) -> None:
    """The package's region speaks the chosen language (right to left for Arabic)."""
    region = page.locator("div.secondop")
    assert region.get_attribute("lang") == MARKUP_LANG.get(lang, lang)
    assert region.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")


def maria_makes_a_share(kb: Keyboard, packet_id: int, lang: str) -> SharePass:
    """From the packet, with Tab and Enter only: Shares, Make a new share, the form."""
    page = kb.page
    kb.goto(f"{P}/packet/{packet_id}")
    kb.enter(".so-packet-nav a[href$='/shares']")
    if lang != "en":  # the patient's sharing pages are translated
        assert page.locator("h1").inner_text().strip() != "Share with the team"
    assert "/shares" in page.url
    kb.enter(f"a[href$='/packet/{packet_id}/shares/new']")
    kb.type("#team_name", TEAM)
    kb.type("#contact", "Fax 555-0199")
    kb.enter("form.secondop-form button[type=submit]")
    assert_language(page, lang)
    return share_pass(page)


def check_zip(path: Path, shown: dict[str, str]) -> None:
    """Every stored file matches the manifest's SHA-256 and size (and the hash the
    team's page showed); SHA256SUMS covers and verifies every other member; the
    FHIR bundle is a valid R4 document naming each file's SHA-256."""
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        members = [n for n in archive.namelist() if not n.endswith("/")]
        for name in ("README.TXT", "INDEX.HTM", "index.html", "manifest.json", "packet.fhir.json"):
            assert name in members, f"{name} is not in the ZIP"
        manifest = json.loads(archive.read("manifest.json"))
        assert {f["name"] for f in manifest["files"]} == FILES
        for entry in manifest["files"]:
            data = archive.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
            assert len(data) == entry["size"], entry["path"]
            assert shown[entry["name"]] == entry["sha256"], "the team's page showed another hash"
        for key in ("fhir", "full_text"):
            made = archive.read(manifest[key]["path"])
            assert hashlib.sha256(made).hexdigest() == manifest[key]["sha256"], key

        sums: dict[str, str] = {}
        for line in archive.read("SHA256SUMS").decode("utf-8").splitlines():
            digest, name = line.split("  ", 1)
            sums[name] = digest
        assert set(sums) == set(members) - {"SHA256SUMS"}, "SHA256SUMS lists every other member"
        for name, digest in sums.items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name

        fhir_text = archive.read("packet.fhir.json").decode("utf-8")
    bundle = Bundle.model_validate(json.loads(fhir_text))
    assert bundle.type == "document"
    resources = [e.resource.get_resource_type() for e in bundle.entry]
    assert resources[0] == "Composition", "a FHIR document starts with its Composition"
    assert resources.count("DocumentReference") == len(FILES)
    for entry in manifest["files"]:
        assert entry["sha256"] in fhir_text, "each file's SHA-256 is in the bundle"


def shown_hashes(page: Any) -> dict[str, str]:
    """The file index on the team's page: file name -> SHA-256 shown."""
    rows = page.eval_on_selector_all(
        "table.so-file-index tbody tr",
        "rows => rows.map(r => [r.querySelector('td a').textContent.trim(),"
        " r.querySelector('code.so-hash').textContent.trim()])")
    return dict(rows)


@pytest.mark.parametrize("lang", LANGS)
def test_share_journey(lang: str, contexts: Any, data: Any, tmp_path: Path) -> None:
    journey(lang, contexts, data, tmp_path)


@pytest.fixture(scope="module")
def on_postgres(browser: Any, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[tuple[Contexts, Data]]:
    """A second example portal, on PostgreSQL, with its own browser contexts and data."""
    portal = Portal(tmp_path_factory.mktemp("portal-postgres") / "data", database=postgres_url)
    assert portal.app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    contexts = Contexts(browser, portal)
    yield contexts, Data(contexts)
    contexts.close()
    portal.close()
    from example_host.models import db

    with portal.app.app_context():
        db.engine.dispose()  # let the database be dropped


@pytest.mark.parametrize("lang", ["en", "es", "ar"])
def test_share_journey_on_postgresql(lang: str, on_postgres: tuple[Contexts, Data],
                                     tmp_path: Path) -> None:
    contexts, data = on_postgres
    try:
        journey(lang, contexts, data, tmp_path)
    finally:
        contexts.close()


def journey(lang: str, contexts: Any, data: Any, tmp_path: Path) -> None:
    require_page(contexts.portal, SHARE)
    packet_id = data.packet_with_files(f"Journey Center {lang}")

    # Maria, keyboard only.
    kb = Keyboard(contexts.page("maria", lang, viewport=DESKTOP), DESKTOP["width"])
    made = maria_makes_a_share(kb, packet_id, lang)
    token = made.path.rsplit("/", 1)[1]

    # The team: another browser context, not signed in, only the link and the code;
    # keyboard only too.
    team = contexts.page(None, lang)
    team_kb = Keyboard(team, DESKTOP["width"])
    response = team.goto(made.path)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert_language(team, lang)
    assert TEAM not in team.inner_text("main"), "who shared is shown only after the code"

    team_kb.type("#code", "WRONG-WRONG")
    refused = enter(team_kb, "#code")  # Enter in the field sends the form
    assert refused.status == 400
    assert team.locator("#secondop-error-summary").count() == 1
    tries = team.locator("p[role=status]").inner_text()
    assert "4" in tries, f"the tries left are shown: {tries!r}"
    if lang == "en":
        assert "You can try 4 more times." in tries
    assert team.input_value("#code") == "", "a wrong code is not kept in the field"

    team_kb.type("#code", made.code.lower().replace("-", " "))  # case, spaces, dashes do not matter
    opened = enter(team_kb, "form.secondop-form button[type=submit]")
    assert opened.status == 200
    assert opened.headers["referrer-policy"] == "no-referrer"
    assert team.url.endswith("/packet") and token not in team.url
    share_id = int(team.url.rsplit("/", 2)[1])
    assert_language(team, lang)
    text = team.inner_text("main")
    assert TEAM in text and "Maria Lopez" in text and f"Journey Center {lang}" in text
    shown = shown_hashes(team)
    assert set(shown) == FILES

    team_kb.to("a[href$='/packet.zip']")
    with team.expect_download() as download:
        team.keyboard.press("Enter")
    zipped = tmp_path / "packet.zip"
    download.value.save_as(zipped)
    check_zip(zipped, shown)

    # Maria sees the visit (wrong code, opened, ZIP) on her list, and ends the share.
    kb.goto(f"{P}/packet/{packet_id}/shares")
    card = kb.page.locator(f"#share-{share_id}")
    visits = card.locator(".so-share__visits li")
    assert visits.count() == 3, card.inner_text()
    if lang == "en":
        listed = card.inner_text()
        for what in ("Someone typed a wrong code", "Opened with the code",
                     "Downloaded everything as a ZIP file"):
            assert what in listed
    kb.enter(f"#share-{share_id} form[action$='/revoke'] button[type=submit]")
    assert card.locator("form[action$='/revoke']").count() == 0
    assert card.locator("form[action$='/delete']").count() == 1

    # The team's next click is refused: the "ended" page, 410, no patient data.
    refused = enter(team_kb, "a[href$='/summary.pdf']", backwards=True)  # just before the ZIP
    assert refused.status == 410
    assert refused.headers["referrer-policy"] == "no-referrer"
    assert_language(team, lang)
    ended = team.inner_text("main")
    assert "Maria Lopez" not in ended and TEAM not in ended
    if lang == "en":
        assert team.locator("h1").inner_text() == "This link has ended"
    assert team.goto(made.path).status == 410, "the link has ended too"

    # Maria deletes the packet: its shares go with it, and the link is now unknown.
    data.delete_packet(packet_id)
    assert team.goto(made.path).status == 404
    assert team.goto(f"{P}/shared/{share_id}/packet").status == 404


def test_share_journey_on_a_phone(contexts: Any, data: Any) -> None:
    """Maria's part on a 360 px phone, keyboard only: no sideways scrolling and
    24 px targets on every page she passes (Keyboard.page_checks)."""
    require_page(contexts.portal, SHARE)
    packet_id = data.packet_with_files("Journey Center phone")
    kb = Keyboard(contexts.page("maria", viewport=PHONE), PHONE["width"])
    made = maria_makes_a_share(kb, packet_id, "en")
    team = contexts.page(None, viewport=PHONE)
    team.goto(made.path)
    team.fill("#code", made.code)
    assert submit(team).status == 200
    # The file index is one card per file here, each column named inside it (a table's
    # four columns broke words mid-letter at 360 px).
    assert team.locator("table.so-file-index td").first.evaluate("e => getComputedStyle(e).display") == "block"
    assert team.locator(".so-file-index__label").first.is_visible()
    team.set_viewport_size(DESKTOP)
    assert not team.locator(".so-file-index__label").first.is_visible(), "a table on a desktop"
    kb.goto(f"{P}/packet/{packet_id}/shares")
    kb.enter("form[action$='/revoke'] button[type=submit]")
    assert team.reload().status == 410
    data.delete_packet(packet_id)
