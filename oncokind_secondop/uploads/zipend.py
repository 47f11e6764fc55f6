"""A ZIP file's end record, read before its central directory.

``zipfile.ZipFile`` reads the whole central directory into memory and builds a
``ZipInfo`` per entry before anyone can look at the count: a ZIP of 300,000
empty entries cost 3.7 s and 186 MB before it was refused (issue 13). The
end-of-central-directory record (and its ZIP64 version) states the entry count
and the directory's size in a few dozen bytes at the end of the file, so we
read those first and refuse before the directory is touched.

zipfile reads records until the directory's stated *size* is used up, not
its stated count, so :func:`read_end` also caps the size per entry
(:data:`MAX_RECORD_BYTES`) and the caller checks the count zipfile found.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import IO

_END = struct.Struct("<4s4H2LH")            # end of central directory, 22 bytes
_LOCATOR = struct.Struct("<4sLQL")          # ZIP64 end locator, 20 bytes
_END64 = struct.Struct("<4sQ2H2L4Q")        # ZIP64 end of central directory, 56 bytes
_MAX_COMMENT = 0xFFFF
# A central directory record is 46 bytes plus name, extra field and comment.
# Real names are a path of at most a few hundred characters and extra fields
# hold times and ZIP64 sizes; 2 KiB per entry leaves room for long UTF-8 paths.
MAX_RECORD_BYTES = 2048


class BadEnd(Exception):
    """No usable end record: not a ZIP file, or a damaged one."""


@dataclass(frozen=True)
class ZipEnd:
    entries: int
    directory_size: int
    directory_offset: int


def read_end(fh: IO[bytes]) -> ZipEnd:
    """The entry count and central directory size and offset, reading only the
    last 64 KiB of ``fh`` (and the ZIP64 record it points to)."""
    size = fh.seek(0, 2)
    tail_start = max(0, size - _END.size - _MAX_COMMENT)
    fh.seek(tail_start)
    tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    while at >= 0 and at + _END.size + _END.unpack_from(tail, at)[-1] > len(tail):
        at = tail.rfind(b"PK\x05\x06", 0, at)  # a signature inside the comment
    if at < 0:
        raise BadEnd("no end of central directory record")
    _sig, disk, cd_disk, _here, entries, cd_size, cd_offset, _comment = _END.unpack_from(tail, at)
    if disk or cd_disk:
        raise BadEnd("a multi-disk archive")
    end_position = tail_start + at
    if end_position >= _LOCATOR.size:
        fh.seek(end_position - _LOCATOR.size)
        locator = fh.read(_LOCATOR.size)
        if locator[:4] == b"PK\x06\x07":
            _sig, _disk, end64_offset, _disks = _LOCATOR.unpack(locator)
            if end64_offset > end_position - _LOCATOR.size - _END64.size:
                raise BadEnd("a ZIP64 end record outside the file")
            fh.seek(end64_offset)
            record = fh.read(_END64.size)
            if len(record) != _END64.size or record[:4] != b"PK\x06\x06":
                raise BadEnd("a damaged ZIP64 end record")
            (_sig, _size, _made, _needed, disk64, cd_disk64, _here64, entries, cd_size,
             cd_offset) = _END64.unpack(record)
            if disk64 or cd_disk64:
                raise BadEnd("a multi-disk archive")
    return ZipEnd(entries=entries, directory_size=cd_size, directory_offset=cd_offset)
