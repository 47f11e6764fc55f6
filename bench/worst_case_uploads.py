# ruff: noqa: E501  (the Markdown report lines are long on purpose)
"""Benchmark: the most expensive upload each type check accepts, against SHA-256.

    .venv/bin/python bench/worst_case_uploads.py              # 3 runs, prints a table
    .venv/bin/python bench/worst_case_uploads.py --write-docs # ... and updates docs/benchmarks.md

For each accepted type the file that costs our checks the most per byte at the
default limits (``SECONDOP_*`` defaults, Pillow's ``MAX_IMAGE_PIXELS``) is built
in a temporary folder, then ``validate_stored`` runs on it (what an upload runs
after the bytes are stored) and, in the same run, ``hashlib.sha256`` reads the
same file in 1 MiB chunks (what the store does while receiving). Medians;
the two alternate. ``bench/worst_case.py`` imports :func:`measure`.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import struct
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oncokind_secondop.config import SETTINGS  # noqa: E402
from oncokind_secondop.uploads.checks import ArchiveLimits, validate_stored  # noqa: E402
from oncokind_secondop.uploads.images import MAX_JPEG_SEGMENTS, MAX_PNG_CHUNKS  # noqa: E402


def default_limits() -> ArchiveLimits:
    d = {k: v.default for k, v in SETTINGS.items()}
    return ArchiveLimits(
        max_entries=d["SECONDOP_ZIP_MAX_ENTRIES"], max_total_bytes=d["SECONDOP_ZIP_MAX_TOTAL_BYTES"],
        max_ratio=d["SECONDOP_ZIP_MAX_RATIO"], dicom_max_elements=d["SECONDOP_DICOM_MAX_ELEMENTS"],
        zip_max_dicom_elements=d["SECONDOP_ZIP_MAX_DICOM_ELEMENTS"],
        pdf_max_objects=d["SECONDOP_PDF_MAX_OBJECTS"])


def _pdf(objects: int) -> bytes:
    """A PDF of ``objects`` objects: catalog, page tree, one blank page each."""
    pages = objects - 2
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    kids = b" ".join(b"%d 0 R" % (n + 3) for n in range(pages))
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>",
              b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, kids)]
    bodies += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] * pages
    for number, body in enumerate(bodies, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref))
    return out.getvalue()


def _jpeg(scan_bytes: int) -> bytes:
    """A real JPEG header, the most segments allowed (empty comments), and a
    scan of ``scan_bytes`` made only of stuffed 0xFF bytes."""
    from PIL import Image

    small = io.BytesIO()
    Image.new("RGB", (8, 8)).save(small, "JPEG")
    data = small.getvalue()
    sos = data.index(b"\xff\xda")
    (length,) = struct.unpack(">H", data[sos + 2:sos + 4])
    head = data[:2] + b"\xff\xfe\x00\x02" * (MAX_JPEG_SEGMENTS - 20) + data[2:sos + 2 + length]
    return head + b"\xff\x00" * (scan_bytes // 2) + b"\xff\xd9"


def _png(chunks: int) -> bytes:
    """An 8 x 8 PNG with the most chunks allowed: empty private chunks before IDAT."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    data = out.getvalue()
    idat = data.index(b"IDAT") - 4
    empty = struct.pack(">L4s", 0, b"prIv") + struct.pack(">L", zlib.crc32(b"prIv"))
    return data[:idat] + empty * (chunks - 4) + data[idat:]


def _tiff(pages: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    frames = [Image.new("L", (1, 1)) for _ in range(pages)]
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def _dicom_meta() -> bytes:
    sys.path.insert(0, str(ROOT))
    from tests.uploads import samples

    return samples.dicom_meta()


def _dicom(elements: int) -> bytes:
    """The most elements allowed, each a private LO of 2 bytes (10 bytes each)."""
    meta = _dicom_meta()
    return meta + b"".join(struct.pack("<HH2sH", 0x0009, 0x1000 + i % 0xEFFF, b"LO", 2) + b"%02d" % (i % 100)
                           for i in range(elements - 20))


def _dicom_zip(limits: ArchiveLimits) -> bytes:
    """Entries of dense DICOM (varied values, so deflate stays under the
    ratio) until the archive-wide element budget is used up."""
    meta = _dicom_meta()
    per_entry = 50_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(limits.zip_max_dicom_elements // (per_entry + 10)):
            body = meta + b"".join(struct.pack("<HH2sH", 0x0009, 0x1000 + (i * 7919 + n) % 0xEFFF, b"LO", 4)
                                   + b"%04d" % ((i * 31 + n) % 10_000) for i in range(per_entry))
            archive.writestr(f"DICOM/IM{n:05d}", body)
    return out.getvalue()


CASES: list[tuple[str, str, Callable[[ArchiveLimits], bytes]]] = [
    ("pdf", "PDF at the object limit: catalog, page tree and one blank page per object", lambda lim: _pdf(lim.pdf_max_objects)),
    ("jpeg", f"JPEG with {MAX_JPEG_SEGMENTS:,} segments and a 64 MiB scan of stuffed 0xFF bytes", lambda lim: _jpeg(64 * 1024**2)),
    ("png", f"PNG with {MAX_PNG_CHUNKS:,} chunks (empty private chunks before IDAT)", lambda lim: _png(MAX_PNG_CHUNKS)),
    ("tiff", "TIFF of 2,000 one-pixel pages (each page's header read)", lambda lim: _tiff(2_000)),
    ("dicom", "DICOM at the element limit, 10-byte elements", lambda lim: _dicom(lim.dicom_max_elements)),
    ("dicom-zip", "ZIP of dense DICOM entries at the archive-wide element budget", _dicom_zip),
]


def _photo() -> object:
    """A 2000 x 1500 picture with smooth areas, edges and sensor-like noise."""
    from PIL import Image, ImageFilter

    gray = Image.effect_mandelbrot((2000, 1500), (-2, -1.2, 1, 1.2), 100).convert("L")
    noise = Image.effect_noise((2000, 1500), 40).convert("L")
    return Image.merge("RGB", [gray, gray.filter(ImageFilter.GaussianBlur(3)), noise])


def _saved(fmt: str, **options: object) -> Callable[[ArchiveLimits], bytes]:
    def build(_: ArchiveLimits) -> bytes:
        out = io.BytesIO()
        _photo().save(out, fmt, **options)  # type: ignore[attr-defined]
        return out.getvalue()
    return build


def _report_pdf(_: ArchiveLimits) -> bytes:
    """A 72-page text report with headings and tables, as WeasyPrint writes it."""
    import weasyprint

    sections = "".join(
        f"<h2>Section {i}</h2><p>{'Pathology report text with findings and margins. ' * 40}</p><table>"
        + "".join(f"<tr><td>row {j}</td><td>value {j * i}</td></tr>" for j in range(20)) + "</table>"
        for i in range(60))
    return weasyprint.HTML(string="<h1>Report</h1>" + sections).write_pdf()  # type: ignore[no-any-return]


def _pydicom_file(name: str) -> Callable[[ArchiveLimits], bytes]:
    def build(_: ArchiveLimits) -> bytes:
        import pydicom

        return (Path(pydicom.__file__).parent / "data" / "test_files" / name).read_bytes()
    return build


def _pydicom_zip(_: ArchiveLimits) -> bytes:
    """Every pydicom sample our checks accept, with a DICOMDIR, as a scan CD's ZIP."""
    import pydicom

    folder = Path(pydicom.__file__).parent / "data" / "test_files"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("DICOMDIR", (folder / "dicomdirtests" / "DICOMDIR").read_bytes())
        for n, name in enumerate(TYPICAL_DICOM):
            archive.writestr(f"DICOM/IM{n:05d}", (folder / name).read_bytes())
    return out.getvalue()


TYPICAL_DICOM = ("CT_small.dcm", "MR_small.dcm", "liver_1frame.dcm", "examples_overlay.dcm",
                 "waveform_ecg.dcm", "rtdose.dcm", "rtplan.dcm", "test-SR.dcm", "reportsi.dcm")

# Ordinary files a patient uploads, to show where the ratio stands for real files.
TYPICAL: list[tuple[str, str, Callable[[ArchiveLimits], bytes]]] = [
    ("pdf", "72-page text report with tables (WeasyPrint)", lambda lim: _report_pdf(lim)),
    ("jpeg", "2000 x 1500 photo, quality 90 (Pillow)", _saved("JPEG", quality=90)),
    ("png", "the same photo as PNG (Pillow)", _saved("PNG")),
    ("tiff", "the same photo as LZW TIFF (Pillow)", _saved("TIFF", compression="tiff_lzw")),
    ("dicom", "CT slice (pydicom's CT_small.dcm)", _pydicom_file("CT_small.dcm")),
    ("dicom", "DICOMDIR of a scan CD (pydicom's sample)", _pydicom_file("dicomdirtests/DICOMDIR")),
    ("dicom-zip", "ZIP of 9 pydicom samples (CT, MR, RT, SR, ECG) and a DICOMDIR", _pydicom_zip),
]


def _sha256(path: Path) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)


def measure(runs: int = 3, cases: list[tuple[str, str, Callable[[ArchiveLimits], bytes]]] | None = None,
            ) -> list[dict[str, object]]:
    limits = default_limits()
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, what, build in CASES if cases is None else cases:
            path = Path(tmp) / f"worst.{kind}"
            path.write_bytes(build(limits))
            sniffed = "zip" if kind == "dicom-zip" else kind

            def check(path: Path = path, sniffed: str = sniffed) -> None:
                with path.open("rb") as fh:
                    validate_stored(sniffed, fh, path.name, limits)

            check()  # warm-up (imports) and proof that it is accepted
            checks, hashes = [], []
            for _ in range(runs):
                start = time.perf_counter()
                check()
                checks.append(time.perf_counter() - start)
                start = time.perf_counter()
                _sha256(path)
                hashes.append(time.perf_counter() - start)
            check_s, sha_s = statistics.median(checks), statistics.median(hashes)
            rows.append({"type": kind, "what": what, "bytes": path.stat().st_size,
                         "check_seconds": check_s, "sha256_seconds": sha_s,
                         "ratio": check_s / sha_s})
            path.unlink()
    return rows


def table(rows: list[dict[str, object]], heading: str = "worst accepted upload") -> str:
    lines = [f"| type | {heading} | size | check (s) | SHA-256 (s) | ratio |",
             "|---|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['type']} | {r['what']} | {int(r['bytes']) / 1024**2:.2f} MiB | "  # type: ignore[call-overload]
                     f"{r['check_seconds']:.4f} | {r['sha256_seconds']:.5f} | {r['ratio']:.1f}× |")
    return "\n".join(lines) + "\n"


def pikepdf_rows(runs: int) -> list[dict[str, object]]:
    """What a parser in C++ would give: pikepdf (qpdf) opening each PDF and
    reading every object, against SHA-256 of the same bytes. pikepdf is not a
    dependency: install it into a scratch copy of the venv to run this."""
    import pikepdf  # type: ignore[import-not-found]

    limits = default_limits()
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for what, build in (("PDF at the object limit (the worst case above)", lambda: _pdf(limits.pdf_max_objects)),
                            ("72-page text report (the ordinary file above)", lambda: _report_pdf(limits))):
            path = Path(tmp) / "walk.pdf"
            path.write_bytes(build())

            def walk(path: Path = path) -> None:
                with pikepdf.open(path) as pdf:
                    for obj in pdf.objects:
                        if isinstance(obj, pikepdf.Dictionary):
                            obj.keys()

            walks, hashes = [], []
            for _ in range(runs):
                start = time.perf_counter()
                walk()
                walks.append(time.perf_counter() - start)
                start = time.perf_counter()
                _sha256(path)
                hashes.append(time.perf_counter() - start)
            check_s, sha_s = statistics.median(walks), statistics.median(hashes)
            rows.append({"type": "pdf (pikepdf)", "what": what, "bytes": path.stat().st_size,
                         "check_seconds": check_s, "sha256_seconds": sha_s, "ratio": check_s / sha_s})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--pikepdf", action="store_true",
                        help="only print pikepdf's object walk of the two PDFs (pikepdf must be installed)")
    args = parser.parse_args(argv)
    if args.pikepdf:
        print(table(pikepdf_rows(max(args.runs, 7)), "PDF walked by pikepdf"))
        return
    rows = measure(args.runs)
    typical = measure(max(args.runs, 7), TYPICAL)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _packet_data import machine, write_docs

    report = (f"Command: `.venv/bin/python bench/worst_case_uploads.py --runs {args.runs} --write-docs` ({machine()}).\n"
              "Each type's costliest accepted file at the default limits, checked with `validate_stored`;\n"
              "SHA-256 of the same file in the same run. Medians; target ratio ≤ 3×.\n\n" + table(rows)
              + "\nOrdinary files, same measure (median of at least 7 runs):\n\n"
              + table(typical, "typical upload"))
    print(report)
    if args.write_docs:
        write_docs("worst_case_uploads", "Worst-case uploads", report)


if __name__ == "__main__":
    main()
