"""How many rows one patient may keep, and how long a text may be (issue 13).

Pure rules, no Flask: views read the limit from ``SECONDOP_*`` config and
the current count from the store, and pass both in. A refusal says which
limit it was, so the view can tell the patient in plain words; nothing is
written when a limit is reached.
"""
from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from typing import Literal

#: What a limit counts, with the config key that sets it.
Kind = Literal["packets", "worksheets", "opinions", "events", "requests", "slides", "documents", "shares"]

CONFIG_KEYS: dict[Kind, str] = {
    "packets": "SECONDOP_MAX_PACKETS_PER_PATIENT",
    "worksheets": "SECONDOP_MAX_WORKSHEETS_PER_PATIENT",
    "opinions": "SECONDOP_MAX_OPINIONS_PER_WORKSHEET",
    "events": "SECONDOP_MAX_TIMELINE_EVENTS",
    "requests": "SECONDOP_MAX_RECORDS_REQUESTS",
    "slides": "SECONDOP_MAX_SLIDE_RECORDS",
    "documents": "SECONDOP_MAX_DOCUMENTS_PER_ITEM",
    "shares": "SECONDOP_MAX_SHARES_PER_PACKET",
}


class LimitReached(Exception):
    """Adding would go past a configured limit; nothing was written."""

    def __init__(self, kind: Kind, limit: int, have: int) -> None:
        super().__init__(f"{kind}: {have} of {limit}")
        self.kind = kind
        self.limit = limit
        self.have = have


def check_room(kind: Kind, have: int, limit: int, adding: int = 1) -> None:
    """Raise :class:`LimitReached` unless ``adding`` more rows fit."""
    if have + adding > limit:
        raise LimitReached(kind, limit, have)


# -- dates ------------------------------------------------------------------

#: Dates a form accepts: a real person's care, birth or appointment. Wider
#: dates were typos or probes, and 9999-12-31 plus 30 days does not exist.
FIRST_YEAR, LAST_YEAR = 1900, 2100
FIRST_DATE, LAST_DATE = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)


def in_date_range(value: date) -> bool:
    return FIRST_DATE <= value <= LAST_DATE


def add_days(value: date, days: int) -> date:
    """``value + days``, held at the calendar's ends instead of overflowing
    (a stored date from before the range check may be 9999-12-31)."""
    try:
        return value + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


# -- text -------------------------------------------------------------------

#: Characters that end a line or steer a terminal: never in a one-line answer.
LINE_BREAKS = frozenset("\u2028\u2029\x85")


def is_control(char: str) -> bool:
    """A C0/C1 control (CR, LF, tab, ESC...) or a line or paragraph separator."""
    return char in LINE_BREAKS or unicodedata.category(char) == "Cc"


def has_control(text: str) -> bool:
    return any(is_control(c) for c in text)


#: Bidi embeddings, overrides and isolates: they can make a label read
#: differently from what it holds (CVE-2021-42574, "Trojan Source").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LABEL_MAX = 100


def single_line_label(text: str, max_chars: int = LABEL_MAX) -> str:
    """A name fit for an audit line: one line, no control or bidi-override
    characters, runs of space made one, at most ``max_chars`` (cut with "…")."""
    cleaned = "".join(
        " " if is_control(c) or c in BIDI_CONTROLS or unicodedata.category(c) in ("Cs", "Co", "Cn")
        else c
        for c in text
    )
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > max_chars:
        cleaned = cleaned[: max_chars - 1].rstrip() + "…"
    return cleaned


def address_problem(text: str, max_lines: int, max_line_chars: int) -> Literal["lines", "width"] | None:
    """Why a postal address does not fit a letter's address block, if it does not."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > max_lines:
        return "lines"
    if any(len(line) > max_line_chars for line in lines):
        return "width"
    return None
