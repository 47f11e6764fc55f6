"""Export routes: the summary PDF and the ZIP of the whole packet.

``HEAD`` on either answers with the download's headers only: no PDF is made,
no stored file is read, and the audit records a view, not an export.
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from ...access import acting, audit_object, patient_view
from ...extension import current_secondop
from ...i18n import _
from ...responses import attachment_response, head_response, is_head
from ...routes import Routes
from ...signals import emit_audit
from .. import services
from ..models import Packet
from . import build

EXPORT = "packet_export"

#: Mounted with the packet (``capabilities.py``), beside ``views.routes``.
routes = Routes()


def _damaged_files_page(
    packet: Packet, contents: services.PacketContents, *, exporting: bool
) -> ResponseReturnValue | None:
    """Check every stored file against its SHA-256 and size; if any fails,
    the page naming them (409) instead of an export that vouches for them."""
    damaged = build.damaged_documents(current_secondop.files, contents)
    if damaged:
        # An outcome the status does not tell the decorator.
        emit_audit("export", EXPORT, outcome="error", object_id=packet.id)
        return render_template(
            "secondop/packet/file_problem.html",
            packet=packet,
            documents=damaged,
            exporting=exporting,
        ), 409
    return None


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
    damaged = _damaged_files_page(packet, contents, exporting=False)
    if damaged is not None:
        return damaged
    pdf = build.summary_pdf(contents, acting().patient)
    audit_object(packet.id, recipient=packet.center_name)
    return attachment_response(pdf, filename=filename, mimetype="application/pdf")


@routes.route("/packet/<int:packet_id>/export/packet.zip", endpoint="packet_export_zip")
@patient_view("export", EXPORT)
def packet_export_zip(packet_id: int) -> ResponseReturnValue:
    packet = services.get_packet(current_secondop.records, acting().patient.id, packet_id)
    filename = _("second-opinion-packet.zip")
    if is_head():
        return head_response(filename=filename, mimetype="application/zip")
    contents = services.packet_contents(current_secondop.records, acting().patient.id, packet)
    store = current_secondop.files
    damaged = _damaged_files_page(packet, contents, exporting=True)
    if damaged is not None:
        return damaged
    stream, length = build.zip_stream(store, contents, acting().patient)
    audit_object(packet.id, recipient=packet.center_name)
    return attachment_response(stream, filename=filename, mimetype="application/zip", size=length)
