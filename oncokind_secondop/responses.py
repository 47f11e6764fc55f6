"""Responses for files a patient downloads: always an attachment, never
sniffed, never cached, sandboxed if a browser opens it anyway."""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response

DOWNLOAD_CSP = "sandbox; default-src 'none'"


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback plus the UTF-8 ``filename*`` for any script."""
    cleaned = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C") or "download"
    ascii_name = unicodedata.normalize("NFKD", cleaned).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in ascii_name).strip(" .")
    if not ascii_name or ascii_name.startswith("_."):
        ascii_name = "download" + ("." + cleaned.rsplit(".", 1)[-1] if "." in cleaned else "")
        ascii_name = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in ascii_name)
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
