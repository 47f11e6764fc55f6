"""Canary strings, across every capability (complements
tests/packet/test_canaries.py, which covers the packet pages for Lee).

Maria and Lee each own one of every object, every text field and the uploaded
file carrying their own canary. Three people see Lee's side: Lee himself, a
caregiver of Lee only (c-rita), and c-ana, caregiver of BOTH, acting for Lee.
For each, every GET route of the blueprint is fetched with Lee's real ids:
no page, no PDF (text extracted with pypdf), no ZIP (member names, member
bytes, and the text of the PDF inside) holds Maria's canary, while Lee's
canary is there (so the check can fail). No log line, at DEBUG, holds either
patient's canary.
"""

from __future__ import annotations

import io
import logging
import zipfile

import pytest
from pypdf import PdfReader

from ._authz_world import CANARY, PREFIX, build_world, login, logout, methods_of, secondop_rules, url_for_rule

MARIA, LEE = CANARY["p-maria"], CANARY["p-lee"]

#: Pages and files that must show Lee's canary (proof we looked at his data).
MUST_SHOW_LEE = {
    "secondop.packet_detail", "secondop.packet_edit", "secondop.packet_timeline",
    "secondop.packet_requests", "secondop.packet_request_letter", "secondop.packet_export_pdf",
    "secondop.packet_export_zip", "secondop.packet_export_fhir", "secondop.packet_request_letter_pdf",
    "secondop.compare_index", "secondop.compare_worksheet", "secondop.compare_side_by_side",
    "secondop.compare_letter", "secondop.compare_pdf", "secondop.compare_letter_pdf",
    "secondop.compare_opinion_edit", "secondop.packet_document_download",
    # the receiving team's view of a share of Lee's packet, opened with its code
    "secondop.shared_packet", "secondop.shared_document", "secondop.shared_summary_pdf",
    "secondop.shared_zip",
}


def pdf_text(data: bytes) -> str:
    """The pages' text, and the files embedded in the PDF (the summary's
    manifest.json and FHIR bundle), whose streams are compressed."""
    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() for page in reader.pages]
    embedded = [d.decode("utf-8", "replace") for datas in reader.attachments.values() for d in datas]
    return "\n".join(pages + embedded)


def readable(content_type: str, data: bytes) -> list[str]:
    """Everything a person could read in one answer, as text."""
    if content_type.startswith("application/pdf"):
        return [pdf_text(data), data.decode("latin-1")]
    if content_type.startswith("application/zip"):
        archive = zipfile.ZipFile(io.BytesIO(data))
        texts = list(archive.namelist())
        for name in archive.namelist():
            member = archive.read(name)
            texts.append(member.decode("latin-1"))
            if member.startswith(b"%PDF"):
                texts.append(pdf_text(member))
        return texts
    return [data.decode("utf-8", "replace")]


@pytest.mark.parametrize("viewer", ["p-lee", "c-rita", "c-ana"])
def test_nothing_seen_on_lees_side_holds_marias_canary(app, client, caplog, viewer: str) -> None:
    caplog.set_level(logging.DEBUG)
    app.extensions["fake_directory"].links.add(("c-rita", "p-lee"))  # Lee's caregiver only
    world = build_world(app, client)
    login(client, viewer)
    if viewer == "c-ana":
        assert client.post(f"{PREFIX}/choose", data={"patient": "p-lee"}).status_code == 302
    # The same browser opens a share of Lee's packet with its code: the team's pages show his.
    assert client.post(f"{PREFIX}/shared/{world.lee['token']}", data={"code": world.lee["code"]}).status_code == 303
    seen_lee: set[str] = set()
    leaks: list[str] = []
    for rule in secondop_rules(app):
        if "GET" not in methods_of(rule):
            continue
        response = client.get(url_for_rule(rule, world.lee))
        # The share's link, once opened in this browser, leads straight to its packet.
        status = 303 if rule.endpoint == "secondop.shared_entry" else 200
        assert response.status_code == status, (rule.endpoint, response.status_code)
        texts = readable(response.content_type, response.get_data())
        if any(MARIA in text for text in texts):
            leaks.append(rule.endpoint)
        if any(LEE in text for text in texts):
            seen_lee.add(rule.endpoint)
    logout(client)
    assert leaks == [], f"Maria's canary shown to {viewer} acting for Lee on: {leaks}"
    assert MUST_SHOW_LEE <= seen_lee, sorted(MUST_SHOW_LEE - seen_lee)
    logged = [r.getMessage() for r in caplog.records if MARIA in r.getMessage() or LEE in r.getMessage()]
    assert logged == []
