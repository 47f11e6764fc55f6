"""Where a JPEG or PNG ends, and what comes after it.

Pillow's ``verify()`` checks a PNG's chunks but not a JPEG's scan data, and
nothing checks the bytes after the image: a real photo followed by an HTML
page or a program is a polyglot we would ship to the receiving team. These
walkers follow the format to its end marker (JPEG ``EOI``, PNG ``IEND``) with
work bounded by the bytes (scan data is searched with a compiled pattern, never
byte by byte in Python) and return where the image ends.
"""
from __future__ import annotations

import re
import struct
import zlib
from typing import IO

READ_SIZE = 256 * 1024
# A real PNG has a few chunks plus IDAT chunks of 8 to 64 KiB: 100,000 chunks
# is an image of gigabytes. Each chunk is a step in Python, so a file of
# empty chunks must stop somewhere.
MAX_PNG_CHUNKS = 100_000
# A JPEG has a few dozen segments (tables, EXIF, ICC, one per progressive
# scan); each is a step in Python, so a file of empty segments must stop somewhere.
MAX_JPEG_SEGMENTS = 10_000
# In JPEG scan data 0xFF is followed by 0x00 (stuffing) or a restart marker;
# anything else (0xFF is a fill byte before a marker) ends the scan.
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")
_STANDALONE = frozenset([0x01, *range(0xD0, 0xD8)])


class NotImage(Exception):
    """The structure is broken; ``limit`` is set when a bound was hit."""

    def __init__(self, reason: str, limit: bool = False) -> None:
        super().__init__(reason)
        self.limit = limit


def _exactly(fh: IO[bytes], n: int) -> bytes:
    data = fh.read(n)
    if len(data) != n:
        raise NotImage("the file ends early")
    return data


def jpeg_end(fh: IO[bytes], size: int) -> int:
    """Walk one JPEG from ``fh``'s position (``SOI``) to its ``EOI``; return
    the position after ``EOI``."""
    if _exactly(fh, 2) != b"\xff\xd8":
        raise NotImage("no start of image")
    for _ in range(MAX_JPEG_SEGMENTS):
        byte = _exactly(fh, 1)
        if byte != b"\xff":
            raise NotImage("a marker was expected")
        marker = _exactly(fh, 1)[0]
        while marker == 0xFF:  # fill bytes before a marker
            marker = _exactly(fh, 1)[0]
        if marker == 0xD9:
            return fh.tell()
        if marker in _STANDALONE or marker == 0xD8:
            raise NotImage("a marker out of place")
        (length,) = struct.unpack(">H", _exactly(fh, 2))
        if length < 2 or fh.tell() + length - 2 > size:
            raise NotImage("a segment longer than the file")
        fh.seek(length - 2, 1)
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            _skip_scan(fh)
    raise NotImage("too many segments", limit=True)


def _skip_scan(fh: IO[bytes]) -> None:
    """Leave ``fh`` at the 0xFF of the marker that ends the scan data."""
    carry = b""
    while True:
        start = fh.tell() - len(carry)
        chunk = fh.read(READ_SIZE)
        if not chunk:
            raise NotImage("the scan data never ends")
        data = carry + chunk
        found = _NEXT_MARKER.search(data)
        if found is not None:
            fh.seek(start + found.start())
            return
        # A marker may straddle two reads: keep a last 0xFF for the next one.
        carry = b"\xff" if data.endswith(b"\xff") else b""


def png_end(fh: IO[bytes], size: int) -> int:
    """Walk a PNG's chunks (CRC checked) from its signature to ``IEND``; return
    the position after ``IEND``."""
    if _exactly(fh, 8) != b"\x89PNG\r\n\x1a\n":
        raise NotImage("no PNG signature")
    for _ in range(MAX_PNG_CHUNKS):
        length, kind = struct.unpack(">L4s", _exactly(fh, 8))
        if fh.tell() + length + 4 > size:
            raise NotImage("a chunk longer than the file")
        crc = zlib.crc32(kind)
        left = length
        while left:
            chunk = _exactly(fh, min(left, READ_SIZE))
            crc = zlib.crc32(chunk, crc)
            left -= len(chunk)
        if struct.unpack(">L", _exactly(fh, 4))[0] != crc:
            raise NotImage("a chunk's checksum does not match")
        if kind == b"IEND":
            return fh.tell()
    raise NotImage("too many chunks", limit=True)
