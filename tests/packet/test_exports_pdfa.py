"""The summary PDF as PDF/A-3b: ``manifest.json`` and the FHIR bundle inside
it as associated files (read back with pypdf, byte for byte the ZIP's
copies), and still tagged for screen readers."""

from __future__ import annotations

import io
import json
import re
import zipfile

from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from .conftest import BASE
from .test_exports import _fill


def _xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


def _embedded(reader: PdfReader) -> dict[str, tuple[str, str]]:
    """name -> (AFRelationship, media type) of each embedded file."""
    names = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    found = {}
    for i in range(0, len(names), 2):
        spec = names[i + 1].get_object()
        subtype = str(spec["/EF"]["/F"].get_object()["/Subtype"])
        found[str(names[i])] = (str(spec["/AFRelationship"]), subtype.lstrip("/").replace("#2f", "/"))
    return found


def _assert_tagged_pdfa3b(reader: PdfReader) -> None:
    root = reader.trailer["/Root"]
    # Tagged for accessibility even though the variant is PDF/A, not PDF/UA.
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"]
    xmp = _xmp(reader)
    assert re.search(r"pdfaid:part[^0-9]{1,3}3", xmp), xmp
    assert re.search(r"pdfaid:conformance[^A-Z]{1,3}B", xmp), xmp
    assert reader.trailer["/ID"] and root["/OutputIntents"]  # PDF/A: file identifier, sRGB intent
    # The attachments are associated files of the document (PDF/A-3 /AF).
    assert len(root["/AF"]) >= 2


def test_summary_in_the_zip_embeds_the_zips_manifest_and_bundle_byte_for_byte(
    client, auth, packets, sample_pdf, sample_dicom_zip
):
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{BASE}/{packet_id}/export/packet.zip").get_data()))
    reader = PdfReader(io.BytesIO(archive.read("summary.pdf")))
    _assert_tagged_pdfa3b(reader)
    attachments = reader.attachments
    assert sorted(attachments) == ["manifest.json", "packet.fhir.json"]
    assert attachments["manifest.json"] == [archive.read("manifest.json")]
    assert attachments["packet.fhir.json"] == [archive.read("packet.fhir.json")]
    assert _embedded(reader) == {
        "manifest.json": ("/Data", "application/json"),
        "packet.fhir.json": ("/Data", "application/fhir+json"),
    }
    assert "Maria Lopez" in reader.pages[0].extract_text()


def test_summary_downloaded_alone_carries_the_manifest_and_a_valid_bundle(
    client, auth, packets, sample_pdf, sample_dicom_zip
):
    """Twice: each render builds new attachments (a WeasyPrint Attachment
    reused from the first call would come back empty or fail)."""
    auth.login("p-maria")
    packet_id = _fill(packets, sample_pdf, sample_dicom_zip)
    for _ in range(2):
        response = client.get(f"{BASE}/{packet_id}/export/summary.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        reader = PdfReader(io.BytesIO(response.data))
        _assert_tagged_pdfa3b(reader)
        (manifest,) = reader.attachments["manifest.json"]
        (bundle,) = reader.attachments["packet.fhir.json"]
        assert len(json.loads(manifest)["files"]) == 4
        Bundle.model_validate_json(bundle)
        assert len(json.loads(bundle)["entry"]) == 2 + 4


def test_empty_packet_summary_is_still_pdfa3b_with_both_files(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    reader = PdfReader(io.BytesIO(client.get(f"{BASE}/{packet_id}/export/summary.pdf").data))
    _assert_tagged_pdfa3b(reader)
    assert sorted(reader.attachments) == ["manifest.json", "packet.fhir.json"]
