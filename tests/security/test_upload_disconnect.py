"""A client that disconnects half-way through a 200 MB upload leaves nothing behind.

Over a real socket: the fake host runs under Werkzeug's threaded WSGI server
on 127.0.0.1; a raw client announces a 200 MB multipart body
(``Content-Length``), writes 100 MB made on the fly, then closes the socket.
Proved: while the bytes arrive they stream into the store's ``tmp/`` (so the
test really reaches the half-written state); once the server has finished with
the request no ``secondop_`` table has a new row, the store has no object and
no temporary part, Werkzeug spooled nothing, and the process memory did not
grow by anything near the 100 MB sent (the body is never held in memory).
"""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from oncokind_secondop.extension import current_secondop

from ..conftest import _reset_database
from ..fake_host import create_app
from ..packet.conftest import BASE, PacketHelper
from ._hostile import BOUNDARY, Part, part_head, snapshot, temp_files, watch_spooling

MB = 1024**2
ANNOUNCED = 200 * MB   # what Content-Length promises for the file
SENT = 100 * MB        # what the client writes before it goes away
CHUNK = MB
MEMORY_BOUND = 40 * MB  # far below the 100 MB sent: the body is streamed, never held


class _Finished:
    """WSGI middleware that tells when the server is done with the upload."""

    def __init__(self, app: Callable[..., Iterable[bytes]], path: str) -> None:
        self.app = app
        self.path = path
        self.done = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        try:
            yield from self.app(environ, start_response)
        finally:
            if environ.get("PATH_INFO") == self.path:
                self.done.set()


def _page_size() -> int:
    import resource

    return resource.getpagesize()


def rss_bytes() -> int:
    """Resident memory of this process (the server runs in it, in a thread)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * _page_size()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Flask, str, str, int]]:
    app = create_app(tmp_path, {"SECONDOP_MAX_UPLOAD_BYTES": 256 * MB})
    _reset_database(app)
    client = app.test_client()
    client.get("/test-login/p-maria")
    packets = PacketHelper(app, client)
    packet_id = packets.create()
    path = f"{BASE}/{packet_id}/items/{packets.item_id(packet_id, 'imaging_reports')}/upload"
    cookie = client.get_cookie("session")
    assert cookie is not None
    finished = _Finished(app.wsgi_app, path)
    app.wsgi_app = finished  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.extensions["test_finished"] = finished.done
    try:
        yield app, path, f"session={cookie.value}", server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            current_secondop.records.engine.dispose()


def test_client_gone_half_way_through_a_200_mb_upload(served, monkeypatch, tmp_path):
    app, path, cookie, port = served
    head = part_head(Part("file", b"", filename="CT scan.pdf", content_type="application/pdf"))
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    request_head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {len(head) + ANNOUNCED + len(tail)}\r\nConnection: close\r\n\r\n"
    ).encode()
    before = snapshot(app)
    filler = bytes(CHUNK)  # one reused buffer: the client holds 1 MB, not 100 MB
    seen_partial = False
    with watch_spooling(monkeypatch, tmp_path / "system-tmp") as spool:
        baseline = rss_bytes()
        peak = baseline
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(request_head + head + b"%PDF-1.7\n")
            for n in range(SENT // CHUNK):
                sock.sendall(filler)
                if n % 8 == 0:
                    peak = max(peak, rss_bytes())
                if n == SENT // CHUNK // 2:
                    seen_partial = seen_partial or bool(temp_files(app))
            # Keep writing until the server shows a part on disk (it may lag a little).
            deadline = time.monotonic() + 5
            while not seen_partial and time.monotonic() < deadline:
                seen_partial = bool(temp_files(app))
                time.sleep(0.05)
        # The socket is closed: wait (bounded) until the server is done with the request.
        done = app.extensions["test_finished"]
        assert done.wait(timeout=20), "the server did not finish the interrupted upload"
        peak = max(peak, rss_bytes())
        leftovers = spool.leftovers()
        calls = list(spool.calls)

    assert seen_partial, "the upload never reached the store: the test did not test anything"
    after = snapshot(app)
    assert after.rows == before.rows
    assert after.objects == before.objects == []
    assert after.temps == []
    assert calls == [] and leftovers == []
    assert peak - baseline < MEMORY_BOUND, f"memory grew by {(peak - baseline) // MB} MB"
