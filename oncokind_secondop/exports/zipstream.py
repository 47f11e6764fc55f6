"""A ZIP download streamed with zipstream-ng: stored (no compression), with
a Content-Length known before the first byte.

Scans and photos are already compressed, so deflate would only burn CPU.
Stored mode lets zipstream-ng compute the exact archive size from the member
sizes, so the browser shows real progress and can tell a cut-off download
from a finished one. Each stored file is opened only when its turn comes and
closed right after, so memory stays flat whatever the packet size.

A member whose bytes do not match its declared ``size`` (or ``sha256``, when
given) stops the stream with an exception: the client gets a short,
unfinished download rather than an archive with a silently wrong file.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

import zipstream
import zipstream.ng as _ng

READ_CHUNK = 1024 * 1024


class MemberMismatch(Exception):
    """A stored file changed between listing and streaming (size or SHA-256)."""


@dataclass(frozen=True)
class ZipMember:
    arcname: str
    size: int
    opener: Callable[[], IO[bytes]] | None = None   # for stored files
    data: bytes | None = None                       # for small generated files
    modified: datetime | None = None
    sha256: str | None = None                       # checked while streaming, if given

    def __post_init__(self) -> None:
        if (self.opener is None) == (self.data is None):
            raise ValueError("a ZipMember needs exactly one of opener or data")
        if self.data is not None and len(self.data) != self.size:
            raise ValueError("size must equal len(data)")


# zipstream-ng stamps each entry with the current time and has no per-entry
# date argument; the entry's info object reads this context variable instead
# (set only while that entry's header is made, so other users are unaffected).
_ENTRY_TIME: ContextVar[tuple[int, ...] | None] = ContextVar("secondop_zip_entry_time",
                                                             default=None)


class _DatedInfo(_ng.ZipStreamInfo):  # type: ignore[misc]  # the library ships no types
    def __init__(self, filename: str, date_time: Any = None) -> None:
        super().__init__(filename, date_time or _ENTRY_TIME.get())


_ng.ZipStreamInfo = _DatedInfo


class _DatedZipStream(zipstream.ZipStream):  # type: ignore[misc]  # the library ships no types
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entry_times: list[tuple[int, ...] | None] = []  # one per add(), in order
        self._entry_index = 0

    def _gen_file_entry(self, **kwargs: Any) -> Iterator[bytes]:
        entry_time = self.entry_times[self._entry_index]
        self._entry_index += 1
        token = _ENTRY_TIME.set(entry_time)
        try:
            entry = super()._gen_file_entry(**kwargs)
            first = next(entry)  # the info object and local header are made here
        finally:
            _ENTRY_TIME.reset(token)
        yield first
        yield from entry


def _member_chunks(member: ZipMember) -> Iterator[bytes]:
    """Open the stored file when its turn comes; check size and hash as it goes."""
    assert member.opener is not None
    digest = hashlib.sha256() if member.sha256 else None
    seen = 0
    fh = member.opener()
    try:
        while chunk := fh.read(READ_CHUNK):
            seen += len(chunk)
            if seen > member.size:
                raise MemberMismatch(f"{member.arcname}: longer than {member.size} bytes")
            if digest is not None:
                digest.update(chunk)
            yield chunk
    finally:
        fh.close()
    if seen != member.size:
        raise MemberMismatch(f"{member.arcname}: {seen} bytes, expected {member.size}")
    if member.sha256 and digest is not None and digest.hexdigest() != member.sha256.lower():
        raise MemberMismatch(f"{member.arcname}: SHA-256 differs")


def stream_zip(members: Iterable[ZipMember]) -> tuple[Iterator[bytes], int]:
    """The archive as an iterator of chunks, and its exact length in bytes.

    Nothing is read until the iterator is consumed (by the WSGI server)."""
    archive = _DatedZipStream(compress_type=zipstream.ZIP_STORED, sized=True)
    for member in members:
        archive.entry_times.append(
            member.modified.timetuple()[:6] if member.modified is not None else None)
        if member.data is not None:
            archive.add(member.data, member.arcname)
        else:
            archive.add(_member_chunks(member), member.arcname, size=member.size)
    return iter(archive), len(archive)


# --------------------------------------------------------------------------
# Names inside the archive
# --------------------------------------------------------------------------

_WINDOWS_FORBIDDEN = str.maketrans({ch: "_" for ch in '<>:"|?*'})
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                    *(f"lpt{i}" for i in range(1, 10))}


def safe_component(name: str, fallback: str = "file") -> str:
    """One folder or file name that unpacks safely on Windows, macOS and
    Linux: cleaned like a display name, no separators or reserved characters,
    no device names (CON, NUL...)."""
    from ..uploads.names import clean_display_name

    cleaned = clean_display_name(name, fallback).translate(_WINDOWS_FORBIDDEN)
    if cleaned.split(".", 1)[0].strip().lower() in _WINDOWS_DEVICES:
        cleaned = "_" + cleaned
    return cleaned


class ArcnameBook:
    """Hands out unique archive paths: ``book.path("Pathology", "report.pdf")``
    gives ``Pathology/report.pdf``, then ``Pathology/report (2).pdf``. Case is
    ignored when comparing, as Windows and macOS do."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def path(self, *parts: str) -> str:
        *folders, leaf = [safe_component(p) for p in parts]
        prefix = "".join(f + "/" for f in folders)
        stem, dot, ext = leaf.rpartition(".")
        if not dot or not stem:
            stem, ext = leaf, ""
        else:
            ext = "." + ext
        candidate, n = prefix + leaf, 1
        while candidate.casefold() in self._used:
            n += 1
            candidate = f"{prefix}{stem} ({n}){ext}"
        self._used.add(candidate.casefold())
        return candidate
