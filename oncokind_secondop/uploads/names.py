"""Display names for uploaded files: kept in any script, made harmless.

The name a browser sends is only ever shown to people (pages, PDF index, ZIP
folders, download ``filename*``); storage keys are random. So we keep every
letter of every script and remove only what can mislead or break things:
control characters, format characters (bidi overrides such as U+202E make
"gpj.exe" look like "exe.jpg"), private-use and unassigned code points, line
separators, and any directory part a browser or a hostile client left in.
"""
from __future__ import annotations

import unicodedata

MAX_CHARS = 200
# Most file systems cap a name at 255 bytes; leave room for " (2)" when a
# ZIP export has to make names unique.
MAX_UTF8_BYTES = 240
MAX_EXTENSION_CHARS = 16

# Cc control, Cf format (bidi, zero-width), Cs surrogates, Co private use,
# Cn unassigned, Zl/Zp line and paragraph separators.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _clean_chars(text: str) -> str:
    kept = []
    for ch in unicodedata.normalize("NFC", text):
        category = unicodedata.category(ch)
        if category in _DROPPED_CATEGORIES:
            continue
        kept.append(" " if category == "Zs" else ch)  # odd spaces (NBSP, ideographic) become plain
    return " ".join("".join(kept).split())  # collapse runs of spaces, trim


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if dot and stem and 0 < len(ext) <= MAX_EXTENSION_CHARS and " " not in ext:
        return stem, "." + ext
    return name, ""


def _shorten(stem: str, ext: str) -> str:
    """Cut the stem (never the extension) to the character and byte limits,
    without leaving a combining mark or a space dangling at the cut."""
    limit = MAX_CHARS - len(ext)
    budget = MAX_UTF8_BYTES - len(ext.encode("utf-8"))
    out: list[str] = []
    used = 0
    for ch in stem[:limit]:
        size = len(ch.encode("utf-8"))
        if used + size > budget:
            break
        out.append(ch)
        used += size
    if len(out) < len(stem):
        while out and (unicodedata.category(out[-1]).startswith("M") or out[-1] in " ._-"):
            out.pop()  # a mark without its base letter, or trailing punctuation
    return "".join(out) + ext


def clean_display_name(raw: str | None, fallback: str) -> str:
    """A safe display name from what the browser sent, or ``fallback``
    (for example "file.pdf") when nothing printable is left."""
    name = _clean_chars(raw or "")
    # Drop any folder part, whichever separator the client's OS uses.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # No leading dots (hidden files, "..") and no trailing dots or spaces (Windows).
    name = name.strip(" ").lstrip(".").rstrip(". ")
    if not name:
        return fallback
    stem, ext = _split_extension(name)
    shortened = _shorten(stem, ext)
    return shortened if shortened and shortened != ext else fallback


def with_extension(name: str, accepted: tuple[str, ...]) -> str:
    """``name`` (already cleaned) ending in one of ``accepted`` (lower case,
    first one preferred): a name whose own extension names another type gets
    the right one added ("scan.jpg.html" -> "scan.jpg.html.jpg"), so a saved
    download or an unpacked ZIP never opens as a page or a program. Names
    without an extension, or with a number as one (DICOM files are often
    called "IM0001" or by their UID "1.2.840.113619.2.55.3.604"), are kept."""
    stem, ext = _split_extension(name)
    if not ext or ext[1:].isdigit() or ext.lower() in accepted:
        return name
    return _shorten(name, accepted[0])
