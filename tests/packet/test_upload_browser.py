"""The packet's upload form in a real browser (Chromium through Playwright),
CSRF on, the page's own CSP: upload.js shows progress, opens the item page
again with the new file, and shows a refusal in place with nothing stored.
Skipped where Chromium or Playwright is not installed."""

from __future__ import annotations

from typing import Any

from oncokind_secondop.packet.models import Document

from ..uploads import samples
from .conftest import BASE, PacketHelper


def _open_item(live: tuple[str, Any], page: Any, key: str) -> tuple[int, int]:
    base, app = live
    page.goto(base + "/test-login/p-maria")
    page.goto(base + f"{BASE}/new")
    page.fill("#center_name", "City Cancer Center")
    page.click("button[type=submit]")
    page.wait_for_url(f"**{BASE}/*")
    packet_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    item_id = PacketHelper(app, app.test_client()).item_id(packet_id, key)
    page.goto(base + f"{BASE}/{packet_id}/items/{item_id}")
    return packet_id, item_id


def test_upload_with_progress_returns_to_the_item(live, page):
    packet_id, item_id = _open_item(live, page, "imaging_files")
    shown: list[str] = []
    page.expose_function("soRecord", lambda text: shown.append(text))
    page.evaluate("""new MutationObserver(() => {
        const t = document.querySelector('[data-secondop-upload-text]');
        if (t && t.textContent) window.soRecord(t.textContent);
      }).observe(document, {subtree: true, childList: true, characterData: true});""")
    page.set_input_files(
        "#so-upload-file",
        files=[
            {
                "name": "CT thorax 2024.zip",
                "mimeType": "application/zip",
                "buffer": samples.dicom_zip(3),
            }
        ],
    )
    page.click("#so-upload-region button[type=submit]")
    page.wait_for_selector("text=CT thorax 2024.zip")
    assert page.url.endswith(f"/items/{item_id}")
    assert any(text.startswith("Uploading:") for text in shown)
    docs = PacketHelper(live[1], live[1].test_client()).all(Document, packet_id=packet_id)
    assert [(d.display_name, d.kind) for d in docs] == [("CT thorax 2024.zip", "dicom-zip")]
    assert page.console_errors == []  # nothing blocked by the page's CSP


def test_refused_file_is_explained_in_place(live, page, tmp_path):
    packet_id, _ = _open_item(live, page, "clinic_notes")
    page.set_input_files(
        "#so-upload-file",
        files=[
            {
                "name": "notes.pdf",
                "mimeType": "application/pdf",
                "buffer": b"just some text\n" * 100,
            }
        ],
    )
    page.click("#so-upload-region button[type=submit]")
    page.wait_for_selector("#so-upload-error")
    assert "The file was not added" in page.inner_text("#so-upload-region")
    assert PacketHelper(live[1], live[1].test_client()).all(Document, packet_id=packet_id) == []
    assert [p for p in (tmp_path / "files").rglob("*") if p.is_file()] == []
