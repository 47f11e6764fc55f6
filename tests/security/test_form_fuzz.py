"""Fuzzing every POST form of the blueprint (issue 7, item 7).

Hypothesis builds submissions for the forms that save (new packet, edit packet,
checklist item, records request new/edit/received, slide, timeline event
add/edit, new/edit worksheet, new/edit opinion, the worksheet's marks, moving an
opinion), the seven delete confirmations (packet, document, slide, timeline
event, records request, worksheet, opinion) and the two Learn forms
(self-check, records letter): any Unicode (NUL, right-to-left marks, very long
text), missing fields, repeated fields, odd versions, and injected names of
protected columns (``id``, ``patient_id``, ``packet_id``, ``created_at`` ...)
carrying another patient's ids. About half of the examples are well-formed and
must save (or delete).

What is proved, for every submission:
- no 5xx;
- a 4xx (or a form shown again, or a redirect with a message for the
  "received" form) leaves every ``secondop_`` table exactly as it was;
- a save (302) changes only the record it names (plus the worksheet's version for
  an opinion, the opinions' order for a move), and what is stored equals what was
  sent after the documented normalisation: WTForms' parsing (first value of a
  repeated field, a date's values joined by a space, ``int()``, a checkbox is off
  when absent or "false"), NUL dropped (``form_messages.without_nul``),
  surrounding whitespace stripped, repeated request checkboxes kept once, a field
  left out of an edit keeps its stored value, marks replaced as a whole; protected
  columns never move (the version only by one) and a new record belongs to the
  patient and the packet or worksheet in the URL;
- a delete aimed at Lee's record, at Lee's record under Maria's packet or at an
  id no row has changes nothing; a delete that succeeds removes exactly its
  target and what the app documents goes with it (a packet's rows and files, a
  worksheet's opinions, a document's file), bumps only the worksheet's version for
  a removed opinion, and every other stored file stays (the world is then put back
  as it was, so every example can delete again);
- the Learn forms store nothing: every ``secondop_`` table stays empty;
- every POST endpoint in the URL map is fuzzed here or listed in ``NOT_FUZZED``
  with where it is covered instead.

One app per test function; rows a save added are removed after each example.
CI runs ``SECONDOP_FUZZ_EXAMPLES`` examples in total (default 300) split over
all 24 forms, deterministic (``derandomize=True``). The full run (10,000
examples over the 24 forms):

    SECONDOP_FUZZ_EXAMPLES=10000 nice bin/test tests/security/test_form_fuzz.py -p no:cacheprovider -q

Issue 13 added boundary values to every field (years 1 and 9999, 20-digit
and huge negative numbers, dates outside 1900-2100, every Unicode general
category, controls, right-to-left marks, very long strings; lone surrogates
and invalid UTF-8 in raw bodies, see ``test_raw_bodies_*``), the rule that a
one-line field never stores a control character, and a log check: no log
record written while a submission is handled holds any value typed in it.

Fixed holes keep their own plain regression tests at the end of this module.
"""

from __future__ import annotations

import logging
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from wtforms.fields.core import UnboundField

from oncokind_secondop.compare.fields import COMPARED_KEYS, OPINION_FIELDS
from oncokind_secondop.db import PROTECTED_COLUMNS
from oncokind_secondop.learn.forms import FORMATS, ITEMS, SEND_TO, RecordsLetterForm, SelfCheckForm
from oncokind_secondop.learn.selfcheck import CHOICES as LEARN_CHOICES
from oncokind_secondop.limits import FIRST_DATE, LAST_DATE, has_control
from oncokind_secondop.packet.checklist import EVENT_KINDS, LETTER_ENTRIES, SLIDE_MATERIALS, STATUSES
from oncokind_secondop.packet.services import REFERRING_FIELDS

from ..guards import record_text
from ._fuzzkit import (
    COMPARE,
    PACKET,
    Snapshot,
    World,
    build_world,
    changes,
    drop_rows_not_in,
    make_app,
    restore,
    snapshot,
    stored_files,
)

TOTAL_EXAMPLES = int(os.environ.get("SECONDOP_FUZZ_EXAMPLES", "300"))
MARIA = "p-maria"


class Invalid(Exception):
    """The documented parsing cannot read this submission: it must not be saved."""


@dataclass(frozen=True)
class Token:
    """A version placeholder, resolved against the stored version just before posting."""

    kind: str  # "current", "stale" or "spaced"


CURRENT, STALE, SPACED = Token("current"), Token("stale"), Token("spaced")


@dataclass(frozen=True)
class F:
    """One form field: how to make values for it and how it is stored."""

    name: str
    kind: str = "text"  # text, npi, date, int, choice, multi, bool
    max: int = 200
    required: bool = False
    choices: tuple[str, ...] = ()
    lo: int = 1
    hi: int = 999
    default: Any = ""
    #: A one-line field: a control character (CR, LF, tab, ESC...) is refused.
    line: bool = True
    #: An address block: at most this many lines of at most 100 characters.
    lines: int | None = None


# -- values -----------------------------------------------------------------

SPECIALS = [
    "\x00", "\u202e", "\u202d", "\u2066", "\u200f", "\u200e", "\ufeff", "\u00a0", "\u3000", "\t",
    "\n", "\r\n", "\r", " ", "\u0301", "\U0001f600", "\u0627\u0644\u0633\u0644\u0627\u0645",
    "\u764c", "\U0010ffff", "<script>alert(1)</script>", "'; DROP TABLE secondop_packet; --",
    "{{ 7*7 }}", "%(x)s", "..\\..\\", "\x1b[31m", "\u2028",
]
CHARS = st.one_of(st.characters(codec="utf-8"), st.sampled_from(list("".join(SPECIALS))))
ODD = [
    "", " ", "\x00", "0", "-1", "13", "32", "1e3", " 7 ", "\u0663", "7_0", "2147483648", "9" * 40,
    "2024-02-30", "2024-2-3", "0001-01-01", "9999-12-31", "2024-01-01T00:00", "true", "false",
    "on", "None", "null", "[]", "{}", "received ", "NOT_STARTED", "visit\x00",
]


#: Issue 13: the values at and past every boundary a field has.
BOUNDARY = [
    "1", "0001", "9999", "10000", "0", "-0", "-1", "9" * 20, "-" + "9" * 20, str(2**63), str(-(2**63) - 1),
    "1" + "0" * 400, "1e309", "nan", "inf", "-inf", "0x10", "\u0669\u0669\u0669\u0669", "\uff19\uff19\uff19\uff19",
    "0001-01-01", "9999-12-31", "10000-01-01", "1899-12-31", "2101-01-01", "0000-00-00", "2024-13-45",
    "-2024-01-01", "+2024-01-01", "2/4/99999999999999999999", "99999999999999999999-01-01",
    "31/12/9999", "1/1/1", "\u200f2024-01-01", "2024-01-01\u200e", "\u202e10-10-2024", "2024\u201101\u201101",
]
#: Every Unicode general category (surrogates cannot travel in a UTF-8 form:
#: the raw-body tests send them encoded).
CATEGORIES = ["Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe",
              "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn"]
EVERY_CATEGORY = st.sampled_from(CATEGORIES).flatmap(
    lambda c: st.text(st.characters(categories=[c]), min_size=1, max_size=40))


def texts(max_size: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(CHARS, max_size=max_size),
        st.lists(st.sampled_from(SPECIALS), max_size=6).map("".join),
        EVERY_CATEGORY,
    )


def line_texts(max_size: int) -> st.SearchStrategy[str]:
    """What a one-line field accepts: any character but controls and line breaks."""
    return texts(max_size).map(lambda s: "".join(c for c in s if c == "\x00" or not has_control(c)))


def long_texts() -> st.SearchStrategy[str]:
    """Around every length limit, and once far over Flask's 500 kB per text part."""
    sizes = [199, 200, 201, 1001, 5000, 5001, 20000, 20001, 200_000]
    return st.builds(lambda s, n: (s * n)[:n], st.text(CHARS, min_size=1, max_size=3), st.sampled_from(sizes))


def clean_text(f: F) -> st.SearchStrategy[str]:
    if f.lines is not None:  # an address: up to f.lines lines of up to 100 characters
        line = line_texts(60).map(lambda s: s[:100])
        return st.lists(line, max_size=f.lines).map("\n".join)
    body = st.one_of(
        (line_texts if f.line else texts)(min(f.max, 60)).map(lambda s: s[: f.max]),
        st.builds(lambda c: c * f.max, st.sampled_from(["a", "\u00e9", "\u764c", "\U0001f600"])),
    )
    if f.required:
        body = body.filter(lambda s: bool(s.replace("\x00", "").strip()))
    return body


def clean_value(f: F) -> st.SearchStrategy[list[str] | None]:
    """A value the form accepts (None: the field is left out)."""
    one = st.just
    if f.kind == "text":
        single = clean_text(f).map(lambda s: [s])
        return single if f.required else st.one_of(st.none(), single)
    if f.kind == "npi":
        return st.one_of(st.none(), one([""]), st.from_regex(r"\A[0-9]{10}\Z").map(lambda s: [s]))
    if f.kind == "date":  # the accepted range (issue 13); others are hostile
        day = st.dates(FIRST_DATE, LAST_DATE).map(lambda d: [d.isoformat()])
        return day if f.required else st.one_of(st.none(), one([""]), day)
    if f.kind == "int":
        return st.one_of(st.none(), one([""]), st.integers(f.lo, f.hi).map(lambda n: [str(n)]))
    if f.kind == "choice":
        single = st.sampled_from(f.choices).map(lambda c: [c])
        return single if f.required else st.one_of(st.none(), single)
    if f.kind == "multi":
        return st.lists(st.sampled_from(f.choices), min_size=1, max_size=40)
    if f.kind == "bool":
        return st.sampled_from([None, ["y"], ["false"], [""], ["on"]])
    raise AssertionError(f.kind)


def hostile_scalar(f: F) -> st.SearchStrategy[str]:
    return st.one_of(
        texts(300),
        long_texts(),
        st.sampled_from(ODD + BOUNDARY + list(f.choices)),
        st.integers().map(str),
        st.integers(-(10**30), 10**30).map(str),
        st.dates().map(str),
        st.dates().map(lambda d: f"{d.month}/{d.day}/{d.year}"),
    )


def hostile_value(f: F) -> st.SearchStrategy[list[str] | None]:
    scalar = st.one_of(hostile_scalar(f), clean_value(f).map(lambda v: v[0] if v else ""))
    return st.one_of(
        clean_value(f),
        st.none(),
        scalar.map(lambda s: [s]),
        st.lists(scalar, min_size=2, max_size=4),  # a repeated field
    )


VERSIONS: list[list[Any] | None] = [
    None, [CURRENT], [STALE], [SPACED], [""], ["abc"], ["-1"], [str(2**31)], [str(10**30)],
    [CURRENT, "7"], ["7", CURRENT], ["\u0661"],
]

#: Names a form must ignore: protected columns and other columns no form sets.
INJECTED = sorted(
    (PROTECTED_COLUMNS - {"version"})
    | {"packet_id", "item_id", "worksheet_id", "position", "key", "storage_key", "sha256", "size",
       "marks", "marks_basis", "received_on", "uploaded_at", "precision", "event_date", "opinions",
       "display_name", "mimetype"}
)


# -- no typed text in any log line (issue 13) ---------------------------------


class _LogTexts(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(record_text(record))


@contextmanager
def no_typed_text_logged(pairs: Any) -> Iterator[None]:
    """Every log record written inside the block (any logger, any level) must
    hold none of the values sent (those long enough not to match by chance)."""
    handler = _LogTexts()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    typed = {v.strip() for _, v in pairs if isinstance(v, str) and len(v.strip()) >= 6}
    for text in handler.texts:
        leaked = [v for v in typed if v in text]
        assert not leaked, f"typed text in a log line: {leaked[0][:40]!r} in {text[:300]!r}"


# -- the oracle: what a save must store ------------------------------------

def raw(sent: MultiDict, name: str) -> list[str] | None:
    return sent.getlist(name) if name in sent else None


def to_int(value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise Invalid(value) from exc


def stored(f: F, values: list[str] | None, previous: dict[str, Any] | None) -> Any:
    """The value WTForms and the view store for one field."""
    if f.kind == "bool":
        return bool(values) and values[0] not in ("false", "")
    if f.kind == "multi":
        return " ".join(dict.fromkeys(values or []))
    if values is None:  # left out: an edit keeps what is stored, a new record its default
        if previous is not None:
            return previous[f.name]
        return None if f.kind in ("date", "int") else f.default
    first = values[0]
    if f.kind in ("text", "npi"):
        kept = first.replace("\x00", "").strip()
        if f.line and has_control(kept):  # issue 13: one-line fields refuse controls
            raise Invalid(values)
        return kept
    if f.kind == "choice":
        return first
    if not first.strip():  # Optional(): blank means "not given"
        return None
    if f.kind == "int":
        return to_int(first)
    try:
        day = datetime.strptime(" ".join(values), "%Y-%m-%d").date()
    except ValueError as exc:
        raise Invalid(values) from exc
    if not FIRST_DATE <= day <= LAST_DATE:  # issue 13: years 1900 to 2100
        raise Invalid(values)
    return day


def expect_fields(fields: tuple[F, ...], sent: MultiDict, previous: dict[str, Any] | None) -> dict[str, Any]:
    return {f.name: stored(f, raw(sent, f.name), previous) for f in fields}


# -- the forms --------------------------------------------------------------

@dataclass
class Case:
    name: str
    url: Callable[[dict[str, int]], str]
    table: str
    fields: Callable[[dict[str, int]], tuple[F, ...]]
    #: An edit: the ids key of the record changed. None: the form adds a record.
    target: str | None = None
    #: A new record's parent: (column, ids key).
    parent: tuple[str, str] | None = None
    #: Where the posted version is checked: (table, ids key); "new" for a new packet
    #: record (any version); None: the form has no version.
    version_of: tuple[str, str] | str | None = None
    #: A row whose version moves with the save (the worksheet of an opinion).
    bumps: tuple[str, str] | None = None
    #: Tables a save may add rows to besides ``table`` (a new packet's checklist).
    also_adds: tuple[str, ...] = ()
    #: The stored values: (fields, sent, previous row, world) -> {column: value}.
    expect: Callable[..., dict[str, Any]] = lambda fields, sent, prev, world: expect_fields(fields, sent, prev)
    #: Make a well-formed draw consistent (dates in order, a doctor or a center...).
    fix: Callable[[dict[str, Any], Any], dict[str, Any]] = lambda values, draw: values
    multipart: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    #: Columns of the target the save recomputes itself (the marks' fingerprint).
    derived: tuple[str, ...] = ()
    #: Other rows a save may change: (world, sent, before, after) -> {(table, id)},
    #: after asserting how they changed (the opinions' order).
    others: Callable[..., set[tuple[str, int]]] | None = None
    #: A refusal answers a redirect (with a message) instead of a 4xx.
    redirect_refuses: bool = False


def packet_fields(ids: dict[str, int]) -> tuple[F, ...]:
    return (
        F("center_name", required=True),
        F("consult_questions", max=5000, line=False),
        F("proposed_plan", max=5000, line=False),
        F("plan_goal"),
        F("referring_name"),
        F("referring_phone", max=50),
        F("referring_fax", max=50),
        F("referring_npi", kind="npi"),
    )


def new_packet_fields(ids: dict[str, int]) -> tuple[F, ...]:
    copy = F("copy_from", kind="choice", choices=("", str(ids["maria_source"]), str(ids["maria_packet"])))
    return (*packet_fields(ids), copy)


def expect_new_packet(fields: tuple[F, ...], sent: MultiDict, prev: Any, world: World) -> dict[str, Any]:
    out = expect_fields(fields, sent, prev)
    source = out.pop("copy_from")
    if source:  # the doctor's details come from the source where the new packet has none
        copied = world.baseline["secondop_packet"][int(source)]
        for name in REFERRING_FIELDS:
            out[name] = out[name] or copied[name]
    return out


def item_fields(ids: dict[str, int]) -> tuple[F, ...]:
    return (
        F("status", kind="choice", choices=tuple(STATUSES), required=True),
        F("requested_on", kind="date"),
        F("received_on", kind="date"),
        F("notes", max=5000, line=False),
    )


def fix_item(values: dict[str, Any], draw: Any) -> dict[str, Any]:
    # Both dates sent: a date left out of an edit keeps the stored one, which
    # an earlier example may have set after the other date.
    asked, got = values["requested_on"] or [""], values["received_on"] or [""]
    values["requested_on"], values["received_on"] = asked, got
    if asked and got and asked[0] and got[0] and got[0] < asked[0]:
        values["requested_on"], values["received_on"] = got, asked
    return values


def facility_fields(ids: dict[str, int]) -> tuple[F, ...]:
    return (
        F("name", required=True),
        F("department"),
        F("address", max=1000, line=False, lines=6),
        F("phone", max=50),
        F("fax", max=50),
        F("requested_items", kind="multi", choices=tuple(e.key for e in LETTER_ENTRIES)),
        F("dates_of_service"),
        F("send_to_me", kind="bool"),
        F("send_to_center", kind="bool"),
        F("requested_on", kind="date"),
        F("notes", max=5000, line=False),
    )


def slide_fields(ids: dict[str, int]) -> tuple[F, ...]:
    return (
        F("lab", required=True),
        F("accession_number", max=100),
        F("specimen_ids", max=300),
        F("count", kind="int"),
        F("material", kind="choice", choices=tuple(SLIDE_MATERIALS), required=True),
        F("location", max=300),
    )


MONTHS = tuple(str(m) for m in range(1, 13))


def event_fields(ids: dict[str, int]) -> tuple[F, ...]:
    return (
        F("year", kind="int", lo=1900, hi=2100),
        F("month", kind="choice", choices=("", *MONTHS)),
        F("day", kind="int", lo=1, hi=31),
        F("kind", kind="choice", choices=tuple(EVENT_KINDS), required=True),
        F("title", required=True),
        F("details", max=5000, line=False),
    )


def fix_event(values: dict[str, Any], draw: Any) -> dict[str, Any]:
    """A real date, given to the year, the month or the day."""
    when = draw(st.dates(date(1900, 1, 1), date(2100, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    values["year"] = [str(when.year)]
    values["month"] = draw(st.sampled_from([None, [""]])) if precision == "year" else [str(when.month)]
    values["day"] = draw(st.sampled_from([None, [""]])) if precision != "day" else [str(when.day)]
    return values


def expect_event(fields: tuple[F, ...], sent: MultiDict, prev: Any, world: World) -> dict[str, Any]:
    by = {f.name: f for f in fields}
    year = to_int(raw(sent, "year")[0])  # type: ignore[index]
    month_raw, day_raw = raw(sent, "month"), raw(sent, "day")
    month = to_int(month_raw[0]) if month_raw and month_raw[0] else None
    day = to_int(day_raw[0]) if day_raw and day_raw[0].strip() else None
    if month is None:
        when, precision = date(year, 1, 1), "year"
    elif day is None:
        when, precision = date(year, month, 1), "month"
    else:
        when, precision = date(year, month, day), "day"
    out = {"event_date": when, "precision": precision}
    for name in ("kind", "title", "details"):
        out[name] = stored(by[name], raw(sent, name), prev)
    return out


def worksheet_fields(ids: dict[str, int]) -> tuple[F, ...]:
    return (F("title", required=True), F("notes", max=5000, line=False))


def opinion_fields(ids: dict[str, int]) -> tuple[F, ...]:
    out = []
    for spec in OPINION_FIELDS:
        if spec.kind == "date":
            out.append(F(spec.key, kind="date"))
        elif spec.kind == "choice":
            out.append(F(spec.key, kind="choice", choices=("", "visit", "remote")))
        else:
            out.append(F(spec.key, max=spec.max_length, line=spec.kind == "line"))
    return tuple(out)


def fix_opinion(values: dict[str, Any], draw: Any) -> dict[str, Any]:
    def blank(v: list[str] | None) -> bool:
        return not v or not v[0].replace("\x00", "").strip()

    if blank(values["doctor"]) and blank(values["center"]):
        values["doctor"] = [draw(clean_text(F("doctor", required=True)))]
    return values


MARKS = ("", "agree", "differ", "unsure")


def marks_fields(ids: dict[str, int]) -> tuple[F, ...]:
    return tuple(F(f"mark_{key}", kind="choice", choices=MARKS) for key in COMPARED_KEYS)


def expect_marks(fields: tuple[F, ...], sent: MultiDict, prev: Any, world: World) -> dict[str, Any]:
    """Every mark is replaced: a field left out or "" is no mark; any other value is refused."""
    marks = {}
    for f in fields:
        values = raw(sent, f.name)
        if values is None:
            continue
        if values[0] not in MARKS:
            raise Invalid(values)
        if values[0]:
            marks[f.name.removeprefix("mark_")] = values[0]
    return {"marks": marks}


def move_fields(ids: dict[str, int]) -> tuple[F, ...]:
    return (F("direction", kind="choice", choices=("up", "down"), required=True),)


def expect_move(fields: tuple[F, ...], sent: MultiDict, prev: Any, world: World) -> dict[str, Any]:
    if raw(sent, "direction") is None or raw(sent, "direction")[0] not in ("up", "down"):  # type: ignore[index]
        raise Invalid(raw(sent, "direction"))
    return {}


def moved_opinions(world: World, sent: MultiDict, before: Snapshot, after: Snapshot) -> set[tuple[str, int]]:
    """The opinion moved one column (kept within the ends), all renumbered 1..n, nothing else."""
    table, sheet = "secondop_compare_opinion", world.ids["maria_worksheet"]
    rows = {i: r for i, r in before[table].items() if r["worksheet_id"] == sheet}
    order = sorted(rows, key=lambda i: (rows[i]["position"], i))
    index = order.index(world.ids["maria_opinion"])
    step = -1 if sent.getlist("direction")[0] == "up" else 1
    order.insert(min(max(index + step, 0), len(order) - 1), order.pop(index))
    for position, rid in enumerate(order, start=1):
        old, new = before[table][rid], after[table][rid]
        assert new["position"] == position, (rid, new["position"], position)
        assert {c for c in new if new[c] != old[c]} <= {"position", "updated_at"}, (old, new)
    return {(table, rid) for rid in order}


def received_fields(ids: dict[str, int]) -> tuple[F, ...]:
    return (F("received_on", kind="date", required=True),)


def expect_received(fields: tuple[F, ...], sent: MultiDict, prev: Any, world: World) -> dict[str, Any]:
    values = raw(sent, "received_on")
    if not values or not values[0]:  # InputRequired
        raise Invalid(values)
    day = stored(fields[0], values, prev)
    if day is None:  # " " passes InputRequired but is no date
        raise Invalid(values)
    return {"received_on": day}


CASES = [
    Case("packet_new", lambda i: f"{PACKET}/new", "secondop_packet", new_packet_fields,
         version_of="new", also_adds=("secondop_packet_item", "secondop_packet_event", "secondop_packet_slide"),
         expect=expect_new_packet),
    Case("packet_edit", lambda i: f"{PACKET}/{i['maria_packet']}/edit", "secondop_packet", packet_fields,
         target="maria_packet", version_of=("secondop_packet", "maria_packet")),
    Case("item", lambda i: f"{PACKET}/{i['maria_packet']}/items/{i['maria_item']}", "secondop_packet_item",
         item_fields, target="maria_item", version_of=("secondop_packet_item", "maria_item"), fix=fix_item),
    Case("request_new", lambda i: f"{PACKET}/{i['maria_packet']}/requests/new", "secondop_packet_facility",
         facility_fields, parent=("packet_id", "maria_packet"), version_of="new"),
    Case("request_edit", lambda i: f"{PACKET}/{i['maria_packet']}/requests/{i['maria_facility']}",
         "secondop_packet_facility", facility_fields, target="maria_facility",
         version_of=("secondop_packet_facility", "maria_facility")),
    Case("slide", lambda i: f"{PACKET}/{i['maria_packet']}/slides", "secondop_packet_slide", slide_fields,
         parent=("packet_id", "maria_packet")),
    Case("event_add", lambda i: f"{PACKET}/{i['maria_packet']}/timeline", "secondop_packet_event", event_fields,
         parent=("packet_id", "maria_packet"), version_of="new", expect=expect_event, fix=fix_event),
    Case("event_edit", lambda i: f"{PACKET}/{i['maria_packet']}/timeline/{i['maria_event']}",
         "secondop_packet_event", event_fields, target="maria_event",
         version_of=("secondop_packet_event", "maria_event"), expect=expect_event, fix=fix_event),
    Case("worksheet_new", lambda i: f"{COMPARE}/new", "secondop_compare_worksheet", worksheet_fields),
    Case("worksheet_edit", lambda i: f"{COMPARE}/{i['maria_worksheet']}/edit", "secondop_compare_worksheet",
         worksheet_fields, target="maria_worksheet", version_of=("secondop_compare_worksheet", "maria_worksheet")),
    Case("opinion_new", lambda i: f"{COMPARE}/{i['maria_worksheet']}/opinions/new", "secondop_compare_opinion",
         opinion_fields, parent=("worksheet_id", "maria_worksheet"),
         version_of=("secondop_compare_worksheet", "maria_worksheet"),
         bumps=("secondop_compare_worksheet", "maria_worksheet"), fix=fix_opinion, multipart=True),
    Case("opinion_edit", lambda i: f"{COMPARE}/{i['maria_worksheet']}/opinions/{i['maria_opinion']}/edit",
         "secondop_compare_opinion", opinion_fields, target="maria_opinion",
         version_of=("secondop_compare_worksheet", "maria_worksheet"),
         bumps=("secondop_compare_worksheet", "maria_worksheet"), fix=fix_opinion, multipart=True),
    Case("marks", lambda i: f"{COMPARE}/{i['maria_worksheet']}/side-by-side", "secondop_compare_worksheet",
         marks_fields, target="maria_worksheet", version_of=("secondop_compare_worksheet", "maria_worksheet"),
         expect=expect_marks, derived=("marks_basis",)),
    Case("opinion_move", lambda i: f"{COMPARE}/{i['maria_worksheet']}/opinions/{i['maria_opinion']}/move",
         "secondop_compare_worksheet", move_fields, target="maria_worksheet",
         version_of=("secondop_compare_worksheet", "maria_worksheet"), expect=expect_move, others=moved_opinions),
    Case("request_received", lambda i: f"{PACKET}/{i['maria_packet']}/requests/{i['maria_facility']}/received",
         "secondop_packet_facility", received_fields, target="maria_facility", expect=expect_received,
         redirect_refuses=True),
]


# -- submissions ------------------------------------------------------------

@dataclass(frozen=True)
class Submission:
    well_formed: bool
    pairs: tuple[tuple[str, Any], ...]
    multipart: bool


def foreign_values(ids: dict[str, int]) -> list[str]:
    """Values an attacker would inject: the other patient, other records' ids."""
    return ["p-lee", MARIA, "", "0", "-1", str(2**31), "2001-01-01", '{"a": "agree"}'] + [
        str(v) for k, v in ids.items() if k.startswith("lee_") or k == "maria_source"
    ]


@st.composite
def submissions(draw: Any, case: Case, fields: tuple[F, ...], foreign: list[str]) -> Submission:
    well_formed = draw(st.booleans())
    values = {f.name: draw(clean_value(f) if well_formed else hostile_value(f)) for f in fields}
    if well_formed:
        values = case.fix(values, draw)
    pairs: list[tuple[str, Any]] = [(name, v) for name, vs in values.items() if vs is not None for v in vs]
    if case.version_of is not None:
        version = [CURRENT] if well_formed else draw(st.sampled_from(VERSIONS))
        pairs += [("version", v) for v in version or []]
    names = [n for n in INJECTED if n not in values]
    pairs += draw(st.lists(st.tuples(st.sampled_from(names), st.one_of(st.sampled_from(foreign), texts(20))),
                           max_size=4))
    if draw(st.booleans()):
        pairs = draw(st.permutations(pairs))
    multipart = case.multipart if well_formed else draw(st.booleans())
    return Submission(well_formed, tuple(pairs), multipart)


def resolve(case: Case, pairs: tuple[tuple[str, Any], ...], before: Snapshot, ids: dict[str, int]) -> MultiDict:
    if isinstance(case.version_of, tuple):
        table, key = case.version_of
        current = before[table][ids[key]]["version"]
    else:
        current = 0
    tokens = {CURRENT: str(current), STALE: str(current - 1), SPACED: f" {current} "}
    return MultiDict([(name, tokens[v] if isinstance(v, Token) else v) for name, v in pairs])


# -- the properties ---------------------------------------------------------

UNTOUCHED_ON_EDIT = {"updated_at", "version"}


def assert_saved(case: Case, world: World, fields: tuple[F, ...], sent: MultiDict,
                 before: Snapshot, after: Snapshot) -> None:
    ids, diff = world.ids, changes(before, after)
    allowed_changed = set()
    if case.bumps:
        table, key = case.bumps
        bumped_before, bumped_after = before[table][ids[key]], after[table][ids[key]]
        assert bumped_after["version"] == bumped_before["version"] + 1
        assert {c for c in bumped_after if bumped_after[c] != bumped_before[c]} <= UNTOUCHED_ON_EDIT
        allowed_changed.add((table, ids[key]))
    if case.target is not None:
        rid = ids[case.target]
        old, new = before[case.table][rid], after[case.table][rid]
        try:
            expected = case.expect(fields, sent, old, world)
        except Invalid as exc:
            raise AssertionError(f"saved a value the forms cannot read: {exc!r}") from exc
        for column, value in expected.items():
            assert new[column] == value, (column, new[column], value)
        for column in new.keys() - expected.keys() - UNTOUCHED_ON_EDIT - set(case.derived):
            assert new[column] == old[column], f"{column} changed: {old[column]!r} -> {new[column]!r}"
        if "version" in new:
            assert new["version"] == old["version"] + 1
        allowed_changed.add((case.table, rid))
        added: dict[str, set[int]] = {}
    else:
        added = {name: d["added"] for name, d in diff.items() if d["added"]}
        assert set(added) <= {case.table, *case.also_adds}, added
        assert len(added.get(case.table, ())) == 1, added
        (rid,) = added[case.table]
        new = after[case.table][rid]
        try:
            expected = case.expect(fields, sent, None, world)
        except Invalid as exc:
            raise AssertionError(f"saved a value the forms cannot read: {exc!r}") from exc
        for column, value in expected.items():
            assert new[column] == value, (column, new[column], value)
        assert new["patient_id"] == MARIA
        assert new["created_at"].date() >= date.today() - timedelta(days=1)  # not an injected date
        if "version" in new:
            assert new["version"] == 1
        if case.parent:
            column, key = case.parent
            assert new[column] == ids[key]
        for table in case.also_adds:  # a new packet's children belong to it and to Maria
            for child in added.get(table, ()):
                assert after[table][child]["packet_id"] == rid
                assert after[table][child]["patient_id"] == MARIA
    if case.others is not None:
        allowed_changed |= case.others(world, sent, before, after)
    for name, d in diff.items():
        assert not d["removed"], (name, d)
        assert {(name, i) for i in d["changed"]} <= allowed_changed, (name, d)


def assert_unchanged(before: Snapshot, after: Snapshot, status: int) -> None:
    diff = changes(before, after)
    assert diff == {}, f"HTTP {status} changed the database: {diff}"


def run_case(case: Case, tmp_path: Path, examples: int) -> Counter[str]:
    world = build_world(tmp_path)
    baseline = world.baseline = snapshot(world.app)
    fields = case.fields(world.ids)
    tally: Counter[str] = Counter()

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(submission=submissions(case, fields, foreign_values(world.ids)))
    # An empty post is refused by every form: each run refuses at least once,
    # however the derandomized draws fall.
    @example(submission=Submission(False, (), False))
    def check(submission: Submission) -> None:
        before = snapshot(world.app)
        sent = resolve(case, submission.pairs, before, world.ids)
        with no_typed_text_logged(sent.items(multi=True)):
            response = world.client.post(
                case.url(world.ids), data=sent,
                content_type="multipart/form-data" if submission.multipart else None,
            )
        status = response.status_code
        assert status < 500, f"HTTP {status}"
        after = snapshot(world.app)
        saved = status == 302 and not (case.redirect_refuses and before == after)
        if saved:
            assert_saved(case, world, fields, sent, before, after)
        else:
            assert 400 <= status < 500 or status in (200, 302), status
            assert_unchanged(before, after, status)
        if submission.well_formed:
            assert saved, f"a well-formed submission was refused: HTTP {status}"
        tally["saved" if saved else f"refused_{status}"] += 1
        if any(len(after[t]) != len(baseline[t]) for t in baseline):
            drop_rows_not_in(world.app, baseline)

    check()
    return tally


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_form_fuzz(case: Case, tmp_path: Path) -> None:
    tally = run_case(case, tmp_path, EXAMPLES_PER_FORM)
    print(f"{case.name}: {dict(tally)}")
    # The run is useful only if it both saved and refused.
    assert tally["saved"] > 0 and sum(v for k, v in tally.items() if k != "saved") > 0, tally


# -- delete confirmations ---------------------------------------------------


@dataclass(frozen=True)
class DeleteCase:
    name: str
    endpoint: str
    #: The URL from ids; "maria_*" keys are swapped to aim elsewhere.
    url: Callable[[dict[str, int]], str]
    table: str
    target: str
    #: The column that ties children to the target (they go with it), if any.
    children_by: str | None = None
    #: Compare forms carry the worksheet's version; a removed opinion bumps it.
    versioned: bool = False
    bumps_worksheet: bool = False


DELETES = [
    DeleteCase("packet_delete", "packet_delete", lambda i: f"{PACKET}/{i['maria_packet']}/delete",
               "secondop_packet", "maria_packet", children_by="packet_id"),
    DeleteCase("document_delete", "packet_document_delete",
               lambda i: f"{PACKET}/{i['maria_packet']}/documents/{i['maria_document']}/delete",
               "secondop_packet_document", "maria_document"),
    DeleteCase("slide_delete", "packet_slide_delete",
               lambda i: f"{PACKET}/{i['maria_packet']}/slides/{i['maria_slide']}/delete",
               "secondop_packet_slide", "maria_slide"),
    DeleteCase("event_delete", "packet_event_delete",
               lambda i: f"{PACKET}/{i['maria_packet']}/timeline/{i['maria_event']}/delete",
               "secondop_packet_event", "maria_event"),
    DeleteCase("request_delete", "packet_request_delete",
               lambda i: f"{PACKET}/{i['maria_packet']}/requests/{i['maria_facility']}/delete",
               "secondop_packet_facility", "maria_facility"),
    DeleteCase("worksheet_delete", "compare_delete", lambda i: f"{COMPARE}/{i['maria_worksheet']}/delete",
               "secondop_compare_worksheet", "maria_worksheet", children_by="worksheet_id", versioned=True),
    DeleteCase("opinion_remove", "compare_opinion_remove",
               lambda i: f"{COMPARE}/{i['maria_worksheet']}/opinions/{i['maria_opinion']}/remove",
               "secondop_compare_opinion", "maria_opinion", versioned=True, bumps_worksheet=True),
]

#: Where a hostile submission aims: Maria's own record, Lee's (every id), Lee's
#: record under Maria's parent, or an id no row has. Only "own" may delete.
AIMS = ("own", "lee", "lee_child", "missing")


def aimed_ids(case: DeleteCase, ids: dict[str, int], aim: str) -> dict[str, int]:
    if aim == "lee":
        return {**ids, **{k: ids["lee" + k.removeprefix("maria")] for k in ids if k.startswith("maria_")
                          and "lee" + k.removeprefix("maria") in ids}}
    if aim == "lee_child":
        return {**ids, case.target: ids["lee" + case.target.removeprefix("maria")]}
    if aim == "missing":
        return {**ids, case.target: 2**31 - 1}
    return ids


@st.composite
def delete_submissions(draw: Any, case: DeleteCase, foreign: list[str]) -> tuple[str, Submission]:
    well_formed = draw(st.booleans())
    aim = "own" if well_formed else draw(st.sampled_from(AIMS))
    pairs: list[tuple[str, Any]] = []
    if case.versioned:
        pairs += [("version", v) for v in ([CURRENT] if well_formed else draw(st.sampled_from(VERSIONS))) or []]
    # Names a confirmation must ignore, carrying other records' ids and any text.
    names = [*INJECTED, "csrf_token", "submit", "confirm"]
    pairs += draw(st.lists(st.tuples(st.sampled_from(names), st.one_of(st.sampled_from(foreign), texts(20))),
                           max_size=4))
    if draw(st.booleans()):
        pairs = draw(st.permutations(pairs))
    return aim, Submission(well_formed, tuple(pairs), draw(st.booleans()))


def expected_removed(case: DeleteCase, ids: dict[str, int], before: Snapshot) -> set[tuple[str, int]]:
    """The target and, as documented, its children (a packet's rows, a worksheet's opinions)."""
    rid = ids[case.target]
    out = {(case.table, rid)}
    if case.children_by:
        out |= {(name, i) for name, rows in before.items() for i, row in rows.items()
                if row.get(case.children_by) == rid and name != case.table}
    return out


def assert_deleted(case: DeleteCase, world: World, before: Snapshot, after: Snapshot) -> None:
    diff = changes(before, after)
    removed = {(name, i) for name, d in diff.items() for i in d["removed"]}
    assert removed == expected_removed(case, world.ids, before), diff
    assert not any(d["added"] for d in diff.values()), diff
    changed = {(name, i) for name, d in diff.items() for i in d["changed"]}
    if case.bumps_worksheet:
        sheet = world.ids["maria_worksheet"]
        old, new = before["secondop_compare_worksheet"][sheet], after["secondop_compare_worksheet"][sheet]
        assert new["version"] == old["version"] + 1
        assert {c for c in new if new[c] != old[c]} <= UNTOUCHED_ON_EDIT
        changed.discard(("secondop_compare_worksheet", sheet))
    assert not changed, diff
    # Bytes go with their document rows; every other document keeps its file.
    store = world.app.extensions["secondop"].files
    for rid, row in before["secondop_packet_document"].items():
        gone = ("secondop_packet_document", rid) in removed
        assert store.exists(row["storage_key"]) is not gone, (rid, gone)


def run_delete(case: DeleteCase, tmp_path: Path, examples: int) -> Counter[str]:
    world = build_world(tmp_path)
    baseline = world.baseline = snapshot(world.app)
    files = stored_files(world.app, baseline)
    tally: Counter[str] = Counter()

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(drawn=delete_submissions(case, foreign_values(world.ids)))
    def check(drawn: tuple[str, Submission]) -> None:
        aim, submission = drawn
        before = snapshot(world.app)
        version = before["secondop_compare_worksheet"][world.ids["maria_worksheet"]]["version"]
        tokens = {CURRENT: str(version), STALE: str(version - 1), SPACED: f" {version} "}
        sent = MultiDict([(n, tokens[v] if isinstance(v, Token) else v) for n, v in submission.pairs])
        with no_typed_text_logged(sent.items(multi=True)):
            response = world.client.post(case.url(aimed_ids(case, world.ids, aim)), data=sent,
                                         content_type="multipart/form-data" if submission.multipart else None)
        status = response.status_code
        assert status < 500, f"HTTP {status}"
        after = snapshot(world.app)
        deleted = status == 302 and after != before
        if deleted:
            assert aim == "own", f"deleted through another patient's or a missing id ({aim})"
            assert_deleted(case, world, before, after)
            restore(world.app, baseline, files)
        else:
            assert 400 <= status < 500 or status in (200, 302), status
            assert_unchanged(before, after, status)
        if submission.well_formed:
            assert deleted, f"a well-formed confirmation was refused: HTTP {status}"
        tally["deleted" if deleted else f"refused_{status}"] += 1

    check()
    return tally


@pytest.mark.parametrize("case", DELETES, ids=[c.name for c in DELETES])
def test_delete_fuzz(case: DeleteCase, tmp_path: Path) -> None:
    tally = run_delete(case, tmp_path, EXAMPLES_PER_FORM)
    print(f"{case.name}: {dict(tally)}")
    assert tally["deleted"] > 0 and sum(v for k, v in tally.items() if k != "deleted") > 0, tally


# -- Learn forms: they store nothing ----------------------------------------

LEARN = {
    "learn_selfcheck": ("/second-opinion/learn/self-check", SelfCheckForm),
    "learn_letter": ("/second-opinion/learn/records-letter", RecordsLetterForm),
}
#: A complete submission, sent with half the examples so the result pages
#: (the letter, its PDF, the self-check advice) are reached too.
LEARN_FILLED = {
    "learn_selfcheck": [("situations", LEARN_CHOICES[0][0]), ("urgent", "y")],
    "learn_letter": [("patient_name", "Maria Lopez"), ("date_of_birth", "1970-01-02"), ("facility", "City lab"),
                     ("items", ITEMS[0][0]), ("send_to", "me"), ("address", "1 Main St")],
}


def form_field_names(form_class: type) -> list[str]:
    return sorted(name for name, value in vars(form_class).items() if isinstance(value, UnboundField))


@st.composite
def learn_submissions(draw: Any, names: list[str], choices: list[str],
                      filled: list[tuple[str, str]]) -> Submission:
    """Any of the form's fields (with its choices or any text), repeated or
    left out, an ``action`` (show, edit, pdf or junk) and injected names."""
    value = st.one_of(st.sampled_from(choices), hostile_scalar(F("x")))
    pairs = draw(st.lists(st.tuples(st.sampled_from([*names, *INJECTED]), value), max_size=12))
    if draw(st.booleans()):
        pairs = filled + pairs
    if draw(st.booleans()):
        pairs.append(("action", draw(st.sampled_from(["show", "edit", "show", "edit", "pdf", "", "\x00", "x"]))))
    if draw(st.booleans()):
        pairs = draw(st.permutations(pairs))
    return Submission(False, tuple(pairs), draw(st.booleans()))


@pytest.mark.parametrize("endpoint", sorted(LEARN))
def test_learn_form_fuzz(endpoint: str, tmp_path: Path) -> None:
    """0 5xx, and not one row written anywhere (a letter's values never reach the database):
    every ``secondop_`` table stays empty."""
    url, form_class = LEARN[endpoint]
    world = World(make_app(tmp_path), None)  # type: ignore[arg-type]
    world.client = world.app.test_client()
    world.login(MARIA)
    baseline = snapshot(world.app)
    assert not any(baseline.values())
    choices = [key for group in (LEARN_CHOICES, ITEMS, FORMATS, SEND_TO) for key, _ in group]
    tally: Counter[str] = Counter()

    @settings(max_examples=EXAMPLES_PER_FORM, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(submission=learn_submissions(form_field_names(form_class), choices, LEARN_FILLED[endpoint]))
    def check(submission: Submission) -> None:
        with no_typed_text_logged(submission.pairs):
            response = world.client.post(url, data=MultiDict(submission.pairs),
                                         content_type="multipart/form-data" if submission.multipart else None)
        assert response.status_code < 500, f"HTTP {response.status_code}"
        assert_unchanged(baseline, snapshot(world.app), response.status_code)
        form_again = b"secondop-form" in response.data
        shown = "pdf" if response.mimetype == "application/pdf" else "form" if form_again else "page"
        tally[f"{response.status_code}_{shown}"] += 1

    check()
    print(f"{endpoint}: {dict(tally)}")


#: The total is split over every fuzzed form (read when a test runs, so it may come after them).
FORMS = len(CASES) + len(DELETES) + len(LEARN)
EXAMPLES_PER_FORM = max(10, -(-TOTAL_EXAMPLES // FORMS))  # at least the total asked for, over all forms


# -- every POST endpoint is fuzzed or excluded on purpose --------------------

#: POST endpoints this module does not fuzz, and where they are covered instead.
NOT_FUZZED = {
    # Multipart file uploads: tests/security/test_hostile_uploads.py (one table of hostile files).
    "secondop.packet_upload",
    # Picks which patient a caregiver acts for; stores only a session value:
    # tests/security/test_authorization_matrix.py and tests/test_blueprint*.py.
    "secondop.choose_patient",
    # Making a share answers its page once (200, not a redirect) and stores hashes:
    # tests/share/test_patient_fuzz.py fuzzes that form; revoke and delete are
    # CSRF-only buttons (tests/share/test_patient_manage.py, the authorization matrix).
    "secondop.packet_share_create",
    "secondop.packet_share_revoke",
    "secondop.packet_share_delete",
    # The receiving team's access-code form (stores no field, only counts wrong tries):
    # tests/share/test_team_code_fuzz.py (Hypothesis) and tests/security/test_share_matrix.py.
    "secondop.shared_entry",
}


def fuzzed_endpoints(app: Flask) -> set[str]:
    """The endpoints the fuzz posts to, read from the URL map (not a hand-kept list)."""
    urls = [c.url for c in CASES] + [c.url for c in DELETES]
    ids: defaultdict[str, int] = defaultdict(lambda: 1)
    adapter = app.url_map.bind("localhost")
    found = {adapter.match(url(ids), method="POST")[0] for url in urls}
    return found | {adapter.match(url, method="POST")[0] for url, _ in LEARN.values()}


def test_every_post_endpoint_is_fuzzed_or_excluded(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if "POST" in (rule.methods or ()) and rule.endpoint.startswith("secondop.")}
    fuzzed = fuzzed_endpoints(app)
    assert {f"secondop.{c.endpoint}" for c in DELETES} | {f"secondop.{e}" for e in LEARN} <= fuzzed
    assert len(fuzzed) == len(CASES) + len(DELETES) + len(LEARN), "two cases post to one endpoint"
    assert not fuzzed & NOT_FUZZED
    assert posts - fuzzed - NOT_FUZZED == set(), "a POST endpoint is neither fuzzed nor excluded here"
    assert NOT_FUZZED <= posts, "an exclusion names an endpoint that no longer exists"


# -- regressions: the holes this fuzzing found (each was an HTTP 500) ------


@pytest.fixture
def world(tmp_path: Path) -> World:
    return build_world(tmp_path)


def post_unchanged(world: World, url: str, data: Any, status: int) -> None:
    before = snapshot(world.app)
    assert world.client.post(url, data=data).status_code == status
    assert_unchanged(before, snapshot(world.app), status)


@pytest.mark.parametrize("month", [" ", "0", "13", "abc", "\u0663"])
@pytest.mark.parametrize("day", ["", "5"])
def test_timeline_month_that_is_not_a_month_is_refused(world: World, month: str, day: str) -> None:
    """Was a 500: Optional() let " " past the choice check and validate_day
    called int()/calendar.monthrange() on any month text."""
    packet, event = world.ids["maria_packet"], world.ids["maria_event"]
    data = {"year": "2024", "month": month, "day": day, "kind": "test", "title": "Scan", "version": "0"}
    post_unchanged(world, f"{PACKET}/{packet}/timeline", data, 400)
    version = snapshot(world.app)["secondop_packet_event"][event]["version"]
    post_unchanged(world, f"{PACKET}/{packet}/timeline/{event}", {**data, "version": str(version)}, 400)


def test_copy_from_that_only_looks_blank_is_refused(world: World) -> None:
    """Was a 500 (StopIteration): Optional() accepted " " as the packet to copy from."""
    post_unchanged(world, f"{PACKET}/new", {"center_name": "X", "version": "0", "copy_from": " "}, 400)


def test_nul_characters_are_dropped_not_a_500(world: World) -> None:
    """Was a 500 on PostgreSQL (text cannot hold NUL): every text field drops it."""
    client, ids = world.client, world.ids
    response = client.post(f"{PACKET}/new", data={"center_name": "\x00City\x00 Center ", "version": "0"})
    assert response.status_code == 302
    packet = int(response.location.rsplit("/", 1)[-1])
    assert snapshot(world.app)["secondop_packet"][packet]["center_name"] == "City Center"
    response = client.post(f"{COMPARE}/new", data={"title": "Sur\x00gery", "notes": "\x00"})
    assert response.status_code == 302
    rows = snapshot(world.app)["secondop_compare_worksheet"]
    assert {(r["title"], r["notes"]) for r in rows.values()} >= {("Surgery", "")}
    sheet = ids["maria_worksheet"]
    version = rows[sheet]["version"]
    response = client.post(f"{COMPARE}/{sheet}/opinions/{ids['maria_opinion']}/edit",
                           data={"doctor": "Dr\x00 Ortiz", "plan": "Rest\x00", "version": str(version)})
    assert response.status_code == 302
    opinion = snapshot(world.app)["secondop_compare_opinion"][ids["maria_opinion"]]
    assert (opinion["doctor"], opinion["plan"]) == ("Dr Ortiz", "Rest")


def test_repeated_request_checkbox_is_kept_once(world: World) -> None:
    """Was a 500 on PostgreSQL: 60 copies of one checkbox overflowed the column."""
    packet = world.ids["maria_packet"]
    data = MultiDict([("name", "Lab"), ("version", "0")] + [("requested_items", "pathology_reports")] * 60
                     + [("requested_items", "clinic_notes")])
    response = world.client.post(f"{PACKET}/{packet}/requests/new", data=data)
    assert response.status_code == 302
    rows = snapshot(world.app)["secondop_packet_facility"]
    newest = rows[max(rows)]
    assert newest["requested_items"] == "pathology_reports clinic_notes"


@pytest.mark.parametrize("version", [str(2**31), str(-(2**31) - 1), str(10**30)])
def test_version_out_of_integer_range_is_stale(world: World, version: str) -> None:
    """Was a 500 (SQLite OverflowError, PostgreSQL integer out of range): now
    a version no row can have is stale like any other (409), nothing saved."""
    ids = world.ids
    post_unchanged(world, f"{PACKET}/{ids['maria_packet']}/edit", {"center_name": "Y", "version": version}, 409)
    post_unchanged(world, f"{COMPARE}/{ids['maria_worksheet']}/edit", {"title": "Y", "version": version}, 409)
    post_unchanged(world, f"{COMPARE}/{ids['maria_worksheet']}/opinions/new",
                   {"doctor": "Dr Y", "version": version}, 409)


@pytest.mark.parametrize("object_id", [2**31, 10**30])
def test_id_out_of_integer_range_is_not_found(world: World, object_id: int) -> None:
    """Was a 500 for the same reason: an id no row can have is a 404."""
    for url in (f"{PACKET}/{object_id}", f"{COMPARE}/{object_id}",
                f"{PACKET}/{world.ids['maria_packet']}/timeline/{object_id}"):
        assert world.client.get(url).status_code == 404, url


# -- issue 13: bytes no browser sends --------------------------------------

#: A lone surrogate as UTF-8 would carry it (CESU/WTF-8), an overlong NUL,
#: a stray continuation byte, a truncated sequence, invalid percent escapes.
RAW_VALUES = [b"%ED%A0%80", b"%ED%BF%BF%ED%A0%80", b"%C0%80", b"%80", b"%E6%97", b"%FF%FE", b"%zz", b"%"]


@pytest.mark.parametrize("raw", RAW_VALUES)
def test_raw_bodies_with_invalid_utf8_or_encoded_surrogates_are_not_a_500(world: World, raw: bytes) -> None:
    """Every fuzzed form, every field (and the version) holding bytes that are
    not UTF-8: no 5xx, and whatever is stored holds no surrogate."""
    targets = [(case.url(world.ids), case.fields(world.ids)) for case in CASES]
    targets += [(url, [F(name) for name in form_field_names(form)]) for url, form in LEARN.values()]
    for url, fields in targets:
        body = b"&".join(f.name.encode() + b"=" + raw + b"x" + raw for f in fields) + b"&version=" + raw
        response = world.client.post(url, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (url, response.status_code)
    for table in snapshot(world.app).values():
        for row in table.values():
            for value in row.values():
                assert not (isinstance(value, str) and any("\ud800" <= c <= "\udfff" for c in value)), value
