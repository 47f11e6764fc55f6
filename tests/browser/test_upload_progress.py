"""A large upload (200 MB) from the packet item page: the <progress> bar moves
while the browser sends, then the item lists the file."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError

from .conftest import require_page
from .pages import PACKET, P

SIZE = 200 * 1024 * 1024


def big_pdf(path: Path, size: int = SIZE) -> Path:
    """A valid one-page PDF whose bulk is an unreferenced stream of padding,
    so the server's PDF check passes without reading it all."""
    head = (b"%PDF-1.4\n",
            b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n",
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n",
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n")
    offsets, written = [], 0
    with path.open("wb") as out:
        for part in head:
            if part.startswith(b"%PDF"):
                out.write(part)
                written += len(part)
                continue
            offsets.append(written)
            out.write(part)
            written += len(part)
        padding = size - written - 400
        offsets.append(written)
        start = f"4 0 obj << /Length {padding} >> stream\n".encode()
        out.write(start)
        chunk = b"\0" * (8 * 1024 * 1024)
        left = padding
        while left > 0:
            out.write(chunk[:min(left, len(chunk))])
            left -= len(chunk)
        out.write(b"\nendstream endobj\n")
        written += len(start) + padding + len(b"\nendstream endobj\n")
        xref = [b"xref\n0 5\n0000000000 65535 f \n"] + [b"%010d 00000 n \n" % o for o in offsets]
        out.write(b"".join(xref))
        out.write(b"trailer << /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % written)
    return path


def test_large_upload_shows_progress_then_the_file(contexts: Any, data: Any, tmp_path: Path) -> None:
    require_page(contexts.portal, PACKET)
    upload = big_pdf(tmp_path / "ct-scan-report.pdf")
    packet_id = data.new_packet("Big File Center")
    item = f"{P}/packet/{packet_id}/items/{data.item_ids(packet_id)[3]}"
    page = contexts.page("maria")
    page.goto(item)
    page.set_input_files("#so-upload-file", upload)

    seen: list[float] = []
    with page.expect_navigation(timeout=120_000):
        page.click("form[data-secondop-upload] button[type=submit]", no_wait_after=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                value = page.evaluate(PROGRESS_JS)
            except PlaywrightError:  # the page is navigating: the upload finished
                break
            if value == "gone":
                break
            if value is not None and (not seen or seen[-1] != value):
                seen.append(value)
            time.sleep(0.005)
    moving = [v for v in seen if 0 < v < 100]
    assert len(moving) >= 2, f"the progress bar did not move between 0 and 100: {seen}"
    assert seen == sorted(seen), f"progress went backwards: {seen}"
    page.wait_for_load_state()
    page.goto(item)
    assert "ct-scan-report.pdf" in page.inner_text("main")


PROGRESS_JS = """() => {
  const form = document.querySelector('form[data-secondop-upload]');
  if (!form) return 'gone';
  const p = form.querySelector('progress');
  return p && !p.hidden && p.hasAttribute('value') ? p.value : null;
}"""
