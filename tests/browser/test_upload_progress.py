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
    """A valid one-page PDF whose bulk is unreferenced 8 MiB streams of padding
    (like a scan's page images: the server's PDF check reads every object, and
    pypdf refuses a single stream declared over 75 MB)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    stream_size = 8 * 1024 * 1024
    chunk = b"\0" * stream_size
    offsets: list[int] = []
    with path.open("wb") as out:
        written = out.write(b"%PDF-1.4\n")
        for number, body in enumerate(objects, start=1):
            offsets.append(written)
            written += out.write(b"%d 0 obj %s endobj\n" % (number, body))
        number = len(objects)
        while written < size - stream_size:
            number += 1
            offsets.append(written)
            written += out.write(b"%d 0 obj << /Length %d >> stream\n" % (number, stream_size))
            written += out.write(chunk)
            written += out.write(b"\nendstream endobj\n")
        xref = [b"xref\n0 %d\n0000000000 65535 f \n" % (number + 1)]
        xref += [b"%010d 00000 n \n" % o for o in offsets]
        out.write(b"".join(xref))
        out.write(b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (number + 1, written))
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
