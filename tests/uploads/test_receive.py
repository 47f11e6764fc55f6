"""receive_upload: streaming into the store, content types, limits, all-or-nothing."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from werkzeug.test import encode_multipart

from oncokind_secondop.adapters import FileStore
from oncokind_secondop.contrib.localfs import LocalFileStore

from . import samples
from .conftest import make_upload_app, stored_paths


def post(client, files=(), fields=None, headers=None, **kwargs):  # type: ignore[no-untyped-def]
    data: dict = dict(fields or {})
    data["file"] = [(io.BytesIO(body), name) for name, body in files]
    return client.post("/upload", data=data, content_type="multipart/form-data",
                       headers=headers or {}, **kwargs)


@pytest.mark.parametrize(("body", "name", "kind", "mimetype"), [
    (samples.pdf_bytes(), "report.pdf", "pdf", "application/pdf"),
    (samples.image_bytes("JPEG"), "photo.jpg", "jpeg", "image/jpeg"),
    (samples.image_bytes("PNG"), "photo.png", "png", "image/png"),
    (samples.image_bytes("TIFF"), "scan.tif", "tiff", "image/tiff"),
    (samples.dicom_bytes(), "IM0001", "dicom", "application/dicom"),
    (samples.dicom_zip(), "scans.zip", "dicom-zip", "application/zip"),
])
def test_accepts_each_kind_and_stores_exact_bytes(upload_client, store_root, body, name, kind,
                                                  mimetype):
    response = post(upload_client, [(name, body)], {"note": "first visit"})
    assert response.status_code == 200, response.json
    (accepted,) = response.json["files"]
    assert accepted["kind"] == kind and accepted["mimetype"] == mimetype
    assert accepted["name"] == name
    assert accepted["size"] == len(body)
    assert accepted["sha256"] == hashlib.sha256(body).hexdigest()
    assert response.json["fields"] == {"note": ["first visit"]}
    stored = LocalFileStore(store_root)
    with stored.open(accepted["key"]) as fh:
        assert fh.read() == body
    assert list((store_root / "tmp").iterdir()) == []


def test_type_comes_from_content_not_name_or_browser_type(upload_client):
    body = samples.pdf_bytes()
    response = upload_client.post("/upload", data={
        "file": (io.BytesIO(body), "holiday.jpg", "image/jpeg")})
    assert response.json["files"][0]["kind"] == "pdf"
    assert response.json["files"][0]["mimetype"] == "application/pdf"


@pytest.mark.parametrize(("body", "name"), [
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "report.pdf"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "scan.png"),
    (b"MZ\x90\x00" + bytes(300), "photo.jpg"),
    (b"\x7fELF\x02\x01\x01" + bytes(300), "IM0001"),
    (b"GIF89a" + bytes(50), "anim.gif"),
    (b"plain words, not a document", "notes.pdf"),
])
def test_refuses_other_content_with_415(upload_client, assert_store_empty, body, name):
    response = post(upload_client, [(name, body)], {"note": "kept"})
    assert response.status_code == 415
    assert "is not a kind of file we can keep" in response.json["error"]
    assert response.json["fields"] == {"note": ["kept"]}  # what the user typed comes back
    assert_store_empty()


def test_refuses_damaged_files_that_only_look_right(upload_client, assert_store_empty):
    for body, name in [(b"%PDF-1.7\n garbage without objects", "a.pdf"),
                       (samples.image_bytes("PNG")[:40], "b.png"),
                       (samples.dicom_bytes()[:140], "c.dcm")]:
        response = post(upload_client, [(name, body)])
        assert response.status_code == 415, name
        assert_store_empty()


def test_empty_file_is_a_400(upload_client, assert_store_empty):
    response = post(upload_client, [("empty.pdf", b"")])
    assert response.status_code == 400
    assert "is empty" in response.json["error"]
    assert_store_empty()


def test_file_input_left_empty_is_skipped(upload_client):
    response = upload_client.post("/upload", data={"note": "x", "file": (io.BytesIO(b""), "")})
    assert response.status_code == 200
    assert response.json["files"] == []


def test_several_files_and_one_bad_file_keeps_none(upload_client, assert_store_empty):
    good = samples.pdf_bytes()
    response = post(upload_client, [("a.pdf", good), ("b.pdf", good), ("c.pdf", b"<html>")])
    assert response.status_code == 415
    assert "c.pdf" in response.json["error"]
    assert_store_empty()


def test_several_files_accepted_in_order(upload_client):
    response = post(upload_client, [("a.pdf", samples.pdf_bytes()),
                                    ("b.png", samples.image_bytes("PNG"))])
    assert [f["name"] for f in response.json["files"]] == ["a.pdf", "b.png"]
    assert len({f["key"] for f in response.json["files"]}) == 2


def test_unexpected_file_field_is_refused(upload_client, assert_store_empty):
    response = upload_client.post("/upload", data={
        "file": (io.BytesIO(samples.pdf_bytes()), "a.pdf"),
        "other": (io.BytesIO(samples.pdf_bytes()), "b.pdf")})
    assert response.status_code == 400
    assert_store_empty()


def test_not_multipart_is_a_400(upload_client):
    response = upload_client.post("/upload", data="file=x",
                                  content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


# -- size limits -------------------------------------------------------------


def test_file_over_the_limit_is_413_and_nothing_written(tmp_path, assert_store_empty):
    client = make_upload_app(tmp_path, max_file_size=1000).test_client()
    body = samples.pdf_bytes() + b"%" + b"x" * 2000
    response = post(client, [("big.pdf", body)], {"note": "keep me"})
    assert response.status_code == 413
    assert "big.pdf" in response.json["error"]
    assert response.json["fields"] == {"note": ["keep me"]}
    assert_store_empty()


def test_limit_defaults_to_config(tmp_path, assert_store_empty):
    client = make_upload_app(tmp_path, config={"SECONDOP_MAX_UPLOAD_BYTES": 500}).test_client()
    response = post(client, [("big.pdf", samples.pdf_bytes(pages=3))])
    assert response.status_code == 413
    assert_store_empty()


def test_content_length_over_the_total_is_refused_before_reading(tmp_path, monkeypatch):
    client = make_upload_app(tmp_path, max_file_size=1000, max_files=1).test_client()
    read = []

    def spy(self, *args):  # type: ignore[no-untyped-def]
        read.append(1)
        raise AssertionError("store must not be touched")

    monkeypatch.setattr(LocalFileStore, "begin", spy)
    response = post(client, [("big.pdf", b"%PDF-" + b"x" * 5_000_000)])
    assert response.status_code == 413
    assert read == []


def test_host_max_content_length_does_not_cap_the_upload_route(tmp_path):
    client = make_upload_app(tmp_path, config={"MAX_CONTENT_LENGTH": 1000}).test_client()
    body = samples.dicom_bytes(pixels=50_000)
    response = post(client, [("IM1", body)])
    assert response.status_code == 200
    assert response.json["files"][0]["size"] == len(body)


def test_too_many_files(tmp_path, assert_store_empty):
    client = make_upload_app(tmp_path, max_files=2).test_client()
    body = samples.pdf_bytes()
    response = post(client, [("a.pdf", body), ("b.pdf", body), ("c.pdf", body)])
    assert response.status_code == 413
    assert response.json["error"] == "Please upload at most 2 files at a time."
    assert_store_empty()
    client = make_upload_app(tmp_path / "one", max_files=1).test_client()
    response = post(client, [("a.pdf", body), ("b.pdf", body)])
    assert response.json["error"] == "Please upload one file at a time."


def test_text_fields_respect_max_form_memory_size(tmp_path, assert_store_empty):
    client = make_upload_app(tmp_path, config={"MAX_FORM_MEMORY_SIZE": 100}).test_client()
    response = post(client, [("a.pdf", samples.pdf_bytes())], {"note": "x" * 500})
    assert response.status_code == 413
    assert_store_empty()


def test_max_form_parts(tmp_path, assert_store_empty):
    client = make_upload_app(tmp_path, config={"MAX_FORM_PARTS": 3}).test_client()
    fields = {f"f{i}": "x" for i in range(5)}
    response = post(client, [("a.pdf", samples.pdf_bytes())], fields)
    assert response.status_code == 413
    assert_store_empty()


# -- interrupted and failing uploads ------------------------------------------


def _raw_body(body: bytes, name: str = "a.pdf") -> tuple[bytes, str]:
    stream, length, boundary = encode_multipart_compat({"note": "x", "file": (body, name)})
    return stream, f"multipart/form-data; boundary={boundary}"


def encode_multipart_compat(values):  # type: ignore[no-untyped-def]
    from werkzeug.datastructures import FileStorage

    data = {k: (FileStorage(io.BytesIO(v[0]), filename=v[1]) if isinstance(v, tuple) else v)
            for k, v in values.items()}
    boundary, body = encode_multipart(data)
    return body, len(body), boundary


def test_client_disconnect_mid_file_leaves_nothing(upload_client, assert_store_empty):
    big = samples.dicom_bytes(pixels=2_000_000)
    body, content_type = _raw_body(big)
    cut = body[: len(body) // 2]
    response = upload_client.post("/upload", data=cut, content_type=content_type,
                                  headers={"Content-Length": str(len(body))})
    assert response.status_code == 400  # werkzeug's ClientDisconnected
    assert_store_empty()


def test_body_cut_off_without_closing_boundary_leaves_nothing(upload_client, assert_store_empty):
    big = samples.dicom_bytes(pixels=600_000)
    body, content_type = _raw_body(big)
    cut = body[: len(body) - 200]
    response = upload_client.post("/upload", data=cut, content_type=content_type)
    assert response.status_code == 400
    assert "cut off" in response.json["error"]
    assert_store_empty()


class FailingStore(LocalFileStore):
    """Fails on the n-th write (a full disk, a lost mount)."""

    def __init__(self, root: Path, fail_at: int) -> None:
        super().__init__(root)
        self.fail_at = fail_at
        self.writes = 0

    def begin(self, *, max_size=None):  # type: ignore[no-untyped-def]
        pending = super().begin(max_size=max_size)
        original = pending.write

        def write(data: bytes) -> int:
            self.writes += 1
            if self.writes == self.fail_at:
                raise OSError(28, "No space left on device")
            return original(data)

        pending.write = write  # type: ignore[method-assign]
        return pending


@pytest.mark.parametrize("fail_at", [1, 2, 3, 5])
def test_store_failure_mid_upload_leaves_nothing(tmp_path, store_root, fail_at):
    app = make_upload_app(tmp_path, store=FailingStore(store_root, fail_at))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    big = samples.dicom_bytes(pixels=1_000_000)  # ~4 chunks per file
    response = post(app.test_client(), [("a.dcm", samples.dicom_bytes()), ("b.dcm", big)])
    assert response.status_code == 500
    assert stored_paths(store_root) == []


def test_parser_crash_after_commit_leaves_nothing(tmp_path, store_root, monkeypatch):
    from oncokind_secondop.uploads import multipart

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise MemoryError("parser exploded")

    monkeypatch.setattr(multipart, "_validate_stored", boom)
    app = make_upload_app(tmp_path)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = post(app.test_client(), [("a.pdf", samples.pdf_bytes())])
    assert response.status_code == 500
    assert stored_paths(store_root) == []


def test_discard_removes_every_file(upload_app, store_root):
    from oncokind_secondop.extension import current_secondop
    from oncokind_secondop.uploads import receive_upload

    boundary, body = encode_multipart({"file": [
        _storage(samples.pdf_bytes(), "a.pdf"), _storage(samples.image_bytes("PNG"), "b.png")]})
    with upload_app.test_request_context(
            "/upload", method="POST", data=body,
            content_type=f"multipart/form-data; boundary={boundary}"):
        store: FileStore = current_secondop.files
        received = receive_upload(store, max_file_size=10**6)
        assert len(received.files) == 2 and len(stored_paths(store_root)) == 2
        received.discard(store)
    assert stored_paths(store_root) == []


def _storage(body: bytes, name: str):  # type: ignore[no-untyped-def]
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(body), filename=name)


def test_does_not_use_request_files(upload_app, monkeypatch):
    """No spooled copy: the upload never goes through Werkzeug's form parser."""
    from werkzeug import formparser

    def forbidden(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("request.files/form must not be parsed")

    monkeypatch.setattr(formparser.FormDataParser, "parse", forbidden)
    response = post(upload_app.test_client(), [("a.pdf", samples.pdf_bytes())])
    assert response.status_code == 200


def test_fields_after_a_refused_file_still_come_back(upload_client, assert_store_empty):
    boundary, body = encode_multipart({"before": "1", "file": _storage(b"<html>", "a.pdf"),
                                       "after": "2"})
    assert body.index(b'name="file"') < body.index(b'name="after"')
    response = upload_client.post("/upload", data=body,
                                  content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 415
    assert response.json["fields"] == {"before": ["1"], "after": ["2"]}
    assert_store_empty()


def test_non_ascii_and_rfc2231_filenames(upload_client):
    body = samples.pdf_bytes()
    boundary = "XyZ"
    raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
           f"filename*=UTF-8''%D0%BF%D0%B0%D1%82%D0%BE%D0%BB%D0%BE%D0%B3%D0%B8%D1%8F.pdf\r\n\r\n"
           ).encode() + body + (
           f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
           f"filename=\"病理报告.pdf\"\r\n\r\n").encode() + body + (
           f"\r\n--{boundary}--\r\n").encode()
    response = upload_client.post("/upload", data=raw,
                                  content_type=f"multipart/form-data; boundary={boundary}")
    assert [f["name"] for f in response.json["files"]] == ["патология.pdf", "病理报告.pdf"]


class CommitFailsStore(LocalFileStore):
    def begin(self, *, max_size=None):  # type: ignore[no-untyped-def]
        pending = super().begin(max_size=max_size)

        def commit():  # type: ignore[no-untyped-def]
            raise OSError(5, "I/O error")

        pending.commit = commit  # type: ignore[method-assign]
        return pending


def test_commit_failure_leaves_no_temp_file(tmp_path, store_root):
    app = make_upload_app(tmp_path, store=CommitFailsStore(store_root))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = post(app.test_client(), [("a.pdf", samples.pdf_bytes())])
    assert response.status_code == 500
    assert stored_paths(store_root) == []
