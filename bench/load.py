"""Load test: many people use the example portal at the same time.

    python3 bench/load.py                            # 50 users for 60 s, prints a report
    python3 bench/load.py --write-docs               # ... and updates docs/benchmarks.md
    python3 bench/load.py --users 10 --seconds 8     # quick run (tests/bench runs this)

The server is the product path: the example portal (``example_host.create_app()``,
CSRF on, Flask-SQLAlchemy on SQLite, ``LocalFileStore``, data in a temporary
folder) under gunicorn with the ``gthread`` worker on loopback, started and
stopped by ``bench/_server.py``. Before it starts, one patient account per
simulated user is created through the example host's own models, so every user
works on their own records and the patient scoping is exercised under load.

Each simulated user is one thread with its own ``requests.Session`` (cookies,
keep-alive), like one browser tab. It repeats a journey until the time is up:
sign in through the login form (CSRF token from the page), the hub, a Learn
page, create a packet through its form, the packet page, update a checklist
item, upload a small PDF (a scanned page, about 120 KiB) as ``upload.js`` does
(one journey in ten also uploads a 5 MiB DICOM file to the imaging item), add
a timeline event, create a Compare worksheet and edit it, download the summary
PDF and the ZIP export, download the uploaded document, try another patient's
packet and document (must be 404), and sign out. Redirects are followed the
way a browser does, as their own requests. There is no think time: each user
sends the next request as soon as the last one is answered, so 50 users are a
far heavier load than 50 people.

Checked on every response: the expected status (anything else, or an
exception, is an error, printed at the end with its step); pages show the
user's own name or packet; the downloaded document is byte for byte the one
this user uploaded; the PDF starts with ``%PDF``; the ZIP opens and holds a
manifest, the summary and the uploaded file. The server's log is searched for
tracebacks and "database is locked". Any error or log problem makes the exit
status 1.

Measured: the latency of each request from sending it until its whole body
has arrived, per step, as nearest-rank percentiles (p50, p90, p95, p99, max),
and the throughput, over the measured window of ``--seconds``. When the time is
up, each user still finishes the journey it is in (so every step of every
started journey is checked), but those requests are not timed. Baseline in the
same run, with the same number of users and the same client: the portal's own
stylesheet, a static file served by the same gunicorn workers through Flask
(``/static/portal.css``), for ``--baseline-seconds``. Before both, a warm-up
journey per worker loads WeasyPrint, fonts and pydicom (not timed).
"""
from __future__ import annotations

import argparse
import html
import io
import math
import os
import platform
import re
import sys
import tempfile
import threading
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from _server import LOAD_PASSWORD, PortalServer, add_patients
from upload_zip import load_average, make_dicom

PREFIX = "/second-opinion"
MiB = 1024 * 1024
LARGE_SIZE = 5 * MiB
LARGE_EVERY = 10  # one journey in ten also uploads the large file
STATIC = "/static/portal.css"
# gunicorn settings for this 2-core machine (override with --workers/--threads):
# - 3 workers: the work is mostly CPU in Python (Jinja pages, WeasyPrint PDFs,
#   scrypt at sign-in), so one process per core keeps both cores busy despite
#   the GIL; one more covers the time a worker waits on fsync (uploads), disk
#   (ZIP) or the SQLite write lock. More would only add memory (~160 MiB each
#   once WeasyPrint is loaded) and contention.
# - 8 threads each: enough to overlap that waiting; every thread holds a
#   database connection during a request and SQLAlchemy's pool gives 15 per
#   process (5 + 10 overflow), so more than 15 threads would queue on the pool
#   (and fail after its 30 s timeout). Idle keep-alive connections do not hold
#   a thread in gthread, so 50 users need no more.
WORKERS = 3
THREADS = 8

# The steps of a journey, in order (the report's rows).
KINDS = (
    "login page", "sign in", "portal home", "hub", "learn index", "learn page",
    "new packet form", "packet create", "packet page", "checklist item page",
    "checklist update", "upload small PDF", "upload 5 MiB DICOM", "timeline page",
    "timeline add", "new worksheet form", "worksheet create", "worksheet page",
    "worksheet edit form", "worksheet save", "summary PDF", "ZIP export",
    "document download", "another patient's packet (404)",
    "another patient's document (404)", "sign out",
)


# --------------------------------------------------------------------------
# Forms, as a browser would submit them
# --------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def values(self, **overrides: str) -> list[tuple[str, str]]:
        """The default values a browser would send, with ``overrides`` replacing them."""
        kept = [(k, v) for k, v in self.fields if k not in overrides]
        return kept + list(overrides.items())


class FormParser(HTMLParser):
    """Every ``<form>`` of a page with its successful controls' default values
    (hidden and text inputs, checked boxes, selected options, textareas)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", "")))
        elif tag == "option":
            self._option(a)
        elif not self.forms or "name" not in a:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.forms[-1].fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.forms[-1].fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = a["name"], None, False
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            self.forms[-1].fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.forms[-1].fields.append((self._select, self._select_first))
            self._select = None

    def _option(self, a: dict[str, str]) -> None:
        if self._select is None:
            return
        if self._select_first is None:
            self._select_first = a.get("value", "")
        if "selected" in a:
            self._select_chosen = True
            self.forms[-1].fields.append((self._select, a.get("value", "")))


def form_on(page: str, action: str, here: str = "") -> Form:
    """The form on ``page`` that posts to ``action`` (a form without an action
    posts to the page's own path, ``here``)."""
    parser = FormParser()
    parser.feed(page)
    for form in parser.forms:
        if urlsplit(html.unescape(form.action)).path == action or (not form.action and here == action):
            return form
    raise StepFailed(f"no form posting to {action} on the page")


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if match is None:
        raise StepFailed("no CSRF token on the page")
    return html.unescape(match.group(1))


# --------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------


class StepFailed(Exception):
    """An unexpected status, an exception or wrong content: the journey stops."""


@dataclass
class Recorder:
    """Latencies per step inside the measured window, counts and errors of all."""

    window_end: float = math.inf
    timed: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    checked: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)
    journeys: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, finished_at: float) -> None:
        with self.lock:
            self.checked[kind] += 1
            if finished_at <= self.window_end:
                self.timed[kind].append(seconds)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


@dataclass
class Registry:
    """What each user has made, so others can try to reach it (and must fail)."""

    packets: dict[int, int] = field(default_factory=dict)
    documents: dict[int, tuple[int, int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def other(self, me: int, table: dict[int, Any], pick: float) -> Any:
        """Another user's entry of ``table`` (``pick`` in [0, 1) chooses which), or None."""
        with self.lock:
            others = sorted(k for k in table if k != me)
            return table[others[int(pick * len(others))]] if others else None


def small_pdf(user: int) -> bytes:
    """A one-page scanned report (a JPEG page in a PDF, as scanners and phone
    apps make them, about 120 KiB) whose bytes are this user's own (noise)."""
    from PIL import Image

    width, height = 400, 560
    page = Image.frombytes("L", (width, height), os.urandom(width * height))
    out = io.BytesIO()
    page.save(out, "PDF", resolution=72, title=f"Pathology report, load user {user}")
    return out.getvalue()


# --------------------------------------------------------------------------
# One simulated person
# --------------------------------------------------------------------------


class User:
    def __init__(self, number: int, email: str, name: str, base: str, recorder: Recorder,
                 registry: Registry, large: bytes, stop_at: Callable[[], bool]) -> None:
        self.number, self.email, self.name, self.base = number, email, name, base
        self.recorder, self.registry, self.large = recorder, registry, large
        self.stop_at = stop_at
        self.pdf = small_pdf(number)
        self.journey = 0
        self.session = requests.Session()
        self.last = self.last_packet_page = self.last_path = ""

    def step(self, kind: str, method: str, path: str, expect: int, **kwargs: Any) -> requests.Response:
        start = time.perf_counter()
        try:
            response = self.session.request(method, self.base + path, allow_redirects=False,
                                            timeout=300, **kwargs)
        except requests.RequestException as exc:
            raise StepFailed(f"{kind}: {method} {path}: {type(exc).__name__}: {exc}") from exc
        end = time.perf_counter()
        if response.status_code != expect:
            raise StepFailed(f"{kind}: {method} {path}: {response.status_code}, expected {expect}, "
                             f"after {end - start:.1f} s" + _problem(response))
        self.recorder.add(kind, end - start, end)
        return response

    def page(self, kind: str, path: str, *, expect: int = 200) -> str:
        """GET a page; the last one is kept for the steps that read a form or link from it."""
        self.last = self.step(kind, "GET", path, expect).text
        self.last_path = path
        return self.last

    def form_page(self, kind: str, path: str) -> Form:
        """GET a page and return its form that posts back to the same path."""
        self.page(kind, path)
        return self.form(path)

    def form(self, action: str) -> Form:
        """The form of the last page that posts to ``action``."""
        return form_on(self.last, action, here=self.last_path)

    def post(self, kind: str, path: str, data: list[tuple[str, str]], *, expect: int = 302) -> str:
        """POST a form; return where the redirect points (a path)."""
        response = self.step(kind, "POST", path, expect, data=data)
        return urlsplit(response.headers.get("Location", "")).path

    def run(self) -> None:
        """Journeys until the time is up; an error ends the journey, and the
        next one starts in a new browser session."""
        while not self.stop_at():
            try:
                self.one_journey()
                with self.recorder.lock:
                    self.recorder.journeys += 1
            except Exception as exc:  # noqa: BLE001 - every failure is counted and printed
                detail = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
                self.recorder.error(f"user {self.number}, journey {self.journey}: {detail}")
                self.session.close()
                self.session = requests.Session()
            self.journey += 1

    def one_journey(self) -> None:
        self.sign_in()
        hub = self.page("hub", f"{PREFIX}/")
        expect_in(hub, self.name, "the hub does not name the signed-in patient")
        self.learn()
        packet_id = self.new_packet()
        item_paths = re.findall(rf'href="({PREFIX}/packet/{packet_id}/items/\d+)"', self.last)
        if len(item_paths) < 2:
            raise StepFailed("packet page: no checklist items")
        self.update_item(packet_id, item_paths[0])
        doc_id = self.upload(item_paths[0], "upload small PDF", "report.pdf", self.pdf,
                             "application/pdf")
        if (self.journey + self.number) % LARGE_EVERY == 1:  # staggered: user 1 starts with one
            imaging = re.search(rf'href="({PREFIX}/packet/{packet_id}/items/\d+)">Imaging files',
                                self.last_packet_page)
            if imaging is None:
                raise StepFailed("packet page: no imaging-files item")
            self.upload(imaging.group(1), "upload 5 MiB DICOM", "scan.dcm", self.large,
                        "application/dicom")
        self.timeline(packet_id)
        self.worksheet()
        self.exports(packet_id, doc_id)
        self.foreign()
        with self.registry.lock:
            self.registry.packets[self.number] = packet_id
            self.registry.documents[self.number] = (packet_id, doc_id)
        self.sign_out()

    # -- the steps -----------------------------------------------------------
    def sign_in(self) -> None:
        self.page("login page", "/login")
        form = self.form("/login")
        target = self.post("sign in", "/login", form.values(email=self.email, password=LOAD_PASSWORD))
        self.page("portal home", target or "/")

    def learn(self) -> None:
        index = self.page("learn index", f"{PREFIX}/learn/")
        links = sorted(set(re.findall(rf'href="({PREFIX}/learn/[^"#?]+)"', index)))
        if not links:
            raise StepFailed("learn index: no links")
        self.page("learn page", links[(self.journey * 7 + self.number) % len(links)])

    def new_packet(self) -> int:
        path = f"{PREFIX}/packet/new"
        form = self.form_page("new packet form", path)
        target = self.post("packet create", path, form.values(
            center_name=f"City Cancer Center {self.number:03d}-{self.journey}",
            consult_questions="Is surgery the best first step?\nWould a clinical trial be an option?",
            proposed_plan="Surgery, then chemotherapy", plan_goal="To remove the cancer"))
        packet_id = int(target.rsplit("/", 1)[-1])
        self.packet_page(packet_id)
        return packet_id

    def packet_page(self, packet_id: int) -> None:
        self.last_packet_page = self.page("packet page", f"{PREFIX}/packet/{packet_id}")
        expect_in(self.last, f"City Cancer Center {self.number:03d}-{self.journey}",
                  "the packet page does not show this user's packet")

    def update_item(self, packet_id: int, item_path: str) -> None:
        form = self.form_page("checklist item page", item_path)
        today = date.today().isoformat()
        self.post("checklist update", item_path, form.values(
            status="received", requested_on=today, received_on=today,
            notes="Picked up at the front desk; the nurse said the slides come separately."))
        self.packet_page(packet_id)

    def upload(self, item_path: str, kind: str, name: str, data: bytes, mimetype: str) -> int:
        """POST one file as upload.js does; return the new document's id."""
        before = set(re.findall(r"/documents/(\d+)/download", self.page("checklist item page", item_path)))
        token = csrf_of(self.last)
        response = self.step(kind, "POST", f"{item_path}/upload", 204,
                             files={"file": (name, data, mimetype)},
                             headers={"X-CSRFToken": token, "X-Requested-With": "XMLHttpRequest"})
        after_page = self.page("checklist item page", response.headers["X-Secondop-Location"])
        new = set(re.findall(r"/documents/(\d+)/download", after_page)) - before
        if len(new) != 1:
            raise StepFailed(f"{kind}: expected one new document on the item page, found {len(new)}")
        return int(new.pop())

    def timeline(self, packet_id: int) -> None:
        path = f"{PREFIX}/packet/{packet_id}/timeline"
        form = self.form_page("timeline page", path)
        self.post("timeline add", path, form.values(
            year="2025", month=str(1 + self.journey % 12), day="14", kind="test",
            title="CT scan of the chest", details="Contrast; results sent to Dr. Rivera."))
        expect_in(self.page("timeline page", path), "CT scan of the chest", "the new event is missing")

    def worksheet(self) -> None:
        path = f"{PREFIX}/compare/new"
        form = self.form_page("new worksheet form", path)
        target = self.post("worksheet create", path, form.values(
            title=f"Treatment choice {self.number:03d}-{self.journey}",
            notes="Surgery first or chemotherapy first? Decide by the end of the month."))
        self.page("worksheet page", target)
        edit = f"{target}/edit"
        form = self.form_page("worksheet edit form", edit)
        title = f"Treatment choice {self.number:03d}-{self.journey}, spring"
        back = self.post("worksheet save", edit, form.values(title=title))
        expect_in(self.page("worksheet page", back), html.escape(title), "the saved title is missing")

    def exports(self, packet_id: int, doc_id: int) -> None:
        base = f"{PREFIX}/packet/{packet_id}"
        pdf = self.step("summary PDF", "GET", f"{base}/export/summary.pdf", 200).content
        if not pdf.startswith(b"%PDF"):
            raise StepFailed("summary PDF: not a PDF")
        body = self.step("ZIP export", "GET", f"{base}/export/packet.zip", 200).content
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                names = archive.namelist()
                ours = [n for n in names if n.endswith("report.pdf")]
                if "manifest.json" not in names or not any(n.endswith(".pdf") for n in names):
                    raise StepFailed(f"ZIP export: missing manifest or summary in {names}")
                if len(ours) != 1 or archive.read(ours[0]) != self.pdf:
                    raise StepFailed("ZIP export: the uploaded report is missing or differs")
        except zipfile.BadZipFile as exc:
            raise StepFailed(f"ZIP export: {exc}") from exc
        got = self.step("document download", "GET", f"{base}/documents/{doc_id}/download", 200).content
        if got != self.pdf:
            raise StepFailed("document download: not the file this user uploaded")

    def foreign(self) -> None:
        """Another patient's packet and document: 404, as if they did not exist."""
        packet = self.registry.other(self.number, self.registry.packets, (self.journey * 0.37) % 1)
        if packet is not None:
            self.page("another patient's packet (404)", f"{PREFIX}/packet/{packet}", expect=404)
        document = self.registry.other(self.number, self.registry.documents, (self.journey * 0.61) % 1)
        if document is not None:
            self.page("another patient's document (404)",
                      f"{PREFIX}/packet/{document[0]}/documents/{document[1]}/download", expect=404)

    def sign_out(self) -> None:
        self.page("hub", f"{PREFIX}/")
        form = self.form("/logout")
        target = self.post("sign out", "/logout", form.values())
        self.page("portal home", target or "/")


def expect_in(page: str, needle: str, message: str) -> None:
    if needle not in page:
        raise StepFailed(message)


def _problem(response: requests.Response) -> str:
    """A short, data-free hint for the error list (the page's title or first heading)."""
    match = re.search(r"<title>(.*?)</title>", response.text[:5000], re.DOTALL | re.IGNORECASE)
    return f" ({' '.join(match.group(1).split())[:120]})" if match else ""


# --------------------------------------------------------------------------
# Running the users
# --------------------------------------------------------------------------


def run_phase(users: list[Any], seconds: float, recorder: Recorder) -> float:
    """Run every user's ``run`` in its own thread; the measured window ends
    after ``seconds``. Returns the whole phase's wall time."""
    start = time.perf_counter()
    recorder.window_end = start + seconds
    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        for future in [pool.submit(user.run) for user in users]:
            future.result()
    return time.perf_counter() - start


class StaticUser:
    """The baseline: the same client fetching the portal's stylesheet."""

    def __init__(self, base: str, recorder: Recorder, stop_at: Callable[[], bool]) -> None:
        self.base, self.recorder, self.stop_at = base, recorder, stop_at

    def run(self) -> None:
        with requests.Session() as session:
            while not self.stop_at():
                start = time.perf_counter()
                try:
                    response = session.get(self.base + STATIC, timeout=300)
                except requests.RequestException as exc:
                    self.recorder.error(f"static file: {type(exc).__name__}: {exc}")
                    continue
                end = time.perf_counter()
                if response.status_code != 200 or not response.content:
                    self.recorder.error(f"static file: {response.status_code}")
                    continue
                self.recorder.add("static file (baseline)", end - start, end)


def deadline(seconds: float) -> Callable[[], bool]:
    end = time.perf_counter() + seconds
    return lambda: time.perf_counter() >= end


@dataclass
class Outcome:
    journeys: Recorder
    static: Recorder
    warmup: Recorder
    seconds: float
    journey_wall: float
    static_seconds: float
    server: str
    users: int
    pdf_size: int
    workers: int
    threads: int
    load: list[str]
    log_problems: dict[str, int]


def server_log_problems(log: Path) -> dict[str, int]:
    """Tracebacks and "database is locked" in the server's log, by last line.
    The first traceback of each kind is printed to stderr, for the developer."""
    problems: dict[str, int] = defaultdict(int)
    lines = log.read_text(errors="replace").splitlines()
    for n, line in enumerate(lines):
        if line.startswith("Traceback"):
            end = n + 1
            while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
                end += 1
            last = lines[end].strip()[:200] if end < len(lines) else "Traceback"
            if last not in problems:
                print("\n".join(["server log:", *lines[max(0, n - 3):end + 1][-60:]]), file=sys.stderr)
            problems[last] += 1
        elif "database is locked" in line and not line.startswith((" ", "\t")):
            problems["database is locked (log line)"] += 1
        elif "[CRITICAL] WORKER TIMEOUT" in line or "[ERROR]" in line:
            problems[line.split("] ", 3)[-1][:200]] += 1
    return dict(problems)


def measure(work: Path, users: int, seconds: float, baseline_seconds: float,
            workers: int, threads: int) -> Outcome:
    load = [load_average()]
    print(f"creating {users} patient accounts ...", flush=True)
    emails = add_patients(work, users)
    large = work / "scan.dcm"
    make_dicom(large, LARGE_SIZE)
    large_bytes = large.read_bytes()
    server = PortalServer(work, workers=workers, threads=threads)
    print(f"server: {server.kind} at {server.url}", flush=True)
    registry = Registry()

    def people(recorder: Recorder, count: int, stop_at: Callable[[], bool]) -> list[User]:
        return [User(n, emails[n - 1], f"Load Patient {n:03d}", server.url, recorder, registry,
                     large_bytes, stop_at) for n in range(1, count + 1)]

    try:
        warmup = Recorder()
        print(f"warm-up: {min(workers, users)} journeys ...", flush=True)
        warm_people = people(warmup, min(workers, users), lambda: False)
        with ThreadPoolExecutor(max_workers=len(warm_people)) as pool:
            list(pool.map(_one_warm_journey, warm_people))
        static = Recorder()
        print(f"baseline: {users} users fetch {STATIC} for {baseline_seconds:g} s ...", flush=True)
        stop = deadline(baseline_seconds)
        run_phase([StaticUser(server.url, static, stop) for _ in range(users)], baseline_seconds, static)
        journeys = Recorder()
        print(f"load: {users} users for {seconds:g} s ...", flush=True)
        stop = deadline(seconds)
        loaders = people(journeys, users, stop)
        pdf_size = round(sum(len(user.pdf) for user in loaders) / len(loaders))  # the PDFs sent
        wall = run_phase(loaders, seconds, journeys)
    finally:
        server.stop()
    load.append(load_average())
    return Outcome(journeys, static, warmup, seconds, wall, baseline_seconds, server.kind, users,
                   pdf_size, workers, threads, load, server_log_problems(server.log_path))


def _one_warm_journey(user: User) -> None:
    try:
        user.one_journey()
    except Exception as exc:  # noqa: BLE001 - every failure is counted and printed
        user.recorder.error(f"warm-up, user {user.number}: {type(exc).__name__}: {exc}")


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def row(kind: str, values: list[float], seconds: float, base_p50: float | None) -> str:
    if not values:
        return f"| {kind} | 0 | – | – | – | – | – | – | – |"
    ordered = sorted(values)
    ms = [percentile(ordered, p) * 1000 for p in (50, 90, 95, 99)] + [ordered[-1] * 1000]
    ratio = f"{ms[0] / base_p50:.0f}×" if base_p50 else "1"
    cells = " | ".join(f"{v:,.0f}" if v >= 10 else f"{v:.1f}" for v in ms)
    return f"| {kind} | {len(values):,} | {len(values) / seconds:.1f} | {cells} | {ratio} |"


def report(o: Outcome, command: str) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = (f"{platform.system()} {platform.release()}, {os.cpu_count()} CPU cores, "
               f"Python {platform.python_version()}")
    static = sorted(o.static.timed["static file (baseline)"])
    base_p50 = percentile(static, 50) * 1000 if static else None
    all_timed = [v for kind in KINDS for v in o.journeys.timed.get(kind, [])]
    errors = o.warmup.errors + o.static.errors + o.journeys.errors
    missing = [k for k in KINDS if not o.journeys.checked.get(k)]
    after = sum(o.journeys.checked.values()) - len(all_timed)
    gunicorn = o.server.startswith("gunicorn")
    sizing = f"{o.workers} workers of {o.threads} threads" if gunicorn else "one threaded process"
    lines = [
        f"Command: `{command}` ({when}; {machine}).",
        f"Load average (1/5/15 min) at the start and end: {o.load[0]} and {o.load[-1]}; above the",
        "number of cores, other work shared the machine: read the times as rough, the ratios as better.",
        f"Server: the example portal under {o.server}, on loopback; SQLite (write-ahead log),",
        f"files on local disk. Why {sizing} on {os.cpu_count()} cores: see",
        "`WORKERS` and `THREADS` in `bench/load.py` (the work is mostly Python on the CPU; one process per",
        "core plus one for the time a worker waits on fsync, disk or the SQLite write lock; at most 15",
        "threads per process, SQLAlchemy's pool).",
        f"Client: {o.users} simulated users, one thread and one `requests.Session` each, in one",
        "process on the same machine (it shares the cores with the server), no think time.",
        "Each user has its own patient account and repeats the journey described in `bench/load.py`",
        f"(small PDF: a scanned page of {o.pdf_size / 1024:.0f} KiB; one journey in {LARGE_EVERY} also uploads",
        f"a {LARGE_SIZE / MiB:g} MiB DICOM file).",
        "",
        f"Measured window: {o.seconds:g} s; {o.journeys.journeys:,} journeys finished in the whole run",
        f"(each user finishes its journey after the window: {after:,} more requests, checked, not timed;",
        f"the phase took {o.journey_wall:.0f} s). Throughput: {len(all_timed):,} requests in the window,",
        f"{len(all_timed) / o.seconds:.1f} requests/s; baseline {len(static):,} static requests in",
        f"{o.static_seconds:g} s, {len(static) / o.static_seconds:.1f} requests/s.",
        "",
        "Sign-in is the portal's password check (Werkzeug's scrypt, deliberately slow); the PDF and",
        "ZIP exports render the summary with WeasyPrint, the heaviest work of the journey.",
        "",
        "Latency per request in ms (nearest-rank percentiles; whole body received);",
        "the last column is the step's p50 over the static file's p50.",
        "",
        "| step | requests | per s | p50 | p90 | p95 | p99 | max | p50 ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [row(kind, o.journeys.timed.get(kind, []), o.seconds, base_p50) for kind in KINDS]
    lines.append(row("**all journey requests**", all_timed, o.seconds, base_p50))
    lines.append(row("static file (baseline, same users, own phase)", static, o.static_seconds, None))
    lines.append("")
    lines.append(f"Errors: {len(errors)}:" if errors else "Errors: 0.")
    lines += [f"- {e}" for e in errors[:50]]
    if len(errors) > 50:
        lines.append(f"- ... and {len(errors) - 50} more")
    if o.log_problems:
        lines.append("Server log problems: " + "; ".join(f"{k} ({v}×)" for k, v in o.log_problems.items()))
    else:
        lines.append("Server log: no tracebacks, no \"database is locked\".")
    lines.append("Every step ran at least once: "
                 + ("yes." if not missing else "no, missing: " + ", ".join(missing) + "."))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--seconds", type=float, default=60, help="measured window (default 60)")
    parser.add_argument("--baseline-seconds", type=float, default=10,
                        help="the static-file baseline's window (default 10)")
    parser.add_argument("--workers", type=int, default=WORKERS, help=f"gunicorn workers ({WORKERS})")
    parser.add_argument("--threads", type=int, default=THREADS,
                        help=f"threads per gunicorn worker ({THREADS})")
    parser.add_argument("--write-docs", action="store_true",
                        help="write the results into docs/benchmarks.md")
    args = parser.parse_args(argv)
    command = (f"python3 bench/load.py --users {args.users} --seconds {args.seconds:g} "
               f"--workers {args.workers} --threads {args.threads}")
    with tempfile.TemporaryDirectory(prefix="secondop-load-") as tmp:
        outcome = measure(Path(tmp), args.users, args.seconds, args.baseline_seconds,
                          args.workers, args.threads)
    text = report(outcome, command)
    print("\n## Load\n\n" + text)
    if args.write_docs:
        from _packet_data import write_docs

        write_docs("load", "Load", text)
        print("docs/benchmarks.md updated")
    errors = outcome.warmup.errors + outcome.static.errors + outcome.journeys.errors
    if errors or outcome.log_problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
