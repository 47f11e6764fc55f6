"""What every content check refuses with: the error carrying the message for
the patient, the limits of one upload's checks, and the messages more than
one check gives (a damaged file, far too many parts, a program's signature).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import _

EXECUTABLE_SIGNATURES = (
    b"MZ",                 # Windows PE / DOS
    b"\x7fELF",            # Linux
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xca\xfe\xba\xbe",   # Mach-O universal / Java class
    b"#!",                 # scripts
    b"PK\x03\x04",         # ZIP, JAR, APK, Office
    b"%PDF",
)
MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)",
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


DEFAULT_LIMITS = ArchiveLimits()


def damaged(name: str) -> ContentRefused:
    return ContentRefused(_(
        "“%(name)s” seems to be damaged, so we cannot read it. Please try saving or downloading "
        "it again, then upload the new copy.", name=name))


def too_complex(name: str) -> ContentRefused:
    return ContentRefused(_(
        "“%(name)s” has far more parts inside than this kind of file usually has, so we cannot "
        "check it. Please save it again as a new file, or split it into smaller files, and "
        "upload those.", name=name))


def dicom_too_complex(name: str) -> ContentRefused:
    return ContentRefused(_(
        "“%(name)s” is a DICOM file with far more parts inside than a scan has, so we cannot "
        "check it. Please ask the imaging center for a new copy.", name=name))


def check_dicom_preamble(preamble: bytes, name: str) -> None:
    if preamble.startswith(EXECUTABLE_SIGNATURES) or MARKUP.search(preamble):
        raise ContentRefused(_(
            "“%(name)s” looks like a DICOM scan file, but its first bytes hold something that is "
            "not part of a scan. For safety we cannot keep it. Please ask the imaging center for a "
            "new copy of your scans.", name=name))
