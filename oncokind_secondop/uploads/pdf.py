"""PDF uploads: every object read (no header in front of something else), no
password lock we cannot open, no active content (JavaScript, Launch, embedded
files). docs/security.md says why we refuse rather than strip.
"""
from __future__ import annotations

from typing import IO

from ..i18n import _
from .refusals import ArchiveLimits, ContentRefused, damaged, too_complex


def check_pdf(fh: IO[bytes], name: str, limits: ArchiveLimits) -> None:
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
            raise too_complex(name)
        active = _pdf_active_content(reader)
        if len(reader.pages) < 1:
            raise damaged(name)
    except ContentRefused:
        raise
    except LimitReachedError as exc:
        # pypdf's own bounds (a stream declared over 75 MB, an array of 100,000 items...):
        # the file may be sound, but we cannot check it at a bounded cost.
        raise too_complex(name) from exc
    except Exception as exc:  # pypdf raises many kinds for broken files
        raise damaged(name) from exc
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
