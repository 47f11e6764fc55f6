"""ZIP archives of DICOM files: validated, never extracted (checks.py's
docstring lists what is refused); every entry is read once through zipfile,
which checks its CRC.
"""
from __future__ import annotations

import re
import stat
import struct
import zipfile
import zlib
from typing import IO

from ..i18n import _, format_number
from .dicom import DicomLimits, DicomRefused, _Budget, check_dicom_structure
from .names import clean_display_name
from .refusals import DEFAULT_LIMITS, ArchiveLimits, ContentRefused, check_dicom_preamble, damaged, dicom_too_complex
from .zipend import MAX_RECORD_BYTES, BadEnd, read_end

_APPLE_DOUBLE = b"\x00\x05\x16\x07"
_DS_STORE = b"\x00\x00\x00\x01Bud1"


def _bad_path(path: str) -> bool:
    if "\x00" in path or path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        return True
    return any(part == ".." for part in re.split(r"[/\\]", path))


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return bool(mode) and stat.S_ISLNK(mode)


def _metadata_magic(path: str) -> bytes | None:
    """The expected magic for OS junk files that zip tools add on their own."""
    base = re.split(r"[/\\]", path)[-1]
    if path.startswith("__MACOSX/") and base.startswith("._"):
        return _APPLE_DOUBLE
    if base == ".DS_Store":
        return _DS_STORE
    return None


def check_dicom_zip(fh: IO[bytes], name: str, limits: ArchiveLimits = DEFAULT_LIMITS) -> None:
    def refuse(message: str) -> ContentRefused:
        return ContentRefused(message)

    # The count from the end record, before zipfile reads the central directory.
    try:
        end = read_end(fh)
    except (BadEnd, OSError, ValueError, struct.error) as exc:
        raise damaged(name) from exc
    if end.entries > limits.max_entries:
        raise refuse(_(
            "“%(name)s” holds more than %(count)s files. Please split it into smaller ZIP "
            "files.", name=name, count=format_number(limits.max_entries)))
    if end.directory_size > max(end.entries, 1) * MAX_RECORD_BYTES:
        raise damaged(name)
    fh.seek(0)
    try:
        archive = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise damaged(name) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) != end.entries:  # zipfile reads by size, not count
            raise damaged(name)
        declared = sum(i.file_size for i in infos)
        compressed = sum(i.compress_size for i in infos)
        if declared > limits.max_total_bytes:
            raise refuse(_(
                "The files inside “%(name)s” are too large in total. Please split it into "
                "smaller ZIP files.", name=name))
        # Every byte counts, whatever the entry's size: a floor under which entries
        # were never "bombs" let many small ones add up to hours of checking.
        if declared > limits.max_ratio * compressed:
            raise _bomb(name)
        budget = _Budget(limits.zip_max_dicom_elements)
        seen: set[str] = set()
        dicom_count = 0
        for info in infos:
            entry = clean_display_name(info.filename, "?")
            if _bad_path(info.filename):
                raise refuse(_(
                    "“%(name)s” contains a file with an unsafe folder path (%(entry)s). Please "
                    "make the ZIP file again from the scan folder.", name=name, entry=entry))
            if _is_symlink(info):
                raise refuse(_(
                    "“%(name)s” contains a shortcut (link) instead of a file (%(entry)s). Please "
                    "make the ZIP file again from the scan folder.", name=name, entry=entry))
            if info.flag_bits & 0x1:
                raise refuse(_(
                    "“%(name)s” is protected by a password, so we cannot check it. Please make "
                    "the ZIP file again without a password.", name=name))
            key = info.filename.replace("\\", "/").rstrip("/").casefold()
            if key in seen:
                raise refuse(_(
                    "“%(name)s” contains two files with the same name (%(entry)s). Please make "
                    "the ZIP file again from the scan folder.", name=name, entry=entry))
            seen.add(key)
            if info.file_size > limits.max_ratio * info.compress_size:
                raise _bomb(name)
            if info.is_dir():
                continue
            if _check_entry(archive, info, name, entry, limits, budget):
                dicom_count += 1
        if dicom_count == 0:
            raise refuse(_(
                "“%(name)s” does not contain any DICOM scan files. Please check that you chose "
                "the right ZIP file.", name=name))


def _bomb(name: str) -> ContentRefused:
    return ContentRefused(_(
        "“%(name)s” would grow far too large when opened, so we cannot keep it. Please make the "
        "ZIP file again from the scan folder.", name=name))


def _check_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, entry: str,
                 limits: ArchiveLimits, budget: _Budget) -> bool:
    """Read one entry in full (CRC checked); True if it is DICOM, False if it
    is tolerated OS metadata; refuse anything else."""
    try:
        with archive.open(info) as member:
            head = member.read(132)
            metadata_magic = _metadata_magic(info.filename)
            if metadata_magic is not None:
                if not head.startswith(metadata_magic) or (
                        info.file_size > limits.max_metadata_entry_bytes):
                    raise _not_dicom_entry(name, entry)
                _drain(member)
                return False
            if head.startswith(b"PK\x03\x04"):
                raise ContentRefused(_(
                    "“%(name)s” contains another ZIP file inside it (%(entry)s). Please put the "
                    "scan files themselves in one ZIP file.", name=name, entry=entry))
            if len(head) < 132 or head[128:132] != b"DICM":
                raise _not_dicom_entry(name, entry)
            check_dicom_preamble(head[:128], entry)
            try:
                check_dicom_structure(_Prefixed(head, member), info.file_size,
                                      DicomLimits(max_elements=limits.dicom_max_elements), budget,
                                      max_inflated=limits.max_ratio * info.file_size)
            except DicomRefused as exc:
                if exc.limit is not None:
                    raise dicom_too_complex(entry) from exc
                raise ContentRefused(_(
                    "“%(name)s” contains a scan file we could not read (%(entry)s). Please ask "
                    "the imaging center for a new copy.", name=name, entry=entry)) from exc
            _drain(member)  # reaching the end makes zipfile check the CRC
            return True
    except ContentRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError, ValueError) as exc:
        raise damaged(name) from exc


def _not_dicom_entry(name: str, entry: str) -> ContentRefused:
    return ContentRefused(_(
        "“%(name)s” contains a file that is not a DICOM scan (%(entry)s). A ZIP file can only "
        "hold DICOM scan files. Please make a ZIP file of just the scan folder, or upload the "
        "other files one by one.", name=name, entry=entry))


class _Prefixed:
    """The entry's first bytes (already read) followed by the rest, read in
    order: seeking back in a compressed entry would inflate it again."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def seekable(self) -> bool:
        return False

    def read(self, n: int = -1) -> bytes:
        if self.head:
            out, self.head = self.head[:n], self.head[n:]
            return out
        return self.rest.read(n)


def _drain(member: IO[bytes]) -> None:
    while member.read(1024 * 1024):
        pass
