"""Uploads: stream files into the FileStore while parsing, decide their type
by content, keep safe display names; read them back verified.

Public API (the packet views use only these names)::

    receive_upload(store, *, max_file_size=None, max_files=10, field_name="file")
        -> ReceivedUpload(fields, files=[AcceptedFile(stored, display_name, kind, mimetype)])
    UploadRejected(message, status, fields)   # 400, 413 or 415; nothing stored
    open_verified(store, key, sha256, size) -> IO[bytes]   # or CorruptFile / FileNotFoundError
    iter_file(fh, chunk_size) -> Iterator[bytes]           # closes fh at the end
    send_stored(store, key, sha256, size, filename=..., mimetype=...) -> Response
    upload_redirect(location) -> Response   # 303, or 204 + X-Secondop-Location for upload.js
    clean_display_name(raw, fallback) -> str
"""
from .checks import MIMETYPES, ArchiveLimits, ContentRefused
from .names import clean_display_name
from .receive import AcceptedFile, ReceivedUpload, UploadRejected, receive_upload
from .verify import CorruptFile, iter_file, open_verified, send_stored, upload_redirect

__all__ = [
    "MIMETYPES",
    "AcceptedFile",
    "ArchiveLimits",
    "ContentRefused",
    "CorruptFile",
    "ReceivedUpload",
    "UploadRejected",
    "clean_display_name",
    "iter_file",
    "open_verified",
    "receive_upload",
    "send_stored",
    "upload_redirect",
]
