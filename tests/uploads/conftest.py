"""A fake host with one extra streaming upload route, as the packet views use it."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, jsonify
from flask_wtf.csrf import generate_csrf

from oncokind_secondop.adapters import FileStore
from oncokind_secondop.csrf import checks_csrf_itself, exempt_streaming_views
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.uploads import UploadRejected, receive_upload

from ..fake_host import create_app


def stored_paths(root: Path) -> list[Path]:
    """Every file left in the store: committed objects and temporary parts."""
    return sorted(p for p in (root / "objects").rglob("*") if p.is_file()) + sorted(
        p for p in (root / "tmp").rglob("*") if p.is_file())


def make_upload_app(tmp_path: Path, *, csrf: bool = False, config: dict[str, Any] | None = None,
                    max_file_size: int | None = None, max_files: int = 10,
                    store: FileStore | None = None) -> Flask:
    app = create_app(tmp_path, config, csrf=csrf)

    @checks_csrf_itself
    def upload() -> Any:
        try:
            received = receive_upload(store or current_secondop.files, max_file_size=max_file_size,
                                      max_files=max_files)
        except UploadRejected as exc:
            fields = exc.fields.to_dict(flat=False)
            return jsonify(error=str(exc.message), fields=fields), exc.status
        return jsonify(
            fields=received.fields.to_dict(flat=False),
            files=[{"key": f.stored.key, "size": f.stored.size, "sha256": f.stored.sha256,
                    "name": f.display_name, "kind": f.kind, "mimetype": f.mimetype}
                   for f in received.files],
        )

    app.add_url_rule("/upload", "upload", upload, methods=["POST"])
    app.add_url_rule("/token", "token", lambda: generate_csrf())
    exempt_streaming_views(app)
    return app


@pytest.fixture
def store_root(tmp_path: Path) -> Path:
    return tmp_path / "files"


@pytest.fixture
def upload_app(tmp_path: Path) -> Flask:
    return make_upload_app(tmp_path)


@pytest.fixture
def upload_client(upload_app: Flask):  # type: ignore[no-untyped-def]
    return upload_app.test_client()


@pytest.fixture
def assert_store_empty(store_root: Path) -> Callable[[], None]:
    def check() -> None:
        assert stored_paths(store_root) == []

    return check
