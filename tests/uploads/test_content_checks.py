"""No early exits in type checks (issue 13, findings 3 and 11): an accepted file
parses in full as its type; bombs, locked PDFs, active content and anything
hidden after an image's end are refused, and nothing is stored."""
from __future__ import annotations

import hashlib
import io

import pytest

from oncokind_secondop.uploads.checks import ContentRefused, validate_stored

from . import samples
from .test_receive import post

LOCKED = "is locked with a password"
ACTIVE = "contains a script, a program action or another file hidden inside it"
PIXELS = "is a picture with too many pixels"
HIDDEN = "has something hidden after the end of the picture"
DAMAGED = "seems to be damaged"


def refused(kind: str, data: bytes) -> str:
    with pytest.raises(ContentRefused) as info:
        validate_stored(kind, io.BytesIO(data), "file")
    return info.value.message


def test_pdf_header_then_html_behind_an_encrypt_trailer_is_refused(upload_client, assert_store_empty):
    body = samples.pdf_header_then_html_with_encrypt_trailer()
    response = post(upload_client, [("report.pdf", body)])
    assert response.status_code == 415
    assert_store_empty()


def test_password_protected_pdf_is_refused_with_how_to_get_an_unlocked_copy(
        upload_client, assert_store_empty):
    response = post(upload_client, [("report.pdf", samples.pdf_with("password"))])
    assert response.status_code == 415
    message = response.json["error"]
    assert LOCKED in message and "without a password" in message
    assert_store_empty()


def test_pdf_locked_only_against_editing_opens_without_a_password_and_is_kept(upload_client):
    body = samples.pdf_with("locked-against-editing-only")
    response = post(upload_client, [("report.pdf", body)])
    assert response.status_code == 200
    assert response.json["files"][0]["sha256"] == hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize("change", ["javascript", "open-action-javascript", "open-action-launch",
                                    "page-aa-javascript", "embedded-file"])
def test_pdf_with_active_content_is_refused_with_a_plain_explanation(
        upload_client, assert_store_empty, change):
    response = post(upload_client, [("report.pdf", samples.pdf_with(change))])
    assert response.status_code == 415
    assert ACTIVE in response.json["error"] and "print it to a new PDF" in response.json["error"]
    assert_store_empty()


def test_pdf_with_more_objects_than_the_limit_is_refused():
    from oncokind_secondop.uploads.checks import ArchiveLimits

    with pytest.raises(ContentRefused) as info:
        validate_stored("pdf", io.BytesIO(samples.pdf_bytes(pages=20)), "file",
                        ArchiveLimits(pdf_max_objects=10))
    assert "far more parts inside" in info.value.message
    validate_stored("pdf", io.BytesIO(samples.pdf_bytes(pages=20)), "file",
                    ArchiveLimits(pdf_max_objects=100))


def test_pdf_past_pypdfs_own_bounds_is_refused_as_too_complex_not_as_damaged():
    # A stream declared over pypdf's 75 MB bound: the file may be sound, so the
    # message must not call it damaged (found by the 200 MB browser upload).
    body = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            b"3 0 obj << /Length 80000000 >> stream\n" + b"\0" * 64 + b"\nendstream endobj\n")
    offsets = [body.index(b"%d 0 obj" % n) for n in (1, 2, 3)]
    xref = b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf = body + xref + b"trailer << /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % len(body)
    message = refused("pdf", pdf)
    assert "far more parts inside" in message
    assert DAMAGED not in message


def test_jpeg_declaring_a_decompression_bomb_then_html_and_a_program_is_refused(
        upload_client, assert_store_empty):
    response = post(upload_client, [("photo.jpg", samples.jpeg_declaring_a_bomb_then_html_and_elf())])
    assert response.status_code == 415
    assert PIXELS in response.json["error"]
    assert_store_empty()


def test_image_over_the_pixel_limit_but_under_pillows_error_is_refused():
    # 10,000 x 10,000 = 100 million pixels: over Pillow's 89 million warning limit,
    # under its error limit, so the old check waved it through.
    assert PIXELS in refused("png", samples.png_declaring(10_000, 10_000))


@pytest.mark.parametrize(("kind", "tail"), [
    ("jpeg", b"\x7fELF\x02\x01\x01" + bytes(500)),
    ("jpeg", b"MZ\x90\x00" + bytes(500)),
    ("jpeg", b"\x00" * 16 + b"<html><body><script>alert(1)</script></body></html>"),
    ("png", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("png", b"PK\x03\x04" + bytes(100)),
], ids=["jpeg-elf", "jpeg-exe", "jpeg-padded-html", "png-html", "png-zip"])
def test_image_with_a_program_or_a_page_after_its_end_marker_is_refused(
        upload_client, assert_store_empty, kind, tail):
    body = samples.image_bytes(kind.upper()) + tail
    response = post(upload_client, [(f"photo.{kind}", body)])
    assert response.status_code == 415
    assert HIDDEN in response.json["error"]
    assert_store_empty()


@pytest.mark.parametrize("tail", [b"", bytes(1000), b"\x00\x00\x00\x18ftypmp42" + bytes(2000)],
                         ids=["nothing", "zero-padding", "motion-photo-video"])
def test_image_with_padding_or_vendor_data_after_its_end_is_kept(tail):
    validate_stored("jpeg", io.BytesIO(samples.image_bytes("JPEG") + tail), "photo.jpg")


@pytest.mark.parametrize(("kind", "cut"), [("jpeg", 2), ("png", 12)], ids=["jpeg-no-eoi", "png-no-iend"])
def test_image_cut_before_its_end_marker_is_refused(kind, cut):
    assert DAMAGED in refused(kind, samples.image_bytes(kind.upper())[:-cut])


def test_progressive_jpeg_and_multi_page_tiff_are_kept():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 200, 30)).save(out, "JPEG", progressive=True)
    validate_stored("jpeg", io.BytesIO(out.getvalue()), "photo.jpg")
    out = io.BytesIO()
    pages = [Image.new("RGB", (16, 16), (i, 0, 0)) for i in range(3)]
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:])
    validate_stored("tiff", io.BytesIO(out.getvalue()), "scan.tif")


def test_pdf_with_a_lock_pypdf_cannot_open_here_is_refused_not_waved_through():
    # Either message is right: the file is refused, never stored unchecked.
    assert "locked" in refused("pdf", samples.pdf_with("aes-locked-against-editing-only"))
