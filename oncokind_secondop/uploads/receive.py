"""Receive a multipart upload by streaming it straight into the FileStore:
the Flask glue around :mod:`.multipart` (the request-free receiver).

``request.files`` would spool every large part to a temporary file first (a
1 GiB upload = 1 GiB of temp disk plus a copy). Here the receiver runs
Werkzeug's sans-IO ``MultipartDecoder`` over ``request.stream`` and each file
part goes chunk by chunk into ``store.begin()``, which hashes it and writes
its own temp file in the store (fsync, atomic rename on commit).

This module adds what comes from the request and the app: the boundary and
length from the headers, the host's form limits, the archive limits from the
config, the body claimed from Werkzeug, and the CSRF token checked through
:class:`oncokind_secondop.csrf.StreamingCheck` (the header before the body,
else the field before the first file part).
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from flask import current_app, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.http import parse_options_header

from ..adapters import FileStore
from ..csrf import StreamingCheck
from ..extension import current_secondop
from ..i18n import _, format_file_size
from .checks import ArchiveLimits
from .multipart import AcceptedFile, UploadRejected, body_limit, receive_multipart

__all__ = ["AcceptedFile", "ReceivedUpload", "UploadRejected", "archive_limits",
           "default_max_file_size", "receive_upload"]


@dataclass
class ReceivedUpload:
    fields: MultiDict[str, str]
    files: list[AcceptedFile] = field(default_factory=list)

    def discard(self, store: FileStore, *, owned: Callable[[], Collection[str]] | None = None) -> None:
        """Delete the stored files (call it when the database write fails).

        A commit can fail *after* the database made it durable (the
        connection dropped on the way back): pass ``owned``, a function that
        asks the database which of these keys committed rows now hold, and
        those files are kept. If it cannot answer, every file is kept: an
        orphan is removed by the sweeper, a row without its file is lost."""
        keep: Collection[str] = ()
        if owned is not None:
            try:
                keep = owned()
            except Exception:
                current_app.logger.warning(
                    "an upload failed and the database did not answer; its files are left for the sweeper")
                return
        for accepted in self.files:
            if accepted.stored.key not in keep:
                store.delete(accepted.stored.key)


def archive_limits() -> ArchiveLimits:
    """The host's validated limits (defaults live once, in config.SETTINGS)."""
    config = current_secondop.config
    return ArchiveLimits(
        max_entries=config["SECONDOP_ZIP_MAX_ENTRIES"],
        max_total_bytes=config["SECONDOP_ZIP_MAX_TOTAL_BYTES"],
        max_ratio=config["SECONDOP_ZIP_MAX_RATIO"],
        dicom_max_elements=config["SECONDOP_DICOM_MAX_ELEMENTS"],
        zip_max_dicom_elements=config["SECONDOP_ZIP_MAX_DICOM_ELEMENTS"],
        pdf_max_objects=config["SECONDOP_PDF_MAX_OBJECTS"],
    )


def default_max_file_size() -> int:
    return int(current_secondop.config["SECONDOP_MAX_UPLOAD_BYTES"])


def _claim_body() -> None:
    """The body is ours from here on: ``request.form`` and ``request.files``
    stay empty, so nothing later in this request (a form on the error page, an
    error handler) makes Werkzeug parse it again, spooling every file part to a
    temporary file. That happened when we answered 413 before reading."""
    request.form = ImmutableMultiDict()
    request.files = ImmutableMultiDict()


def receive_upload(store: FileStore, *, max_file_size: int | None = None, max_files: int = 10,
                   field_name: str = "file") -> ReceivedUpload:
    """Parse the current request's multipart body, streaming each file part
    named ``field_name`` into ``store``; return the text fields and the
    accepted files, or raise :class:`UploadRejected` (nothing stored) or
    ``CSRFError`` (nothing stored).

    A file input left empty is skipped, so ``files`` may be empty: the view
    decides whether that is an error. Views using this must be decorated with
    :func:`oncokind_secondop.csrf.checks_csrf_itself`; the form must send
    ``csrf_token`` *before* the file input (or the ``X-CSRFToken`` header): a
    request whose first file part arrives without a valid token is refused
    there, before any byte is written.
    """
    _claim_body()
    if max_file_size is None:
        max_file_size = default_max_file_size()
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    boundary = options.get("boundary", "").encode("latin-1", "replace")
    if mimetype != "multipart/form-data" or not boundary:
        raise UploadRejected(_("The upload did not arrive in a form we understand. Please try "
                               "again."), 400)

    text_budget = request.max_form_memory_size or 500_000
    max_parts = request.max_form_parts or 1000
    limit = body_limit(max_file_size=max_file_size, max_files=max_files,
                       text_budget=text_budget, max_parts=max_parts)
    if request.content_length is not None and request.content_length > limit:
        raise UploadRejected(_("These files are too large. We can take up to %(limit)s per file.",
                               limit=format_file_size(max_file_size)), 413)
    # Let this route exceed the host's small MAX_CONTENT_LENGTH (set before
    # touching request.stream, which applies the cap).
    request.max_content_length = limit

    csrf = StreamingCheck()
    csrf.before_body()
    fields, files = receive_multipart(
        request.stream, boundary, store, max_file_size=max_file_size, max_files=max_files,
        field_name=field_name, text_budget=text_budget, max_parts=max_parts,
        limits=archive_limits(), check_token=csrf.check)
    return ReceivedUpload(fields=fields, files=files)
