"""upload.js in a real browser (Chromium through Playwright): progress, the
server's redirect, errors shown in place with the user's values kept, and an
early size check. Skipped where Chromium or Playwright is not installed."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, redirect, render_template_string, request, url_for
from werkzeug.serving import make_server

from oncokind_secondop.csrf import checks_csrf_itself, exempt_streaming_views
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.uploads import UploadRejected, receive_upload, upload_redirect

from ..conftest import collect_page_errors
from ..fake_host import create_app
from . import samples
from .conftest import stored_paths

PAGE = """<!doctype html><html lang="en"><head><title>Upload</title>
<link rel="stylesheet" href="{{ url_for('secondop.static', filename='secondop/upload.css') }}">
<script src="{{ url_for('secondop.static', filename='secondop/upload.js') }}" defer></script>
</head><body><main>
<div id="upload-region" data-secondop-upload-region>
{% if error %}<div class="secondop-error-summary" role="alert" tabindex="-1" data-secondop-focus>
<h2>Please check these answers</h2><p>{{ error }}</p></div>{% endif %}
<form method="post" enctype="multipart/form-data" action="{{ url_for('upload_page') }}"
      data-secondop-upload data-secondop-max-bytes="{{ max_bytes }}"
      data-msg-progress="Uploading: %(percent)s%% sent"
      data-msg-processing="Checking the file."
      data-msg-done="Upload finished."
      data-msg-failed="The upload did not finish."
      data-msg-too-large="This file is too large. The most we can take is %(limit)s."
      data-limit-text="{{ max_bytes }} bytes">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <label for="note">Note</label><input id="note" name="note" value="{{ note }}">
  <label for="file">File</label><input type="file" id="file" name="file" multiple>
  <button type="submit">Upload</button>
</form></div></main></body></html>"""


def build_app(tmp_path: Path, max_bytes: int) -> Flask:
    app = create_app(tmp_path, csrf=True)
    app.jinja_env.globals["csrf_token"] = __import__("flask_wtf.csrf").csrf.generate_csrf

    @app.after_request
    def csp(response: Any) -> Any:
        response.headers["Content-Security-Policy"] = "default-src 'self'"
        return response

    @app.get("/page")
    def page() -> str:
        return render_template_string(PAGE, error=None, note="", max_bytes=max_bytes)

    @checks_csrf_itself
    def upload_page() -> Any:
        try:
            received = receive_upload(current_secondop.files, max_file_size=max_bytes)
        except UploadRejected as exc:
            return render_template_string(PAGE, error=exc.message, max_bytes=max_bytes,
                                          note=exc.fields.get("note", "")), exc.status
        names = ",".join(f.display_name for f in received.files)
        if request.args.get("plain"):
            return redirect(url_for("done", names=names), code=303)
        return upload_redirect(url_for("done", names=names))

    app.add_url_rule("/upload-page", "upload_page", upload_page, methods=["POST"])
    app.add_url_rule("/done", "done", lambda: f"Uploaded: {request.args['names']}")
    exempt_streaming_views(app)
    return app


@pytest.fixture
def live(tmp_path: Path) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, build_app(tmp_path, max_bytes=3 * 1024 * 1024),
                         threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    collect_page_errors(page)
    yield page
    context.close()


def record_status_texts(page: Any) -> list[str]:
    texts: list[str] = []
    page.expose_function("secondopRecord", lambda text: texts.append(text))
    page.add_init_script("""
      new MutationObserver(() => {
        const t = document.querySelector('[data-secondop-upload-text]');
        if (t && t.textContent) window.secondopRecord(t.textContent);
      }).observe(document, {subtree: true, childList: true, characterData: true});""")
    return texts


def test_progress_then_opens_the_next_page_once(live, browser_page, tmp_path):
    texts = record_status_texts(browser_page)
    loads: list[str] = []
    browser_page.on("request", lambda r: loads.append(r.url) if "/done" in r.url else None)
    browser_page.goto(live + "/page")
    body = samples.dicom_bytes(pixels=2 * 1024 * 1024)
    browser_page.set_input_files("#file", files=[
        {"name": "скан МРТ.dcm", "mimeType": "application/octet-stream", "buffer": body}])
    browser_page.click("button[type=submit]")
    browser_page.wait_for_url("**/done?*")
    assert "Uploaded: скан МРТ.dcm" in browser_page.content()
    assert texts[0] == "Uploading: 0% sent"
    assert "Uploading: 100% sent" in texts and "Checking the file." in texts
    assert len(stored_paths(tmp_path / "files")) == 1
    assert browser_page.console_errors == []  # CSP "default-src 'self'" did not block anything
    assert len(loads) == 1  # the next page is loaded once (one audit "view")


def test_a_plain_redirect_is_followed_too(live, browser_page):
    browser_page.goto(live + "/page")
    browser_page.evaluate("document.querySelector('form').action += '?plain=1'")
    browser_page.set_input_files("#file", files=[
        {"name": "a.pdf", "mimeType": "application/pdf", "buffer": samples.pdf_bytes()}])
    browser_page.click("button[type=submit]")
    browser_page.wait_for_url("**/done?*")
    assert "Uploaded: a.pdf" in browser_page.content()


def test_error_replaces_the_form_keeps_input_and_takes_focus(live, browser_page, tmp_path):
    browser_page.goto(live + "/page")
    browser_page.fill("#note", "ask about the margins")
    browser_page.set_input_files("#file", files=[
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"<html>hi</html>"}])
    browser_page.click("button[type=submit]")
    browser_page.wait_for_selector(".secondop-error-summary")
    assert browser_page.url == live + "/page"  # stayed on the page, no dead end
    assert "is not a kind of file we can keep" in browser_page.inner_text(".secondop-error-summary")
    assert browser_page.input_value("#note") == "ask about the margins"
    focused = "document.activeElement.classList.contains('secondop-error-summary')"
    assert browser_page.evaluate(focused)
    assert stored_paths(tmp_path / "files") == []
    # The replaced form is enhanced again: a second try goes through.
    browser_page.set_input_files("#file", files=[
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": samples.pdf_bytes()}])
    browser_page.click("button[type=submit]")
    browser_page.wait_for_url("**/done?*")


def test_too_large_is_refused_before_sending(live, browser_page, tmp_path):
    requests: list[str] = []
    browser_page.on("request", lambda r: requests.append(r.method))
    browser_page.goto(live + "/page")
    browser_page.set_input_files("#file", files=[
        {"name": "huge.dcm", "mimeType": "application/octet-stream",
         "buffer": b"x" * (3 * 1024 * 1024 + 1)}])
    browser_page.click("button[type=submit]")
    alert = browser_page.wait_for_selector("[data-secondop-upload-text][role=alert]")
    assert "too large" in alert.inner_text()
    assert "POST" not in requests
    assert stored_paths(tmp_path / "files") == []


def test_without_javascript_the_plain_form_works(live, tmp_path, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live + "/page")
        page.set_input_files("#file", files=[
            {"name": "report.pdf", "mimeType": "application/pdf", "buffer": samples.pdf_bytes()}])
        page.click("button[type=submit]")
        page.wait_for_url("**/done?*")
        assert "Uploaded: report.pdf" in page.content()
    finally:
        context.close()
