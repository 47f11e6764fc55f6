"""The packet's exports, made without a request: the summary PDF and the ZIP
stream, for the patient's own export views and for a receiving team's
shared view alike. The caller passes who the patient is (the host's
``PatientRef`` for the patient, the share's copy for a team) and the
contents to show (all of them, or what a share includes)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from ...adapters import FileStore, PatientRef
from ..services import PacketContents
from . import packet_zip
from . import summary as packet_summary


def damaged_documents(files: FileStore, contents: PacketContents) -> list[Any]:
    """The stored files that are missing or fail their SHA-256 and size (none: ``[]``).
    An export must not vouch for a file that no longer matches."""
    try:
        packet_zip.verify_all(files, contents.documents)
    except packet_zip.StoredFileProblem as problem:
        return list(problem.documents)
    return []


def summary_pdf(contents: PacketContents, patient: PatientRef, created: datetime | None = None) -> bytes:
    return packet_summary.summary_pdf(contents, created, patient=patient)


def zip_stream(
    files: FileStore, contents: PacketContents, patient: PatientRef, created: datetime | None = None
) -> tuple[Iterator[bytes], int]:
    """The ZIP of ``contents`` and its exact length (check :func:`damaged_documents` first)."""
    created = created or datetime.now(UTC)
    packet = contents.packet
    titles = contents.item_titles()
    planned = packet_zip.plan_files(
        [(item.id, titles[item.id]) for item in contents.items], contents.documents
    )
    pdf = packet_summary.summary_pdf(contents, created, patient=patient)
    # Every text in full: the summary PDF may shorten long ones (exports/budget.py).
    full_text = packet_summary.full_text_html(contents, created, patient=patient)
    return packet_zip.packet_zip(
        files,
        planned,
        summary_pdf=pdf,
        index_html=packet_summary.index_html(contents, planned, created, patient=patient),
        manifest_json=packet_zip.manifest(
            patient=patient,
            packet=packet,
            planned=planned,
            summary_pdf=pdf,
            item_titles=titles,
            created=created,
            full_text_html=full_text,
        ),
        full_text_html=full_text,
    )
