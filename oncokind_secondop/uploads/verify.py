"""Reading stored files back: integrity first, then a streamed download.

A stored file is served only after its size and SHA-256 match what the
document row recorded (HIPAA 164.312(c)); a mismatch is reported as
:class:`CorruptFile`, never silently served.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import IO, Protocol

from flask import Response
from werkzeug.wrappers import Response as BaseResponse

from ..adapters import FileStore
from ..responses import attachment_response

READ_CHUNK = 1024 * 1024


class CorruptFile(Exception):
    """The stored bytes no longer match the recorded size or SHA-256."""


class Digest(Protocol):
    """A running hash (``hashlib.sha1()``...) fed the same bytes as the check."""

    def update(self, data: bytes, /) -> None: ...


def _check(fh: IO[bytes], expected_sha256: str, expected_size: int,
           also: Sequence[Digest] = ()) -> None:
    digest = hashlib.sha256()
    size = 0
    while chunk := fh.read(READ_CHUNK):
        size += len(chunk)
        if size > expected_size:
            raise CorruptFile("stored file is longer than recorded")
        digest.update(chunk)
        for other in also:
            other.update(chunk)
    if size != expected_size:
        raise CorruptFile("stored file is shorter than recorded")
    if digest.hexdigest() != expected_sha256.lower():
        raise CorruptFile("stored file's SHA-256 differs from the recorded one")


def open_verified(store: FileStore, key: str, expected_sha256: str,
                  expected_size: int, *, also: Sequence[Digest] = ()) -> IO[bytes]:
    """Open a stored file after reading it once to check its size and SHA-256
    (constant memory). Raises :class:`CorruptFile` or ``FileNotFoundError``;
    otherwise returns the open file at position 0 (the caller closes it).
    ``also`` are more hashes fed in the same pass (the FHIR export's SHA-1),
    so a caller that needs them does not read the file a second time."""
    fh = store.open(key)
    try:
        _check(fh, expected_sha256, expected_size, also)
        fh.seek(0)
    except BaseException:
        fh.close()
        raise
    return fh


def iter_file(fh: IO[bytes], chunk_size: int = READ_CHUNK) -> Iterator[bytes]:
    """Yield a file in chunks and close it at the end, or when the response
    is closed early (client gone)."""
    try:
        while chunk := fh.read(chunk_size):
            yield chunk
    finally:
        fh.close()


def send_stored(store: FileStore, key: str, expected_sha256: str, expected_size: int, *,
                filename: str, mimetype: str) -> Response:
    """A download response for a stored file: verified, streamed, attachment
    headers (RFC 6266 name, nosniff, no-store, sandbox CSP). Raises
    :class:`CorruptFile` or ``FileNotFoundError`` before any byte is sent."""
    fh = open_verified(store, key, expected_sha256, expected_size)
    return attachment_response(iter_file(fh), filename=filename, mimetype=mimetype,
                               size=expected_size)


def upload_redirect(location: str) -> BaseResponse:
    """Where to go after a successful upload: a 303 redirect for a plain form
    post; for upload.js (``X-Requested-With: XMLHttpRequest``) a 204 naming
    the page in ``X-Secondop-Location``, so the browser loads that page once
    (a redirect would be followed inside the request and then loaded again,
    logging two views). Typed as Werkzeug's Response, which is what
    ``flask.redirect`` declares (Flask's own Response is a subclass)."""
    from flask import redirect, request

    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        response = Response(status=204)
        response.headers["X-Secondop-Location"] = location
        response.headers["Cache-Control"] = "no-store"
        return response
    return redirect(location, code=303)
