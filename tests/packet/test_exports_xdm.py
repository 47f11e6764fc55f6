"""The ZIP's root as IHE XDM portable media: ``README.TXT`` and
``INDEX.HTM`` beside ``index.html``, and ``SHA256SUMS`` that GNU
``sha256sum -c`` checks in one command."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from oncokind_secondop import __version__
from oncokind_secondop.packet.export import packet_zip

from .conftest import BASE
from .test_exports import _fill

SHA256SUM = shutil.which("sha256sum")


def _zip(client, packet_id: int) -> zipfile.ZipFile:  # type: ignore[no-untyped-def]
    return zipfile.ZipFile(io.BytesIO(client.get(f"{BASE}/{packet_id}/export/packet.zip").get_data()))


def test_readme_says_what_this_is_for_whom_when_and_how_to_open_it(
    client, auth, packets, sample_pdf, sample_dicom_zip
):
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    archive = _zip(client, packet_id)
    raw = archive.read("README.TXT")
    text = raw.decode("utf-8")
    assert raw.endswith(b"\r\n") and "\n" not in text.replace("\r\n", "")  # CRLF lines only
    assert "<" not in text  # plain text, not a page
    for expected in (
        "Second opinion records packet",
        "IHE XDM",
        "Maria Lopez",
        "1968-04-02",
        "For: City Cancer Center",
        f"oncokind-secondop {__version__}",
        "index.html", "INDEX.HTM", "summary.pdf", "packet.fhir.json", "manifest.json",
        "sha256sum -c SHA256SUMS",
    ):
        assert expected in text, expected
    assert "Prepared on: 20" in text and " UTC" in text


def test_index_htm_is_the_same_page_as_index_html(client, auth, packets, sample_pdf, sample_dicom_zip):
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    archive = _zip(client, packet_id)
    assert archive.read("INDEX.HTM") == archive.read("index.html")
    assert b"Maria Lopez" in archive.read("INDEX.HTM")


@pytest.mark.skipif(SHA256SUM is None, reason="GNU coreutils sha256sum not installed")
def test_sha256sum_checks_the_unpacked_zip_in_one_command(
    client, auth, packets, sample_pdf, sample_dicom_zip, tmp_path
):
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    target = tmp_path / "unpacked"
    _zip(client, packet_id).extractall(target)
    ok = subprocess.run([SHA256SUM, "-c", "--strict", "SHA256SUMS"], cwd=target,
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # every other file: README, INDEX.HTM, index, manifest, bundle, summary, full text; 4 records
    assert ok.stdout.count(": OK") == 7 + 4
    summary = target / "summary.pdf"
    summary.write_bytes(summary.read_bytes() + b"\n")
    bad = subprocess.run([SHA256SUM, "-c", "SHA256SUMS"], cwd=target,
                         capture_output=True, text=True, check=False)
    assert bad.returncode != 0 and "summary.pdf: FAILED" in bad.stdout


@pytest.mark.skipif(SHA256SUM is None, reason="GNU coreutils sha256sum not installed")
@pytest.mark.parametrize("name", ["plain name.pdf", "back\\slash.pdf", "two\nlines.pdf"])
def test_sha256sums_lines_match_gnu_sha256sum_for_awkward_names(tmp_path: Path, name: str) -> None:
    """A stored name never has a backslash or line break today
    (zipstream.safe_component), but the format stays right if one does."""
    data = b"some bytes"
    (tmp_path / name).write_bytes(data)
    expected = subprocess.run([SHA256SUM, name], cwd=tmp_path, capture_output=True, check=True).stdout
    document = SimpleNamespace(sha256=hashlib.sha256(data).hexdigest())
    planned = [packet_zip.PlannedFile(document, name, "")]
    assert packet_zip.sha256sums([], planned) == expected
    check = subprocess.run([SHA256SUM, "-c", "-"], cwd=tmp_path, input=expected, capture_output=True,
                           check=False)
    assert check.returncode == 0, check.stdout + check.stderr
