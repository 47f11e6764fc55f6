"""Benchmark: upload and ZIP export through the example portal over real HTTP.

    python3 bench/upload_zip.py                      # 1 GiB, 3 runs, prints a report
    python3 bench/upload_zip.py --write-docs         # ... and updates docs/benchmarks.md
    python3 bench/upload_zip.py --size 8M --runs 1   # quick run (tests/bench runs this)

The server is the product path: the example portal (``example_host.create_app()``,
data in a temporary ``EXAMPLE_HOST_DATA``, CSRF on, Flask-SQLAlchemy on SQLite)
served in a subprocess by gunicorn (``-k gthread``, one worker), or by Werkzeug's
threaded server if gunicorn is not installed (the report says which). The client
signs in as Maria (login page, CSRF token, demo password, session cookie) and
creates a packet through its form.

(a) Upload: a DICOM file of ``--size`` bytes is POSTed as multipart/form-data to
the packet's upload route for the imaging-files checklist item, with the CSRF
token in the ``X-CSRFToken`` header as ``upload.js`` sends it; the new document
is then deleted through its own route, so every run starts from the same packet.
Baseline in the same run: ``cp`` of the same file (and ``cp`` + fsync, since the
store fsyncs before its atomic rename).

(b) ZIP export: 16 DICOM files totalling ``--size`` bytes are uploaded through the
same route first (not timed); the packet's ZIP export route is then downloaded
to disk. The first download's ``manifest.json`` is checked: every file in the
ZIP must match its SHA-256 and size. Baseline: ``zip -0`` of the same files.

Memory: the server's (gunicorn: the worker's, not the arbiter's) peak RSS
growth during each request, from the kernel's high-water mark (``VmHWM``, reset
before each request through ``/proc/PID/clear_refs``) minus the RSS before it;
if the reset is not allowed, from sampling ``VmRSS`` every 10 ms. Times are
wall-clock medians. Before measuring, the set-up uploads and one summary PDF
warm the server up (imports, fonts). Every file lives in a temporary folder that
is removed at the end.
"""
from __future__ import annotations

import argparse
import hashlib
import html
import http.client
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from _server import PortalServer

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 1024 * 1024
MiB = 1024 * 1024
TARGET_RSS_GROWTH = 64 * MiB
EXPORT_FILES = 16
PREFIX = "/second-opinion"
MARIA = "maria@example.org"


def parse_size(text: str) -> int:
    match = re.fullmatch(r"(\d+)([KMG]?)i?B?", text.strip(), re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"bad size {text!r} (use e.g. 1G, 256M)")
    factor = {"": 1, "K": 1024, "M": MiB, "G": 1024 * MiB}[match.group(2).upper()]
    return int(match.group(1)) * factor


def write_random(fh: io.BufferedWriter, size: int) -> None:
    # Random bytes: like compressed pixel data, nothing for anyone to shortcut.
    seed = os.urandom(CHUNK)
    written = 0
    while written < size:
        block = seed if written % (16 * CHUNK) else os.urandom(CHUNK)
        part = block[: min(CHUNK, size - written)]
        fh.write(part)
        written += len(part)


def make_dicom(path: Path, size: int) -> None:
    """A valid DICOM file of exactly ``size`` bytes without holding it in memory:
    the header from pydicom, then a PixelData element with random bytes."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = SecondaryCaptureImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = SecondaryCaptureImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "OT"
    header = io.BytesIO()
    ds.save_as(header, enforce_file_format=True)
    head = header.getvalue()
    pixel_length = size - len(head) - 12
    if pixel_length < 0 or pixel_length % 2:
        raise SystemExit("size must be even and at least a few KiB")
    with path.open("wb") as fh:
        fh.write(head)
        fh.write(b"\xe0\x7f\x10\x00OB\x00\x00" + pixel_length.to_bytes(4, "little"))
        write_random(fh, pixel_length)


def make_export_files(folder: Path, total: int, count: int = EXPORT_FILES) -> list[Path]:
    """``count`` DICOM files totalling ``total`` bytes (the upload route takes
    only real medical file types, so random ``.bin`` files would be refused)."""
    folder.mkdir()
    paths = []
    each = (total // count) & ~1
    for i in range(count):
        size = each if i < count - 1 else total - each * (count - 1)
        path = folder / f"scan {i + 1:02d}.dcm"
        make_dicom(path, size)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------
# The server's memory (the server itself: bench/_server.py)
# --------------------------------------------------------------------------


def proc_kib(pid: int, field_name: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field_name}:\s+(\d+) kB", text, re.MULTILINE).group(1))  # type: ignore[union-attr]


class PeakMemory:
    """Peak RSS of ``pid`` while the ``with`` block runs, in bytes."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.method = "VmHWM"
        self.before = 0
        self.peak = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> PeakMemory:
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")  # reset VmHWM to VmRSS
        except OSError:
            self.method = "VmRSS sampled every 10 ms"
        self.before = proc_kib(self.pid, "VmRSS") * 1024
        self.peak = self.before
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, proc_kib(self.pid, "VmRSS") * 1024)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()
        if self.method == "VmHWM":
            self.peak = max(self.peak, proc_kib(self.pid, "VmHWM") * 1024)

    @property
    def growth(self) -> int:
        return self.peak - self.before


# --------------------------------------------------------------------------
# A signed-in browser, as far as this benchmark needs one
# --------------------------------------------------------------------------


def csrf_token(page: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', page)
    value = re.search(r'value="([^"]+)"', tag.group(0)) if tag else None
    if value is None:
        raise SystemExit("no CSRF token on the page")
    return html.unescape(value.group(1))


class Browser:
    """Keeps the session cookie across requests, like a browser would."""

    def __init__(self, server: PortalServer) -> None:
        self.server = server
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: object = None,
                headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.server.request(method, path, body, headers)
        for line in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return response

    def page(self, path: str) -> str:
        response = self.request("GET", path)
        text = response.read().decode()
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status}")
        return text

    def post_form(self, path: str, fields: dict[str, str]) -> http.client.HTTPResponse:
        response = self.request("POST", path, urlencode(fields),
                                {"Content-Type": "application/x-www-form-urlencoded"})
        response.read()
        return response

    def sign_in(self, email: str, password: str) -> None:
        token = csrf_token(self.page("/login"))
        response = self.post_form("/login", {"email": email, "password": password,
                                             "csrf_token": token})
        if response.status != 302:
            raise SystemExit(f"sign-in failed: {response.status}")

    def new_packet(self) -> tuple[int, str]:
        """Create a packet through its form; return its id and the imaging-files item's path."""
        path = f"{PREFIX}/packet/new"
        response = self.post_form(path, {
            "csrf_token": csrf_token(self.page(path)), "version": "0",
            "center_name": "City Cancer Center",
            "consult_questions": "Is surgery the best first step?",
            "proposed_plan": "Surgery, then chemotherapy", "plan_goal": "To remove the cancer",
        })
        if response.status != 302:
            raise SystemExit(f"creating the packet failed: {response.status}")
        packet_path = urlsplit(response.headers["Location"]).path
        packet_id = int(packet_path.rsplit("/", 1)[-1])
        detail = self.page(packet_path)
        item = re.search(rf'<a href="({PREFIX}/packet/{packet_id}/items/\d+)">Imaging files', detail)
        if item is None:
            raise SystemExit("no imaging-files item on the packet page")
        return packet_id, item.group(1)

    def document_ids(self, item_path: str) -> set[int]:
        return {int(n) for n in re.findall(r"/documents/(\d+)/delete", self.page(item_path))}

    def upload(self, item_path: str, path: Path, memory_pid: int | None = None) -> tuple[float, int]:
        """POST one file as upload.js does; return seconds and server RSS growth."""
        token = csrf_token(self.page(item_path))
        boundary = "secondopbench" + os.urandom(8).hex()
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{path.name}\"\r\nContent-Type: application/dicom\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()

        def chunks() -> Iterator[bytes]:
            yield head
            with path.open("rb") as fh:
                while chunk := fh.read(CHUNK):
                    yield chunk
            yield tail

        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}",
                   "Content-Length": str(len(head) + path.stat().st_size + len(tail)),
                   "X-CSRFToken": token, "X-Requested-With": "XMLHttpRequest"}
        with PeakMemory(memory_pid or self.server.pid) as memory:
            start = time.perf_counter()
            response = self.request("POST", f"{item_path}/upload", chunks(), headers)
            body = response.read()
            elapsed = time.perf_counter() - start
        if response.status != 204:
            raise SystemExit(f"upload failed: {response.status} {body[:500]!r}")
        return elapsed, memory.growth

    def delete_document(self, packet_id: int, doc_id: int) -> None:
        path = f"{PREFIX}/packet/{packet_id}/documents/{doc_id}/delete"
        response = self.post_form(path, {"csrf_token": csrf_token(self.page(path))})
        if response.status != 302:
            raise SystemExit(f"deleting document {doc_id} failed: {response.status}")

    def download(self, path: str, target: Path) -> tuple[float, int, int]:
        """GET ``path`` to ``target``; return seconds, server RSS growth and length."""
        with PeakMemory(self.server.pid) as memory:
            start = time.perf_counter()
            response = self.request("GET", path)
            length = int(response.headers.get("Content-Length") or -1)
            received = 0
            with target.open("wb") as fh:
                while chunk := response.read(CHUNK):
                    fh.write(chunk)
                    received += len(chunk)
            elapsed = time.perf_counter() - start
        if response.status != 200 or received != length:
            raise SystemExit(f"download of {path} failed: {response.status}, "
                             f"{received} of {length} bytes")
        return elapsed, memory.growth, length


def check_zip(path: Path, expected_files: int, expected_bytes: int) -> None:
    """Every file named in ``manifest.json`` is in the ZIP with its SHA-256 and size."""
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        files = manifest["files"]
        total = 0
        for entry in files:
            digest = hashlib.sha256()
            with archive.open(entry["path"]) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
                    total += len(chunk)
            if digest.hexdigest() != entry["sha256"]:
                raise SystemExit(f"{entry['path']}: content differs from the manifest")
        if len(files) != expected_files or total != expected_bytes:
            raise SystemExit(f"ZIP holds {len(files)} files, {total} bytes; "
                             f"expected {expected_files}, {expected_bytes}")


def timed_child(args: list[str]) -> tuple[float, int | None]:
    """Wall time and peak RSS of a child process. The RSS comes from GNU
    ``time`` when installed: ``wait4``'s ``ru_maxrss`` would also count this
    Python process, whose memory the child shares until it calls exec."""
    gnu_time = shutil.which("time")
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        command = [gnu_time, "-f", "%M", "-o", rss_file.name, *args] if gnu_time else args
        start = time.perf_counter()
        completed = subprocess.run(command, check=False)
        elapsed = time.perf_counter() - start
        if completed.returncode:
            raise SystemExit(f"{args[0]} failed with {completed.returncode}")
        text = rss_file.read().strip().splitlines()
    return elapsed, int(text[-1]) * 1024 if gnu_time and text else None


def timed_cp_fsync(source: Path, target: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["cp", str(source), str(target)], check=True)
    fd = os.open(target, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    return time.perf_counter() - start


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


@dataclass
class Results:
    upload_s: list[float] = field(default_factory=list)
    upload_rss: list[int] = field(default_factory=list)
    cp_s: list[float] = field(default_factory=list)
    cp_fsync_s: list[float] = field(default_factory=list)
    zip_s: list[float] = field(default_factory=list)
    zip_rss: list[int] = field(default_factory=list)
    zip0_s: list[float] = field(default_factory=list)
    zip0_rss: list[int | None] = field(default_factory=list)
    zip_length: int = 0
    startup_rss: int = 0
    warm_rss: int = 0
    cold_upload_rss: int = 0
    cold_pdf_rss: int = 0
    max_rss: int = 0
    memory_method: str = ""
    server: str = ""
    load: list[str] = field(default_factory=list)


def med(values: list[float] | list[int]) -> float:
    return float(statistics.median(values))


def human(size: int) -> str:
    return f"{size / (1024 * MiB):g} GiB" if size >= 1024 * MiB else f"{size / MiB:g} MiB"


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def report(r: Results, size: int, runs: int) -> tuple[str, str]:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = (f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs, "
               f"Python {platform.python_version()}")
    size_arg = human(size).replace(" ", "").replace("iB", "")
    command = f"python3 bench/upload_zip.py --size {size_arg} --runs {runs} --write-docs"
    up_t, cp_t, cp_f = med(r.upload_s), med(r.cp_s), med(r.cp_fsync_s)
    zip_t, zip0_t = med(r.zip_s), med(r.zip0_s)
    up_mem = f"{med(r.upload_rss) / MiB:.1f} MiB (max {max(r.upload_rss) / MiB:.1f})"
    zip_mem = f"{med(r.zip_rss) / MiB:.1f} MiB server (max {max(r.zip_rss) / MiB:.1f})"
    measured = [x for x in r.zip0_rss if x is not None]
    zip0_mem = f"{med(measured) / MiB:.1f} MiB (whole process)" if measured else "–"
    start, warm, top = r.startup_rss / MiB, r.warm_rss / MiB, r.max_rss / MiB
    upload_ok = "met" if max(r.upload_rss) < TARGET_RSS_GROWTH else "NOT met"
    zip_ok = "met" if max(r.zip_rss) < TARGET_RSS_GROWTH else "NOT met"
    upload = f"""Command: `{command}` ({when}; {machine}).
Load average (1/5/15 min) at the start and end: {r.load[0]} and {r.load[-1]}; the
machine was shared with other work, so times are medians and read as rough.
The real product path: the example portal (`example_host.create_app()`, CSRF on,
Flask-SQLAlchemy on SQLite, `LocalFileStore`) served by {r.server} in a
subprocess. The client signs in as Maria over HTTP (login form, CSRF token, session
cookie), creates a packet through its form, then POSTs a {human(size)} DICOM file as
multipart/form-data to the imaging-files item's upload route with the
`X-CSRFToken` header, as `upload.js` does (the store writes a temp file, fsyncs
and renames; pydicom confirms the type; one `Document` row). After each run the file
is deleted through its own route. Server memory: {r.memory_method} of the
serving process (gunicorn: the worker), growth over its RSS just before each request.
The worker's RSS was {start:.1f} MiB after start-up, {warm:.1f} MiB after the
warm-up (sign-in, set-up uploads, one summary PDF) and at most {top:.1f} MiB during
the measured requests. That warm-up growth is once per process, not per request:
the worker's first upload (a 1/16 share of the export files) grew it by
{r.cold_upload_rss / MiB:.1f} MiB (first use of pydicom and the upload code) and its first
summary PDF by {r.cold_pdf_rss / MiB:.1f} MiB (WeasyPrint, fonts).
Median of {runs} runs.

| | time (s) | ratio | server peak RSS growth |
|---|---:|---:|---:|
| upload through the packet route | {up_t:.2f} | {up_t / cp_t:.2f}× cp | {up_mem} |
| `cp` (baseline) | {cp_t:.2f} | 1.00 | – |
| `cp` + fsync | {cp_f:.2f} | {cp_f / cp_t:.2f}× cp | – |

Target: under 64 MiB RSS growth — {upload_ok}.
"""
    zipped = f"""Same command and server. The packet holds {EXPORT_FILES} DICOM files totalling
{human(size)}, uploaded through the same route before timing. The ZIP export route
(`/second-opinion/packet/<id>/export/packet.zip`) first reads every stored file
once to check its SHA-256, renders the summary PDF, then streams the ZIP
(zipstream-ng, stored, Content-Length known: {r.zip_length:,} bytes) with the
files, `index.html`, `manifest.json` and `summary.pdf`; the client writes the
download to disk. The first download was checked: every file listed in
`manifest.json` is in the ZIP with that SHA-256 and size. Baseline: `zip -0` of
the same files to disk.
Median of {runs} runs.

| | time (s) | ratio | peak RSS growth |
|---|---:|---:|---:|
| ZIP export through the packet route | {zip_t:.2f} | {zip_t / zip0_t:.2f}× zip -0 | {zip_mem} |
| `zip -0` (baseline) | {zip0_t:.2f} | 1.00 | {zip0_mem} |

The route reads each file twice (the SHA-256 check before the first byte, then the
stream, which checks it again), so it does about twice the disk reads of `zip -0`.
Target: under 64 MiB RSS growth — {zip_ok}.
"""
    return upload, zipped


def write_docs(upload: str, zipped: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    for name, title, body in (("upload", "Upload", upload), ("zip", "ZIP export", zipped)):
        block = f"<!-- bench:{name} -->\n{body}<!-- /bench:{name} -->"
        pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.DOTALL)
        if pattern.search(text):
            text = pattern.sub(lambda _m, b=block: b, text)
        else:
            text = text.rstrip("\n") + f"\n\n## {title}\n\n{block}\n"
    path.write_text(text)


def measure(work: Path, size: int, runs: int, zip_tool: str) -> Results:
    results = Results(load=[load_average()])
    print(f"preparing {human(size)} of test files in {work} ...", flush=True)
    upload_file = work / "upload" / "scan.dcm"
    upload_file.parent.mkdir()
    make_dicom(upload_file, size)
    export_files = make_export_files(work / "export", size)
    server = PortalServer(work)
    results.server = server.kind
    print(f"server: {server.kind}, measuring pid {server.pid}", flush=True)
    results.startup_rss = proc_kib(server.pid, "VmRSS") * 1024
    peaks: list[int] = []
    try:
        maria = Browser(server)
        maria.sign_in(MARIA, "demo-password")
        packet_id, item_path = maria.new_packet()
        for n, path in enumerate(export_files):
            _, growth = maria.upload(item_path, path)
            if n == 0:  # the worker's first upload: imports pydicom, first writes
                results.cold_upload_rss = growth
        keep = maria.document_ids(item_path)
        if len(keep) != len(export_files):
            raise SystemExit(f"expected {len(export_files)} documents, found {len(keep)}")
        export = f"{PREFIX}/packet/{packet_id}/export/packet.zip"
        warm = work / "summary.pdf"
        _, results.cold_pdf_rss, _ = maria.download(f"{PREFIX}/packet/{packet_id}/export/summary.pdf", warm)
        warm.unlink()
        results.warm_rss = proc_kib(server.pid, "VmRSS") * 1024
        for run in range(runs):
            with PeakMemory(server.pid) as whole:
                elapsed, growth = maria.upload(item_path, upload_file)
            peaks.append(whole.peak)
            results.upload_s.append(elapsed)
            results.upload_rss.append(growth)
            for doc_id in maria.document_ids(item_path) - keep:
                maria.delete_document(packet_id, doc_id)
            copy = work / "copy.dcm"
            elapsed, _ = timed_child(["cp", str(upload_file), str(copy)])
            results.cp_s.append(elapsed)
            copy.unlink()
            results.cp_fsync_s.append(timed_cp_fsync(upload_file, copy))
            copy.unlink()

            target = work / "download.zip"
            with PeakMemory(server.pid) as whole:
                elapsed, growth, length = maria.download(export, target)
            peaks.append(whole.peak)
            if run == 0:
                check_zip(target, len(export_files), sum(p.stat().st_size for p in export_files))
            target.unlink()
            results.zip_s.append(elapsed)
            results.zip_rss.append(growth)
            results.zip_length = length
            baseline = work / "baseline.zip"
            elapsed, rss = timed_child([zip_tool, "-0", "-q", "-j", str(baseline),
                                        *map(str, export_files)])
            results.zip0_s.append(elapsed)
            results.zip0_rss.append(rss)
            baseline.unlink()
            print(f"run {run + 1}: upload {results.upload_s[-1]:.2f}s "
                  f"(+{results.upload_rss[-1] / MiB:.1f} MiB), cp {results.cp_s[-1]:.2f}s, "
                  f"zip {results.zip_s[-1]:.2f}s (+{results.zip_rss[-1] / MiB:.1f} MiB), "
                  f"zip -0 {results.zip0_s[-1]:.2f}s; load {load_average()}", flush=True)
        probe = PeakMemory(server.pid)
        with probe:
            pass
        results.memory_method = probe.method
        results.max_rss = max(peaks)
    finally:
        server.stop()
    stored = [p for p in (work / "portal" / "files").rglob("*") if p.is_file()]
    if len(stored) != len(export_files):
        print(f"warning: {len(stored)} files in the store, expected {len(export_files)}",
              file=sys.stderr)
    results.load.append(load_average())
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("1G"),
                        help="upload size and ZIP total, e.g. 1G (default), 256M")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true",
                        help="write the results into docs/benchmarks.md")
    args = parser.parse_args(argv)
    zip_tool = shutil.which("zip")
    if zip_tool is None:
        raise SystemExit("`zip` is missing: apt-get install -y zip")

    with tempfile.TemporaryDirectory(prefix="secondop-bench-") as tmp:
        results = measure(Path(tmp), args.size, args.runs, zip_tool)
    upload, zipped = report(results, args.size, args.runs)
    print("\n## Upload\n\n" + upload + "\n## ZIP export\n\n" + zipped)
    if args.write_docs:
        write_docs(upload, zipped)
        print("docs/benchmarks.md updated")
    if max(results.upload_rss) >= TARGET_RSS_GROWTH or max(results.zip_rss) >= TARGET_RSS_GROWTH:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
