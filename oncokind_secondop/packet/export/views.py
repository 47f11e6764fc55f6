"""Export routes: the summary PDF, the FHIR bundle and the ZIP of the whole
packet.

``HEAD`` on any of them answers with the download's headers only: no PDF is made,
no stored file is read, and the audit records a view, not an export.
"""

from __future__ import annotations

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

EXPORT = "packet_export"

#: Mounted with the packet (``capabilities.py``), beside ``views.routes``.
routes = Routes()


def _checked_contents(
    packet: Packet, *, exporting: bool
) -> Response | tuple[services.PacketContents, dict[int, bytes]]:
    """The packet's contents with every stored file checked against its SHA-256
    and size (the one read of each file before an export) and each file's SHA-1
    by document id, for the FHIR bundle; if any fails, the page naming them
    (409) instead of an export that vouches for them."""
    contents = services.packet_contents(current_secondop.records, acting().patient.id, packet)
    verified = build.verify(current_secondop.files, contents)
    if not verified.damaged:
        return contents, verified.sha1s
    # An outcome the status does not tell the decorator.
    emit_audit("export", EXPORT, outcome="error", object_id=packet.id)
    return make_response(render_template(
        "secondop/packet/file_problem.html",
        packet=packet,
        documents=verified.damaged,
        exporting=exporting,
    ), 409)


@routes.route("/packet/<int:packet_id>/export/summary.pdf", endpoint="packet_export_pdf")
@patient_view("export", EXPORT)
def packet_export_pdf(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(current_secondop.records, acting().patient.id, packet_id)
    filename = _("second-opinion-summary.pdf")
    if is_head():
        return head_response(filename=filename, mimetype="application/pdf")
    # The summary lists every file with its SHA-256 for the receiving team:
    # it must not vouch for a file that no longer matches.
    checked = _checked_contents(packet, exporting=False)
    if isinstance(checked, Response):
        return checked
    contents, sha1s = checked
    pdf = build.summary_export(contents, acting().patient, sha1s)
    audit_object(packet.id, recipient=packet.center_name)
    return attachment_response(pdf, filename=filename, mimetype="application/pdf")


@routes.route("/packet/<int:packet_id>/export/packet.fhir.json", endpoint="packet_export_fhir")
@patient_view("export", EXPORT)
def packet_export_fhir(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(current_secondop.records, acting().patient.id, packet_id)
    filename = packet_zip.FHIR_NAME  # a standard name, as in the ZIP: not translated
    if is_head():
        return head_response(filename=filename, mimetype=build.FHIR_MIMETYPE)
    # Its DocumentReferences vouch for every file, as the summary does.
    checked = _checked_contents(packet, exporting=False)
    if isinstance(checked, Response):
        return checked
    contents, sha1s = checked
    data = build.fhir_export(contents, acting().patient, sha1s)
    audit_object(packet.id, recipient=packet.center_name)
    return attachment_response(data, filename=filename, mimetype=build.FHIR_MIMETYPE)


@routes.route("/packet/<int:packet_id>/export/packet.zip", endpoint="packet_export_zip")
@patient_view("export", EXPORT)
def packet_export_zip(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(current_secondop.records, acting().patient.id, packet_id)
    filename = _("second-opinion-packet.zip")
    if is_head():
        return head_response(filename=filename, mimetype="application/zip")
    checked = _checked_contents(packet, exporting=True)
    if isinstance(checked, Response):
        return checked
    contents, sha1s = checked
    stream, length = build.zip_export(current_secondop.files, contents, acting().patient, sha1s)
    audit_object(packet.id, recipient=packet.center_name)
    return attachment_response(stream, filename=filename, mimetype="application/zip", size=length)
