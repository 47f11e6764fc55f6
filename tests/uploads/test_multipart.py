"""The request-free multipart receiver (uploads/multipart.py): a byte stream,
a boundary, limits and a file store in; fields and accepted files out. No app,
no request context: what receive_upload's Flask glue adds is tested through
the routes in test_receive.py, test_csrf.py and tests/security."""
from __future__ import annotations

import ast
import hashlib
import io
from collections.abc import Mapping
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.uploads import multipart
from oncokind_secondop.uploads.checks import ArchiveLimits
from oncokind_secondop.uploads.multipart import UploadRejected, receive_multipart

from . import samples
from .conftest import stored_paths


def _body(files: list[tuple[str, bytes]] = (), fields: Mapping[str, str] | None = None,  # type: ignore[assignment]
          field_name: str = "file") -> tuple[bytes, io.BytesIO]:
    data: dict = dict(fields or {})
    if files:
        data[field_name] = [FileStorage(io.BytesIO(body), filename=name) for name, body in files]
    boundary, body = encode_multipart(data)
    return boundary.encode("latin-1"), io.BytesIO(body)


@pytest.fixture
def store_root(tmp_path: Path) -> Path:
    return tmp_path / "files"


@pytest.fixture
def store(store_root: Path) -> LocalFileStore:
    return LocalFileStore(store_root)


def test_imports_nothing_of_flask() -> None:
    tree = ast.parse(Path(multipart.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not [name for name in imported
                if name.split(".")[0] in {"flask", "flask_wtf", "flask_babel"}
                or name.lstrip(".") in {"csrf", "extension", "access", "signals"}]


def test_streams_files_into_the_store_and_returns_the_fields(store, store_root) -> None:
    pdf, png = samples.pdf_bytes(), samples.image_bytes("PNG")
    boundary, stream = _body([("report.pdf", pdf), ("photo.png", png)], {"note": "first visit"})
    fields, files = receive_multipart(stream, boundary, store, max_file_size=10**6)
    assert fields.to_dict(flat=False) == {"note": ["first visit"]}
    assert [(f.display_name, f.kind, f.mimetype) for f in files] == [
        ("report.pdf", "pdf", "application/pdf"), ("photo.png", "png", "image/png")]
    for accepted, body in zip(files, (pdf, png), strict=True):
        assert accepted.stored.sha256 == hashlib.sha256(body).hexdigest()
        with store.open(accepted.stored.key) as fh:
            assert fh.read() == body
    assert list((store_root / "tmp").iterdir()) == []


def test_the_token_check_runs_before_any_file_byte_is_stored(store, store_root) -> None:
    seen: list[dict[str, str]] = []

    def check_token(fields: Mapping[str, str]) -> None:
        seen.append(dict(fields))
        if fields.get("csrf_token") != "good":
            raise PermissionError("no token")

    boundary, stream = _body([("a.pdf", samples.pdf_bytes())], {"note": "x"})
    with pytest.raises(PermissionError):
        receive_multipart(stream, boundary, store, max_file_size=10**6, check_token=check_token)
    assert seen == [{"note": "x"}]
    assert stored_paths(store_root) == []

    seen.clear()
    boundary, stream = _body([("a.pdf", samples.pdf_bytes())], {"csrf_token": "good"})
    fields, files = receive_multipart(stream, boundary, store, max_file_size=10**6,
                                      check_token=check_token)
    assert len(files) == 1
    assert seen == [{"csrf_token": "good"}, {"csrf_token": "good"}]  # at the file, at the end


def test_a_refused_file_keeps_the_fields_and_stores_nothing(store, store_root) -> None:
    boundary, stream = _body([("a.pdf", samples.pdf_bytes()), ("b.pdf", b"plain words" * 50)],
                             {"note": "kept"})
    with pytest.raises(UploadRejected) as info:
        receive_multipart(stream, boundary, store, max_file_size=10**6)
    assert info.value.status == 415
    assert info.value.fields.to_dict(flat=False) == {"note": ["kept"]}
    assert stored_paths(store_root) == []


@pytest.mark.parametrize(("kwargs", "files", "status"), [
    ({"max_file_size": 100}, [("a.pdf", samples.pdf_bytes())], 413),
    ({"max_file_size": 10**6, "max_files": 1},
     [("a.pdf", samples.pdf_bytes()), ("b.pdf", samples.pdf_bytes())], 413),
    ({"max_file_size": 10**6, "field_name": "document"}, [("a.pdf", samples.pdf_bytes())], 400),
])
def test_limits_and_unexpected_parts(store, store_root, kwargs, files, status) -> None:
    boundary, stream = _body(files)
    with pytest.raises(UploadRejected) as info:
        receive_multipart(stream, boundary, store, **kwargs)
    assert info.value.status == status
    assert stored_paths(store_root) == []


def test_text_budget_and_part_count(store, store_root) -> None:
    boundary, stream = _body(fields={"note": "x" * 2000})
    with pytest.raises(UploadRejected) as info:
        receive_multipart(stream, boundary, store, max_file_size=10**6, text_budget=1000)
    assert info.value.status == 413
    boundary, stream = _body([("a.pdf", samples.pdf_bytes())], {f"f{n}": "x" for n in range(20)})
    with pytest.raises(UploadRejected) as info:
        receive_multipart(stream, boundary, store, max_file_size=10**6, max_parts=5)
    assert info.value.status == 413
    assert stored_paths(store_root) == []


def test_cut_off_and_malformed_bodies(store, store_root) -> None:
    boundary, stream = _body([("a.pdf", samples.pdf_bytes())], {"note": "x"})
    cut = io.BytesIO(stream.getvalue()[:-200])
    with pytest.raises(UploadRejected) as info:
        receive_multipart(cut, boundary, store, max_file_size=10**6)
    assert info.value.status == 400
    endless_header = io.BytesIO(b"--" + boundary + b"\r\nX-Pad: " + b"a" * (2 * multipart.DECODER_BUFFER))
    with pytest.raises(UploadRejected) as info:
        receive_multipart(endless_header, boundary, store, max_file_size=10**6)
    assert info.value.status == 400
    assert stored_paths(store_root) == []


def test_a_stream_that_fails_leaves_nothing(store, store_root) -> None:
    boundary, whole = _body([("a.pdf", samples.pdf_bytes()),
                             ("b.dcm", samples.dicom_bytes(pixels=1_000_000))])
    data = whole.getvalue()

    class GoneAway(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() > len(data) // 2:
                raise ConnectionResetError("client went away")
            return super().read(size)

    with pytest.raises(ConnectionResetError):
        receive_multipart(GoneAway(data), boundary, store, max_file_size=10**7)
    assert stored_paths(store_root) == []


def test_archive_limits_are_passed_in(store) -> None:
    boundary, stream = _body([("scans.zip", samples.dicom_zip(count=3))])
    with pytest.raises(UploadRejected) as info:
        receive_multipart(stream, boundary, store, max_file_size=10**7,
                          limits=ArchiveLimits(max_entries=2))
    assert info.value.status in (413, 415)
    boundary, stream = _body([("scans.zip", samples.dicom_zip(count=3))])
    _, files = receive_multipart(stream, boundary, store, max_file_size=10**7)
    assert [f.kind for f in files] == ["dicom-zip"]
