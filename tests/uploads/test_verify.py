"""Reading stored files back: verified before a byte is served."""
from __future__ import annotations

import hashlib
from urllib.parse import unquote

import pytest
from flask import Flask

from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.uploads import CorruptFile, iter_file, open_verified, send_stored


@pytest.fixture
def store(tmp_path):  # type: ignore[no-untyped-def]
    return LocalFileStore(tmp_path / "files")


def _put(store, body: bytes):  # type: ignore[no-untyped-def]
    return store.put([body])


def test_open_verified_returns_file_at_start(store):
    body = b"x" * (3 * 1024 * 1024 + 5)
    stored = _put(store, body)
    with open_verified(store, stored.key, stored.sha256, stored.size) as fh:
        assert fh.tell() == 0
        assert fh.read() == body


@pytest.mark.parametrize("damage", ["flip", "truncate", "append"])
def test_corruption_is_detected(store, damage):
    body = b"abc" * 1000
    stored = _put(store, body)
    path = store._path(stored.key)
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[10] ^= 1
    elif damage == "truncate":
        del data[-1]
    else:
        data += b"!"
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptFile):
        open_verified(store, stored.key, stored.sha256, stored.size)


def test_missing_file(store):
    with pytest.raises(FileNotFoundError):
        open_verified(store, "0" * 32, hashlib.sha256(b"").hexdigest(), 0)


def test_iter_file_closes_at_end_and_when_abandoned(store):
    stored = _put(store, b"y" * 10)
    fh = store.open(stored.key)
    assert b"".join(iter_file(fh, chunk_size=3)) == b"y" * 10
    assert fh.closed
    fh = store.open(stored.key)
    chunks = iter_file(fh, chunk_size=3)
    next(chunks)
    chunks.close()  # the WSGI server closes the response when the client leaves
    assert fh.closed


@pytest.mark.parametrize("name", ["фото МРТ.jpg", "病理报告.pdf", "تقرير.pdf",
                                  'evil"; filename="x.html', "a\r\nSet-Cookie: x=1.pdf",
                                  "..\\..\\boot.ini", "report\u202egpj.exe"])
def test_send_stored_headers_for_hostile_and_non_ascii_names(store, name):
    body = b"%PDF-1.4 sample"
    stored = _put(store, body)
    app = Flask(__name__)
    with app.test_request_context():
        response = send_stored(store, stored.key, stored.sha256, stored.size,
                               filename=name, mimetype="application/pdf")
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment; ")
        assert "\r" not in disposition and "\n" not in disposition
        ascii_part = disposition.split('filename="', 1)[1].split('"', 1)[0]
        assert all(ch.isalnum() or ch in "._- " for ch in ascii_part)
        encoded = disposition.split("filename*=UTF-8''", 1)[1]
        assert "\u202e" not in unquote(encoded)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Content-Security-Policy"].startswith("sandbox")
        assert response.content_length == len(body)
        assert response.mimetype == "application/pdf"
        assert b"".join(response.response) == body


def test_send_stored_refuses_a_corrupt_file_before_any_byte(store):
    stored = _put(store, b"original")
    store._path(stored.key).write_bytes(b"tampered")
    app = Flask(__name__)
    with app.test_request_context(), pytest.raises(CorruptFile):
        send_stored(store, stored.key, stored.sha256, stored.size, filename="a.pdf",
                    mimetype="application/pdf")


def test_upload_redirect_plain_and_script():
    from oncokind_secondop.uploads import upload_redirect

    app = Flask(__name__)
    with app.test_request_context("/x", method="POST"):
        response = upload_redirect("/next")
        assert response.status_code == 303 and response.location == "/next"
    with app.test_request_context("/x", method="POST",
                                  headers={"X-Requested-With": "XMLHttpRequest"}):
        response = upload_redirect("/next")
        assert response.status_code == 204
        assert response.headers["X-Secondop-Location"] == "/next"
