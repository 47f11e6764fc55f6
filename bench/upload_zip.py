"""Benchmark: streaming upload and streaming ZIP export through a real HTTP server.

    python3 bench/upload_zip.py                      # 1 GiB, 3 runs, prints a report
    python3 bench/upload_zip.py --write-docs         # ... and updates docs/benchmarks.md
    python3 bench/upload_zip.py --size 32M --runs 1  # quick run for CI

(a) Upload: a DICOM file of ``--size`` bytes is POSTed as multipart/form-data
to a Flask app (``bench/_server.py``) that calls ``receive_upload`` with the
LocalFileStore, served by Werkzeug's threaded server in a subprocess.
Baseline in the same run: ``cp`` of the same file (and ``cp`` + fsync, since
the store fsyncs before its atomic rename).

(b) ZIP export: 16 files totalling ``--size`` bytes are streamed by
``stream_zip`` (stored, sized, SHA-256 checked while streaming) from the same
server; the client writes the download to disk. Baseline: ``zip -0`` of the
same files to disk.

Memory: the server's peak RSS growth during each request, from the kernel's
high-water mark (``VmHWM``, reset before each request through
``/proc/PID/clear_refs``) minus the RSS before it; if the reset is not
allowed, from sampling ``VmRSS`` every 10 ms. Times are wall-clock medians.
One small upload warms the server up first (imports). Every file lives in a
temporary folder that is removed at the end.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import json
import os
import platform
import re
import shutil
import socket
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 1024 * 1024
MiB = 1024 * 1024
TARGET_RSS_GROWTH = 64 * MiB


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


def make_export_files(folder: Path, total: int, count: int = 16) -> list[dict[str, object]]:
    folder.mkdir()
    entries = []
    for i in range(count):
        size = total // count + (total % count if i == count - 1 else 0)
        path = folder / f"file{i:02d}.bin"
        with path.open("wb") as fh:
            write_random(fh, size)
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        entries.append({"arcname": f"Imaging/scan {i:02d}.bin", "path": str(path),
                        "size": size, "sha256": digest.hexdigest()})
    return entries


# --------------------------------------------------------------------------
# Server process and its memory
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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


class Server:
    def __init__(self, workdir: Path, export_list: Path) -> None:
        self.port = free_port()
        self.log = (workdir / "server.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "_server.py"), "--store", str(workdir / "store"),
             "--export-list", str(export_list), "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.request("GET", "/ping")
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise SystemExit("the benchmark server did not start") from None
                time.sleep(0.1)

    def request(self, method: str, path: str, body: object = None,
                headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request(method, path, body=body, headers=headers or {})  # type: ignore[arg-type]
        return conn.getresponse()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


# --------------------------------------------------------------------------
# The measured operations
# --------------------------------------------------------------------------


def multipart_body(path: Path, boundary: str) -> tuple[Iterator[bytes], int]:
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nbench\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"scan.dcm\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = path.stat().st_size

    def chunks() -> Iterator[bytes]:
        yield head
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
        yield tail

    return chunks(), len(head) + size + len(tail)


def timed_upload(server: Server, path: Path, peaks: list[int] | None = None) -> tuple[float, int]:
    boundary = "secondopbench" + os.urandom(8).hex()
    body, length = multipart_body(path, boundary)
    with PeakMemory(server.process.pid) as memory:
        start = time.perf_counter()
        response = server.request("POST", "/upload", body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length)})
        payload = json.loads(response.read())
        elapsed = time.perf_counter() - start
    if peaks is not None:
        peaks.append(memory.peak)
    if response.status != 200 or payload["files"][0]["size"] != path.stat().st_size:
        raise SystemExit(f"upload failed: {response.status} {payload}")
    return elapsed, memory.growth


def timed_zip_download(server: Server, target: Path, check: bool,
                       peaks: list[int]) -> tuple[float, int, int]:
    with PeakMemory(server.process.pid) as memory:
        start = time.perf_counter()
        response = server.request("GET", "/zip")
        length = int(response.headers["Content-Length"])
        received = 0
        with target.open("wb") as fh:
            while chunk := response.read(CHUNK):
                fh.write(chunk)
                received += len(chunk)
        elapsed = time.perf_counter() - start
    peaks.append(memory.peak)
    if response.status != 200 or received != length:
        raise SystemExit(f"ZIP download failed: {response.status}, {received} of {length}")
    if check:
        with zipfile.ZipFile(target) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            first = manifest[0]
            digest = hashlib.sha256(archive.read(first["arcname"])).hexdigest()
            if digest != first["sha256"]:
                raise SystemExit("ZIP content differs from the manifest")
    target.unlink()
    return elapsed, memory.growth, length


def timed_child(args: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS of a child process (from wait4's rusage)."""
    start = time.perf_counter()
    process = subprocess.Popen(args)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{args[0]} failed with {process.returncode}")
    return elapsed, usage.ru_maxrss * 1024


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
    zip0_rss: list[int] = field(default_factory=list)
    zip_length: int = 0
    startup_rss: int = 0
    upload_peaks: list[int] = field(default_factory=list)
    zip_peaks: list[int] = field(default_factory=list)
    memory_method: str = ""


def med(values: list[float] | list[int]) -> float:
    return float(statistics.median(values))


def human(size: int) -> str:
    return f"{size / (1024 * MiB):g} GiB" if size >= 1024 * MiB else f"{size / MiB:g} MiB"


def report(r: Results, size: int, runs: int, zip_tool: str) -> tuple[str, str]:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = (f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs, "
               f"Python {platform.python_version()}")
    size_arg = human(size).replace(" ", "").replace("iB", "")
    command = f"python3 bench/upload_zip.py --size {size_arg} --runs {runs} --write-docs"
    up_t, cp_t, cp_f = med(r.upload_s), med(r.cp_s), med(r.cp_fsync_s)
    zip_t, zip0_t = med(r.zip_s), med(r.zip0_s)
    up_mem = f"{med(r.upload_rss) / MiB:.1f} MiB (max {max(r.upload_rss) / MiB:.1f})"
    zip_mem = f"{med(r.zip_rss) / MiB:.1f} MiB server (max {max(r.zip_rss) / MiB:.1f})"
    start, up_peak, zip_peak = (r.startup_rss / MiB, max(r.upload_peaks) / MiB,
                                max(r.zip_peaks) / MiB)
    upload_ok = "met" if max(r.upload_rss) < TARGET_RSS_GROWTH else "NOT met"
    zip_ok = "met" if max(r.zip_rss) < TARGET_RSS_GROWTH else "NOT met"
    upload = f"""Command: `{command}` ({when}; {machine}).
A {human(size)} DICOM file POSTed as multipart/form-data to a Flask app calling
`receive_upload` with `LocalFileStore` (Werkzeug threaded server in a subprocess;
the store writes a temp file, fsyncs and renames; pydicom confirms the type).
Server memory: {r.memory_method}, growth over the RSS just before each request
(after one small warm-up upload). Over the whole benchmark, the server's RSS went from
{start:.1f} MiB after start-up to at most {up_peak:.1f} MiB during an upload
(+{up_peak - start:.1f} MiB, warm-up imports of pydicom/pypdf/Pillow included).
Median of {runs} runs.

| | time (s) | ratio | server peak RSS growth |
|---|---:|---:|---:|
| upload through HTTP | {up_t:.2f} | {up_t / cp_t:.2f}× cp | {up_mem} |
| `cp` (baseline) | {cp_t:.2f} | 1.00 | – |
| `cp` + fsync | {cp_f:.2f} | {cp_f / cp_t:.2f}× cp | – |

Target: under 64 MiB RSS growth — {upload_ok}.
"""
    zipped = f"""Same command and server. 16 files totalling {human(size)} streamed by
`stream_zip` (zipstream-ng, stored, Content-Length known: {r.zip_length:,} bytes, SHA-256
of every file checked while streaming) plus a `manifest.json`; the client writes the
download to disk. Baseline: `{zip_tool}` of the same files to disk. Server RSS at most
{zip_peak:.1f} MiB during a download ({start:.1f} MiB after start-up).
Median of {runs} runs.

| | time (s) | ratio | peak RSS growth |
|---|---:|---:|---:|
| ZIP download through HTTP | {zip_t:.2f} | {zip_t / zip0_t:.2f}× zip -0 | {zip_mem} |
| `zip -0` (baseline) | {zip0_t:.2f} | 1.00 | {med(r.zip0_rss) / MiB:.1f} MiB (whole process) |

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

    results = Results()
    with tempfile.TemporaryDirectory(prefix="secondop-bench-") as tmp:
        work = Path(tmp)
        print(f"preparing {human(args.size)} of test files in {work} ...", flush=True)
        upload_file = work / "scan.dcm"
        make_dicom(upload_file, args.size)
        entries = make_export_files(work / "export", args.size)
        export_list = work / "export.json"
        export_list.write_text(json.dumps(entries))
        server = Server(work, export_list)
        results.startup_rss = proc_kib(server.process.pid, "VmRSS") * 1024
        try:
            # Warm-up: the first upload imports pydicom in the server; that is a
            # once-per-process cost, not a per-upload one.
            warm = work / "warm.dcm"
            make_dicom(warm, MiB)
            timed_upload(server, warm)
            for run in range(args.runs):
                elapsed, growth = timed_upload(server, upload_file, results.upload_peaks)
                results.upload_s.append(elapsed)
                results.upload_rss.append(growth)
                copy = work / "copy.dcm"
                elapsed, _ = timed_child(["cp", str(upload_file), str(copy)])
                results.cp_s.append(elapsed)
                copy.unlink()
                results.cp_fsync_s.append(timed_cp_fsync(upload_file, copy))
                copy.unlink()

                elapsed, growth, length = timed_zip_download(server, work / "download.zip",
                                                             check=run == 0,
                                                             peaks=results.zip_peaks)
                results.zip_s.append(elapsed)
                results.zip_rss.append(growth)
                results.zip_length = length
                target = work / "baseline.zip"
                elapsed, rss = timed_child([zip_tool, "-0", "-q", "-j", str(target),
                                            *(str(e["path"]) for e in entries)])
                results.zip0_s.append(elapsed)
                results.zip0_rss.append(rss)
                target.unlink()
                print(f"run {run + 1}: upload {results.upload_s[-1]:.2f}s "
                      f"(+{results.upload_rss[-1] / MiB:.1f} MiB), cp {results.cp_s[-1]:.2f}s, "
                      f"zip {results.zip_s[-1]:.2f}s (+{results.zip_rss[-1] / MiB:.1f} MiB), "
                      f"zip -0 {results.zip0_s[-1]:.2f}s", flush=True)
            probe = PeakMemory(server.process.pid)
            with probe:
                pass
            results.memory_method = probe.method
        finally:
            server.stop()
            leftovers = [p for p in (work / "store").rglob("*") if p.is_file()]
            if leftovers:
                print(f"warning: {len(leftovers)} files left in the store", file=sys.stderr)
    upload, zipped = report(results, args.size, args.runs, "zip -0")
    print("\n## Upload\n\n" + upload + "\n## ZIP export\n\n" + zipped)
    if args.write_docs:
        write_docs(upload, zipped)
        print("docs/benchmarks.md updated")
    if max(results.upload_rss) >= TARGET_RSS_GROWTH or max(results.zip_rss) >= TARGET_RSS_GROWTH:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
