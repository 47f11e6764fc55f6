"""ZIP archives of DICOM files: validated in place, never extracted."""
from __future__ import annotations

import io
import stat
import struct
import zipfile

import pytest

from oncokind_secondop.uploads.checks import ArchiveLimits, ContentRefused, check_dicom_zip

from . import samples
from .test_receive import post

DCM = samples.dicom_bytes()


DEFAULT = ArchiveLimits()


def check(data: bytes, limits: ArchiveLimits = DEFAULT) -> None:
    check_dicom_zip(io.BytesIO(data), "scans.zip", limits)


def refused(data: bytes, limits: ArchiveLimits = DEFAULT) -> str:
    with pytest.raises(ContentRefused) as info:
        check(data, limits)
    return info.value.message


def test_dicom_set_with_dicomdir_and_folders_passes():
    check(samples.zip_bytes({"DICOMDIR": DCM, "DICOM/": b"", "DICOM/S1/IM1": DCM,
                             "DICOM/S1/IM2": DCM}))


def test_stored_entries_pass():
    check(samples.zip_bytes({"a.dcm": DCM}, zipfile.ZIP_STORED))


def test_mac_metadata_is_tolerated_when_genuine():
    check(samples.zip_bytes({"IM1": DCM, "__MACOSX/._IM1": b"\x00\x05\x16\x07" + bytes(60),
                             ".DS_Store": b"\x00\x00\x00\x01Bud1" + bytes(100)}))
    assert "not a DICOM scan" in refused(samples.zip_bytes(
        {"IM1": DCM, "__MACOSX/._IM1": b"MZ" + bytes(60)}))


@pytest.mark.parametrize("name", ["../evil.dcm", "a/../../evil.dcm", "/etc/evil.dcm",
                                  "C:/evil.dcm", "..\\evil.dcm", "\\\\server\\evil.dcm"])
def test_unsafe_paths(name):
    assert "unsafe folder path" in refused(samples.zip_bytes({"ok.dcm": DCM, name: DCM}))


def test_symlink_entry():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("IM1", DCM)
        link = zipfile.ZipInfo("IM2")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert "shortcut" in refused(out.getvalue())


def test_nested_zip():
    inner = samples.zip_bytes({"IM1": DCM})
    assert "another ZIP file" in refused(samples.zip_bytes({"IM1": DCM, "more.zip": inner}))


@pytest.mark.parametrize(("name", "body"), [
    ("viewer.exe", b"MZ" + bytes(400)), ("index.html", b"<html></html>"),
    ("README.txt", b"hello"), ("photo.jpg", samples.image_bytes("JPEG"))])
def test_non_dicom_entries(name, body):
    message = refused(samples.zip_bytes({"IM1": DCM, name: body}))
    assert "not a DICOM scan" in message and name in message


def test_polyglot_dicom_inside_zip():
    evil = samples.dicom_bytes(preamble=b"MZ\x90\x00")
    assert "For safety" in refused(samples.zip_bytes({"IM1": evil}))


def test_duplicate_names():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("IM1", DCM)
        with pytest.warns(UserWarning):
            archive.writestr("IM1", DCM)
    assert "same name" in refused(out.getvalue())


def test_entry_count_limit():
    data = samples.zip_bytes({f"IM{i}": DCM for i in range(6)})
    assert "more than 5 files" in refused(data, ArchiveLimits(max_entries=5))
    check(data, ArchiveLimits(max_entries=6))


def test_total_size_limit():
    data = samples.zip_bytes({f"IM{i}": DCM for i in range(3)})
    assert "too large in total" in refused(data, ArchiveLimits(max_total_bytes=len(DCM) * 2))


def test_zip_bomb_ratio():
    bomb = samples.dicom_bytes(pixels=20 * 1024 * 1024)  # zeros compress ~1000:1
    assert "far too large" in refused(samples.zip_bytes({"IM1": bomb}))
    check(samples.zip_bytes({"IM1": bomb}), ArchiveLimits(max_ratio=10_000))


def test_lying_size_header_is_caught_by_crc():
    data = bytearray(samples.zip_bytes({"IM1": DCM}, zipfile.ZIP_STORED))
    position = data.index(b"Test^Patient")
    data[position] ^= 0xFF  # flip a byte of content: CRC no longer matches
    assert "damaged" in refused(bytes(data))


def test_encrypted_entries_refused():
    data = bytearray(samples.zip_bytes({"IM1": DCM}))
    data[6] |= 0x1  # general purpose flag in the local header
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1
    assert "password" in refused(bytes(data))


def test_empty_or_broken_archive():
    assert "does not contain any DICOM" in refused(samples.zip_bytes({"DICOM/": b""}))
    assert "damaged" in refused(b"PK\x03\x04" + bytes(100))


def test_zip_of_documents_is_refused_over_http(upload_client, assert_store_empty):
    body = samples.zip_bytes({"report.pdf": samples.pdf_bytes()})
    response = post(upload_client, [("records.zip", body)])
    assert response.status_code == 415
    assert "report.pdf" in response.json["error"]
    assert_store_empty()


def test_unicode_entry_names_are_fine():
    check(samples.zip_bytes({"Маria/КТ/IM1": DCM, "患者/IM2": DCM}))


def test_archive_limits_come_from_config(tmp_path, assert_store_empty):
    from .conftest import make_upload_app

    client = make_upload_app(tmp_path, config={"SECONDOP_ZIP_MAX_ENTRIES": 2}).test_client()
    response = post(client, [("scans.zip", samples.dicom_zip(count=3))])
    assert response.status_code == 415
    assert "more than 2 files" in response.json["error"]
    assert_store_empty()


@pytest.mark.parametrize("key", ["SECONDOP_ZIP_MAX_ENTRIES", "SECONDOP_ZIP_MAX_TOTAL_BYTES",
                                 "SECONDOP_ZIP_MAX_RATIO"])
def test_archive_limit_settings_are_checked_at_start_up(tmp_path, key):
    from oncokind_secondop.config import ConfigError

    from ..fake_host import create_app

    with pytest.raises(ConfigError, match=key):
        create_app(tmp_path, {key: 0})


# --- issue 13, finding 2: count first, ratio at every size, one element budget -----------------


class CountingReader(io.BytesIO):
    read_bytes = 0

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def _central_directory(data: bytes) -> tuple[int, int]:
    """(offset, size) of the central directory, from the end record."""
    end = data.rindex(b"PK\x05\x06")
    size, offset = struct.unpack_from("<LL", data, end + 12)
    return offset, size


def test_zip_entry_count_is_read_from_the_end_record_before_the_central_directory():
    data = samples.zip_bytes({f"IM{i:05d}": b"" for i in range(2_000)}, zipfile.ZIP_STORED)
    _offset, directory = _central_directory(data)
    fh = CountingReader(data)
    with pytest.raises(ContentRefused) as info:
        check_dicom_zip(fh, "scans.zip", ArchiveLimits(max_entries=100))
    assert "more than 100 files" in info.value.message
    assert fh.read_bytes < directory, "the central directory was read before the count check"


def test_zip64_end_record_stating_300000_entries_is_refused_before_the_central_directory():
    data = samples.with_zip64_end(samples.dicom_zip(3), 300_000)
    assert "more than 10,000 files" in refused(data)
    check(samples.with_zip64_end(samples.dicom_zip(3), 3))  # a genuine ZIP64 end record is read


def test_zip_whose_directory_holds_more_entries_than_its_end_record_states_is_refused():
    data = bytearray(samples.dicom_zip(3))
    end = data.rindex(b"PK\x05\x06")
    data[end + 8:end + 12] = struct.pack("<HH", 1, 1)  # says 1 entry; zipfile would read all 3
    assert "damaged" in refused(bytes(data))


def test_zip_entries_over_the_ratio_are_refused_whatever_their_size():
    # Four 250 KB entries of zeros: under the old 1 MiB floor one by one and together.
    small_bombs = {f"IM{i}": samples.dicom_bytes(pixels=250_000) for i in range(4)}
    data = samples.zip_bytes(small_bombs)
    assert sum(len(v) for v in small_bombs.values()) < 1024**2 and len(data) * 100 < 1024**2
    assert "far too large" in refused(data)


def test_zip_dicom_entries_share_one_element_budget():
    entry = samples.dicom_meta() + b"".join(
        samples.element(0x0009, 0x1000 + i, b"LO", b"%04d" % i) for i in range(1_000))
    data = samples.zip_bytes({f"IM{i}": entry for i in range(4)})
    limits = ArchiveLimits(dicom_max_elements=2_000, zip_max_dicom_elements=3_000)
    assert "far more parts inside" in refused(data, limits)
    check(samples.zip_bytes({f"IM{i}": entry for i in range(2)}), limits)
