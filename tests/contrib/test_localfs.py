"""The default file store: random keys, hashes, no partial file ever visible."""
from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from oncokind_secondop.adapters import FileTooLarge
from oncokind_secondop.contrib.localfs import LocalFileStore


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


def test_put_returns_key_size_and_sha256(store) -> None:
    data = os.urandom(3 * 1024 * 1024 + 7)
    stored = store.put(io.BytesIO(data))
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert len(stored.key) == 32 and stored.key.isalnum()
    with store.open(stored.key) as fh:
        assert fh.read() == data
    assert list(store.keys()) == [stored.key]


def test_keys_are_random(store) -> None:
    keys = {store.put([b"same bytes"]).key for _ in range(20)}
    assert len(keys) == 20


def test_nothing_visible_until_commit(store) -> None:
    pending = store.begin()
    pending.write(b"half")
    assert list(store.keys()) == []
    assert len(store.temporary_files()) == 1
    stored = pending.commit()
    assert list(store.keys()) == [stored.key]
    assert store.temporary_files() == []


def test_abort_and_errors_leave_nothing(store) -> None:
    pending = store.begin()
    pending.write(b"data")
    pending.abort()
    with pytest.raises(RuntimeError):
        with store.begin() as pending:
            pending.write(b"data")
            raise RuntimeError("client went away")
    assert list(store.keys()) == [] and store.temporary_files() == []


def test_size_limit_stops_the_write_and_cleans_up(store) -> None:
    with pytest.raises(FileTooLarge):
        store.put([b"x" * 10, b"y" * 10], max_size=15)
    assert list(store.keys()) == [] and store.temporary_files() == []
    assert store.put([b"x" * 15], max_size=15).size == 15  # exactly the limit is fine


def test_delete_and_missing_keys(store) -> None:
    stored = store.put([b"bye"])
    store.delete(stored.key)
    store.delete(stored.key)  # twice is fine
    assert not store.exists(stored.key)
    with pytest.raises(FileNotFoundError):
        store.open(stored.key)


@pytest.mark.parametrize("key", ["../secret", "/etc/passwd", "ab/../../x", "", "A" * 32, "0" * 31])
def test_keys_that_are_not_ours_are_never_paths(store, key: str) -> None:
    with pytest.raises(FileNotFoundError):
        store.open(key)
    assert not store.exists(key)


def test_files_are_private_to_the_portal_user(store) -> None:
    stored = store.put([b"private"])
    mode = (store.objects_dir / stored.key[:2] / stored.key).stat().st_mode & 0o777
    assert mode == 0o600


def test_sweep_temporary_removes_abandoned_writes(store) -> None:
    pending = store.begin()
    pending.write(b"abandoned")
    assert store.sweep_temporary(older_than_seconds=3600) == 0
    old = store.temporary_files()[0]
    os.utime(old, (0, 0))
    assert store.sweep_temporary(older_than_seconds=3600) == 1
    assert store.temporary_files() == []
