"""A DICOM file's structure, walked in full with bounded work and memory.

pydicom builds every element as a Python object: a file of 1,000,000 empty
elements cost 14 s and 270 MB before it was accepted (issue 13). Here we only
walk the structure (PS3.5 chapter 7): every element header is read, every
value is skipped by its length, sequences and items are entered and must close
where they say. Values are never decoded, so the work is one small step per
element plus reading the bytes, and memory is one read buffer plus a stack
bounded by :data:`MAX_DEPTH`.

Refused (:class:`DicomRefused`): more elements than ``max_elements`` (items and
delimiters count), nesting deeper than :data:`MAX_DEPTH`, a length longer than
the bytes left in the file (or in its sequence or item), a value that does not
end where its container ends, an unknown VR, a missing transfer syntax, and
anything after the data set. The deflated transfer syntax is inflated on the
fly and may not grow beyond ``max_inflated`` bytes.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import IO, Protocol, cast


class Readable(Protocol):
    """What the walk needs of a file: reading in order; seeking only if seekable."""

    def read(self, size: int = -1, /) -> bytes: ...

    def seekable(self) -> bool: ...

READ_SIZE = 64 * 1024
# Real files nest a few levels (per-frame functional groups, RT plans, SR
# content trees rarely pass 10); deeper is only ever made on purpose.
MAX_DEPTH = 32
UNDEFINED = 0xFFFFFFFF
ITEM, ITEM_END, SEQUENCE_END = 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD
PIXEL_DATA = 0x7FE00010

IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_BE = "1.2.840.10008.1.2.2"
DEFLATED = ("1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.8.1")

_VRS = frozenset(v.encode() for v in (
    "AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN "
    "UR US UT UV").split())
_LONG_VRS = frozenset(v.encode() for v in "OB OD OF OL OV OW SQ SV UC UN UR UT UV".split())


class DicomRefused(Exception):
    """The structure is broken or over a limit; ``limit`` says which limit, if any."""

    def __init__(self, reason: str, limit: str | None = None) -> None:
        super().__init__(reason)
        self.limit = limit


@dataclass(frozen=True)
class DicomLimits:
    max_elements: int = 250_000
    max_depth: int = MAX_DEPTH


class _Budget:
    """Elements left; shared by the entries of one ZIP file."""

    def __init__(self, elements: int) -> None:
        self.elements = elements


class _Source:
    """Bytes in order from ``fh``: a small buffer, values skipped by seeking
    (a stored file) or by reading (a ZIP entry, an inflating stream)."""

    def __init__(self, fh: Readable, size: int | None) -> None:
        self.fh = fh
        self.size = size            # bytes from the current position to the end, if known
        self.buf = b""
        self.i = 0
        self.pos = 0                # absolute position of buf[i]
        self.seekable = size is not None and fh.seekable()
        self.eof = False

    def left(self) -> int | None:
        return None if self.size is None else self.size - self.pos

    def at_end(self) -> bool:
        if self.i < len(self.buf):
            return False
        self._fill(1)
        return self.i >= len(self.buf)

    def _fill(self, n: int) -> None:
        while len(self.buf) - self.i < n and not self.eof:
            more = self.fh.read(READ_SIZE)
            if not more:
                self.eof = True
                break
            self.buf = self.buf[self.i:] + more
            self.i = 0

    def take(self, n: int) -> bytes:
        if len(self.buf) - self.i < n:
            self._fill(n)
            if len(self.buf) - self.i < n:
                raise DicomRefused("the file ends inside an element")
        data = self.buf[self.i:self.i + n]
        self.i += n
        self.pos += n
        return data

    def skip(self, n: int) -> None:
        left = self.left()
        if left is not None and n > left:
            raise DicomRefused("a length is longer than the bytes left")
        buffered = len(self.buf) - self.i
        if n <= buffered:
            self.i += n
            self.pos += n
            return
        rest = n - buffered
        self.buf, self.i = b"", 0
        self.pos += n
        if self.seekable:
            cast(IO[bytes], self.fh).seek(rest, 1)
            return
        while rest:
            chunk = self.fh.read(min(rest, READ_SIZE))
            if not chunk:
                raise DicomRefused("a length is longer than the bytes left")
            rest -= len(chunk)


class _Inflating:
    """A raw-deflate stream read as plain bytes, refusing to grow past ``limit``."""

    def __init__(self, fh: Readable, limit: int) -> None:
        self.fh = fh
        self.left = limit
        self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        self.pending = b""

    def seekable(self) -> bool:
        return False

    def read(self, n: int = -1) -> bytes:
        while not self.pending and not self.inflater.eof:
            data = self.inflater.unconsumed_tail or self.fh.read(READ_SIZE)
            if not data:
                raise DicomRefused("the compressed data set ends early")
            try:
                self.pending = self.inflater.decompress(data, READ_SIZE)
            except zlib.error as exc:
                raise DicomRefused("the compressed data set is damaged") from exc
            self.left -= len(self.pending)
            if self.left < 0:
                raise DicomRefused("the compressed data set grows too large", "inflated")
        out, self.pending = self.pending[:n], self.pending[n:]
        return out


# One frame of the walk: what kind of container, where it ends (absolute
# position or None for "at its delimiter"), and whether it is implicit VR.
_DATASET, _SEQUENCE, _FRAGMENTS = 0, 1, 2


def check_dicom_structure(fh: Readable, size: int | None, limits: DicomLimits = DicomLimits(),
                          budget: _Budget | None = None, *, max_inflated: int) -> None:
    """Walk a whole DICOM file (preamble, ``DICM``, meta group, data set) from
    the current position of ``fh``; ``size`` is the byte count when known.
    Raise :class:`DicomRefused`, or return once the last byte is accounted for."""
    budget = budget if budget is not None else _Budget(limits.max_elements)
    src = _Source(fh, size)
    if src.take(132)[128:] != b"DICM":
        raise DicomRefused("no DICM marker")
    syntax = _meta_group(src, budget)
    if syntax is None:
        raise DicomRefused("no transfer syntax")
    if syntax in DEFLATED:
        rest = src.buf[src.i:]
        inflating = _Inflating(_Chain(rest, fh), max_inflated)
        src = _Source(inflating, None)
    _walk(src, budget, limits, implicit=syntax == IMPLICIT_LE,
          little=syntax != EXPLICIT_BE)


class _Chain:
    def __init__(self, head: bytes, fh: Readable) -> None:
        self.head = head
        self.fh = fh

    def seekable(self) -> bool:
        return False

    def read(self, n: int = -1) -> bytes:
        if self.head:
            out, self.head = self.head, b""
            return out
        return self.fh.read(n)


def _spend(budget: _Budget) -> None:
    budget.elements -= 1
    if budget.elements < 0:
        raise DicomRefused("too many elements", "elements")


def _meta_group(src: _Source, budget: _Budget) -> str | None:
    """Group 0002, always explicit VR little endian; returns the transfer syntax."""
    syntax = None
    while not src.at_end():
        src._fill(2)
        if src.buf[src.i:src.i + 2] != b"\x02\x00":
            break
        _spend(budget)
        group, element, vr = struct.unpack("<HH2s", src.take(6))
        if vr not in _VRS:
            raise DicomRefused("unknown VR in the file meta group")
        if vr in _LONG_VRS:
            (length,) = struct.unpack("<2xL", src.take(6))
        else:
            (length,) = struct.unpack("<H", src.take(2))
        if length == UNDEFINED:
            raise DicomRefused("undefined length in the file meta group")
        if element == 0x0010:
            if length > 64:
                raise DicomRefused("transfer syntax too long")
            syntax = src.take(length).rstrip(b"\x00 ").decode("ascii", "replace")
        else:
            src.skip(length)
    return syntax


def _walk(src: _Source, budget: _Budget, limits: DicomLimits, *, implicit: bool,
          little: bool) -> None:
    """The data set. One ``take`` and one ``unpack`` per element on the common
    path: this loop is the whole cost of a file made of tiny elements."""
    # tag -> (VR, ...): to enter implicit SQs (public, documented, but not in pydicom's __all__)
    from pydicom.datadict import DicomDictionary  # type: ignore[attr-defined]

    order = "<" if little else ">"
    header = struct.Struct(order + "HH2sH")   # tag, VR, short length (explicit)
    tag_len = struct.Struct(order + "HHL")    # tag, long length (implicit, items, delimiters)
    u32 = struct.Struct(order + "L")
    if not src.at_end():
        src._fill(8)
        vr_bytes = src.buf[src.i + 4:src.i + 6]
        # As pydicom does: some writers say explicit and write implicit (or the
        # reverse); the first element tells which.
        implicit = vr_bytes not in _VRS if little else implicit
    stack: list[tuple[int, int | None, bool]] = [(_DATASET, src.size, implicit)]
    take = src.take
    elements = budget.elements
    try:
        while True:
            kind, end, implicit = stack[-1]
            if end is not None and src.pos >= end:
                if src.pos > end:
                    raise DicomRefused("an element runs past the end of its container")
                if len(stack) == 1:
                    return
                stack.pop()
                continue
            if end is None and len(stack) == 1 and src.at_end():
                return  # a data set of unknown size (inflated) ends with its bytes
            elements -= 1
            if elements < 0:
                raise DicomRefused("too many elements", "elements")
            head = take(8)
            if kind != _DATASET:
                group, element, length = tag_len.unpack(head)
                tag = group << 16 | element
                if tag == SEQUENCE_END and end is None:
                    if length:
                        raise DicomRefused("a sequence delimiter with a length")
                    stack.pop()
                elif tag != ITEM:
                    raise DicomRefused("something other than an item in a sequence")
                elif kind == _FRAGMENTS:
                    _skip(src, length, end)
                else:
                    _push(stack, limits, _DATASET, src, length, end, implicit)
                continue
            group, element, vr, length = header.unpack(head)
            tag = group << 16 | element
            if group == 0xFFFE or implicit:
                (length,) = u32.unpack_from(head, 4)
                if group == 0xFFFE:
                    if tag == ITEM_END and end is None and len(stack) > 1:
                        if length:
                            raise DicomRefused("an item delimiter with a length")
                        stack.pop()
                        continue
                    raise DicomRefused("a delimiter outside its sequence")
                if length == UNDEFINED:
                    _push(stack, limits, _FRAGMENTS if tag == PIXEL_DATA else _SEQUENCE, src,
                          length, end, True)
                    continue
                entry = DicomDictionary.get(tag)
                if entry is not None and entry[0] == "SQ":
                    _push(stack, limits, _SEQUENCE, src, length, end, True)
                else:
                    _skip(src, length, end)
                continue
            if vr not in _VRS:
                raise DicomRefused("unknown VR")
            if vr in _LONG_VRS:
                if length:
                    raise DicomRefused("reserved bytes that are not zero")
                (length,) = u32.unpack(take(4))
            if vr == b"SQ":
                _push(stack, limits, _SEQUENCE, src, length, end, False)
            elif length != UNDEFINED:
                if end is not None and src.pos + length > end:
                    raise DicomRefused("a length is longer than the bytes left")
                src.skip(length)
            elif tag == PIXEL_DATA and vr in (b"OB", b"OW"):
                _push(stack, limits, _FRAGMENTS, src, length, end, False)
            elif vr == b"UN" and little:  # PS3.5 6.2.2: an unknown sequence, implicit VR
                _push(stack, limits, _SEQUENCE, src, length, end, True)
            else:
                raise DicomRefused("an undefined length where none is allowed")
    finally:
        budget.elements = elements


def _skip(src: _Source, length: int, end: int | None) -> None:
    if length == UNDEFINED:
        raise DicomRefused("an undefined length where none is allowed")
    if end is not None and src.pos + length > end:
        raise DicomRefused("a length is longer than the bytes left")
    src.skip(length)


def _push(stack: list[tuple[int, int | None, bool]], limits: DicomLimits, kind: int,
          src: _Source, length: int, end: int | None, implicit: bool) -> None:
    if kind != _DATASET and sum(frame[0] != _DATASET for frame in stack) >= limits.max_depth:
        raise DicomRefused("sequences nested too deep", "depth")
    if length == UNDEFINED:
        stack.append((kind, None, implicit))
        return
    new_end = src.pos + length
    if end is not None and new_end > end:
        raise DicomRefused("a length is longer than the bytes left")
    left = src.left()
    if left is not None and length > left:
        raise DicomRefused("a length is longer than the bytes left")
    stack.append((kind, new_end, implicit))
