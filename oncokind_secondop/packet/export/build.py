"""Everything an export makes from one packet, without a request's patient:
for the patient's own export views and for a receiving team's shared view
alike. The caller passes who the patient is (the host's ``PatientRef`` for
the patient, the share's copy for a team) and the contents to show (all of
them, or what a share includes).

The pieces come in the order they need each other: FHIR bundle and full
text, then the manifest (which lists their hashes), then the summary PDF
(which embeds the manifest and the bundle), then the ZIP's pages.
``SHA256SUMS`` (in ``packet_zip``) comes last and lists them all: nothing
holds the hash of something that embeds it.

:func:`verify` comes first: its SHA-1s go into the bundle, and the summary
vouches for every file it lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from flask import render_template

from ...adapters import FileStore, PatientRef
from ...exports.pdf import Embedded
from ...i18n import _
from ..services import PacketContents
from . import packet_zip
from . import summary as packet_summary
from .fhir import fhir_bundle

FHIR_MIMETYPE = "application/fhir+json"
DISTRIBUTION = "oncokind-secondop"
README_TEMPLATE = "secondop/packet/zip_readme.txt"


@dataclass(frozen=True)
class Verified:
    """The one read of every stored file before an export: each file's SHA-1
    by document id (for the FHIR bundle), or the files that are missing or
    fail their SHA-256 and size (then no export may vouch for them)."""

    sha1s: dict[int, bytes] = field(default_factory=dict)
    damaged: list[Any] = field(default_factory=list)


def verify(files: FileStore, contents: PacketContents) -> Verified:
    try:
        return Verified(sha1s=packet_zip.verify_all(files, contents.documents))
    except packet_zip.StoredFileProblem as problem:
        return Verified(damaged=list(problem.documents))


@dataclass(frozen=True)
class Pieces:
    planned: list[packet_zip.PlannedFile]
    fhir_json: bytes
    full_text_html: bytes
    manifest_json: bytes


def plan(contents: PacketContents) -> list[packet_zip.PlannedFile]:
    """Each stored file's path in the ZIP (the FHIR bundle points at it too)."""
    titles = contents.item_titles()
    return packet_zip.plan_files(
        [(item.id, titles[item.id]) for item in contents.items], contents.documents
    )


def pieces(
    contents: PacketContents, patient: PatientRef, sha1s: dict[int, bytes], created: datetime
) -> Pieces:
    """The machine-readable parts: the file plan, the FHIR bundle, the full
    text and the manifest. No PDF is made here."""
    titles = contents.item_titles()
    planned = plan(contents)
    fhir_json = fhir_bundle(contents, patient, planned, sha1s, created)
    # Every text in full: the summary PDF may shorten long ones (exports/budget.py).
    full_text = packet_summary.full_text_html(contents, created, patient=patient)
    manifest_json = packet_zip.manifest(
        patient=patient,
        packet=contents.packet,
        planned=planned,
        item_titles=titles,
        created=created,
        full_text_html=full_text,
        fhir_json=fhir_json,
    )
    return Pieces(planned, fhir_json, full_text, manifest_json)


def summary_pdf(contents: PacketContents, patient: PatientRef, made: Pieces, created: datetime) -> bytes:
    """The summary as PDF/A-3b, ``manifest.json`` and the FHIR bundle inside
    it as associated files: the PDF alone still carries the machine-readable
    packet. New ``Embedded`` values (and WeasyPrint attachments) per call."""
    embedded = [
        Embedded(packet_zip.MANIFEST_NAME, made.manifest_json, "application/json",
                 _("Packet manifest: every file with its size and SHA-256"), created),
        Embedded(packet_zip.FHIR_NAME, made.fhir_json, FHIR_MIMETYPE,
                 _("FHIR R4 document bundle of the packet"), created),
    ]
    return packet_summary.summary_pdf(contents, created, embedded=embedded, patient=patient)


def _version() -> str:
    # From the installed distribution: importing the package's __init__ from
    # here would reach the wiring above the capabilities (import-linter).
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a bare source tree
        return "(version unknown)"


def readme_txt(packet: Any, patient: PatientRef, created: datetime) -> bytes:
    """``README.TXT`` (IHE XDM): what this media is, who made it for whom,
    when, with which software, and how to open it."""
    text = render_template(
        README_TEMPLATE,
        packet=packet,
        patient=patient,
        created=created,
        software=f"{DISTRIBUTION} {_version()}",
        title=_("Second opinion records packet"),
        names={
            "xdm_index": packet_zip.XDM_INDEX_NAME,
            "index": packet_zip.INDEX_NAME,
            "summary": packet_zip.SUMMARY_NAME,
            "manifest": packet_zip.MANIFEST_NAME,
            "fhir": packet_zip.FHIR_NAME,
            "sums": packet_zip.SUMS_NAME,
            "full_text": packet_zip.FULL_TEXT_NAME,
        },
    )
    # CRLF: the XDM media may be read on any system; Notepad and every
    # other editor show CRLF lines right.
    return "\r\n".join(text.splitlines()).encode("utf-8") + b"\r\n"


def summary_export(contents: PacketContents, patient: PatientRef, sha1s: dict[int, bytes]) -> bytes:
    """The summary PDF alone (after :func:`verify`)."""
    created = datetime.now(UTC)
    return summary_pdf(contents, patient, pieces(contents, patient, sha1s, created), created)


def fhir_export(contents: PacketContents, patient: PatientRef, sha1s: dict[int, bytes]) -> bytes:
    """The FHIR bundle alone (after :func:`verify`)."""
    return fhir_bundle(contents, patient, plan(contents), sha1s, datetime.now(UTC))


def zip_export(
    files: FileStore, contents: PacketContents, patient: PatientRef, sha1s: dict[int, bytes]
) -> tuple[Iterator[bytes], int]:
    """The ZIP stream of ``contents`` and its exact length (after :func:`verify`)."""
    created = datetime.now(UTC)
    made = pieces(contents, patient, sha1s, created)
    return packet_zip.packet_zip(
        files,
        made.planned,
        readme_txt=readme_txt(contents.packet, patient, created),
        summary_pdf=summary_pdf(contents, patient, made, created),
        index_html=packet_summary.index_html(contents, made.planned, created, patient=patient),
        manifest_json=made.manifest_json,
        fhir_json=made.fhir_json,
        full_text_html=made.full_text_html,
    )
