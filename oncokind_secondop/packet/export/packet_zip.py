"""The packet as one ZIP: the summary PDF, an ``index.html`` that opens in
any browser, a ``manifest.json`` with the SHA-256 and size of every file, and
the stored files in one folder per checklist item.

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

MANIFEST_FORMAT = "oncokind-secondop-packet/1"
SUMMARY_NAME = "summary.pdf"
INDEX_NAME = "index.html"
FULL_TEXT_NAME = "full-text.html"
MANIFEST_NAME = "manifest.json"


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


def verify_all(store: FileStore, documents: Iterable[Any]) -> None:
    """Read every stored file once and compare its SHA-256 and size with the
    row; raise :class:`StoredFileProblem` naming every one that fails."""
    bad = []
    for document in documents:
        try:
            open_verified(store, document.storage_key, document.sha256, document.size).close()
        except (CorruptFile, FileNotFoundError):
            bad.append(document)
    if bad:
        raise StoredFileProblem(bad)


def manifest(
    *,
    patient: Any,
    packet: Any,
    planned: Sequence[PlannedFile],
    summary_pdf: bytes,
    item_titles: dict[int, str],
    full_text_html: bytes,
    created: datetime | None = None,
) -> bytes:
    """``manifest.json``: who and what the packet is, and SHA-256 and size of every file."""
    created = created or datetime.now(UTC)
    data = {
        "format": MANIFEST_FORMAT,
        "created": created.isoformat(),
        "patient": {
            "name": patient.display_name,
            "date_of_birth": patient.date_of_birth.isoformat() if patient.date_of_birth else None,
        },
        "center": packet.center_name,
        "summary": {
            "path": SUMMARY_NAME,
            "size": len(summary_pdf),
            "sha256": hashlib.sha256(summary_pdf).hexdigest(),
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


def packet_zip(
    store: FileStore,
    planned: Sequence[PlannedFile],
    *,
    summary_pdf: bytes,
    index_html: bytes,
    manifest_json: bytes,
    full_text_html: bytes,
) -> tuple[Iterator[bytes], int]:
    """The ZIP stream and its exact length (stored members, so it is known)."""
    members = [
        ZipMember(INDEX_NAME, size=len(index_html), data=index_html),
        ZipMember(MANIFEST_NAME, size=len(manifest_json), data=manifest_json),
        ZipMember(SUMMARY_NAME, size=len(summary_pdf), data=summary_pdf),
        ZipMember(FULL_TEXT_NAME, size=len(full_text_html), data=full_text_html),
    ]
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
