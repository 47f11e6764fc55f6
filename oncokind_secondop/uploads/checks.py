"""What kind of file is this? Decided by content, never by name or browser type.

Two steps:

1. :func:`sniff` looks at the first bytes while the upload is still arriving,
   so an HTML page or a program renamed ``.pdf`` is refused before the rest
   is written anywhere.
2. :func:`validate_stored` opens the stored file with a real parser (pypdf,
   Pillow, pydicom, zipfile) to confirm it, reading in a streaming way.

Failures raise :class:`ContentRefused` carrying a plain-language message.

The PDF check is in :mod:`.pdf`, the ZIP check in :mod:`.archives`, what
they refuse with in :mod:`.refusals`; this module sniffs, dispatches and
checks images and single DICOM files.

DICOM preambles (CVE-2019-11687): the 128 bytes before ``DICM`` are free for
"application use", so a file can be both a valid DICOM image and a Windows or
Linux program. We *refuse* such files instead of zeroing the preamble: the
stored bytes then stay exactly what the patient's imaging center gave them
(same SHA-256 as their copy), and the message tells them to ask for a new
copy. A preamble is refused when it starts with an executable or script
signature or holds markup a browser could sniff as HTML; zeros, spaces,
vendor text and the TIFF header that DICOM-TIFF "dual personality" files use
are accepted.

DICOM ZIP archives are validated, never extracted: entry count, declared
total size, compression ratio (zip bombs), absolute and ``..`` paths,
symlinks, encryption, nested archives, and every entry must be a DICOM file
(a DICOMDIR is one). The folders macOS and Windows add by themselves
(``__MACOSX/._*``, ``.DS_Store``) are tolerated when they are what they claim.
Every entry is read once through zipfile, which checks its CRC, so a lying
size header is caught too.
"""
from __future__ import annotations

import warnings
from typing import IO

from ..i18n import _, format_number
from .archives import check_dicom_zip
from .dicom import DicomLimits, DicomRefused, check_dicom_structure
from .images import NotImage, jpeg_end, png_end
from .pdf import check_pdf
from .refusals import (
    DEFAULT_LIMITS,
    EXECUTABLE_SIGNATURES,
    MARKUP,
    ArchiveLimits,
    ContentRefused,
    check_dicom_preamble,
    damaged,
    dicom_too_complex,
    too_complex,
)

__all__ = ["ACCEPTED_EXTENSIONS", "EXTENSIONS", "HEAD_SIZE", "MIMETYPES", "ArchiveLimits",
           "ContentRefused", "check_dicom_preamble", "check_dicom_zip", "sniff", "validate_stored"]

HEAD_SIZE = 4096  # bytes kept from the start of each upload for sniffing

MIMETYPES = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tiff": "image/tiff",
    "dicom": "application/dicom",
    "dicom-zip": "application/zip",
}
# Extensions a display name may end with for each kind; the first is the one
# we add when a name ends with none of them (or with another type's).
ACCEPTED_EXTENSIONS = {
    "pdf": (".pdf",),
    "jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "png": (".png",),
    "tiff": (".tif", ".tiff"),
    "dicom": (".dcm", ".dicom", ".dic"),
    "dicom-zip": (".zip",),
}
EXTENSIONS = {kind: accepted[0] for kind, accepted in ACCEPTED_EXTENSIONS.items()}

def _not_accepted(name: str) -> ContentRefused:
    return ContentRefused(_(
        "“%(name)s” is not a kind of file we can keep. You can upload PDF files, photos "
        "(JPEG, PNG or TIFF), DICOM scan files, or a ZIP file of DICOM scans.", name=name))


def sniff(head: bytes, name: str) -> str:
    """The kind from the first bytes (up to :data:`HEAD_SIZE`), or refuse.

    Returns "pdf", "jpeg", "png", "tiff", "dicom" or "zip" (a ZIP still has to
    prove it holds only DICOM files, in :func:`validate_stored`)."""
    if len(head) >= 132 and head[128:132] == b"DICM":
        check_dicom_preamble(head[:128], name)
        return "dicom"  # before TIFF: a DICOM-TIFF file starts with a TIFF header
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if not head:
        raise ContentRefused(_("“%(name)s” is empty. Please choose the file again.", name=name),
                             status=400)
    raise _not_accepted(name)


# --------------------------------------------------------------------------
# Parsers, on the stored file
# --------------------------------------------------------------------------


def validate_stored(kind: str, fh: IO[bytes], name: str,
                    limits: ArchiveLimits = DEFAULT_LIMITS) -> str:
    """Confirm the sniffed ``kind`` with a parser; return the final kind
    ("zip" becomes "dicom-zip") or raise :class:`ContentRefused`."""
    if kind == "pdf":
        check_pdf(fh, name, limits)
    elif kind in ("jpeg", "png", "tiff"):
        _check_image(kind, fh, name)
    elif kind == "dicom":
        _check_dicom(fh, name, limits)
    elif kind == "zip":
        check_dicom_zip(fh, name, limits)
        return "dicom-zip"
    else:  # pragma: no cover - sniff() only returns the kinds above
        raise ValueError(kind)
    return kind


_PIL_FORMATS = {"jpeg": ("JPEG", "MPO"), "png": ("PNG",), "tiff": ("TIFF",)}
# TIFF pages walked at most; a scanned records file has hundreds at most.
MAX_TIFF_PAGES = 10_000
# Images after the first in an MPO (stereo or multi-picture JPEG): a few in practice.
MAX_EXTRA_JPEGS = 16


def _check_image(kind: str, fh: IO[bytes], name: str) -> None:
    """Header and pixel count with Pillow, then the whole structure to its end
    marker, then the bytes after it. A declared decompression bomb is refused:
    we never decode it, but the receiving team would."""
    from PIL import Image

    size = fh.seek(0, 2)
    fh.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # we judge below
            with Image.open(fh, formats=list(_PIL_FORMATS[kind])) as image:
                _check_pixels(image, name)
                if kind == "tiff":
                    _check_tiff_pages(image, name)
                image.verify()
        fh.seek(0)
        if kind == "jpeg":
            end = jpeg_end(fh, size)
            for _ in range(MAX_EXTRA_JPEGS):
                if fh.read(2) != b"\xff\xd8":
                    break
                fh.seek(-2, 1)
                end = jpeg_end(fh, size)
        elif kind == "png":
            end = png_end(fh, size)
        else:
            return  # TIFF has no end marker: its parts are found by offsets
    except ContentRefused:
        raise
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(name) from exc
    except NotImage as exc:
        if exc.limit:
            raise too_complex(name) from exc
        raise damaged(name) from exc
    except Exception as exc:
        raise damaged(name) from exc
    _check_after_the_end(fh, end, name)


def _pixel_limit() -> int | None:
    from PIL import Image

    return Image.MAX_IMAGE_PIXELS  # the host's Pillow setting; None switches it off


def _check_pixels(image: object, name: str) -> None:
    from PIL import Image

    assert isinstance(image, Image.Image)
    limit = _pixel_limit()
    width, height = image.size
    if limit is not None and width * height > limit:
        raise _too_many_pixels(name)


def _check_tiff_pages(image: object, name: str) -> None:
    from PIL import Image

    assert isinstance(image, Image.Image)
    for page in range(1, MAX_TIFF_PAGES + 1):
        try:
            image.seek(page)
        except EOFError:
            image.seek(0)
            return
        _check_pixels(image, name)
    raise too_complex(name)


def _too_many_pixels(name: str) -> ContentRefused:
    limit = _pixel_limit() or 0
    return ContentRefused(_(
        "“%(name)s” is a picture with too many pixels (more than %(limit)s million), so we "
        "cannot keep it. Please save a smaller copy of the picture and upload that.",
        name=name, limit=format_number(limit // 1_000_000)))


_TAIL_OVERLAP = 64


def _check_after_the_end(fh: IO[bytes], end: int, name: str) -> None:
    """Bytes after an image's end marker are ignored by viewers, so they can
    carry a page or a program to whoever opens the file with another tool.
    Padding and vendor data (a phone's motion-photo video) are kept; a program
    signature right after the end, or markup anywhere after it, is refused."""
    fh.seek(end)
    first = fh.read(HEAD_SIZE)
    if first.lstrip(b"\x00 \t\r\n").startswith(EXECUTABLE_SIGNATURES):
        raise _hidden_after_the_end(name)
    carry = b""
    data = first
    while data:
        if MARKUP.search(carry + data):
            raise _hidden_after_the_end(name)
        carry = data[-_TAIL_OVERLAP:]
        data = fh.read(1024 * 1024)


def _hidden_after_the_end(name: str) -> ContentRefused:
    return ContentRefused(_(
        "“%(name)s” has something hidden after the end of the picture. For safety we cannot "
        "keep it. Please save the picture again as a new copy (for example, with your phone's "
        "photo app) and upload that.", name=name))


def _check_dicom(fh: IO[bytes], name: str, limits: ArchiveLimits) -> None:
    size = fh.seek(0, 2)
    fh.seek(0)
    try:
        check_dicom_structure(fh, size, DicomLimits(max_elements=limits.dicom_max_elements),
                              max_inflated=limits.max_ratio * size)
    except DicomRefused as exc:
        if exc.limit is not None:
            raise dicom_too_complex(name) from exc
        raise ContentRefused(_(
            "“%(name)s” starts like a DICOM scan file but we could not read it. Please ask the "
            "imaging center for a new copy.", name=name)) from exc
    except (OSError, ValueError, EOFError) as exc:
        raise damaged(name) from exc
