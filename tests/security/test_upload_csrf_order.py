"""A host that sets up its CSRFProtect *after* SecondOpinion still gets streamed uploads.

Flask-WTF's check reads ``request.form`` first (even when the token is in the
``X-CSRFToken`` header), which makes Werkzeug parse the whole body and spool
every file part to a temporary file before our view runs; the upload then
found an empty stream and failed. The package exempted its streaming view
only from a CSRFProtect that existed when ``init_app`` ran. Proved: with
either order, an upload with the header token is stored, Werkzeug spools
nothing, and a forged token is still refused with nothing left behind.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_wtf.csrf import CSRFProtect

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Document

from ..conftest import _reset_database
from ..fake_host import create_app
from ..packet.conftest import BASE, PacketHelper
from ..uploads import samples
from ._hostile import Part, multipart, snapshot, watch_spooling


@pytest.fixture(params=["csrf-before-secondop", "csrf-after-secondop"])
def host(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    if request.param == "csrf-before-secondop":
        app = create_app(tmp_path, csrf=True)
    else:
        app = create_app(tmp_path)
        app.config["WTF_CSRF_ENABLED"] = True
        CSRFProtect(app)
    _reset_database(app)
    yield app
    with app.app_context():
        current_secondop.records.engine.dispose()


@pytest.mark.parametrize("token_kind", ["real", "forged"])
def test_upload_streams_whatever_the_init_order(host, token_kind, monkeypatch, tmp_path):
    client = host.test_client()
    client.get("/test-login/p-maria")
    page = client.get(f"{BASE}/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    packets = PacketHelper(host, client)
    packet_id = packets.create(csrf_token=token)
    item_id = packets.item_id(packet_id, "pathology_reports")
    body, content_type = multipart([Part("file", samples.pdf_bytes() + bytes(1024**2), filename="a.pdf")])
    before = snapshot(host)
    with watch_spooling(monkeypatch, tmp_path / "system-tmp") as spool:
        response = client.post(
            f"{BASE}/{packet_id}/items/{item_id}/upload", data=body, content_type=content_type,
            headers={"X-CSRFToken": token if token_kind == "real" else "forged"})
    assert spool.calls == [] and spool.leftovers() == []
    if token_kind == "real":
        assert response.status_code == 303
        assert [d.display_name for d in packets.all(Document, packet_id=packet_id)] == ["a.pdf"]
    else:
        assert response.status_code == 400
        assert snapshot(host) == before


def test_upload_form_sends_its_token_before_the_file_input(host):
    """Issue 13, finding 8: uploads without JavaScript work only if the browser
    sends ``csrf_token`` before the file part (it sends fields in page order)."""
    client = host.test_client()
    client.get("/test-login/p-maria")
    page = client.get(f"{BASE}/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    packets = PacketHelper(host, client)
    packet_id = packets.create(csrf_token=token)
    item_id = packets.item_id(packet_id, "pathology_reports")
    page = client.get(f"{BASE}/{packet_id}/items/{item_id}").get_data(as_text=True)
    form = re.search(r"<form[^>]*data-secondop-upload.*?</form>", page, re.DOTALL).group(0)
    assert 'name="csrf_token"' in form
    assert form.index('name="csrf_token"') < form.index('type="file"')
