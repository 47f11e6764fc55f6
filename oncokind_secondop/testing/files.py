"""The FileStore contract kit (see :mod:`oncokind_secondop.testing`)."""
from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path

import pytest

from ..adapters import FileStore, FileTooLarge


class FileStoreContract:
    """What every :class:`~oncokind_secondop.adapters.FileStore` must do."""

    def make_store(self, tmp_path: Path) -> FileStore:
        raise NotImplementedError("return the FileStore under test")

    @pytest.fixture
    def store(self, tmp_path: Path) -> FileStore:
        return self.make_store(tmp_path)

    def test_put_returns_key_size_and_sha256(self, store: FileStore) -> None:
        data = os.urandom(3 * 1024 * 1024 + 7)
        stored = store.put(io.BytesIO(data))
        assert stored.size == len(data)
        assert stored.sha256 == hashlib.sha256(data).hexdigest()
        with store.open(stored.key) as fh:
            assert fh.read() == data
        assert stored.key in set(store.keys())

    def test_keys_are_random_not_derived_from_content(self, store: FileStore) -> None:
        keys = {store.put([b"same bytes"]).key for _ in range(20)}
        assert len(keys) == 20

    def test_nothing_visible_until_commit(self, store: FileStore) -> None:
        before = set(store.keys())
        pending = store.begin()
        pending.write(b"half")
        assert set(store.keys()) == before
        stored = pending.commit()
        assert set(store.keys()) == before | {stored.key}

    def test_abort_and_errors_leave_nothing(self, store: FileStore) -> None:
        before = set(store.keys())
        pending = store.begin()
        pending.write(b"data")
        pending.abort()
        with pytest.raises(RuntimeError):
            with store.begin() as pending:
                pending.write(b"data")
                raise RuntimeError("client went away")
        assert set(store.keys()) == before

    def test_size_limit(self, store: FileStore) -> None:
        before = set(store.keys())
        with pytest.raises(FileTooLarge):
            store.put([b"x" * 10, b"y" * 10], max_size=15)
        assert set(store.keys()) == before
        assert store.put([b"x" * 15], max_size=15).size == 15  # exactly the limit is fine

    def test_delete_is_idempotent(self, store: FileStore) -> None:
        stored = store.put([b"bye"])
        store.delete(stored.key)
        store.delete(stored.key)
        assert not store.exists(stored.key)
        with pytest.raises(FileNotFoundError):
            store.open(stored.key)

    @pytest.mark.parametrize("key", ["../secret", "/etc/passwd", "ab/../../x", ""])
    def test_foreign_keys_are_not_found(self, store: FileStore, key: str) -> None:
        with pytest.raises(FileNotFoundError):
            store.open(key)
        assert not store.exists(key)

    def test_stored_at_is_the_write_time_or_unknown(self, store: FileStore) -> None:
        # The sweeper removes an orphan only once it is older than a grace
        # period; a store that cannot tell answers None (then orphans are
        # removed only with a grace period of 0).
        before = time.time()
        stored = store.put([b"dated"])
        after = time.time()
        written = store.stored_at(stored.key)
        assert written is None or before - 2 <= written <= after + 2
        store.delete(stored.key)
        with pytest.raises(FileNotFoundError):
            store.stored_at(stored.key)
        with pytest.raises(FileNotFoundError):
            store.stored_at("../secret")

    def test_sweep_temporary_spares_writes_in_progress(self, store: FileStore) -> None:
        pending = store.begin()
        pending.write(b"still arriving")
        assert store.sweep_temporary(3600) == 0
        assert store.sweep_temporary(3600, dry_run=True) == 0
        pending.write(b" and more")
        stored = pending.commit()
        with store.open(stored.key) as fh:
            assert fh.read() == b"still arriving and more"
