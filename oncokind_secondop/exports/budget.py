"""A bounded layout cost for every PDF, whatever the patient typed.

WeasyPrint's time grows with the amount of text it lays out, and much faster
than that for long words with no break opportunity (it tries line breaks
character by character: 300 events × 4,000 unbroken characters took 196 s).
Two rules keep every PDF within a fixed budget at every limit:

* **Break opportunities.** A run of more than :data:`LONG_RUN` characters
  with no space (outside Chinese, Japanese and Korean, which break between
  characters anyway) gets an invisible zero-width space every
  :data:`BREAK_EVERY` characters. Real words are never that long; a pasted
  code, a URL or a hostile string is, and then lays out like prose.
* **A character budget per section.** A section shares its budget among its
  rows (:func:`share`); each text gets at least a floor. When a packet is
  small, everything fits and nothing is cut. When a text is longer than its
  share, the PDF shows its beginning, then says it was shortened and where
  the full text is (the ZIP's ``full-text.html``; the worksheet's own page).

Pure functions, no Flask: the views and templates decide what to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

ZWSP = "\u200b"
LONG_RUN = 30
BREAK_EVERY = 20

# Whitespace, and scripts that already break between characters (CJK, kana,
# Hangul, full-width forms), end a run.
_RUN = re.compile(
    r"[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]{" + str(LONG_RUN + 1) + ",}"
)


def breakable(text: str) -> str:
    """``text`` with a zero-width space every :data:`BREAK_EVERY` characters
    inside any run longer than :data:`LONG_RUN`; shorter words are untouched."""

    def split(match: re.Match[str]) -> str:
        run = match.group(0)
        return ZWSP.join(run[i:i + BREAK_EVERY] for i in range(0, len(run), BREAK_EVERY))

    return _RUN.sub(split, text)


def share(budget: int, count: int, floor: int) -> int:
    """Characters each of ``count`` texts may use of a section's ``budget``
    (never below ``floor``, so a full section still says something useful)."""
    return max(floor, budget // max(count, 1))


@dataclass(frozen=True)
class Clipped:
    """What a PDF shows of one text."""

    shown: str
    shortened: bool

    def __html__(self) -> str:
        return str(escape(breakable(self.shown)))


def clip(text: str | None, limit: int) -> Clipped:
    """The first ``limit`` characters of ``text`` (cut after a space near the
    end if there is one, so words stay whole)."""
    text = text or ""
    if len(text) <= limit:
        return Clipped(text, False)
    cut = text[:limit]
    space = cut.rfind(" ", int(limit * 0.8))
    if space > 0:
        cut = cut[:space]
    return Clipped(cut.rstrip(), True)


def fits(texts: list[str | None], limit: int) -> bool:
    """True when no text is longer than ``limit`` (nothing would be cut)."""
    return all(len(t or "") <= limit for t in texts)


def pdf_text(text: str | None) -> Markup:
    """A text shown in full in a PDF, escaped and with break opportunities."""
    return Markup(escape(breakable(text or "")))
