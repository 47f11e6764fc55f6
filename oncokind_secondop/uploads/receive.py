"""Receive a multipart upload by streaming it straight into the FileStore.

``request.files`` would spool every large part to a temporary file first (a
1 GiB upload = 1 GiB of temp disk plus a copy). Here Werkzeug's sans-IO
``MultipartDecoder`` runs over ``request.stream`` and each file part goes
chunk by chunk into ``store.begin()``, which hashes it and writes its own
temp file in the store (fsync, atomic rename on commit). Memory stays at a
few chunks whatever the size.

All or nothing: on any refusal, error or disconnect every file of the
request is aborted or deleted before the exception leaves this module.

When one file is refused (type, size, damage) we keep reading the rest of
the body, discarding file data, so that (a) the text fields the user typed
come back in :attr:`UploadRejected.fields` and the form can show them again,
and (b) the browser gets our answer instead of a reset connection.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import IO

from flask import current_app, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import (
    NEED_DATA,
    Data,
    Epilogue,
    Field,
    File,
    MultipartDecoder,
)

from ..adapters import FileStore, FileTooLarge, PendingFile, StoredFile
from ..csrf import StreamingCheck
from ..extension import current_secondop
from ..i18n import _, format_file_size, ngettext
from .checks import ACCEPTED_EXTENSIONS, EXTENSIONS, HEAD_SIZE, MIMETYPES, ArchiveLimits, ContentRefused, sniff
from .checks import validate_stored as _validate_stored
from .names import clean_display_name, with_extension

CHUNK_SIZE = 256 * 1024
# Room for part headers and boundaries on top of the files and text fields:
# file parts carry long names, text parts short ones.
FILE_PART_OVERHEAD = 4096
TEXT_PART_OVERHEAD = 512
BODY_OVERHEAD = 64 * 1024
# Most bytes the multipart decoder may hold at once: one chunk plus room for a
# part's headers. File and field data leave it chunk by chunk; without a cap a
# preamble, a part header or an epilogue that never ends would be kept in
# memory up to the whole body limit (gigabytes).
DECODER_BUFFER = CHUNK_SIZE + 64 * 1024


@dataclass(frozen=True)
class AcceptedFile:
    stored: StoredFile
    display_name: str
    kind: str       # "pdf" | "jpeg" | "png" | "tiff" | "dicom" | "dicom-zip"
    mimetype: str   # server-chosen type for later downloads


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


class UploadRejected(Exception):
    """The upload was refused; nothing of it is stored.

    ``message`` is for the user (translated), ``status`` is 400, 413 or 415,
    ``fields`` holds the text fields that could be read (to show the form
    again with what the user typed)."""

    def __init__(self, message: str, status: int = 400,
                 fields: MultiDict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.fields: MultiDict[str, str] = fields if fields is not None else MultiDict()


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


class _Receiver:
    """One request's parse: state shared by the event handlers below."""

    def __init__(self, store: FileStore, max_file_size: int, max_files: int, field_name: str,
                 text_budget: int, limits: ArchiveLimits) -> None:
        self.store = store
        self.max_file_size = max_file_size
        self.max_files = max_files
        self.field_name = field_name
        self.text_budget = text_budget
        self.limits = limits
        self.fields: MultiDict[str, str] = MultiDict()
        self.accepted: list[AcceptedFile] = []
        self.refusal: UploadRejected | None = None
        self.csrf = StreamingCheck()
        self.file_parts = 0
        # The part being read:
        self.pending: PendingFile | None = None
        self.head = bytearray()
        self.kind: str | None = None
        self.raw_name = ""
        self.text_name: str | None = None
        self.text = bytearray()
        self.skipping = False

    # -- clean-up ------------------------------------------------------------
    def cleanup(self) -> None:
        if self.pending is not None:
            self.pending.abort()
            self.pending = None
        for accepted in self.accepted:
            self.store.delete(accepted.stored.key)
        self.accepted.clear()

    def refuse(self, message: str, status: int) -> None:
        """Remember the first refusal, drop what is stored, and skip file data
        from now on (text fields are still collected)."""
        if self.refusal is None:
            self.refusal = UploadRejected(message, status, self.fields)
        self.cleanup()
        self.skipping = True

    # -- events --------------------------------------------------------------
    def start_file(self, event: File) -> None:
        # Before a byte of the file is stored: storing and checking a whole file
        # before answering 400 would let a forged request cost us its full size.
        self.csrf.check(self.fields)
        self.raw_name = event.filename or ""
        self.head.clear()
        self.kind = None
        self.skipping = self.refusal is not None
        if self.skipping:
            return
        if event.name != self.field_name:
            self.refuse(_("The form sent a file we did not expect. Please try again."), 400)
            return
        if not self.raw_name:
            self.skipping = True  # a file input left empty: browsers send an empty part
            return
        self.file_parts += 1
        if self.file_parts > self.max_files:
            self.refuse(ngettext("Please upload one file at a time.",
                                 "Please upload at most %(num)s files at a time.",
                                 self.max_files), 413)
            return
        self.pending = self.store.begin(max_size=self.max_file_size)

    def file_data(self, data: bytes) -> None:
        if self.skipping or self.pending is None:
            return
        if self.kind is None:
            # Refuse a wrong type as soon as its first bytes are in.
            self.head += data[: HEAD_SIZE - len(self.head)]
            if len(self.head) >= HEAD_SIZE and not self.sniff():
                return
        try:
            self.pending.write(data)
        except FileTooLarge:
            self.refuse(self.too_large_message(), 413)  # aborts the pending file

    def sniff(self) -> bool:
        try:
            self.kind = sniff(bytes(self.head), self.display_name())
        except ContentRefused as exc:
            self.refuse(exc.message, exc.status)
            return False
        return True

    def end_file(self) -> None:
        if self.skipping or self.pending is None:
            return
        if self.kind is None and not self.sniff():  # shorter than HEAD_SIZE
            return
        assert self.kind is not None
        pending, self.pending = self.pending, None
        try:
            stored = pending.commit()
        except BaseException:
            pending.abort()  # a store whose commit failed half-way must not keep its temp file
            raise
        name = self.display_name()
        try:
            with self.store.open(stored.key) as fh:
                kind = _validate_stored(self.kind, fh, name, self.limits)
        except ContentRefused as exc:
            self.store.delete(stored.key)
            self.refuse(exc.message, exc.status)
            return
        except BaseException:
            self.store.delete(stored.key)
            raise
        self.accepted.append(AcceptedFile(stored=stored, display_name=self.display_name(kind),
                                          kind=kind, mimetype=MIMETYPES[kind]))

    def display_name(self, kind: str | None = None) -> str:
        extension = EXTENSIONS.get(kind or self.kind or "", "")
        name = clean_display_name(self.raw_name, _("file") + extension)
        if kind is None:
            return name  # for messages: the name as the user knows it
        # The name travels with the file (downloads, ZIP export): a PDF named
        # "scan.jpg.html" or "report.pdf.exe" must not open as a page or a program.
        return with_extension(name, ACCEPTED_EXTENSIONS[kind])

    def too_large_message(self) -> str:
        return _("“%(name)s” is larger than %(limit)s, the most we can take for one file.",
                 name=self.display_name(), limit=format_file_size(self.max_file_size))

    def start_field(self, event: Field) -> None:
        self.text_name = event.name
        self.text.clear()

    def field_data(self, data: bytes) -> None:
        self.text += data
        self.text_budget -= len(data)
        if self.text_budget < 0:
            raise _FormTooLarge

    def end_field(self) -> None:
        if self.text_name:  # a part without a name (malformed header) is dropped
            self.fields.add(self.text_name, self.text.decode("utf-8", "replace"))
        self.text_name = None


class _FormTooLarge(Exception):
    pass


class _TooManyParts(Exception):
    pass


class _Malformed(Exception):
    pass


def _events(decoder: MultipartDecoder, stream: IO[bytes]) -> Iterator[object]:
    while True:
        try:
            event = decoder.next_event()
        except RequestEntityTooLarge as exc:  # the decoder's max_parts, not the body size
            raise _TooManyParts from exc
        if event is NEED_DATA:
            chunk = stream.read(CHUNK_SIZE)
            try:
                decoder.receive_data(chunk or None)  # b"" = end of body
            except RequestEntityTooLarge as exc:  # DECODER_BUFFER: bytes that are no part's data
                raise _Malformed from exc
            continue
        yield event
        if isinstance(event, Epilogue):
            return


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
    limit = (max_files * (max_file_size + FILE_PART_OVERHEAD) + text_budget
             + max_parts * TEXT_PART_OVERHEAD + BODY_OVERHEAD)
    if request.content_length is not None and request.content_length > limit:
        raise UploadRejected(_("These files are too large. We can take up to %(limit)s per file.",
                               limit=format_file_size(max_file_size)), 413)
    # Let this route exceed the host's small MAX_CONTENT_LENGTH (set before
    # touching request.stream, which applies the cap).
    request.max_content_length = limit

    receiver = _Receiver(store, max_file_size, max_files, field_name, text_budget,
                         archive_limits())
    decoder = MultipartDecoder(boundary, max_form_memory_size=DECODER_BUFFER, max_parts=max_parts)
    try:
        receiver.csrf.before_body()
        in_file = False
        for event in _events(decoder, request.stream):
            if isinstance(event, File):
                in_file = True
                receiver.start_file(event)
            elif isinstance(event, Field):
                in_file = False
                receiver.start_field(event)
            elif isinstance(event, Data):
                if in_file:
                    receiver.file_data(event.data)
                    if not event.more_data:
                        receiver.end_file()
                else:
                    receiver.field_data(event.data)
                    if not event.more_data:
                        receiver.end_field()
        receiver.csrf.check(receiver.fields)  # a form with no file part
    except (RequestEntityTooLarge, FileTooLarge) as exc:
        receiver.cleanup()
        raise UploadRejected(_("These files are too large. We can take up to %(limit)s per "
                               "file.", limit=format_file_size(max_file_size)), 413,
                             receiver.fields) from exc
    except _TooManyParts as exc:
        # Usually a whole scan folder chosen at once: say how many files we take.
        receiver.cleanup()
        raise receiver.refusal or UploadRejected(
            ngettext("Please upload one file at a time.",
                     "Please upload at most %(num)s files at a time.", max_files),
            413, receiver.fields) from exc
    except _Malformed as exc:
        receiver.cleanup()
        raise UploadRejected(_("The upload did not arrive in a form we understand. Please try "
                               "again."), 400, receiver.fields) from exc
    except _FormTooLarge as exc:
        receiver.cleanup()
        raise UploadRejected(_("The text in this form is too long. Please shorten it and try "
                               "again."), 413, receiver.fields) from exc
    except ClientDisconnected:
        receiver.cleanup()
        raise
    except ValueError as exc:  # malformed or truncated multipart body
        receiver.cleanup()
        raise UploadRejected(_("The upload was cut off before it finished. Please try again."),
                             400, receiver.fields) from exc
    except BaseException:
        receiver.cleanup()
        raise
    if receiver.refusal is not None:
        receiver.cleanup()
        raise receiver.refusal
    return ReceivedUpload(fields=receiver.fields, files=receiver.accepted)
