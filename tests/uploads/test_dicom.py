"""DICOM files: confirmed by pydicom; polyglot preambles (CVE-2019-11687) refused."""
from __future__ import annotations

import hashlib

import pytest

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
