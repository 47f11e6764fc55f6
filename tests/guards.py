"""Whole-suite guards: audit completeness and no patient data in logs.

Installed by ``tests/conftest.py`` for every test of the suite:

* **Audit** (HIPAA 164.312(b), ASTM E2147). Every request any Flask app
  handles is watched through Flask's signals. A request to a patient view
  (one wrapped in :func:`oncokind_secondop.access.patient_view`, which marks
  the view function) or to a receiving team's page (marked by
  :func:`oncokind_secondop.share.views.team_access.share_view`) must send
  exactly one audit event; Learn, static and host
  pages none; the hub and the patient chooser at most one. Every event must
  carry a known action and outcome, a timezone-aware UTC time, the actor and
  the patient acted for (only an anonymous denied attempt has neither), the
  same actor and patient as the request's acting context (so a caregiver's
  event says ``on_behalf``), and only short ids: no field holds text with
  spaces, so no document content and no names. ``recipient`` (the center or
  facility a packet is sent to) is the one label, only on exports and
  prints (and on every event of a receiving team, actor ``share:<id>``:
  all it sees is disclosed to it), and a safe one (issue 13): one line of at most ``LABEL_MAX``
  characters, trimmed, with no control, line-separator, bidi-override,
  surrogate or unassigned character (:func:`label_problem`).
* **Logs** (ASVS 16.2.5). Every log record (root logger at DEBUG, all
  libraries) is kept while a test runs; message, arguments and exception text
  must not contain the fake host's names, emails or dates of birth, a
  session cookie or CSRF token seen in that test, or any string a test
  registers with :func:`register_patient_secret` (or the ``patient_secrets``
  fixture).

A violation fails the test that caused it, naming the endpoint. A test may opt
out with ``@pytest.mark.audit_unchecked("why")`` or
``@pytest.mark.logs_unchecked("why")``: only tests that break things on purpose.
"""
from __future__ import annotations

import logging
import re
import threading
import traceback
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, get_args

import pytest
from flask import (
    Flask,
    Response,
    g,
    has_request_context,
    request,
    request_finished,
    request_started,
    request_tearing_down,
    session,
    url_for,
)

from oncokind_secondop.signals import Action, AuditEvent, Outcome, audit_event

from .fake_host import default_directory

ACTIONS = frozenset(get_args(Action))
OUTCOMES = frozenset(get_args(Outcome))
#: Actor, patient and object ids: short tokens, never text with spaces.
SHORT_ID = re.compile(r"[\w.@:+-]{1,64}")
CATEGORY = re.compile(r"[a-z][a-z0-9_]{0,39}")
RECIPIENT_ACTIONS = frozenset({"export", "print"})
#: A receiving team's actor id is "share:<share id>" (no portal user).
SHARE_ACTOR = "share:"
#: Non-patient pages of the package that may send one event (the hub names the
#: patient acted for; the chooser records a choice).
AT_MOST_ONE = frozenset({"secondop.hub", "secondop.choose_patient"})
MIN_SECRET = 6  # shorter strings would match by chance
#: The longest label an audit event may carry (a center's name fits).
LABEL_MAX = 100
#: Unicode categories a label may not hold: controls (CR, LF, tab, ESC...),
#: line and paragraph separators, surrogates, private use, unassigned.
LABEL_BAD_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs", "Co", "Cn"})
#: Bidi embeddings, overrides and isolates ("Trojan Source").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _host_people_secrets() -> set[str]:
    """The fake host's names, emails and dates of birth (several spellings)."""
    found: set[str] = set()
    for user in default_directory().users.values():
        found |= {user.name, user.email}
        born = user.date_of_birth
        if born is not None:
            found |= {born.isoformat(), born.strftime("%d/%m/%Y"), born.strftime("%m/%d/%Y"),
                      born.strftime("%B %-d, %Y"), born.strftime("%-d %B %Y")}
    return found


HOST_SECRETS = frozenset(_host_people_secrets())


@dataclass
class _Seen:
    """What one request did: its audit events and its answer."""

    events: list[AuditEvent] = field(default_factory=list)
    status: int | None = None
    location: str = ""


@dataclass
class _TestState:
    problems: list[str] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)
    logs: list[tuple[str, str]] = field(default_factory=list)  # (logger name, text)
    events: list[AuditEvent] = field(default_factory=list)


class Guard:
    """Collects, for the running test, audit problems, secrets and log texts.

    Receivers run in whichever thread handles a request (real threaded
    servers too), hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = _TestState()

    def problem(self, text: str) -> None:
        with self._lock:
            self._state.problems.append(text)

    def add_secrets(self, values: Iterable[str | None]) -> None:
        with self._lock:
            self._state.secrets.update(v for v in values if v and len(v) >= MIN_SECRET)

    def add_log(self, name: str, text: str) -> None:
        with self._lock:
            self._state.logs.append((name, text))

    def add_event(self, event: AuditEvent) -> None:
        with self._lock:
            self._state.events.append(event)

    def take(self) -> _TestState:
        with self._lock:
            state, self._state = self._state, _TestState(secrets=set(self._state.secrets))
            return state

    def reset(self) -> None:
        with self._lock:
            self._state = _TestState()


GUARD = Guard()


def register_patient_secret(*values: str) -> None:
    """Canary API: these strings must appear in no log record (nor audit
    event) for the rest of the running test."""
    for value in values:
        if len(value) < MIN_SECRET:
            raise ValueError(f"a canary needs at least {MIN_SECRET} characters: {value!r}")
    GUARD.add_secrets(values)


class PatientSecrets:
    """The ``patient_secrets`` fixture: ``patient_secrets.add("CANARY-...")``."""

    def add(self, *values: str) -> None:
        register_patient_secret(*values)


# ---------------------------------------------------------------------------
# Audit events
# ---------------------------------------------------------------------------


def event_problems(event: AuditEvent) -> list[str]:
    """Field checks that hold for every audit event, in or out of a request."""
    found: list[str] = []
    if event.action not in ACTIONS:
        found.append(f"unknown action {event.action!r}")
    if event.outcome not in OUTCOMES:
        found.append(f"unknown outcome {event.outcome!r}")
    if not CATEGORY.fullmatch(event.category or ""):
        found.append(f"category is not a short identifier: {event.category!r}")
    offset = event.time.utcoffset() if event.time.tzinfo is not None else None
    if offset != timedelta(0):
        found.append(f"time is not timezone-aware UTC: {event.time!r}")
    anonymous = event.actor_id is None
    if anonymous and (event.outcome != "denied" or event.patient_id is not None):
        found.append("only an anonymous denied attempt may lack the actor")
    unresolved_patient = event.outcome == "denied" or (
        event.category == "patient_choice" and event.outcome != "success")
    if event.patient_id is None and not (anonymous or unresolved_patient):
        found.append("the patient acted for is missing")
    for name in ("actor_id", "patient_id", "object_id", "endpoint"):
        value = getattr(event, name)
        if value is not None and not SHORT_ID.fullmatch(value):
            found.append(f"{name} is not a short id (content or a name?): {value[:80]!r}")
    if event.recipient is not None:
        # A receiving team (actor "share:<id>") is the recipient of all it sees and downloads.
        if event.action not in RECIPIENT_ACTIONS and not (event.actor_id or "").startswith(SHARE_ACTOR):
            found.append(f"recipient on a {event.action!r} event")
        problem = label_problem(event.recipient)
        if problem:
            found.append(f"recipient {problem}")
    return found


def label_problem(label: str) -> str | None:
    """Why ``label`` is not a safe one-line audit label, or None."""
    if len(label) > LABEL_MAX:
        return f"is longer than {LABEL_MAX} characters ({len(label)})"
    bad = [c for c in label if unicodedata.category(c) in LABEL_BAD_CATEGORIES or c in BIDI_CONTROLS]
    if bad:
        return f"holds control, line-break or bidi characters: {sorted(set(map(ascii, bad)))}"
    if label != label.strip():
        return "starts or ends with white space"
    return None


def _view_marker(app: Flask) -> tuple[str, str] | None:
    """A patient view's marker, or a receiving team's page's (share.views.team_access):
    both touch patient data, so both send exactly one event."""
    view = app.view_functions.get(request.endpoint or "")
    marker = getattr(view, "secondop_patient_view", None)
    return marker if marker is not None else getattr(view, "secondop_share_view", None)


def _sent_to_chooser(seen: _Seen) -> bool:
    """A patient view sends a user with several patients and none chosen to the
    chooser before anything is read: no patient, nothing to audit."""
    if seen.status not in (301, 302, 303) or g.get("secondop_acting") is not None:
        return False
    try:
        chooser = url_for("secondop.choose_patient")
    except Exception:  # an app without the package
        return False
    return chooser in seen.location


def request_problems(app: Flask, seen: _Seen) -> list[str]:
    """Count rule for one handled request, and the events' acting context."""
    endpoint = request.endpoint or "<no endpoint>"
    where = f"{request.method} {endpoint} (answered {seen.status})"
    count = len(seen.events)
    found: list[str] = []
    if _view_marker(app) is not None and request.method != "OPTIONS":  # Flask answers OPTIONS itself
        if count != 1 and not (count == 0 and _sent_to_chooser(seen)):
            found.append(f"{where}: a patient view sent {count} audit events, expected exactly 1: "
                         + ", ".join(f"{e.action}/{e.category}/{e.outcome}" for e in seen.events))
    elif endpoint in AT_MOST_ONE:
        if count > 1:
            found.append(f"{where}: sent {count} audit events, expected at most 1")
    elif count:
        found.append(f"{where}: a page without patient data sent {count} audit events, expected 0")
    acting = g.get("secondop_acting")
    for event in seen.events:
        if event.endpoint != request.endpoint:
            found.append(f"{where}: event endpoint {event.endpoint!r} is not the request's")
        if acting is not None and (event.actor_id, event.patient_id) != (acting.actor.id, acting.patient.id):
            found.append(f"{where}: event actor/patient {event.actor_id}/{event.patient_id} is not "
                         f"the acting {acting.actor.id}/{acting.patient.id} (on_behalf lost)")
    return found


def _on_audit_event(sender: Any, event: AuditEvent, **_: Any) -> None:
    GUARD.add_event(event)
    for text in event_problems(event):
        where = event.endpoint or "outside a request"
        GUARD.problem(f"audit event at {where} ({event.action}/{event.category}/{event.outcome}): {text}")
    seen = g.get("_guard_seen") if has_request_context() else None
    if seen is not None:
        seen.events.append(event)


def _on_request_started(sender: Flask, **_: Any) -> None:
    g._guard_seen = _Seen()
    GUARD.add_secrets(request.cookies.values())


def _on_request_finished(sender: Flask, response: Response, **_: Any) -> None:
    seen = g.get("_guard_seen")
    if seen is not None:
        seen.status = response.status_code
        seen.location = response.headers.get("Location", "")
    for header in response.headers.getlist("Set-Cookie"):
        GUARD.add_secrets([header.split(";", 1)[0].partition("=")[2]])


def _on_request_tearing_down(sender: Flask, **_: Any) -> None:
    # Streamed responses end here, after their last byte: every event is in.
    GUARD.add_secrets([g.get("csrf_token"), session.get("csrf_token")])  # Flask-WTF: signed and raw
    seen = g.pop("_guard_seen", None)
    if seen is None or seen.status is None:
        return  # not dispatched (a bare test_request_context) or the exception reached the test
    for text in request_problems(sender, seen):
        GUARD.problem(text)


# ---------------------------------------------------------------------------
# Logs
# ---------------------------------------------------------------------------


def record_text(record: logging.LogRecord) -> str:
    """Everything a log handler could write: message, arguments, exception."""
    parts: list[str] = []
    try:
        parts.append(record.getMessage())
    except Exception:  # a bad format string: keep the raw pieces
        parts.append(str(record.msg))
    parts.append(repr(record.args))
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(*record.exc_info)))
    if record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


def leaks(logs: Iterable[tuple[str, str]], secrets: Iterable[str]) -> list[str]:
    """Each log record that contains a secret, with the secret masked."""
    secrets = sorted(set(secrets), key=len, reverse=True)
    found: list[str] = []
    for name, text in logs:
        for secret in secrets:
            if secret in text:
                found.append(f"log record of {name!r} contains patient data or a credential "
                             f"({secret[:3]}...): {text.replace(secret, '***')[:300]!r}")
                break
    return found


def event_leaks(events: Iterable[AuditEvent], secrets: Iterable[str]) -> list[str]:
    secrets = set(secrets)
    found: list[str] = []
    for event in events:
        for name, value in event.as_dict().items():
            if isinstance(value, str) and any(s in value for s in secrets):
                found.append(f"audit event at {event.endpoint}: {name} holds patient data or a credential")
    return found


class _Collector(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        GUARD.add_log(record.name, record_text(record))


COLLECTOR = _Collector(level=logging.DEBUG)
# SQL echo (SQLAlchemy's INFO/DEBUG) prints statement parameters and rows by
# design: it is the host's debugging switch (``echo=True``), never on in
# production. Keep it at WARNING so its warnings and errors are still checked.
QUIET = {"sqlalchemy.engine": logging.WARNING, "sqlalchemy.pool": logging.WARNING}


# ---------------------------------------------------------------------------
# Installation and the per-test check
# ---------------------------------------------------------------------------


def install() -> None:
    """Once per session: signals for any app, the root log collector."""
    audit_event.connect(_on_audit_event, weak=False)
    request_started.connect(_on_request_started, weak=False)
    request_finished.connect(_on_request_finished, weak=False)
    request_tearing_down.connect(_on_request_tearing_down, weak=False)
    root = logging.getLogger()
    root.addHandler(COLLECTOR)
    root.setLevel(logging.DEBUG)
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)


def check_phase(item: pytest.Item) -> list[str]:
    """The problems of one test phase (setup, call or teardown), after opt-outs."""
    state = GUARD.take()
    secrets = HOST_SECRETS | state.secrets
    found: list[str] = []
    if item.get_closest_marker("audit_unchecked") is None:
        found += state.problems + event_leaks(state.events, secrets)
    if item.get_closest_marker("logs_unchecked") is None:
        found += leaks(state.logs, secrets)
    return found


def guarded_phase(item: pytest.Item, phase: str) -> Iterator[None]:
    """Body of the ``pytest_runtest_*`` wrappers: fail the test on a violation
    (unless it already failed: its own error comes first)."""
    try:
        result = yield
    except BaseException:
        GUARD.reset() if phase == "teardown" else GUARD.take()
        raise
    found = check_phase(item)
    if phase == "teardown":
        GUARD.reset()  # secrets are per test
    if found:
        shown = "\n  ".join(dict.fromkeys(found))
        pytest.fail(f"whole-suite guard ({phase}), {len(found)} problem(s):\n  {shown}", pytrace=False)
    return result
