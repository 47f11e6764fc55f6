"""Export routes: the summary PDF, the FHIR bundle and the ZIP of the whole
packet.

``HEAD`` on any of them answers with the download's headers only: no PDF is made,
no stored file is read, and the audit records a view, not an export.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, make_response, render_template
from flask.typing import ResponseReturnValue

from ...access import acting, audit_object, patient_view
from ...extension import current_secondop
from ...i18n import _
from ...responses import attachment_response, head_response, is_head
from ...routes import Routes
from ...signals import emit_audit
from .. import services
from ..models import Packet
from . import build, packet_zip
from . import summary as packet_summary
from .fhir import fhir_bundle

EXPORT = "packet_export"

#: Mounted with the packet (``capabilities.py``), beside ``views.routes``.
routes = Routes()


def _damaged_files_page(
    packet: Packet, contents: services.PacketContents, *, exporting: bool
) -> Response | dict[int, bytes]:
    """Check every stored file against its SHA-256 and size (the one read of
    each file before an export); if any fails, the page naming them (409)
    instead of an export that vouches for them. Otherwise each file's SHA-1
    by document id, for the FHIR bundle."""
    try:
        return packet_zip.verify_all(current_secondop.files, contents.documents)
    except packet_zip.StoredFileProblem as problem:
        # An outcome the status does not tell the decorator.
        emit_audit("export", EXPORT, outcome="error", object_id=packet.id)
        return make_response(render_template(
            "secondop/packet/file_problem.html",
            packet=packet,
            documents=problem.documents,
            exporting=exporting,
        ), 409)


@routes.route("/packet/<int:packet_id>/export/summary.pdf", endpoint="packet_export_pdf")
@patient_view("export", EXPORT)
def packet_export_pdf(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(current_secondop.records, acting().patient.id, packet_id)
    filename = _("second-opinion-summary.pdf")
    if is_head():
        return head_response(filename=filename, mimetype="application/pdf")
    contents = services.packet_contents(current_secondop.records, acting().patient.id, packet)
    # The summary lists every file with its SHA-256 for the receiving team:
    # it must not vouch for a file that no longer matches.
    sha1s = _damaged_files_page(packet, contents, exporting=False)
    if isinstance(sha1s, Response):
        return sha1s
    created = datetime.now(UTC)
    made = build.pieces(contents, acting().patient, sha1s, created)
    pdf = build.summary_pdf(contents, made, created)
    audit_object(packet.id, recipient=packet.center_name)
    return attachment_response(pdf, filename=filename, mimetype="application/pdf")


@routes.route("/packet/<int:packet_id>/export/packet.fhir.json", endpoint="packet_export_fhir")
@patient_view("export", EXPORT)
def packet_export_fhir(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(current_secondop.records, acting().patient.id, packet_id)
    filename = packet_zip.FHIR_NAME  # a standard name, as in the ZIP: not translated
    if is_head():
        return head_response(filename=filename, mimetype=build.FHIR_MIMETYPE)
    contents = services.packet_contents(current_secondop.records, acting().patient.id, packet)
    # Its DocumentReferences vouch for every file, as the summary does.
    sha1s = _damaged_files_page(packet, contents, exporting=False)
    if isinstance(sha1s, Response):
        return sha1s
    data = fhir_bundle(contents, acting().patient, build.plan(contents), sha1s, datetime.now(UTC))
    audit_object(packet.id, recipient=packet.center_name)
    return attachment_response(data, filename=filename, mimetype=build.FHIR_MIMETYPE)


@routes.route("/packet/<int:packet_id>/export/packet.zip", endpoint="packet_export_zip")
@patient_view("export", EXPORT)
def packet_export_zip(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(current_secondop.records, acting().patient.id, packet_id)
    filename = _("second-opinion-packet.zip")
    if is_head():
        return head_response(filename=filename, mimetype="application/zip")
    contents = services.packet_contents(current_secondop.records, acting().patient.id, packet)
    store = current_secondop.files
    sha1s = _damaged_files_page(packet, contents, exporting=True)
    if isinstance(sha1s, Response):
        return sha1s
    created = datetime.now(UTC)
    made = build.pieces(contents, acting().patient, sha1s, created)
    stream, length = packet_zip.packet_zip(
        store,
        made.planned,
        readme_txt=build.readme_txt(packet, acting().patient, created),
        summary_pdf=build.summary_pdf(contents, made, created),
        index_html=packet_summary.index_html(contents, made.planned, created),
        manifest_json=made.manifest_json,
        fhir_json=made.fhir_json,
        full_text_html=made.full_text_html,
    )
    audit_object(packet.id, recipient=packet.center_name)
    return attachment_response(stream, filename=filename, mimetype="application/zip", size=length)
