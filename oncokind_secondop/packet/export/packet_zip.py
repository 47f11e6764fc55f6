"""The packet as one ZIP: the summary PDF, an ``index.html`` that opens in
any browser, a ``manifest.json`` with the SHA-256 and size of every file, the
FHIR R4 document bundle ``packet.fhir.json``, a ``SHA256SUMS`` file that
``sha256sum -c SHA256SUMS`` checks in one command, the IHE XDM portable-media
entry points ``README.TXT`` and ``INDEX.HTM``, and the stored files in one
folder per checklist item.

The summary PDF embeds ``manifest.json`` and the FHIR bundle (PDF/A-3b), so
neither may hold the summary's hash: that lives only in ``SHA256SUMS``.

Nothing here holds the packet in memory: stored files become members whose
bytes are read from the file store while the ZIP streams out. Every stored
file is checked against its SHA-256 *before* the first byte is sent, so a
corrupted file stops the export with a clear message instead of a ZIP that
silently holds damaged records.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ...adapters import FileStore
from ...exports.zipstream import ArcnameBook, ZipMember, safe_component, stream_zip
from ...uploads import CorruptFile, open_verified

# /2: the summary's hash left the manifest for SHA256SUMS (the summary embeds
# the manifest), and the FHIR bundle joined it.
MANIFEST_FORMAT = "oncokind-secondop-packet/2"
SUMMARY_NAME = "summary.pdf"
INDEX_NAME = "index.html"
FULL_TEXT_NAME = "full-text.html"
MANIFEST_NAME = "manifest.json"
FHIR_NAME = "packet.fhir.json"
SUMS_NAME = "SHA256SUMS"
# IHE XDM (ITI TF-1 16, portable media): upper-case 8.3 names at the root.
README_NAME = "README.TXT"
XDM_INDEX_NAME = "INDEX.HTM"


@dataclass(frozen=True)
class PlannedFile:
    """A stored document and the path it gets inside the ZIP."""

    document: Any  # packet.models.Document
    arcname: str
    folder: str


def plan_files(folders: Sequence[tuple[int, str]], documents: Iterable[Any]) -> list[PlannedFile]:
    """Give every document a unique path ``<folder>/<file name>``.

    ``folders`` maps each checklist item id to its folder title, in checklist
    order; the folder gets its position as a prefix so it sorts the same way."""
    folder_names = {
        item_id: f"{position:02d} {safe_component(str(title), 'item')}"
        for position, (item_id, title) in enumerate(folders, start=1)
    }
    book = ArcnameBook()
    planned = []
    for document in documents:
        folder = folder_names[document.item_id]
        planned.append(PlannedFile(document, book.path(folder, document.display_name), folder))
    return planned


class StoredFileProblem(Exception):
    """Some stored files are missing or do not match their SHA-256."""

    def __init__(self, documents: list[Any]) -> None:
        super().__init__(f"{len(documents)} stored file(s) failed verification")
        self.documents = documents


def verify_all(store: FileStore, documents: Iterable[Any]) -> dict[int, bytes]:
    """Read every stored file once and compare its SHA-256 and size with the
    row; raise :class:`StoredFileProblem` naming every one that fails.

    Returns each document's SHA-1 digest by id, computed in the same pass:
    the FHIR bundle's ``Attachment.hash`` is SHA-1 by definition, and it is
    not stored, so this is the one read that can give it for free."""
    bad = []
    sha1s: dict[int, bytes] = {}
    for document in documents:
        sha1 = hashlib.sha1(usedforsecurity=False)  # FHIR's choice, not ours: integrity is SHA-256
        try:
            open_verified(store, document.storage_key, document.sha256, document.size,
                          also=[sha1]).close()
        except (CorruptFile, FileNotFoundError):
            bad.append(document)
        else:
            sha1s[document.id] = sha1.digest()
    if bad:
        raise StoredFileProblem(bad)
    return sha1s


def manifest(
    *,
    patient: Any,
    packet: Any,
    planned: Sequence[PlannedFile],
    item_titles: dict[int, str],
    full_text_html: bytes,
    fhir_json: bytes,
    created: datetime | None = None,
) -> bytes:
    """``manifest.json``: who and what the packet is, and SHA-256 and size of
    every file. Not the summary PDF's: the PDF embeds this manifest (see
    :func:`sha256sums`)."""
    created = created or datetime.now(UTC)
    data = {
        "format": MANIFEST_FORMAT,
        "created": created.isoformat(),
        "patient": {
            "name": patient.display_name,
            "date_of_birth": patient.date_of_birth.isoformat() if patient.date_of_birth else None,
        },
        "center": packet.center_name,
        "checksums": SUMS_NAME,
        "fhir": {
            "path": FHIR_NAME,
            "size": len(fhir_json),
            "sha256": hashlib.sha256(fhir_json).hexdigest(),
        },
        "full_text": {
            "path": FULL_TEXT_NAME,
            "size": len(full_text_html),
            "sha256": hashlib.sha256(full_text_html).hexdigest(),
        },
        "files": [
            {
                "path": p.arcname,
                "name": p.document.display_name,
                "checklist_item": item_titles[p.document.item_id],
                "type": p.document.mimetype,
                "size": p.document.size,
                "sha256": p.document.sha256,
                "uploaded": p.document.uploaded_at.isoformat(),
            }
            for p in planned
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _sums_line(sha256: str, path: str) -> str:
    """One line of GNU ``sha256sum`` output (text mode: two spaces). A name
    with a backslash or a line break is escaped the way ``sha256sum`` does."""
    if "\\" in path or "\n" in path:
        return "\\" + sha256 + "  " + path.replace("\\", "\\\\").replace("\n", "\\n") + "\n"
    return f"{sha256}  {path}\n"


def sha256sums(generated: Sequence[tuple[str, bytes]], planned: Sequence[PlannedFile]) -> bytes:
    """``SHA256SUMS``: every other file of the ZIP, in ``sha256sum -c`` format.

    The stored files' hashes are the recorded ones (already checked against
    the bytes by :func:`verify_all`, and again while the ZIP streams)."""
    lines = [_sums_line(hashlib.sha256(data).hexdigest(), name) for name, data in generated]
    lines += [_sums_line(p.document.sha256, p.arcname) for p in planned]
    return "".join(lines).encode("utf-8")


def packet_zip(
    store: FileStore,
    planned: Sequence[PlannedFile],
    *,
    readme_txt: bytes,
    summary_pdf: bytes,
    index_html: bytes,
    manifest_json: bytes,
    fhir_json: bytes,
    full_text_html: bytes,
) -> tuple[Iterator[bytes], int]:
    """The ZIP stream and its exact length (stored members, so it is known).

    ``INDEX.HTM`` (IHE XDM) is the same page as ``index.html``."""
    generated = [
        (README_NAME, readme_txt),
        (XDM_INDEX_NAME, index_html),
        (INDEX_NAME, index_html),
        (MANIFEST_NAME, manifest_json),
        (FHIR_NAME, fhir_json),
        (SUMMARY_NAME, summary_pdf),
        (FULL_TEXT_NAME, full_text_html),
    ]
    sums = sha256sums(generated, planned)
    generated.insert(5, (SUMS_NAME, sums))
    members = [ZipMember(name, size=len(data), data=data) for name, data in generated]
    for plan in planned:
        members.append(
            ZipMember(
                plan.arcname,
                size=plan.document.size,
                opener=functools.partial(store.open, plan.document.storage_key),  # this key, not the loop's last
                modified=plan.document.uploaded_at,
                sha256=plan.document.sha256,
            )
        )
    return stream_zip(members)
