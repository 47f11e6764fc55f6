"""DICOM files: confirmed by pydicom; polyglot preambles (CVE-2019-11687) refused."""
from __future__ import annotations

import hashlib
import io
import struct

import pytest

from oncokind_secondop.uploads.checks import ArchiveLimits, ContentRefused, validate_stored
from oncokind_secondop.uploads.dicom import MAX_DEPTH, READ_SIZE, check_dicom_structure

from . import samples
from .test_receive import post


@pytest.mark.parametrize("preamble", [
    b"MZ\x90\x00\x03", b"\x7fELF\x02\x01\x01", b"#!/bin/sh\nrm -rf ~\n", b"\xcf\xfa\xed\xfe",
    b"PK\x03\x04", b"\x00" * 20 + b"<html><script>alert(1)</script>", b"<svg onload=x>",
])
def test_polyglot_preamble_refused(upload_client, assert_store_empty, preamble):
    response = post(upload_client, [("IM0001.dcm", samples.dicom_bytes(preamble=preamble))])
    assert response.status_code == 415
    assert "For safety we cannot keep it" in response.json["error"]
    assert_store_empty()


@pytest.mark.parametrize("preamble", [b"", b" " * 128, b"II*\x00\x08\x00", b"ACME scanner 4.2"])
def test_harmless_preambles_kept_byte_for_byte(upload_client, preamble):
    body = samples.dicom_bytes(preamble=preamble)
    response = post(upload_client, [("IM0001.dcm", body)])
    assert response.status_code == 200
    assert response.json["files"][0]["kind"] == "dicom"
    assert response.json["files"][0]["sha256"] == hashlib.sha256(body).hexdigest()


def test_dicm_marker_without_a_dataset_refused(upload_client, assert_store_empty):
    body = bytes(128) + b"DICM" + b"\xff" * 300
    response = post(upload_client, [("IM0001", body)])
    assert response.status_code == 415
    assert "could not read it" in response.json["error"]
    assert_store_empty()


def test_name_without_extension_gets_a_fallback_only_when_empty(upload_client):
    response = post(upload_client, [("\u202e", samples.dicom_bytes())])
    assert response.json["files"][0]["name"] == "file.dcm"


# --- issue 13, finding 2: bounded work -------------------------------------------------------

TOO_COMPLEX = "far more parts inside than a scan has"


class CountingReader(io.BytesIO):
    """A real in-memory file that remembers how many bytes were read from it."""

    read_bytes = 0

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data


DEFAULT_LIMITS = ArchiveLimits()


def _validate(data: bytes, limits: ArchiveLimits = DEFAULT_LIMITS) -> tuple[str, int]:
    fh = CountingReader(data)
    with pytest.raises(ContentRefused) as info:
        validate_stored("dicom", fh, "IM0001", limits)
    return info.value.message, fh.read_bytes


def test_dicom_of_a_million_empty_elements_is_refused_at_the_element_limit(
        upload_client, assert_store_empty):
    body = samples.dicom_meta() + samples.element(0x0009, 0x1010, b"LO") * 1_000_000  # 8 MB
    message, read = _validate(body)
    assert TOO_COMPLEX in message
    # The walk stopped at the 250,000th element instead of reading (and building) a million.
    assert read < len(samples.dicom_meta()) + 250_001 * 8 + 2 * READ_SIZE
    response = post(upload_client, [("IM0001.dcm", body)])
    assert response.status_code == 415 and TOO_COMPLEX in response.json["error"]
    assert_store_empty()


def test_dicom_element_limit_comes_from_config(tmp_path, assert_store_empty):
    from .conftest import make_upload_app

    body = samples.dicom_meta() + samples.element(0x0009, 0x1010, b"LO") * 101
    client = make_upload_app(tmp_path, config={"SECONDOP_DICOM_MAX_ELEMENTS": 100}).test_client()
    assert post(client, [("IM0001.dcm", body)]).status_code == 415
    assert_store_empty()
    client = make_upload_app(tmp_path, config={"SECONDOP_DICOM_MAX_ELEMENTS": 120}).test_client()
    assert post(client, [("IM0001.dcm", body)]).status_code == 200


def test_dicom_sequences_nested_past_the_depth_limit_are_refused():
    assert TOO_COMPLEX in _validate(samples.dicom_meta() + samples.nested_sequences(MAX_DEPTH + 1))[0]
    check_dicom_structure(io.BytesIO(ok := samples.dicom_meta() + samples.nested_sequences(MAX_DEPTH - 1)),
                          len(ok), max_inflated=10**6)


@pytest.mark.parametrize("tail", [
    samples.element(0x0009, 0x1010, b"OB", b"")[:-4] + struct.pack("<L", 0xFFFFFFF0) + b"x" * 100,
    samples.element(0x0010, 0x0010, b"PN", b"A^B ")[:-4],          # ends inside a value
    samples.nested_sequences(3)[:-8],                               # a sequence never closed
    samples.element(0x0010, 0x0010, b"PN", b"A^B ") + b"<html>",   # bytes after the data set
    samples.element(0x0010, 0x0010, b"ZZ", b"A^B "),                # not a VR
], ids=["length-past-the-end", "ends-inside-a-value", "sequence-never-closed",
        "bytes-after-the-data-set", "not-a-vr"])
def test_dicom_with_a_length_past_its_end_or_a_broken_structure_is_refused(tail):
    message, _read = _validate(samples.dicom_meta() + tail)
    assert "could not read it" in message


def test_dicom_deflated_data_set_may_not_grow_past_the_ratio():
    import zlib

    from pydicom.uid import DeflatedExplicitVRLittleEndian

    meta = samples.dicom_meta().replace(b"1.2.840.10008.1.2.1\x00", DeflatedExplicitVRLittleEndian.encode() + b"\x00")
    assert meta != samples.dicom_meta()
    inflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    bomb = inflater.compress(samples.element(0x0009, 0x1010, b"OB", bytes(50 * 1024**2))) + inflater.flush()
    assert "could not read it" in _validate(meta + bomb)[0]
