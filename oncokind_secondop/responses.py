"""Responses for files a patient downloads: always an attachment, never
sniffed, never cached, sandboxed if a browser opens it anyway."""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response, request

DOWNLOAD_CSP = "sandbox; default-src 'none'"


def _ascii_only(text: str, *, keep: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch if ch.isalnum() or ch in keep else "_" for ch in folded)


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback plus the UTF-8 ``filename*`` for any script."""
    cleaned = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C") or "download"
    stem, dot, ext = cleaned.rpartition(".")
    if not dot:
        stem, ext = cleaned, ""
    ascii_stem = _ascii_only(stem, keep="._- ").strip(" .")
    ascii_ext = _ascii_only(ext, keep="")
    if not any(ch.isalnum() for ch in ascii_stem):
        # Nothing readable survived (a name in Korean, Arabic, Chinese...): old
        # clients get a neutral name; modern ones use filename* below.
        ascii_stem = "download"
    ascii_name = ascii_stem + (f".{ascii_ext}" if ascii_ext else "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(cleaned, safe='')}"


def attachment_response(body: bytes | Iterable[bytes], *, filename: str, mimetype: str,
                        size: int | None = None) -> Response:
    """A download response. ``body`` may be bytes or an iterator of chunks
    (streamed, so large files never sit in memory)."""
    response = Response(body, mimetype=mimetype, direct_passthrough=not isinstance(body, bytes))
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    if size is not None:
        response.content_length = size
    return response


def is_head() -> bool:
    """A ``HEAD`` request: Flask runs the ``GET`` view for it and drops the
    body, so a download view must check this before doing any work."""
    return request.method == "HEAD"


def head_response(*, filename: str, mimetype: str, size: int | None = None) -> Response:
    """What ``HEAD`` on a download answers: the download's headers and no
    work (no PDF made, no file read). Its length is given only when it is
    known without making the file."""
    return attachment_response(iter(()), filename=filename, mimetype=mimetype, size=size)
