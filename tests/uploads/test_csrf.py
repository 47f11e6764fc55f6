"""CSRF for streaming uploads: header or form field, checked by receive_upload itself."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from . import samples
from .conftest import make_upload_app


@pytest.fixture
def csrf_client(tmp_path):  # type: ignore[no-untyped-def]
    return make_upload_app(tmp_path, csrf=True).test_client()


def _token(client) -> str:  # type: ignore[no-untyped-def]
    return client.get("/token").get_data(as_text=True)


def _file() -> tuple[io.BytesIO, str]:
    return (io.BytesIO(samples.pdf_bytes()), "a.pdf")


def test_token_in_header(csrf_client):
    token = _token(csrf_client)
    response = csrf_client.post("/upload", data={"file": _file()}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert len(response.json["files"]) == 1


def test_token_in_form_field_before_the_file(csrf_client):
    token = _token(csrf_client)
    response = csrf_client.post("/upload", data={"csrf_token": token, "file": _file()})
    assert response.status_code == 200


def _never_store(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from oncokind_secondop.contrib.localfs import LocalFileStore

    monkeypatch.setattr(LocalFileStore, "begin", lambda *a, **k: pytest.fail("a byte was stored"))


def test_valid_token_after_the_file_is_refused_before_any_byte_is_stored(
        csrf_client, assert_store_empty, monkeypatch):
    # Issue 13, finding 8. This test replaced one that expected the late token to be
    # accepted: then the whole file was stored and checked before the token was read.
    token = _token(csrf_client)
    boundary, body = encode_multipart({"file": FileStorage(*_file()), "csrf_token": token})
    assert body.index(b'name="file"') < body.index(b'name="csrf_token"')
    _never_store(monkeypatch)
    response = csrf_client.post("/upload", data=body,
                                content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert_store_empty()


def test_upload_without_a_token_is_refused_at_its_first_file_part(
        csrf_client, assert_store_empty, monkeypatch):
    _token(csrf_client)
    boundary, body = encode_multipart({"note": "hello", "file": FileStorage(*_file())})
    _never_store(monkeypatch)
    response = csrf_client.post("/upload", data=body,
                                content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert_store_empty()


def test_text_only_form_without_a_token_is_still_refused(csrf_client):
    _token(csrf_client)
    response = csrf_client.post("/upload", data={"note": "hello"}, content_type="multipart/form-data")
    assert response.status_code == 400


@pytest.mark.parametrize("where", ["none", "header", "field-before", "field-after"])
def test_missing_or_bad_token_stores_nothing(csrf_client, assert_store_empty, where):
    _token(csrf_client)  # the session has a real token; we send a wrong one
    headers = {"X-CSRFToken": "forged"} if where == "header" else {}
    fields = {"csrf_token": "forged"} if where.startswith("field") else {}
    values = {**fields, "file": FileStorage(*_file())} if where != "field-after" else {
        "file": FileStorage(*_file()), **fields}
    boundary, body = encode_multipart(values)
    response = csrf_client.post("/upload", data=body, headers=headers,
                                content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert_store_empty()


def test_bad_header_token_refused_before_reading_the_body(csrf_client, monkeypatch):
    from oncokind_secondop.contrib.localfs import LocalFileStore

    monkeypatch.setattr(LocalFileStore, "begin", lambda *a, **k: pytest.fail("stored"))
    _token(csrf_client)
    response = csrf_client.post("/upload", data={"file": _file()}, headers={"X-CSRFToken": "x"})
    assert response.status_code == 400
