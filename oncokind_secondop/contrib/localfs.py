"""The default file store: a folder on local disk, outside any static folder.

Write order: a temporary file in the store's own ``tmp/`` folder (same file
system), fsync, then an atomic rename into ``objects/``. A reader never sees a
partial file; an aborted or failed write removes its temporary file.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..adapters import FileStore, FileTooLarge, PendingFile, StoredFile

_KEY = re.compile(r"^[0-9a-f]{32}$")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _LocalPendingFile(PendingFile):
    def __init__(self, store: LocalFileStore, max_size: int | None) -> None:
        self._store = store
        self._max_size = max_size
        self._key = secrets.token_hex(16)
        self._tmp_path = store.tmp_dir / f"{self._key}.part"
        fd = os.open(self._tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._fh: IO[bytes] | None = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def write(self, data: bytes) -> int:
        if self._fh is None:
            raise ValueError("file already committed or aborted")
        if self._max_size is not None and self._size + len(data) > self._max_size:
            self.abort()
            raise FileTooLarge(f"more than {self._max_size} bytes")
        self._fh.write(data)
        self._hash.update(data)
        self._size += len(data)
        return len(data)

    def commit(self) -> StoredFile:
        if self._fh is None:
            raise ValueError("file already committed or aborted")
        final = self._store._path(self._key)
        renamed = False
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._tmp_path, final)
            renamed = True
            _fsync_dir(final.parent)
        except BaseException:
            # A failed commit keeps nothing: not the temp file, and not the
            # renamed object either (the caller never learns its key, so no
            # row could ever own it).
            if renamed:
                final.unlink(missing_ok=True)
            self.abort()
            raise
        return StoredFile(key=self._key, size=self._size, sha256=self._hash.hexdigest())

    def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self._tmp_path.unlink(missing_ok=True)


class LocalFileStore(FileStore):
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()
        self.tmp_dir = self.root / "tmp"
        self.objects_dir = self.root / "objects"
        self.tmp_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.objects_dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # keys are ours; anything else is never a path
            raise FileNotFoundError(key)
        return self.objects_dir / key[:2] / key

    def begin(self, *, max_size: int | None = None) -> PendingFile:
        return _LocalPendingFile(self, max_size)

    def open(self, key: str) -> IO[bytes]:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except FileNotFoundError:
            pass

    def keys(self) -> Iterator[str]:
        for path in self.objects_dir.glob("??/*"):
            if _KEY.match(path.name):
                yield path.name

    def exists(self, key: str) -> bool:
        try:
            return self._path(key).is_file()
        except FileNotFoundError:
            return False

    def temporary_files(self) -> list[Path]:
        return sorted(self.tmp_dir.glob("*.part"))

    def stored_at(self, key: str) -> float | None:
        # The temp file's last write; the rename keeps it, so this is at most
        # the fsync earlier than the moment the key became visible.
        return self._path(key).stat().st_mtime

    def sweep_temporary(self, older_than_seconds: float = 3600, *, dry_run: bool = False) -> int:
        # mtime moves with every chunk written, so a slow upload that is still
        # arriving is never older than the grace period.
        limit = time.time() - older_than_seconds
        removed = 0
        for path in self.temporary_files():
            try:
                if path.stat().st_mtime <= limit:
                    if not dry_run:
                        path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed
