"""Small, real sample files made with the same libraries a scanner or phone
would produce them with (pydicom, pypdf, Pillow, zipfile)."""
from __future__ import annotations

import io
import struct
import zipfile

from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid
from pypdf import PdfWriter


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format=fmt)
    return out.getvalue()


def dicom_bytes(preamble: bytes | None = None, pixels: int = 16) -> bytes:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientName = "Test^Patient"
    ds.Modality = "CT"
    ds.Rows = ds.Columns = 4
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit = 7
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.PixelRepresentation = 0
    ds.PixelData = bytes(pixels)
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    data = out.getvalue()
    if preamble is not None:
        data = preamble.ljust(128, b"\x00")[:128] + data[128:]
    return data


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def dicom_zip(count: int = 3) -> bytes:
    return zip_bytes({f"DICOM/SERIES1/IM{i:04d}": dicom_bytes() for i in range(count)})


def dicom_meta() -> bytes:
    """Preamble, ``DICM`` and the file meta group of :func:`dicom_bytes`
    (explicit VR little endian): put hand-made elements after it."""
    data = dicom_bytes()
    (group_length,) = struct.unpack_from("<L", data, 140)  # (0002,0000) UL, written first
    return data[:144 + group_length]


def element(group: int, number: int, vr: bytes, value: bytes = b"") -> bytes:
    """One explicit VR little endian element."""
    if vr in (b"OB", b"OW", b"SQ", b"UN", b"UT"):
        return struct.pack("<HH2s2xL", group, number, vr, len(value)) + value
    return struct.pack("<HH2sH", group, number, vr, len(value)) + value


def nested_sequences(depth: int) -> bytes:
    """``depth`` sequences, each in an item of the one before, undefined lengths."""
    open_ = struct.pack("<HH2s2xL", 0x0008, 0x1115, b"SQ", 0xFFFFFFFF) + struct.pack(
        "<HHL", 0xFFFE, 0xE000, 0xFFFFFFFF)
    close = struct.pack("<HHL", 0xFFFE, 0xE00D, 0) + struct.pack("<HHL", 0xFFFE, 0xE0DD, 0)
    return open_ * depth + close * depth


def pdf_with(change: str) -> bytes:
    """A one-page PDF with active content or a lock (issue 13, findings 3 and 11)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if change == "javascript":  # a document-level script, in the /Names /JavaScript tree
        script = writer._add_object(DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');")}))
        writer._root_object[NameObject("/Names")] = DictionaryObject({
            NameObject("/JavaScript"): DictionaryObject({
                NameObject("/Names"): ArrayObject([TextStringObject("hello"), script])})})
    elif change in ("open-action-javascript", "open-action-launch", "page-aa-javascript"):
        action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                   NameObject("/JS"): TextStringObject("app.alert(1)")})
        if change == "open-action-launch":
            action = DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                                       NameObject("/F"): TextStringObject("calc.exe")})
        if change == "page-aa-javascript":
            writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
        else:
            writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    elif change == "embedded-file":
        writer.add_attachment("viewer.exe", b"MZ\x90\x00" + bytes(100))
    elif change == "password":
        writer.encrypt("secret", algorithm="RC4-128")  # AES needs `cryptography`
    elif change == "locked-against-editing-only":
        writer.encrypt("", owner_password="owner", algorithm="RC4-128")
    elif change == "aes-locked-against-editing-only":  # made by hand: pypdf needs `cryptography`
        return _aes_owner_only_pdf()
    else:  # pragma: no cover
        raise ValueError(change)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_header_then_html_with_encrypt_trailer() -> bytes:
    """``%PDF-`` then an HTML page and a program, ending in a trailer that names
    /Encrypt: the old check stopped at "is encrypted" before parsing anything."""
    return (b"%PDF-1.4\n<!DOCTYPE html><html><script>alert(document.cookie)</script></html>\n"
            + b"\x7fELF\x02\x01\x01" + bytes(64) + b"\ntrailer\n<< /Size 1 /Encrypt << /Filter "
            b"/Standard /V 1 /R 2 /O <" + b"00" * 32 + b"> /U <" + b"00" * 32 + b"> /P -4 >> >>\n"
            b"startxref\n0\n%%EOF\n")


def jpeg_declaring_a_bomb_then_html_and_elf() -> bytes:
    """A JPEG header whose frame says 65,535 x 65,535 pixels, then no image at
    all: an HTML page and a Linux program."""
    data = bytearray(image_bytes("JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", 0xFFFF, 0xFFFF)
    sos = data.index(b"\xff\xda")
    return bytes(data[:sos]) + b"<html><script>alert(1)</script></html>" + b"\x7fELF\x02\x01\x01" + bytes(200)


def png_declaring(width: int, height: int) -> bytes:
    """A real 8 x 8 PNG whose header claims another size (checksum fixed)."""
    import zlib

    data = bytearray(image_bytes("PNG"))
    data[16:24] = struct.pack(">LL", width, height)
    data[29:33] = struct.pack(">L", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def _aes_owner_only_pdf() -> bytes:
    """A PDF whose /Encrypt names AES (V4, AESV2) with an empty open password.
    Without the `cryptography` package pypdf cannot read it at all."""
    body = pdf_bytes()
    trailer = body.rindex(b"trailer")
    encrypt = (b"/Encrypt << /Filter /Standard /V 4 /R 4 /Length 128 /CF << /StdCF << /CFM /AESV2 "
               b"/AuthEvent /DocOpen /Length 16 >> >> /StmF /StdCF /StrF /StdCF /O <" + b"11" * 32
               + b"> /U <" + b"22" * 32 + b"> /P -4 >> ")
    at = body.index(b"<<", trailer) + 2
    return body[:at] + b" " + encrypt + body[at:]


def with_zip64_end(data: bytes, entries: int) -> bytes:
    """A ZIP file's bytes with its end record replaced by a ZIP64 one stating ``entries``."""
    end = data.rindex(b"PK\x05\x06")
    size, offset = struct.unpack_from("<LL", data, end + 12)
    body = data[:offset + size]
    end64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size, offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, len(body), 1)
    return body + end64 + locator + struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
