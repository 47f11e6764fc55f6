"""Shared pieces of the language tests: a pseudo-locale catalog, Maria's seeded
records (through the pages' own POST routes) and the visible text of a page
or a PDF."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from ..compare.conftest import CompareHelper, opinion_data
from ..conftest import _reset_database
from ..fake_host import create_app
from ..packet.conftest import PacketHelper
from ..uploads.samples import pdf_bytes

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "oncokind_secondop"
PSEUDO = "eo"  # a real locale (Babel formats dates for it) that the package never ships
OPEN, CLOSE = "⟦", "⟧"
LANGUAGES = ["en", "es", "zh_Hans", "vi", "ko", "tl", "ar"]


def fresh_template(target: Path) -> Catalog:
    """The sources' messages, extracted with bin/catalogs' own keywords."""
    pot = target / f"{DOMAIN}.pot"
    subprocess.run([str(ROOT / "bin" / "catalogs"), "extract"], check=True, cwd=ROOT,
                   env={**os.environ, "PYTHON": sys.executable, "POT": str(pot)}, capture_output=True)
    with pot.open("rb") as fh:
        return read_po(fh)


@pytest.fixture(scope="session")
def pseudo_catalog_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A compiled catalog for ``eo`` whose every string is its msgid inside ⟦…⟧
    (placeholders kept), so any text outside markers bypassed the domain."""
    folder = tmp_path_factory.mktemp("pseudo")
    template = fresh_template(folder)
    catalog = Catalog(locale=PSEUDO, domain=DOMAIN)
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, str):
            catalog.add(message.id, f"{OPEN}{message.id}{CLOSE}")
        else:
            singular, plural = message.id
            catalog.add(message.id, (f"{OPEN}{singular}{CLOSE}", f"{OPEN}{plural}{CLOSE}"))
    out = folder / PSEUDO / "LC_MESSAGES" / f"{DOMAIN}.mo"
    out.parent.mkdir(parents=True)
    with out.open("wb") as fh:
        write_mo(fh, catalog)
    return folder


def _app(tmp_path: Path, config: dict[str, object]) -> Iterator[Flask]:
    """A fake host not named ``app``: pytest-flask pushes a request context (and
    caches its locale) for the ``app`` fixture, which would pin one language."""
    app = create_app(tmp_path, config)
    _reset_database(app)
    yield app
    from oncokind_secondop.extension import current_secondop

    with app.app_context():
        current_secondop.records.engine.dispose()


@pytest.fixture
def pseudo_app(tmp_path: Path, pseudo_catalog_dir: Path) -> Iterator[Flask]:
    yield from _app(tmp_path, {"SECONDOP_TRANSLATION_DIRECTORIES": [str(pseudo_catalog_dir)]})


@pytest.fixture
def lang_app(tmp_path: Path) -> Iterator[Flask]:
    """The fake host with only the package's own catalogs."""
    yield from _app(tmp_path, {})


# --- Maria's data ------------------------------------------------------------------------------

@dataclass
class Seeded:
    packet_id: int
    worksheet_id: int
    facility_id: int
    event_id: int
    document_id: int
    opinion_ids: list[int]
    typed: set[str] = field(default_factory=set)  # every value the user typed


LETTER = {"patient_name": "Maria Lopez", "date_of_birth": "1968-04-02",
          "facility": "Riverside Hospital", "items": ["pathology_reports", "imaging_dicom"],
          "format": "electronic", "send_to": "me", "address": "12 Oak Street, Springfield"}


def seed_maria(app: Flask, client: FlaskClient, *, center: str = "Zenith Cancer Institute",
               title: str = "Surgery or radiation") -> Seeded:
    """A packet with items, a document, timeline events and a request; a worksheet
    with three opinions, all through the pages' own POST routes as Maria."""
    from oncokind_secondop.compare.models import Opinion
    from oncokind_secondop.packet.models import Document, Facility, TimelineEvent

    assert client.get("/test-login/p-maria").status_code == 200
    packets = PacketHelper(app, client)
    packet_id = packets.create(center)
    packets.set_status(packet_id, "pathology_reports", "received", received_on="2026-10-02")
    packets.set_status(packet_id, "slides_blocks", "requested", requested_on="2026-10-01")
    packets.add_event(packet_id, "Biopsy at Riverside", 2026, 3, 14, kind="diagnosis")
    packets.add_event(packet_id, "First scan", 2026, 2)
    response = packets.upload(packet_id, "pathology_reports", [(pdf_bytes(1), "pathology-report.pdf")])
    assert response.status_code in (200, 302, 303), response.get_data(as_text=True)
    response = client.post(f"/second-opinion/packet/{packet_id}/requests/new", data={
        "name": "General Hospital", "department": "Health Information Management",
        "requested_items": ["pathology_reports", "imaging_files"], "send_to_me": "y", "version": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)

    compare = CompareHelper(app, client)
    worksheet_id = compare.create(title, "Decide by June")
    opinions = [opinion_data(n) for n in (1, 2, 3)]
    opinion_ids = [compare.add_opinion(worksheet_id, data) for data in opinions]

    facility = packets.all(Facility, packet_id=packet_id)[0]
    event = packets.all(TimelineEvent, packet_id=packet_id)[0]
    document = packets.all(Document, packet_id=packet_id)[0]
    assert packets.all(Opinion, worksheet_id=worksheet_id)
    typed = {center, title, "Is surgery the best first step?", "Surgery, then chemotherapy",
             "To remove the cancer", "Biopsy at Riverside", "First scan", "pathology-report.pdf",
             "General Hospital", "Health Information Management", "Surgery or radiation",
             "Decide by June", "Maria Lopez", "Sam Lopez", "Lee Chen", "Ana Ruiz",
             *(v for v in LETTER.values() if isinstance(v, str)),
             *(v for data in opinions for v in data.values())}
    return Seeded(packet_id, worksheet_id, facility.id, event.id, document.id, opinion_ids, typed)


# --- visible text ------------------------------------------------------------------------------

class VisibleText(HTMLParser):
    """Text runs a person sees or hears inside ``div.secondop`` (plus ``<title>``):
    text nodes, ``alt``, ``aria-label``, ``placeholder``, ``title`` and the
    ``value`` of buttons."""

    SKIP = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # >0: inside the package's container
        self.stack: list[str] = []
        self.skipping = 0
        self.in_title = False
        self.runs: list[str] = []
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "title":
            self.in_title = True
        if tag in self.VOID:
            if self.depth:
                self._attributes(tag, a)
            return
        if self.depth:
            self.depth += 1
        elif tag == "div" and "secondop" in a.get("class", "").split():
            self.depth = 1
        if self.depth:
            self._attributes(tag, a)
            if tag in self.SKIP:
                self.skipping += 1
        self.stack.append(tag)

    def _attributes(self, tag: str, a: dict[str, str]) -> None:
        for name in ("alt", "aria-label", "placeholder", "title"):
            if a.get(name):
                self.runs.append(a[name])
        # a <button>'s value is never shown; an <input type=submit>'s is its label
        if a.get("value") and tag == "input" and a.get("type") in ("submit", "button", "reset"):
            self.runs.append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in self.VOID:
            return
        if self.depth:
            if tag in self.SKIP and self.skipping:
                self.skipping -= 1
            self.depth -= 1
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        elif self.depth and not self.skipping and data.strip():
            self.runs.append(data)


def visible_text(html: str) -> tuple[str, list[str]]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    assert parser.runs, "no package container (div.secondop) on the page"
    return parser.title, parser.runs


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), data[:200]
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


INNER_MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
WORD = re.compile(r"[^\W\d_][\w'’.\-/@]*", re.UNICODE)


def outside_markers(text: str) -> str:
    """The text with every ⟦…⟧ (nested too) removed."""
    previous = None
    while previous != text:
        previous, text = text, INNER_MARKED.sub(" ", text)
    return text


def unmarked_words(text: str, allowed: set[str]) -> list[str]:
    """Words with letters outside the markers that are not allowed data."""
    rest = outside_markers(text)
    for phrase in sorted(allowed, key=len, reverse=True):  # longest first: "Dr Ortiz1" before "Dr"
        if phrase:  # whole words only: the state code "NC" must not eat part of "NCI"
            rest = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", rest)
    return [w for w in WORD.findall(rest) if w.strip(".-/")]
