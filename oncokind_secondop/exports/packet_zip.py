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

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..adapters import FileStore

MANIFEST_FORMAT = "oncokind-secondop-packet/1"
SUMMARY_NAME = "summary.pdf"
INDEX_NAME = "index.html"
MANIFEST_NAME = "manifest.json"

_UNSAFE = re.compile(r'[/\\:*?"<>|]')
_SPACES = re.compile(r"\s+")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
MAX_NAME = 120


def safe_name(name: str, fallback: str = "file") -> str:
    """A file or folder name any unzip tool accepts, in any script: NFC,
    no control or bidi characters, no path separators or reserved names."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _SPACES.sub(" ", _UNSAFE.sub("_", name)).strip(" .")
    if not name:
        name = fallback
    if _WINDOWS_RESERVED.match(name):
        name = "_" + name
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_NAME - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:MAX_NAME].rstrip(" .")
    return name


def unique_name(name: str, used: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... so no two members collide
    (compared case-insensitively, as Windows and macOS do)."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, dot, ext = name, "", ""
    candidate, n = name, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{stem} ({n}){dot}{ext}"
    used.add(candidate.casefold())
    return candidate


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
    folder_names: dict[int, str] = {}
    used_folders: set[str] = set()
    for position, (item_id, title) in enumerate(folders, start=1):
        folder_names[item_id] = unique_name(f"{position:02d} {safe_name(str(title), 'item')}", used_folders)
    used: dict[str, set[str]] = {}
    planned = []
    for document in documents:
        folder = folder_names[document.item_id]
        name = unique_name(safe_name(document.display_name), used.setdefault(folder, set()))
        planned.append(PlannedFile(document, f"{folder}/{name}", folder))
    return planned


class StoredFileProblem(Exception):
    """Some stored files are missing or do not match their SHA-256."""

    def __init__(self, documents: list[Any]) -> None:
        super().__init__(f"{len(documents)} stored file(s) failed verification")
        self.documents = documents


def verify_all(store: FileStore, documents: Iterable[Any]) -> None:
    """Read every stored file once and compare its SHA-256 and size with the
    row; raise :class:`StoredFileProblem` naming every one that fails."""
    from ..uploads import CorruptFile, open_verified

    bad = []
    for document in documents:
        try:
            open_verified(store, document.storage_key, document.sha256, document.size).close()
        except (CorruptFile, FileNotFoundError):
            bad.append(document)
    if bad:
        raise StoredFileProblem(bad)


def manifest(*, patient: Any, packet: Any, planned: Sequence[PlannedFile], summary_pdf: bytes,
             item_titles: dict[int, str], created: datetime | None = None) -> bytes:
    """``manifest.json``: who and what the packet is, and SHA-256 and size of every file."""
    created = created or datetime.now(UTC)
    data = {
        "format": MANIFEST_FORMAT,
        "created": created.isoformat(),
        "patient": {"name": patient.display_name,
                    "date_of_birth": patient.date_of_birth.isoformat() if patient.date_of_birth else None},
        "center": packet.center_name,
        "summary": {"path": SUMMARY_NAME, "size": len(summary_pdf),
                    "sha256": hashlib.sha256(summary_pdf).hexdigest()},
        "files": [
            {"path": p.arcname, "name": p.document.display_name, "checklist_item": item_titles[p.document.item_id],
             "type": p.document.mimetype, "size": p.document.size, "sha256": p.document.sha256,
             "uploaded": p.document.uploaded_at.isoformat()}
            for p in planned
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def packet_zip(store: FileStore, planned: Sequence[PlannedFile], *, summary_pdf: bytes,
               index_html: bytes, manifest_json: bytes) -> tuple[Iterator[bytes], int]:
    """The ZIP stream and its exact length (stored members, so it is known)."""
    from .zipstream import ZipMember, stream_zip

    members = [
        ZipMember(INDEX_NAME, size=len(index_html), data=index_html),
        ZipMember(MANIFEST_NAME, size=len(manifest_json), data=manifest_json),
        ZipMember(SUMMARY_NAME, size=len(summary_pdf), data=summary_pdf),
    ]
    for plan in planned:
        key = plan.document.storage_key
        members.append(ZipMember(plan.arcname, size=plan.document.size,
                                 opener=lambda key=key: store.open(key),
                                 modified=plan.document.uploaded_at))
    return stream_zip(members)
