"""Helpers for the hostile-upload, disconnect and integrity tests: a raw
multipart encoder (so a test sends exactly the bytes a hostile client would),
and snapshots of everything an upload could leave behind."""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flask
import pytest
import sqlalchemy as sa
from flask import Flask

from oncokind_secondop.extension import current_secondop

BOUNDARY = "----secondop-hostile-7f3a"
STORAGE_KEY = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Part:
    """One multipart part. ``filename=None`` makes a text field; ``disposition``
    replaces the whole Content-Disposition value (RFC 2231 ``filename*``)."""

    name: str
    body: bytes
    filename: str | None = None
    disposition: str | None = None
    content_type: str = "application/octet-stream"


def _quote(value: str) -> str:
    # What browsers do (HTML spec): only '"', CR and LF are escaped; backslashes,
    # slashes, NULs and every other byte go through as they are.
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def part_head(part: Part, boundary: str = BOUNDARY) -> bytes:
    if part.disposition is not None:
        disposition = part.disposition
    elif part.filename is None:
        disposition = f'form-data; name="{part.name}"'
    else:
        disposition = f'form-data; name="{part.name}"; filename="{_quote(part.filename)}"'
    head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
    if part.filename is not None or part.disposition is not None:
        head += f"Content-Type: {part.content_type}\r\n"
    return (head + "\r\n").encode("utf-8")


def multipart(parts: Sequence[Part], boundary: str = BOUNDARY) -> tuple[bytes, str]:
    """The body and the Content-Type header of a multipart/form-data request."""
    chunks = []
    for part in parts:
        chunks += [part_head(part, boundary), part.body, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


# ---------------------------------------------------------------------------
# What an upload may leave behind
# ---------------------------------------------------------------------------


def row_counts(app: Flask) -> dict[str, int]:
    """Rows in every ``secondop_`` table of the database (read from the
    database itself, so a table no model lists is counted too)."""
    with app.app_context():
        engine = current_secondop.records.engine
        names = [n for n in sa.inspect(engine).get_table_names() if n.startswith("secondop_")]
        with engine.connect() as conn:
            return {n: conn.execute(sa.select(sa.func.count()).select_from(sa.table(n))).scalar_one()
                    for n in names}


def object_files(app: Flask) -> list[Path]:
    with app.app_context():
        root = current_secondop.files.objects_dir  # type: ignore[attr-defined]
    return sorted(p for p in root.rglob("*") if p.is_file())


def temp_files(app: Flask) -> list[Path]:
    """The store's temporary parts (``LocalFileStore.temporary_files()``) and
    anything else in its ``tmp/`` folder."""
    with app.app_context():
        store = current_secondop.files
        return sorted(set(store.temporary_files())  # type: ignore[attr-defined]
                      | {p for p in store.tmp_dir.rglob("*")})  # type: ignore[attr-defined]


@dataclass
class Snapshot:
    rows: dict[str, int]
    objects: list[Path]
    temps: list[Path]


def snapshot(app: Flask) -> Snapshot:
    return Snapshot(row_counts(app), object_files(app), temp_files(app))


@dataclass
class SpoolWatch:
    """Werkzeug's own temp files: every ``request.files`` parse of a file part
    goes through ``Request._get_file_stream``; the system temp folder is
    pointed at a private, empty folder so a named temp file would show too."""

    calls: list[Any]
    tempdir: Path

    def leftovers(self) -> list[Path]:
        return sorted(self.tempdir.iterdir())


@contextmanager
def watch_spooling(monkeypatch: pytest.MonkeyPatch, tempdir: Path) -> Iterator[SpoolWatch]:
    import tempfile

    tempdir.mkdir(exist_ok=True)
    watch = SpoolWatch(calls=[], tempdir=tempdir)
    original = flask.Request._get_file_stream

    def spy(self: flask.Request, *args: Any, **kwargs: Any) -> Any:
        watch.calls.append(args)
        return original(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(flask.Request, "_get_file_stream", spy)
        patch.setattr(tempfile, "tempdir", str(tempdir))
        yield watch
