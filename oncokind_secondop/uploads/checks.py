"""What kind of file is this? Decided by content, never by name or browser type.

Two steps:

1. :func:`sniff` looks at the first bytes while the upload is still arriving,
   so an HTML page or a program renamed ``.pdf`` is refused before the rest
   is written anywhere.
2. :func:`validate_stored` opens the stored file with a real parser (pypdf,
   Pillow, pydicom, zipfile) to confirm it, reading in a streaming way.

Failures raise :class:`ContentRefused` carrying a plain-language message.

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

import re
import stat
import struct
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from ..i18n import _, format_number
from .dicom import DicomLimits, DicomRefused, _Budget, check_dicom_structure
from .images import NotImage, jpeg_end, png_end
from .names import clean_display_name
from .zipend import MAX_RECORD_BYTES, BadEnd, read_end

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

_EXECUTABLE_SIGNATURES = (
    b"MZ",                 # Windows PE / DOS
    b"\x7fELF",            # Linux
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",   # Mach-O universal / Java class
    b"#!",                 # scripts
    b"PK\x03\x04",         # ZIP, JAR, APK, Office
    b"%PDF",
)
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)",
                     re.IGNORECASE)


class ContentRefused(Exception):
    """The file is not one we accept; ``message`` says why, for the user."""

    def __init__(self, message: str, status: int = 415) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class ArchiveLimits:
    """Limits of one upload's checks (the name is older than its DICOM fields)."""

    max_entries: int = 10_000
    max_total_bytes: int = 8 * 1024**3
    max_ratio: int = 100           # uncompressed / compressed, per entry and overall, any size
    max_metadata_entry_bytes: int = 1024**2
    dicom_max_elements: int = 250_000        # per DICOM file, items and delimiters included
    zip_max_dicom_elements: int = 5_000_000  # all DICOM files of one ZIP together
    pdf_max_objects: int = 50_000            # objects in one PDF (each read, about 0.1 ms)


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


def check_dicom_preamble(preamble: bytes, name: str) -> None:
    if preamble.startswith(_EXECUTABLE_SIGNATURES) or _MARKUP.search(preamble):
        raise ContentRefused(_(
            "“%(name)s” looks like a DICOM scan file, but its first bytes hold something that is "
            "not part of a scan. For safety we cannot keep it. Please ask the imaging center for a "
            "new copy of your scans.", name=name))


# --------------------------------------------------------------------------
# Parsers, on the stored file
# --------------------------------------------------------------------------


def validate_stored(kind: str, fh: IO[bytes], name: str,
                    limits: ArchiveLimits = ArchiveLimits()) -> str:
    """Confirm the sniffed ``kind`` with a parser; return the final kind
    ("zip" becomes "dicom-zip") or raise :class:`ContentRefused`."""
    if kind == "pdf":
        _check_pdf(fh, name, limits)
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


def _damaged(name: str) -> ContentRefused:
    return ContentRefused(_(
        "“%(name)s” seems to be damaged, so we cannot read it. Please try saving or downloading "
        "it again, then upload the new copy.", name=name))


def _check_pdf(fh: IO[bytes], name: str, limits: ArchiveLimits) -> None:
    """Every object of the PDF is read (so the whole file is a PDF, not a
    header in front of something else), and none may be active content.

    A PDF that needs a password to open is refused: we could not check it, and
    the receiving team could not open it either. One locked only against
    editing or printing (an empty open password) is opened and checked."""
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, LimitReachedError

    try:
        reader = PdfReader(fh, strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
            except DependencyError as exc:  # AES without the optional `cryptography` package
                raise ContentRefused(_(
                    "“%(name)s” is locked in a way we cannot check. Please print it to a new PDF "
                    "file (choose \"Save as PDF\" when you print) and upload that.",
                    name=name)) from exc
            except Exception:  # an /Encrypt entry pypdf cannot use is a lock we cannot open
                opened = False
            if not opened:
                raise _pdf_locked(name)
        count = sum(len(ids) for ids in reader.xref.values()) + len(reader.xref_objStm)
        if count > limits.pdf_max_objects:
            raise _too_complex(name)
        active = _pdf_active_content(reader)
        if len(reader.pages) < 1:
            raise _damaged(name)
    except ContentRefused:
        raise
    except LimitReachedError as exc:
        # pypdf's own bounds (a stream declared over 75 MB, an array of 100,000 items...):
        # the file may be sound, but we cannot check it at a bounded cost.
        raise _too_complex(name) from exc
    except Exception as exc:  # pypdf raises many kinds for broken files
        raise _damaged(name) from exc
    if active:
        raise ContentRefused(_(
            "“%(name)s” contains a script, a program action or another file hidden inside it. "
            "For safety we cannot keep it. Please print it to a new PDF file (choose \"Save as "
            "PDF\" when you print), or ask the place that made it for a plain copy, and upload "
            "that.", name=name))


def _pdf_locked(name: str) -> ContentRefused:
    return ContentRefused(_(
        "“%(name)s” is locked with a password, so we cannot check it, and the doctors who review "
        "your records could not open it either. Please ask the place that sent it for a copy "
        "without a password, or open it with its password and save it as a new PDF without one. "
        "Then upload that copy.", name=name))


# Actions that run something; an embedded file is a second file under the PDF's name.
_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})
_ACTIVE_KEYS = frozenset({"/JS", "/EF", "/EmbeddedFiles", "/JavaScript"})


def _pdf_active_content(reader: object) -> bool:
    """Read every object in the cross-reference table; True if any holds
    JavaScript (an action, /OpenAction, /AA, the /JavaScript name tree), a
    Launch action or an embedded file. Direct objects nested in an object are
    walked too; references are not followed (each object is read once)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    assert isinstance(reader, PdfReader)
    numbers = [n for ids in reader.xref.values() for n in ids] + list(reader.xref_objStm)
    for number in numbers:
        obj = reader.get_object(number)
        stack = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, DictionaryObject):  # streams are dictionaries too
                keys = set(item.keys())
                if keys & _ACTIVE_KEYS:
                    return True
                if dict.get(item, "/S") in _ACTIVE_ACTIONS or dict.get(item, "/Type") == "/EmbeddedFile":
                    return True
                stack.extend(v for v in dict.values(item) if not isinstance(v, IndirectObject))
            elif isinstance(item, ArrayObject):
                stack.extend(v for v in list.__iter__(item) if not isinstance(v, IndirectObject))
    return False


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
            raise _too_complex(name) from exc
        raise _damaged(name) from exc
    except Exception as exc:
        raise _damaged(name) from exc
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
    raise _too_complex(name)


def _too_many_pixels(name: str) -> ContentRefused:
    limit = _pixel_limit() or 0
    return ContentRefused(_(
        "“%(name)s” is a picture with too many pixels (more than %(limit)s million), so we "
        "cannot keep it. Please save a smaller copy of the picture and upload that.",
        name=name, limit=format_number(limit // 1_000_000)))


def _too_complex(name: str) -> ContentRefused:
    return ContentRefused(_(
        "“%(name)s” has far more parts inside than this kind of file usually has, so we cannot "
        "check it. Please save it again as a new file, or split it into smaller files, and "
        "upload those.", name=name))


_TAIL_OVERLAP = 64


def _check_after_the_end(fh: IO[bytes], end: int, name: str) -> None:
    """Bytes after an image's end marker are ignored by viewers, so they can
    carry a page or a program to whoever opens the file with another tool.
    Padding and vendor data (a phone's motion-photo video) are kept; a program
    signature right after the end, or markup anywhere after it, is refused."""
    fh.seek(end)
    first = fh.read(HEAD_SIZE)
    if first.lstrip(b"\x00 \t\r\n").startswith(_EXECUTABLE_SIGNATURES):
        raise _hidden_after_the_end(name)
    carry = b""
    data = first
    while data:
        if _MARKUP.search(carry + data):
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
            raise _dicom_too_complex(name) from exc
        raise ContentRefused(_(
            "“%(name)s” starts like a DICOM scan file but we could not read it. Please ask the "
            "imaging center for a new copy.", name=name)) from exc
    except (OSError, ValueError, EOFError) as exc:
        raise _damaged(name) from exc


def _dicom_too_complex(name: str) -> ContentRefused:
    return ContentRefused(_(
        "“%(name)s” is a DICOM file with far more parts inside than a scan has, so we cannot "
        "check it. Please ask the imaging center for a new copy.", name=name))


# --------------------------------------------------------------------------
# ZIP archives of DICOM files
# --------------------------------------------------------------------------

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


def check_dicom_zip(fh: IO[bytes], name: str, limits: ArchiveLimits = ArchiveLimits()) -> None:
    def refuse(message: str) -> ContentRefused:
        return ContentRefused(message)

    # The count from the end record, before zipfile reads the central directory.
    try:
        end = read_end(fh)
    except (BadEnd, OSError, ValueError, struct.error) as exc:
        raise _damaged(name) from exc
    if end.entries > limits.max_entries:
        raise refuse(_(
            "“%(name)s” holds more than %(count)s files. Please split it into smaller ZIP "
            "files.", name=name, count=format_number(limits.max_entries)))
    if end.directory_size > max(end.entries, 1) * MAX_RECORD_BYTES:
        raise _damaged(name)
    fh.seek(0)
    try:
        archive = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise _damaged(name) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) != end.entries:  # zipfile reads by size, not count
            raise _damaged(name)
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
                    raise _dicom_too_complex(entry) from exc
                raise ContentRefused(_(
                    "“%(name)s” contains a scan file we could not read (%(entry)s). Please ask "
                    "the imaging center for a new copy.", name=name, entry=entry)) from exc
            _drain(member)  # reaching the end makes zipfile check the CRC
            return True
    except ContentRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError, ValueError) as exc:
        raise _damaged(name) from exc


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
