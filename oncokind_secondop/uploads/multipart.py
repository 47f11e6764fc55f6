"""The streaming multipart receiver, without Flask: a byte stream in, each
file part chunk by chunk into the FileStore, the text fields and the accepted
files out (:func:`receive_multipart`).

It knows nothing of the request, the app's config or the CSRF mechanism: the
caller passes the body stream, the boundary, the limits, the file store and a
``check_token`` callback (:mod:`.receive` is the Flask glue). Memory stays at a
few chunks whatever the size.

All or nothing: on any refusal, error or disconnect every file of the body is
aborted or deleted before the exception leaves this module.

When one file is refused (type, size, damage) we keep reading the rest of the
body, discarding file data, so that (a) the text fields the user typed come
back in :attr:`UploadRejected.fields` and the form can show them again, and
(b) the browser gets our answer instead of a reset connection.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import (
    NEED_DATA,
    Data,
    Epilogue,
    Field,
    File,
    MultipartDecoder,
)

from ..adapters import FileStore, FileTooLarge, PendingFile, StoredFile
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


class _Receiver:
    """One request's parse: state shared by the event handlers below."""

    def __init__(self, store: FileStore, max_file_size: int, max_files: int, field_name: str,
                 text_budget: int, limits: ArchiveLimits,
                 check_token: Callable[[Mapping[str, str]], None]) -> None:
        self.store = store
        self.max_file_size = max_file_size
        self.max_files = max_files
        self.field_name = field_name
        self.text_budget = text_budget
        self.limits = limits
        self.fields: MultiDict[str, str] = MultiDict()
        self.accepted: list[AcceptedFile] = []
        self.refusal: UploadRejected | None = None
        self.check_token = check_token
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
        self.check_token(self.fields)
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


def body_limit(*, max_file_size: int, max_files: int, text_budget: int, max_parts: int) -> int:
    """The most bytes a body within these limits can take, part headers and
    boundaries included."""
    return (max_files * (max_file_size + FILE_PART_OVERHEAD) + text_budget
            + max_parts * TEXT_PART_OVERHEAD + BODY_OVERHEAD)


def _no_token_check(fields: Mapping[str, str]) -> None:
    return None


def receive_multipart(stream: IO[bytes], boundary: bytes, store: FileStore, *,
                      max_file_size: int, max_files: int = 10, field_name: str = "file",
                      text_budget: int = 500_000, max_parts: int = 1000,
                      limits: ArchiveLimits | None = None,
                      check_token: Callable[[Mapping[str, str]], None] = _no_token_check,
                      ) -> tuple[MultiDict[str, str], list[AcceptedFile]]:
    """Read a ``multipart/form-data`` body from ``stream``, streaming each file
    part named ``field_name`` into ``store``; return the text fields and the
    accepted files, or raise :class:`UploadRejected` (nothing stored).

    ``text_budget`` caps the bytes of all text fields, ``max_parts`` the
    number of parts. ``check_token(fields)`` is called with the fields read
    so far at the start of every file part, before a byte of it is stored,
    and once after the last part; whatever it raises leaves nothing stored.
    A file input left empty is skipped, so the list may be empty. Errors of
    ``stream`` itself (a client that went away) propagate, nothing stored.
    """
    receiver = _Receiver(store, max_file_size, max_files, field_name, text_budget,
                         limits or ArchiveLimits(), check_token)
    decoder = MultipartDecoder(boundary, max_form_memory_size=DECODER_BUFFER, max_parts=max_parts)
    try:
        in_file = False
        for event in _events(decoder, stream):
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
        receiver.check_token(receiver.fields)  # a form with no file part
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
    except ValueError as exc:  # malformed or truncated multipart body
        receiver.cleanup()
        raise UploadRejected(_("The upload was cut off before it finished. Please try again."),
                             400, receiver.fields) from exc
    except BaseException:  # a client gone (ClientDisconnected), a store failure, a bad token
        receiver.cleanup()
        raise
    if receiver.refusal is not None:
        receiver.cleanup()
        raise receiver.refusal
    return receiver.fields, receiver.accepted
