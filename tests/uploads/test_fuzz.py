"""Hypothesis: cut or corrupt a valid upload anywhere; the store never keeps a part."""
from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import encode_multipart

from oncokind_secondop.contrib.localfs import LocalFileStore

from . import samples
from .conftest import make_upload_app, stored_paths
from .test_receive import _storage

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _body() -> tuple[bytes, str]:
    boundary, body = encode_multipart({
        "note": "x", "file": [_storage(samples.pdf_bytes(), "a.pdf"),
                              _storage(samples.dicom_bytes(pixels=3000), "b.dcm")]})
    return body, f"multipart/form-data; boundary={boundary}"


BODY, CONTENT_TYPE = _body()


def _reset(root) -> None:  # type: ignore[no-untyped-def]
    shutil.rmtree(root, ignore_errors=True)
    LocalFileStore(root)


@FUZZ
@given(cut=st.integers(min_value=1, max_value=len(BODY) - 1))
def test_truncated_body_never_leaves_files(tmp_path, cut):
    root = tmp_path / "files"
    _reset(root)
    client = make_upload_app(tmp_path).test_client()
    response = client.post("/upload", data=BODY[:cut], content_type=CONTENT_TYPE)
    if cut >= len(BODY) - 2:  # only the optional CRLF after the closing boundary is gone
        assert response.status_code == 200 and len(stored_paths(root)) == 2
    else:
        assert response.status_code in (400, 415)
        assert stored_paths(root) == []


@FUZZ
@given(position=st.integers(min_value=0, max_value=len(BODY) - 1),
       value=st.integers(min_value=0, max_value=255))
def test_corrupted_body_is_all_or_nothing(tmp_path, position, value):
    root = tmp_path / "files"
    _reset(root)
    client = make_upload_app(tmp_path).test_client()
    body = bytearray(BODY)
    body[position] = value
    response = client.post("/upload", data=bytes(body), content_type=CONTENT_TYPE)
    assert response.status_code in (200, 400, 413, 415)
    assert list((root / "tmp").iterdir()) == []  # never a temp file
    objects = stored_paths(root)
    if response.status_code == 200:
        assert len(objects) == len(response.json["files"])
    else:
        assert objects == []
